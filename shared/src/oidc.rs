//! The OpenID Connect provider as the SPA sees it: interaction steps (sign in, account choice,
//! reauthentication, consent), the device-code page and public client metadata.

use serde::{Deserialize, Serialize};

/// Public facts about an OIDC client (`GET /api/oidc/clients/{id}/meta`), shown on the consent,
/// device and "My Apps" pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OidcClientMetaDto {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub has_logo: bool,
    pub has_dark_logo: bool,
    #[serde(rename = "launchURL")]
    pub launch_url: Option<String>,
    pub requires_reauthentication: bool,
    /// `standard` or `cimd`.
    pub client_type: String,
}

/// A step of an authorization interaction, in the order the SPA walks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InteractionStep {
    /// Sign in (no session when the authorization request came in).
    Authenticate,
    /// Confirm or switch the signed-in account (`prompt=select_account`).
    SelectAccount,
    /// Prove presence again with a passkey (`prompt=login`, `max_age`, or the client requires it).
    Reauthenticate,
    /// Approve the requested scopes.
    Consent,
}

impl InteractionStep {
    /// The wire name (`authenticate`, `select_account`, `reauthenticate`, `consent`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Authenticate => "authenticate",
            Self::SelectAccount => "select_account",
            Self::Reauthenticate => "reauthenticate",
            Self::Consent => "consent",
        }
    }
}

/// The account an interaction is bound to (after sign-in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InteractionUserDto {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
}

/// Display information of a requested API permission (a custom scope), for consent screens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScopeInfoDto {
    /// The scope (the permission key).
    pub key: String,
    /// The permission's display name.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `GET /api/oidc/interactions/{id}`: a pending authorization request and what remains to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InteractionDto {
    pub id: String,
    pub client: OidcClientMetaDto,
    /// The scopes the client asked for (unknown scopes already removed).
    pub scopes: Vec<String>,
    /// Display names of the API permissions among `scopes` (standard scopes are not listed).
    #[serde(default)]
    pub scope_info: Vec<ScopeInfoDto>,
    /// The first step still to complete; `None` when the request can be resumed.
    pub current_step: Option<InteractionStep>,
    /// Every step still to complete, in order.
    pub required_steps: Vec<InteractionStep>,
    /// The account the request is bound to, once known.
    pub user: Option<InteractionUserDto>,
}

/// `POST /api/oidc/interactions/{id}/complete`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CompleteInteractionRequest {
    /// Must be the interaction's current step.
    pub step: InteractionStep,
}

/// The answer to completing a step: the next state of the interaction, or where to send the
/// browser once nothing remains (`/authorize?interaction=<id>`, or the client's redirect URI
/// carrying `error=access_denied` after a refusal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CompleteInteractionResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interaction: Option<InteractionDto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
}

/// `GET /api/oidc/device/info?code=`: a pending device authorization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeviceCodeInfoDto {
    /// Space-separated scopes the device asked for.
    pub scope: String,
    /// Display names of the API permissions among the scopes.
    #[serde(default)]
    pub scope_info: Vec<ScopeInfoDto>,
    /// True when the user has not yet consented to these scopes for this client.
    pub authorization_required: bool,
    /// True when approving needs a fresh passkey assertion (client setting).
    pub reauthentication_required: bool,
    pub client: OidcClientMetaDto,
}

/// Plain-language description of a standard scope, for consent screens.
pub fn scope_description(scope: &str) -> Option<(&'static str, &'static str)> {
    Some(match scope {
        "openid" => ("Your identity", "Know who you are when you sign in"),
        "profile" => (
            "Your profile",
            "See your name, username and profile picture",
        ),
        "email" => ("Your email address", "See your email address"),
        "groups" => ("Your groups", "See the groups you belong to"),
        "offline_access" => ("Stay signed in", "Keep access while you are away"),
        _ => return None,
    })
}

/// Normalizes a typed device user code: trims, upper-cases, maps `I`→`1` and `O`→`0` (the
/// alphabet has neither letter) and drops spaces and dashes.
pub fn normalize_user_code(input: &str) -> String {
    input
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .map(|c| match c.to_ascii_uppercase() {
            'I' => '1',
            'O' => '0',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_use_pocket_id_names() {
        assert_eq!(
            serde_json::to_value(InteractionStep::SelectAccount).unwrap(),
            "select_account"
        );
        let r: CompleteInteractionRequest =
            serde_json::from_str(r#"{"step":"reauthenticate"}"#).unwrap();
        assert_eq!(r.step, InteractionStep::Reauthenticate);
        assert_eq!(InteractionStep::Consent.as_str(), "consent");
    }

    #[test]
    fn user_codes_are_normalized() {
        assert_eq!(normalize_user_code(" eab-cd i0o "), "EABCD100");
        assert_eq!(normalize_user_code("E1234567"), "E1234567");
    }

    #[test]
    fn client_meta_uses_pocket_id_field_names() {
        let m = OidcClientMetaDto {
            id: "c".into(),
            name: "n".into(),
            description: String::new(),
            has_logo: false,
            has_dark_logo: false,
            launch_url: None,
            requires_reauthentication: false,
            client_type: "standard".into(),
        };
        let v = serde_json::to_value(&m).unwrap();
        assert!(v.get("launchURL").is_some());
        assert!(v.get("hasDarkLogo").is_some());
    }
}
