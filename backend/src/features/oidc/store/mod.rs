//! The feature's storage: every query of the provider's own tables is here. This module holds
//! the protocol artefacts; `consents`, `interactions` and `jtis` the rest.
//!
//! Every protocol artefact lives in `oauth2_sessions`, so any instance can serve any step:
//! codes, refresh tokens, PAR requests, device codes (keyed by a SHA-256 of the secret) and
//! access/ID tokens (keyed by their `jti`, to revoke them). Rows of one authorization share a
//! `request_id` (the grant family), which is what reuse detection and logout revoke.

pub mod consents;
pub mod interactions;
pub mod jtis;

use crate::crypto::hash_token;
use crate::db::WriteGate;
use crate::db::entities::oauth2_sessions as rows;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a row holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    AuthorizeCode,
    AccessToken,
    RefreshToken,
    IdToken,
    Par,
    DeviceCode,
    UserCode,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AuthorizeCode => "authorize_code",
            Self::AccessToken => "access_token",
            Self::RefreshToken => "refresh_token",
            Self::IdToken => "openid",
            Self::Par => "par",
            Self::DeviceCode => "device_code",
            Self::UserCode => "user_code",
        }
    }
}

/// Who authorized what: the signed-in session behind a grant.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The user (absent for client credentials).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Uuid>,
    /// When the user authenticated (Unix seconds).
    #[serde(default)]
    pub auth_time: i64,
    #[serde(default)]
    pub amr: Vec<String>,
    /// When the authorization was requested (Unix seconds).
    #[serde(default)]
    pub requested_at: i64,
}

/// The JSON of a row (`request_data`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestData {
    pub client_id: String,
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub session: Session,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_challenge: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_challenge_method: Option<String>,
    /// The API (RFC 8707 resource) the grant's access tokens are for; `None`: the client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    /// Kind-specific extras (PAR parameters, device-code state).
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub extra: serde_json::Value,
}

/// The device code's progress, kept in its row.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DeviceState {
    /// `pending`, `approved` or `denied`.
    pub status: String,
    pub interval: i64,
    /// Unix seconds of the last poll.
    pub last_poll: i64,
}

impl DeviceState {
    pub fn from(data: &RequestData) -> Self {
        serde_json::from_value(data.extra.clone()).unwrap_or_default()
    }
}

/// A row to insert.
pub struct NewRow<'a> {
    pub kind: Kind,
    /// The secret (hashed before storage) or the token id.
    pub key: String,
    pub request_id: &'a str,
    pub data: &'a RequestData,
    pub expires_at: DateTime<Utc>,
    /// For refresh tokens: the `jti` of the access token issued with it.
    pub access_token_id: Option<&'a str>,
}

/// The storage key of a secret token.
pub fn secret_key(token: &str) -> String {
    hash_token(token)
}

fn active_model(row: &NewRow<'_>, now: DateTime<Utc>) -> rows::ActiveModel {
    rows::ActiveModel {
        id: Set(Uuid::new_v4()),
        created_at: Set(now),
        kind: Set(row.kind.as_str().to_owned()),
        key: Set(row.key.clone()),
        request_id: Set(row.request_id.to_owned()),
        client_id: Set(row.data.client_id.clone()),
        access_token_signature: Set(row.access_token_id.unwrap_or("").to_owned()),
        active: Set(true),
        request_data: Set(serde_json::to_value(row.data).unwrap_or_default()),
        expires_at: Set(Some(row.expires_at)),
    }
}

/// Inserts rows in one statement. Every write here goes through `writes` (on SQLite, one at
/// a time; see [`WriteGate`]).
pub async fn insert(
    db: &impl ConnectionTrait,
    writes: &WriteGate,
    new: &[NewRow<'_>],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if new.is_empty() {
        return Ok(());
    }
    let models: Vec<_> = new.iter().map(|r| active_model(r, now)).collect();
    writes
        .write(rows::Entity::insert_many(models).exec(db))
        .await
        .map(|_| ())
}

/// A stored row with its parsed data.
#[derive(Debug, Clone)]
pub struct Stored {
    pub row: rows::Model,
    pub data: RequestData,
}

