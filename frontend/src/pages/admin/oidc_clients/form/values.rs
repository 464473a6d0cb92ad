//! The settings form's plain values: what the fields hold, the requests they stand for
//! (checked with `pocket_shared::oidc_client::rules`), a saved client's values, and the labels
//! that name a request field in messages.

use crate::components::form::{FieldErrors, field_message};
use pocket_shared::FieldError;
use pocket_shared::oidc_client::{
    OidcClientCreateRequest, OidcClientCredentialsDto, OidcClientDto,
    OidcClientFederatedIdentityDto, OidcClientUpdateRequest, rules,
};

/// One federated identity row as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FederatedRow {
    pub issuer: String,
    pub subject: String,
    pub audience: String,
    pub jwks: String,
    pub replay_protection: bool,
}

/// The form's values, plain (what [`build_update`] reads).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormValues {
    pub id: String,
    pub name: String,
    pub description: String,
    pub launch_url: String,
    pub callback_urls: Vec<String>,
    pub logout_callback_urls: Vec<String>,
    pub is_public: bool,
    pub pkce_enabled: bool,
    pub requires_reauthentication: bool,
    pub requires_par: bool,
    pub skip_consent: bool,
    pub device_code_enabled: bool,
    pub access_minutes: String,
    pub refresh_minutes: String,
    pub federated: Vec<FederatedRow>,
    pub logo_url: String,
    pub dark_logo_url: String,
}

/// The label of a request field, for messages (`callbackURLs[1]` → "Callback URL 2").
pub fn field_label(field: &str) -> String {
    let indexed = |prefix: &str| {
        field
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('['))
            .and_then(|rest| rest.split(']').next())
            .and_then(|i| i.parse::<usize>().ok())
    };
    if let Some(i) = indexed("callbackURLs") {
        return format!("Callback URL {}", i + 1);
    }
    if let Some(i) = indexed("logoutCallbackURLs") {
        return format!("Logout callback URL {}", i + 1);
    }
    if let Some(rest) = field.strip_prefix("credentials.federatedIdentities[") {
        let part = rest.split_once("].").map_or("", |(_, p)| p);
        return match part {
            "issuer" => "Issuer",
            "subject" => "Subject",
            "audience" => "Audience",
            "jwks" => "JWKS URL",
            _ => "Federated identity",
        }
        .to_owned();
    }
    match field {
        "id" => "Client ID",
        "name" => "Name",
        "description" => "Description",
        "launchURL" => "Launch URL",
        "logoUrl" => "Logo URL",
        "darkLogoUrl" => "Dark logo URL",
        "accessTokenDurationMinutes" => "Access token lifetime",
        "refreshTokenDurationMinutes" => "Refresh token lifetime",
        "callbackURLs" => "Callback URLs",
        "logoutCallbackURLs" => "Logout callback URLs",
        other => other,
    }
    .to_owned()
}

/// Field errors from rule failures, worded with [`field_label`].
pub fn labelled(fields: Vec<FieldError>) -> FieldErrors {
    fields
        .into_iter()
        .map(|f| {
            let message = field_message(&field_label(&f.field), &f.message);
            (f.field, message)
        })
        .collect()
}

/// A lifetime field: empty is the default (`None`); otherwise whole minutes.
fn minutes(field: &str, value: &str, errors: &mut FieldErrors) -> Option<i64> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match value.parse::<i64>() {
        Ok(m) => Some(m),
        Err(_) => {
            errors.insert(
                field.to_owned(),
                field_message(&field_label(field), "must be a whole number of minutes"),
            );
            None
        }
    }
}

