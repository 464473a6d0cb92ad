//! The values every client guide asks to copy: client ID, client secret (a note: it is shown
//! once), and the provider's endpoint URLs as the discovery document states them.

use crate::api;
use crate::components::card::Card;
use crate::components::copy::CopyField;
use crate::components::{error_view::ErrorView, loading::Loading};
use leptos::prelude::*;
use serde_json::Value;

/// The endpoint URLs of the discovery document: (input id, label, URL).
pub fn endpoint_rows(discovery: &Value) -> Vec<(&'static str, &'static str, String)> {
    let get = |key: &str| {
        discovery
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let issuer = get("issuer");
    vec![
        (
            "endpoint-authorization",
            "Authorization URL",
            get("authorization_endpoint"),
        ),
        ("endpoint-token", "Token URL", get("token_endpoint")),
        (
            "endpoint-userinfo",
            "Userinfo URL",
            get("userinfo_endpoint"),
        ),
        ("endpoint-jwks", "Certificate URL (JWKS)", get("jwks_uri")),
        ("endpoint-logout", "Logout URL", get("end_session_endpoint")),
        (
            "endpoint-discovery",
            "OIDC Discovery URL",
            format!(
                "{}/.well-known/openid-configuration",
                issuer.trim_end_matches('/')
            ),
        ),
    ]
}

/// The endpoints card.
#[component]
pub fn EndpointsCard(client_id: String, #[prop(into)] is_public: Signal<bool>) -> impl IntoView {
    let discovery = LocalResource::new(api::oidc_clients::discovery);
    let retry = Callback::new(move |()| discovery.refetch());
    let secret_note = move || {
        if is_public.get() {
            "None: a public client has no secret."
        } else {
            "Shown once, when you create it under Client secrets below."
        }
    };
    view! {
        <Card
            title="Client details"
            testid="client-endpoints"
            hint="Enter these values in the application's OpenID Connect settings."
        >
            <div class="copy-grid">
                <CopyField id="endpoint-client-id" label="Client ID" value=Signal::stored(client_id) />
                <div class="copy-field">
                    <span class="field__label">"Client Secret"</span>
                    <p class="copy-field__note" data-testid="endpoint-client-secret">
                        {secret_note}
                    </p>
                </div>
                <Suspense fallback=|| view! { <Loading /> }>
                    {move || Suspend::new(async move {
                        match discovery.await {
                            Ok(doc) => {
                                endpoint_rows(&doc)
                                    .into_iter()
                                    .map(|(id, label, url)| {
                                        view! { <CopyField id label value=Signal::stored(url) /> }
                                    })
                                    .collect_view()
                                    .into_any()
                            }
                            Err(error) => view! { <ErrorView error on_retry=retry /> }.into_any(),
                        }
                    })}
                </Suspense>
            </div>
        </Card>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_come_from_the_discovery_document() {
        let doc = serde_json::json!({
            "issuer": "https://id.example",
            "authorization_endpoint": "https://id.example/authorize",
            "token_endpoint": "https://id.example/api/oidc/token",
            "userinfo_endpoint": "https://id.example/api/oidc/userinfo",
            "jwks_uri": "https://id.example/.well-known/jwks.json",
            "end_session_endpoint": "https://id.example/api/oidc/end-session",
        });
        let rows = endpoint_rows(&doc);
        let urls: Vec<&str> = rows.iter().map(|(_, _, u)| u.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://id.example/authorize",
                "https://id.example/api/oidc/token",
                "https://id.example/api/oidc/userinfo",
                "https://id.example/.well-known/jwks.json",
                "https://id.example/api/oidc/end-session",
                "https://id.example/.well-known/openid-configuration",
            ]
        );
    }
}