impl Stored {
    pub fn from_row(row: rows::Model) -> Self {
        let data = serde_json::from_value(row.request_data.clone()).unwrap_or_default();
        Self { row, data }
    }

    /// Past `expires_at` at `now`.
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        self.row.expires_at.is_some_and(|e| e <= now)
    }
}

/// The row of `kind` with storage key `key`.
pub async fn find(
    db: &impl ConnectionTrait,
    kind: Kind,
    key: &str,
) -> Result<Option<Stored>, DbErr> {
    Ok(rows::Entity::find()
        .filter(rows::Column::Kind.eq(kind.as_str()))
        .filter(rows::Column::Key.eq(key))
        .one(db)
        .await?
        .map(Stored::from_row))
}

/// The row of `kind` in the grant family `request_id` (the device code behind a user code).
pub async fn find_in_family(
    db: &impl ConnectionTrait,
    kind: Kind,
    request_id: &str,
) -> Result<Option<Stored>, DbErr> {
    Ok(rows::Entity::find()
        .filter(rows::Column::Kind.eq(kind.as_str()))
        .filter(rows::Column::RequestId.eq(request_id))
        .one(db)
        .await?
        .map(Stored::from_row))
}

/// Outcome of using a single-use row.
pub enum Use {
    /// This caller deactivated it: it is theirs to redeem.
    First(Stored),
    /// It had been used before (a replay).
    Again(Stored),
    Missing,
}

/// Deactivates a single-use row; only one caller among concurrent ones gets [`Use::First`]
/// (the conditional update is atomic on both engines).
pub async fn use_once(
    db: &impl ConnectionTrait,
    writes: &WriteGate,
    kind: Kind,
    key: &str,
) -> Result<Use, DbErr> {
    let update = rows::Entity::update_many()
        .col_expr(rows::Column::Active, Expr::value(false))
        .filter(rows::Column::Kind.eq(kind.as_str()))
        .filter(rows::Column::Key.eq(key))
        .filter(rows::Column::Active.eq(true));
    let updated = writes.write(update.exec(db)).await?.rows_affected;
    Ok(match (updated, find(db, kind, key).await?) {
        (1, Some(s)) => Use::First(s),
        (_, Some(s)) => Use::Again(s),
        (_, None) => Use::Missing,
    })
}

/// Revokes a whole grant family: deletes its access and ID token rows, deactivates its refresh
/// tokens (kept until expiry, so a later reuse is recognised) and codes. Returns rows touched.
pub async fn revoke_family(
    db: &impl ConnectionTrait,
    writes: &WriteGate,
    request_id: &str,
) -> Result<u64, DbErr> {
    let delete = rows::Entity::delete_many()
        .filter(rows::Column::RequestId.eq(request_id))
        .filter(rows::Column::Kind.is_in([Kind::AccessToken.as_str(), Kind::IdToken.as_str()]));
    let deleted = writes.write(delete.exec(db)).await?.rows_affected;
    let deactivate = rows::Entity::update_many()
        .col_expr(rows::Column::Active, Expr::value(false))
        .filter(rows::Column::RequestId.eq(request_id))
        .filter(rows::Column::Active.eq(true));
    let deactivated = writes.write(deactivate.exec(db)).await?.rows_affected;
    Ok(deleted + deactivated)
}

/// Deletes one row.
pub async fn delete(
    db: &impl ConnectionTrait,
    writes: &WriteGate,
    kind: Kind,
    key: &str,
) -> Result<u64, DbErr> {
    let delete = rows::Entity::delete_many()
        .filter(rows::Column::Kind.eq(kind.as_str()))
        .filter(rows::Column::Key.eq(key));
    Ok(writes.write(delete.exec(db)).await?.rows_affected)
}

/// Replaces a row's data (device-code approval).
pub async fn update_data(
    db: &impl ConnectionTrait,
    writes: &WriteGate,
    id: Uuid,
    data: &RequestData,
) -> Result<(), DbErr> {
    let update = rows::Entity::update_many()
        .col_expr(
            rows::Column::RequestData,
            Expr::value(serde_json::to_value(data).unwrap_or_default()),
        )
        .filter(rows::Column::Id.eq(id));
    writes.write(update.exec(db)).await.map(|_| ())
}