/// The update request the values stand for (normalized as the API stores it), or the fields
/// that are wrong. Blank URL rows are dropped.
pub fn build_update(
    values: &FormValues,
    is_group_restricted: bool,
) -> Result<OidcClientUpdateRequest, FieldErrors> {
    let mut errors = FieldErrors::new();
    let urls = |list: &[String]| -> Vec<String> {
        list.iter()
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty())
            .collect()
    };
    let access = minutes(
        "accessTokenDurationMinutes",
        &values.access_minutes,
        &mut errors,
    );
    let refresh = minutes(
        "refreshTokenDurationMinutes",
        &values.refresh_minutes,
        &mut errors,
    );
    let request = OidcClientUpdateRequest {
        name: values.name.clone(),
        description: values.description.clone(),
        callback_urls: urls(&values.callback_urls),
        logout_callback_urls: urls(&values.logout_callback_urls),
        is_public: values.is_public,
        // Public clients must use PKCE.
        pkce_enabled: values.pkce_enabled || values.is_public,
        requires_reauthentication: values.requires_reauthentication,
        requires_pushed_authorization_requests: values.requires_par,
        skip_consent: values.skip_consent,
        device_code_enabled: Some(values.device_code_enabled),
        launch_url: Some(values.launch_url.clone()),
        is_group_restricted,
        credentials: OidcClientCredentialsDto {
            federated_identities: values
                .federated
                .iter()
                .map(|row| OidcClientFederatedIdentityDto {
                    issuer: row.issuer.clone(),
                    subject: Some(row.subject.clone()),
                    audience: Some(row.audience.clone()),
                    jwks: Some(row.jwks.clone()),
                    replay_protection: row.replay_protection,
                })
                .collect(),
            secrets: Vec::new(),
        },
        access_token_duration_minutes: access,
        refresh_token_duration_minutes: refresh,
        logo_url: Some(values.logo_url.clone()),
        dark_logo_url: Some(values.dark_logo_url.clone()),
    }
    .normalized();
    errors.extend(labelled(rules::client_errors(&request)));
    if errors.is_empty() {
        Ok(request)
    } else {
        Err(errors)
    }
}

/// The create request (with the custom id when one was typed), or the fields that are wrong.
pub fn build_create(values: &FormValues) -> Result<OidcClientCreateRequest, FieldErrors> {
    let id = values.id.trim();
    let id = (!id.is_empty()).then(|| id.to_owned());
    let mut errors = FieldErrors::new();
    if let Some(id) = &id
        && let Err(v) = rules::client_id(id)
    {
        errors.insert("id".into(), field_message("Client ID", &v.message));
    }
    match build_update(values, false) {
        Ok(client) if errors.is_empty() => Ok(OidcClientCreateRequest { id, client }),
        Ok(_) => Err(errors),
        Err(more) => {
            errors.extend(more);
            Err(errors)
        }
    }
}

/// The update request that keeps a saved client as it is (for changes made outside the
/// settings form: group restriction, logo URLs).
pub fn unchanged_request(client: &OidcClientDto) -> OidcClientUpdateRequest {
    OidcClientUpdateRequest {
        name: client.name.clone(),
        description: client.description.clone(),
        callback_urls: client.callback_urls.clone(),
        logout_callback_urls: client.logout_callback_urls.clone(),
        is_public: client.is_public,
        pkce_enabled: client.pkce_enabled,
        requires_reauthentication: client.requires_reauthentication,
        requires_pushed_authorization_requests: client.requires_pushed_authorization_requests,
        skip_consent: client.skip_consent,
        device_code_enabled: Some(client.device_code_enabled),
        launch_url: client.launch_url.clone(),
        is_group_restricted: client.is_group_restricted,
        credentials: OidcClientCredentialsDto {
            federated_identities: client.credentials.federated_identities.clone(),
            secrets: Vec::new(),
        },
        access_token_duration_minutes: Some(client.access_token_duration_minutes),
        refresh_token_duration_minutes: Some(client.refresh_token_duration_minutes),
        logo_url: None,
        dark_logo_url: None,
    }
}

