//! Passkey ceremonies. Each `start` stores its challenge state in `webauthn_sessions` (60 s);
//! each `finish` deletes that row first, and only the request whose delete succeeds continues,
//! so a challenge is used once and any instance can finish what another started.

use super::ceremony::{self, CEREMONY_TIMEOUT};
use super::repo;
use crate::db::entities::{
    reauthentication_tokens, users, webauthn_credentials as creds, webauthn_sessions as sessions,
};
use crate::error::AppError;
use crate::features::app_config::service::AppSettings;
use crate::features::audit_log::geo::Geo;
use crate::features::audit_log::service::{AuditEvent, Origin, record};
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use pocket_shared::{ErrorCode, WebauthnCredentialDto};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};
use serde_json::Value;
use std::collections::BTreeMap;
use uuid::Uuid;
use webauthn_rs::prelude::{
    Credential, CredentialID, DiscoverableAuthentication, Passkey, PasskeyRegistration,
    PublicKeyCredential, RegisterPublicKeyCredential, Webauthn,
};

const REGISTRATION: &str = "registration";
const AUTHENTICATION: &str = "authentication";
/// Lifetime of a reauthentication token.
pub const REAUTHENTICATION_TTL: Duration = Duration::minutes(3);

fn expired_session() -> AppError {
    AppError::coded(
        StatusCode::BAD_REQUEST,
        ErrorCode::InvalidWebauthnSession,
        "Your passkey request has expired",
    )
}

/// The API view of a stored passkey.
pub fn to_dto(c: creds::Model) -> WebauthnCredentialDto {
    WebauthnCredentialDto {
        id: c.id.to_string(),
        name: c.name,
        credential_id: URL_SAFE_NO_PAD.encode(&c.credential_id),
        attestation_type: c.attestation_type,
        transport: serde_json::from_value(c.transport).unwrap_or_default(),
        backup_eligible: c.backup_eligible,
        backup_state: c.backup_state,
        created_at: c.created_at.to_rfc3339(),
    }
}

async fn store_session(
    db: &impl ConnectionTrait,
    kind: &str,
    user_id: Option<Uuid>,
    options: &Value,
    state: Value,
    settings: &AppSettings,
    now: DateTime<Utc>,
) -> Result<Uuid, AppError> {
    let id = Uuid::new_v4();
    let challenge = options
        .pointer("/publicKey/challenge")
        .and_then(Value::as_str)
        .unwrap_or_default();
    sessions::ActiveModel {
        id: Set(id),
        created_at: Set(now),
        challenge: Set(challenge.to_owned()),
        expires_at: Set(now + Duration::from_std(CEREMONY_TIMEOUT).unwrap_or(Duration::seconds(60))),
        user_verification: Set(if settings.webauthn_user_verification_required { "required" } else { "preferred" }.into()),
        credential_params: Set(options.pointer("/publicKey/pubKeyCredParams").cloned().unwrap_or(Value::Array(vec![]))),
        kind: Set(kind.to_owned()),
        user_id: Set(user_id),
        state: Set(state),
    }
    .insert(db)
    .await?;
    Ok(id)
}

