//! Writing audit events.

use crate::db::entities::audit_logs;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use std::collections::BTreeMap;
use std::net::IpAddr;
use uuid::Uuid;

/// Audit event types (Pocket ID's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditEvent {
    SignIn,
    TokenSignIn,
    PasskeyAdded,
    PasskeyRemoved,
    ClientAuthorization,
    NewClientAuthorization,
    DeviceCodeAuthorization,
    NewDeviceCodeAuthorization,
}

impl AuditEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "SIGN_IN",
            Self::TokenSignIn => "TOKEN_SIGN_IN",
            Self::PasskeyAdded => "PASSKEY_ADDED",
            Self::PasskeyRemoved => "PASSKEY_REMOVED",
            Self::ClientAuthorization => "CLIENT_AUTHORIZATION",
            Self::NewClientAuthorization => "NEW_CLIENT_AUTHORIZATION",
            Self::DeviceCodeAuthorization => "DEVICE_CODE_AUTHORIZATION",
            Self::NewDeviceCodeAuthorization => "NEW_DEVICE_CODE_AUTHORIZATION",
        }
    }
}

/// Who did it, from where.
#[derive(Debug, Clone)]
pub struct Origin {
    pub ip: Option<IpAddr>,
    pub user_agent: String,
}

/// Appends one event for `user_id`.
pub async fn record(
    db: &impl ConnectionTrait,
    event: AuditEvent,
    user_id: Uuid,
    origin: &Origin,
    data: BTreeMap<&str, String>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let data: serde_json::Map<String, serde_json::Value> = data
        .into_iter()
        .map(|(k, v)| (k.to_owned(), serde_json::Value::String(v)))
        .collect();
    audit_logs::ActiveModel {
        id: Set(Uuid::new_v4()),
        created_at: Set(now),
        event: Set(event.as_str().to_owned()),
        ip_address: Set(origin.ip.map(|i| i.to_string())),
        user_agent: Set(Some(origin.user_agent.clone())),
        data: Set(serde_json::Value::Object(data)),
        user_id: Set(Some(user_id)),
        country: Set(None),
        city: Set(None),
    }
    .insert(db)
    .await
    .map(|_| ())
}