/// The values of a saved client.
pub fn values_of(client: &OidcClientDto) -> FormValues {
    FormValues {
        id: client.id.clone(),
        name: client.name.clone(),
        description: client.description.clone(),
        launch_url: client.launch_url.clone().unwrap_or_default(),
        callback_urls: client.callback_urls.clone(),
        logout_callback_urls: client.logout_callback_urls.clone(),
        is_public: client.is_public,
        pkce_enabled: client.pkce_enabled,
        requires_reauthentication: client.requires_reauthentication,
        requires_par: client.requires_pushed_authorization_requests,
        skip_consent: client.skip_consent,
        device_code_enabled: client.device_code_enabled,
        access_minutes: client.access_token_duration_minutes.to_string(),
        refresh_minutes: client.refresh_token_duration_minutes.to_string(),
        federated: client
            .credentials
            .federated_identities
            .iter()
            .map(|fi| FederatedRow {
                issuer: fi.issuer.clone(),
                subject: fi.subject.clone().unwrap_or_default(),
                audience: fi.audience.clone().unwrap_or_default(),
                jwks: fi.jwks.clone().unwrap_or_default(),
                replay_protection: fi.replay_protection,
            })
            .collect(),
        logo_url: String::new(),
        dark_logo_url: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> FormValues {
        FormValues {
            name: " Notes ".into(),
            callback_urls: vec!["https://notes.example/cb".into(), "  ".into()],
            ..Default::default()
        }
    }

    #[test]
    fn requests_are_normalized_and_blank_rows_dropped() {
        let r = build_update(&values(), true).unwrap();
        assert_eq!(r.name, "Notes");
        assert_eq!(r.callback_urls, ["https://notes.example/cb"]);
        assert_eq!(r.launch_url, None);
        assert_eq!(r.logo_url, None);
        assert!(r.is_group_restricted);
        assert_eq!(r.access_token_duration_minutes, None);
    }

    #[test]
    fn public_clients_always_use_pkce() {
        let mut v = values();
        v.is_public = true;
        assert!(build_update(&v, false).unwrap().pkce_enabled);
    }

    #[test]
    fn rule_failures_are_keyed_like_the_api() {
        let mut v = values();
        v.name = String::new();
        v.callback_urls = vec!["https://ok.example/cb".into(), "javascript:alert(1)".into()];
        v.access_minutes = "ten".into();
        v.refresh_minutes = "525601".into();
        v.federated = vec![FederatedRow {
            jwks: "ftp://x".into(),
            ..Default::default()
        }];
        let errors = build_update(&v, false).unwrap_err();
        assert_eq!(errors["name"], "Name is required");
        assert!(errors["callbackURLs[1]"].starts_with("Callback URL 2 "));
        assert_eq!(
            errors["accessTokenDurationMinutes"],
            "Access token lifetime must be a whole number of minutes"
        );
        assert!(errors.contains_key("refreshTokenDurationMinutes"));
        assert_eq!(
            errors["credentials.federatedIdentities[0].issuer"],
            "Issuer is required"
        );
        assert!(errors.contains_key("credentials.federatedIdentities[0].jwks"));
    }

    #[test]
    fn custom_ids_are_checked_on_create() {
        let mut v = values();
        v.id = "bad id".into();
        let errors = build_create(&v).unwrap_err();
        assert!(errors["id"].starts_with("Client ID may only contain"));
        v.id = " notes-app ".into();
        assert_eq!(build_create(&v).unwrap().id.as_deref(), Some("notes-app"));
        v.id = String::new();
        assert_eq!(build_create(&v).unwrap().id, None);
    }

    #[test]
    fn labels_name_list_rows_and_identity_parts() {
        assert_eq!(
            field_label("logoutCallbackURLs[0]"),
            "Logout callback URL 1"
        );
        assert_eq!(
            field_label("credentials.federatedIdentities[3].jwks"),
            "JWKS URL"
        );
        assert_eq!(field_label("launchURL"), "Launch URL");
    }
}