/// Takes the session `id` of `kind` out of the store: exactly once, and only while unexpired.
async fn take_session(
    db: &impl ConnectionTrait,
    id: Option<Uuid>,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<sessions::Model, AppError> {
    let id = id.ok_or_else(|| {
        AppError::coded(
            StatusCode::BAD_REQUEST,
            ErrorCode::MissingSessionId,
            "Session ID is missing",
        )
    })?;
    let row = sessions::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(expired_session)?;
    let deleted = sessions::Entity::delete_by_id(id).exec(db).await?;
    if deleted.rows_affected != 1 || row.kind != kind || row.expires_at <= now {
        return Err(expired_session());
    }
    Ok(row)
}

/// Starts registering a passkey for `user`, excluding the ones they have. Returns the options
/// for the browser and the session id for the cookie.
pub async fn start_registration(
    db: &impl ConnectionTrait,
    rp: &Webauthn,
    settings: &AppSettings,
    user: &users::Model,
    now: DateTime<Utc>,
) -> Result<(Value, Uuid), AppError> {
    let existing = repo::list(db, user.id).await?;
    let exclude: Vec<CredentialID> = existing
        .into_iter()
        .map(|c| CredentialID::from(c.credential_id))
        .collect();
    let display = if user.display_name.is_empty() {
        &user.username
    } else {
        &user.display_name
    };
    let (ccr, reg) = rp
        .start_passkey_registration(user.id, &user.username, display, Some(exclude))
        .map_err(AppError::internal)?;
    let mut options = serde_json::to_value(&ccr).map_err(AppError::internal)?;
    ceremony::adjust_creation_options(&mut options, settings);
    let mut state = serde_json::to_value(&reg).map_err(AppError::internal)?;
    ceremony::adjust_state_policy(&mut state, settings);
    let id = store_session(
        db,
        REGISTRATION,
        Some(user.id),
        &options,
        state,
        settings,
        now,
    )
    .await?;
    Ok((options, id))
}

/// Verifies the browser's attestation and stores the new passkey.
pub async fn finish_registration(
    db: &impl ConnectionTrait,
    rp: &Webauthn,
    settings: &AppSettings,
    user: &users::Model,
    session_id: Option<Uuid>,
    response: &RegisterPublicKeyCredential,
    now: DateTime<Utc>,
) -> Result<creds::Model, AppError> {
    let session = take_session(db, session_id, REGISTRATION, now).await?;
    if session.user_id != Some(user.id) {
        return Err(expired_session());
    }
    let state: PasskeyRegistration =
        serde_json::from_value(session.state).map_err(AppError::internal)?;
    let passkey = rp
        .finish_passkey_registration(response, &state)
        .map_err(|e| ceremony::ceremony_error(e, false))?;
    let cred = Credential::from(passkey.clone());
    if !settings.webauthn_allow_synced_passkeys && cred.backup_eligible {
        return Err(AppError::coded(
            StatusCode::BAD_REQUEST,
            ErrorCode::SyncedPasskeyNotAllowed,
            "Synced passkeys are not allowed",
        ));
    }
    let attested = ceremony::attested_data(response.response.attestation_object.as_ref());
    let name = attested
        .as_ref()
        .map(|a| ceremony::passkey_name(&a.aaguid))
        .unwrap_or_else(|| "New Passkey".into());
    let transports: Vec<String> = response
        .response
        .transports
        .iter()
        .flatten()
        .filter_map(|t| {
            serde_json::to_value(t)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
        })
        .collect();
    creds::ActiveModel {
        id: Set(Uuid::new_v4()),
        created_at: Set(now),
        name: Set(name),
        credential_id: Set(cred.cred_id.to_vec()),
        public_key: Set(attested
            .as_ref()
            .map(|a| a.cose_key.clone())
            .unwrap_or_default()),
        attestation_type: Set(attested.map(|a| a.fmt).unwrap_or_else(|| "none".into())),
        transport: Set(serde_json::json!(transports)),
        user_id: Set(Some(user.id)),
        backup_eligible: Set(cred.backup_eligible),
        backup_state: Set(cred.backup_state),
        passkey: Set(Some(
            serde_json::to_value(&passkey).map_err(AppError::internal)?,
        )),
        last_used_at: Set(None),
    }
    .insert(db)
    .await
    .map_err(AppError::in_use("passkey"))
}

/// Starts a usernameless sign-in (no allowCredentials: the authenticator offers its passkeys).
pub async fn start_authentication(
    db: &impl ConnectionTrait,
    rp: &Webauthn,
    settings: &AppSettings,
    now: DateTime<Utc>,
) -> Result<(Value, Uuid), AppError> {
    let (rcr, auth) = rp
        .start_discoverable_authentication()
        .map_err(AppError::internal)?;
    let mut options = serde_json::to_value(&rcr).map_err(AppError::internal)?;
    ceremony::adjust_request_options(&mut options, settings);
    let mut state = serde_json::to_value(&auth).map_err(AppError::internal)?;
    ceremony::adjust_state_policy(&mut state, settings);
    let id = store_session(db, AUTHENTICATION, None, &options, state, settings, now).await?;
    Ok((options, id))
}

/// Verifies an assertion from a discoverable credential: the user it belongs to, once, with an
/// advanced signature counter. A disabled user is refused (403).
pub async fn finish_authentication(
    db: &impl ConnectionTrait,
    rp: &Webauthn,
    session_id: Option<Uuid>,
    assertion: &PublicKeyCredential,
    now: DateTime<Utc>,
) -> Result<users::Model, AppError> {
    let session = take_session(db, session_id, AUTHENTICATION, now).await?;
    let state: DiscoverableAuthentication =
        serde_json::from_value(session.state).map_err(AppError::internal)?;
    let failed = || {
        AppError::coded(
            StatusCode::UNAUTHORIZED,
            ErrorCode::WebauthnAuthenticationFailed,
            "We couldn't verify your passkey",
        )
    };
    let (user_id, cred_id) = rp
        .identify_discoverable_authentication(assertion)
        .map_err(|_| failed())?;
    let Some(stored) = repo::find_by_credential_id(db, cred_id).await? else {
        return Err(AppError::coded(
            StatusCode::UNAUTHORIZED,
            ErrorCode::WebauthnAuthenticationFailed,
            "This passkey is not registered here",
        ));
    };
    // The user handle is not signed: it must name the credential's owner.
    if stored.user_id != Some(user_id) {
        return Err(failed());
    }
    let user = crate::features::users::repo::find(db, user_id)
        .await?
        .ok_or_else(failed)?;
    if user.disabled {
        return Err(crate::auth::user_disabled());
    }
    let mut passkey: Passkey = stored
        .passkey
        .clone()
        .and_then(|v| serde_json::from_value(v).ok())
        .ok_or_else(failed)?;
    let result = rp
        .finish_discoverable_authentication_v2(assertion, state, Credential::from(passkey.clone()))
        .map_err(|e| ceremony::ceremony_error(e, true))?;
    passkey.update_credential(&result);
    let mut active: creds::ActiveModel = stored.into();
    active.passkey = Set(Some(
        serde_json::to_value(&passkey).map_err(AppError::internal)?,
    ));
    active.backup_state = Set(result.backup_state());
    active.last_used_at = Set(Some(now));
    active.update(db).await?;
    Ok(user)
}

/// Verifies an assertion by one of `user`'s passkeys (reauthentication).
pub async fn verify_user_assertion(
    db: &impl ConnectionTrait,
    rp: &Webauthn,
    user: &users::Model,
    session_id: Option<Uuid>,
    assertion: &PublicKeyCredential,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let signed_in = finish_authentication(db, rp, session_id, assertion, now).await?;
    if signed_in.id != user.id {
        return Err(AppError::coded(
            StatusCode::UNAUTHORIZED,
            ErrorCode::WebauthnAuthenticationFailed,
            "This passkey belongs to another account",
        ));
    }
    Ok(())
}

/// Issues a reauthentication token for `user` (3 minutes); returns the token for the cookie.
pub async fn issue_reauthentication_token(
    db: &impl ConnectionTrait,
    user: Uuid,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let token = crate::crypto::random_from(
        b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        32,
    );
    reauthentication_tokens::ActiveModel {
        id: Set(Uuid::new_v4().to_string()),
        created_at: Set(now),
        token: Set(crate::crypto::hash_token(&token)),
        expires_at: Set(now + REAUTHENTICATION_TTL),
        user_id: Set(user),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Uses up `user`'s reauthentication token (from the cookie); true when it was valid. Only the
/// request whose delete removes the row succeeds, so a token proves presence once.
pub async fn consume_reauthentication_token(
    db: &impl ConnectionTrait,
    token: Option<&str>,
    user: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let Some(token) = token else {
        return Ok(false);
    };
    let deleted = reauthentication_tokens::Entity::delete_many()
        .filter(reauthentication_tokens::Column::Token.eq(crate::crypto::hash_token(token)))
        .filter(reauthentication_tokens::Column::UserId.eq(user))
        .filter(reauthentication_tokens::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?
        .rows_affected;
    Ok(deleted == 1)
}

/// The user's passkeys, oldest first.
pub async fn list(db: &impl ConnectionTrait, user: Uuid) -> Result<Vec<creds::Model>, AppError> {
    Ok(repo::list(db, user).await?)
}

/// One of the user's passkeys (404 for anyone else's).
pub async fn find_own(
    db: &impl ConnectionTrait,
    user: Uuid,
    id: Uuid,
) -> Result<creds::Model, AppError> {
    repo::find_owned(db, user, id)
        .await?
        .ok_or(AppError::NotFound("Passkey"))
}

/// Renames one of the user's passkeys (1–50 characters, trimmed).
pub async fn rename(
    db: &impl ConnectionTrait,
    user: Uuid,
    id: Uuid,
    name: &str,
) -> Result<creds::Model, AppError> {
    let name = name.trim().to_owned();
    pocket_shared::user::rules::passkey_name(&name)
        .map_err(|m| AppError::field("name", "invalid", m))?;
    let cred = find_own(db, user, id).await?;
    Ok(repo::rename(db, cred, name).await?)
}

/// Who removes a passkey: its owner, or an administrator (named in the audit record), each
/// with the session the request came with when it is the passkey owner's (`None` with an API
/// key, or for an administrator acting on someone else): that session stays signed in.
pub enum Remover<'a> {
    Owner(Option<Uuid>),
    Admin(&'a users::Model, Option<Uuid>),
}

/// Deletes one of the user's passkeys and records `PASSKEY_REMOVED`, in one transaction: the
/// one delete of both the self-service and the admin path. 404 for anyone else's passkey.
pub async fn remove<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    geo: &Geo,
    user: Uuid,
    id: Uuid,
    by: Remover<'_>,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let txn = db.begin().await?;
    let cred = find_own(&txn, user, id).await?;
    if repo::delete(&txn, cred.id).await? == 0 {
        // A concurrent request removed it first.
        return Err(AppError::NotFound("Passkey"));
    }
    let mut data = BTreeMap::from([
        ("credentialID", hex::encode(&cred.credential_id)),
        ("passkeyName", cred.name),
    ]);
    if let Remover::Admin(actor, _) = &by {
        data.insert("actorUserID", actor.id.to_string());
        data.insert("actorUsername", actor.username.clone());
    }
    record(
        &txn,
        geo,
        AuditEvent::PasskeyRemoved,
        user,
        origin,
        data,
        now,
    )
    .await?;
    // Whoever signed in with a copied cookie, or with this passkey, is signed out: every session
    // of the user ends but the one making the change.
    let keep = match by {
        Remover::Owner(sid) | Remover::Admin(_, sid) => sid,
    };
    crate::features::sessions::service::end_all(&txn, user, keep).await?;
    txn.commit().await?;
    Ok(())
}
