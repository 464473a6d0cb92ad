//! Audit log entries as the API shows them (a user's own log and the admin-wide log), the event
//! vocabulary and the values of the admin filters.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An audit event type (Pocket ID's names, written in `audit_logs.event`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AuditEvent {
    /// Signed in with a passkey.
    SignIn,
    /// Signed in with a login code.
    TokenSignIn,
    /// Signed in from another device (QR / device login).
    RemoteSignIn,
    /// Created the account through signup.
    AccountCreated,
    ClientAuthorization,
    NewClientAuthorization,
    DeviceCodeAuthorization,
    NewDeviceCodeAuthorization,
    PasskeyAdded,
    PasskeyRemoved,
}

impl AuditEvent {
    /// Every event type, in Pocket ID's order.
    pub const ALL: [AuditEvent; 10] = [
        Self::SignIn,
        Self::TokenSignIn,
        Self::RemoteSignIn,
        Self::AccountCreated,
        Self::ClientAuthorization,
        Self::NewClientAuthorization,
        Self::DeviceCodeAuthorization,
        Self::NewDeviceCodeAuthorization,
        Self::PasskeyAdded,
        Self::PasskeyRemoved,
    ];

    /// The stored and transmitted name, e.g. `SIGN_IN`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "SIGN_IN",
            Self::TokenSignIn => "TOKEN_SIGN_IN",
            Self::RemoteSignIn => "REMOTE_SIGN_IN",
            Self::AccountCreated => "ACCOUNT_CREATED",
            Self::ClientAuthorization => "CLIENT_AUTHORIZATION",
            Self::NewClientAuthorization => "NEW_CLIENT_AUTHORIZATION",
            Self::DeviceCodeAuthorization => "DEVICE_CODE_AUTHORIZATION",
            Self::NewDeviceCodeAuthorization => "NEW_DEVICE_CODE_AUTHORIZATION",
            Self::PasskeyAdded => "PASSKEY_ADDED",
            Self::PasskeyRemoved => "PASSKEY_REMOVED",
        }
    }

    /// The event named `name` (exact, upper case), if it is one.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == name)
    }
}

impl std::fmt::Display for AuditEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The country written for private addresses (city `LAN`, `Tailscale` or `localhost`); the
/// admin filter `filters[location]=internal` selects exactly these rows.
pub const INTERNAL_NETWORK_COUNTRY: &str = "Internal Network";

/// One audit log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditLogDto {
    pub id: String,
    /// RFC 3339.
    pub created_at: String,
    /// Event type such as `SIGN_IN` (see [`AuditEvent`]); rows from older versions may carry
    /// other names, so this stays a string.
    pub event: String,
    /// The client address as seen through trusted proxies; `null` when unknown.
    pub ip_address: Option<String>,
    /// English country name from the GeoLite2 database, `Internal Network` for private
    /// addresses; `null` when unknown.
    pub country: Option<String>,
    /// English city name, or `LAN` / `Tailscale` / `localhost` for private addresses.
    pub city: Option<String>,
    /// `<browser> on <OS> <version>`, parsed from the user agent.
    pub device: String,
    pub user_agent: Option<String>,
    /// Event details: `clientName`, `credentialID`, `passkeyName`, `actorUserID`, ...
    pub data: BTreeMap<String, String>,
    /// Spelled `userID` as in Pocket ID.
    #[serde(rename = "userID", alias = "userId")]
    pub user_id: Option<String>,
    /// The user's username (admin-wide list only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The username of `data.actorUserID` when the entry names an actor (admin-wide list only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_username: Option<String>,
}

/// `GET /api/audit-logs` and `GET /api/audit-logs/all`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditLogListResponse {
    pub data: Vec<AuditLogDto>,
    pub pagination: crate::pagination::Pagination,
}

/// `filters[location]` of the admin-wide list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum AuditLogLocation {
    /// Private addresses (country [`INTERNAL_NETWORK_COUNTRY`]).
    Internal,
    /// Everything else, including rows without a known location.
    External,
}

/// `GET /api/audit-logs/filters/users`: user id → username of every user with entries.
pub type AuditLogUsers = BTreeMap<String, String>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_names_round_trip() {
        for e in AuditEvent::ALL {
            assert_eq!(AuditEvent::parse(e.as_str()), Some(e));
        }
        assert_eq!(AuditEvent::parse("sign_in"), None);
        assert_eq!(AuditEvent::RemoteSignIn.to_string(), "REMOTE_SIGN_IN");
    }

    #[test]
    fn absent_usernames_are_omitted() {
        let dto = AuditLogDto {
            id: "1".into(),
            created_at: "2027-01-15T08:00:00+00:00".into(),
            event: "SIGN_IN".into(),
            ip_address: None,
            country: None,
            city: None,
            device: "Firefox on Linux".into(),
            user_agent: None,
            data: BTreeMap::new(),
            user_id: Some("u".into()),
            username: None,
            actor_username: None,
        };
        let json = serde_json::to_value(&dto).unwrap();
        assert!(json.get("username").is_none());
        assert_eq!(json["ipAddress"], serde_json::Value::Null);
        assert_eq!(json["userID"], "u");
    }
}
