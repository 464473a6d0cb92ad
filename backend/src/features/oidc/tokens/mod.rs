//! Minting tokens: RFC 9068 access-token JWTs, ID tokens (with `at_hash`/`c_hash`, `auth_time`,
//! `amr`, `nonce` and scope claims) and opaque refresh tokens, each recorded in the store so any
//! instance can check or revoke it.

pub mod bearer;
pub mod claims;

use crate::crypto::jws;
use crate::db::entities::oidc_clients;
use crate::features::oidc::error::OAuthError;
use crate::features::oidc::protocol::client::{access_lifetime, refresh_lifetime};
use crate::features::oidc::store::{self, Kind, NewRow, RequestData, Session};
use crate::features::oidc::tokens::claims::{Profile, scope_claims};
use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use serde_json::{Map, Value, json};

/// ID tokens live one hour (as in Pocket ID; not configurable).
pub const ID_TOKEN_LIFETIME: Duration = Duration::hours(1);
/// Prefix of refresh tokens (recognisable by secret scanners).
pub const REFRESH_PREFIX: &str = "pocket_id_rt_";
/// Prefix of authorization codes.
pub const CODE_PREFIX: &str = "pocket_id_ac_";
/// `type` claim of ID tokens (Pocket ID's; logout checks it).
pub const ID_TOKEN_TYPE: &str = "id-token";

/// Scopes that disclose the user (they add the issuer to the access token audience).
const IDENTITY_SCOPES: &[&str] = &["openid", "profile", "email", "groups"];

/// The token endpoint's success body (RFC 6749 5.1).
#[derive(Debug, Clone, Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    pub scope: String,
}

/// What to mint.
pub struct Grant<'a> {
    pub client: &'a oidc_clients::Model,
    pub scopes: &'a [String],
    pub session: &'a Session,
    /// The user (absent for client credentials).
    pub profile: Option<&'a Profile>,
    pub nonce: Option<&'a str>,
    /// The code being exchanged (for `c_hash`).
    pub code: Option<&'a str>,
    /// The grant family.
    pub family: &'a str,
    pub refresh: bool,
}

fn sign(
    keys: &crate::crypto::keystore::KeySet,
    typ: Option<&str>,
    claims: &Value,
) -> Result<String, OAuthError> {
    jws::encode(&keys.current, typ, claims).map_err(|e| {
        tracing::error!(error = %e, "token signing failed");
        OAuthError::server_error("The token could not be signed")
    })
}

/// The signed tokens of a grant and their claim sets, before they are recorded.
pub struct Minted {
    pub access_token: String,
    pub access_claims: Value,
    pub access_jti: String,
    pub access_exp: DateTime<Utc>,
    /// Only with `openid` for a user.
    pub id_token: Option<(String, Value)>,
    pub id_jti: String,
}

/// Builds and signs the tokens of `grant` (nothing is stored: [`issue`] records them; the
/// admin claims preview shows them).
pub fn mint(
    keys: &crate::crypto::keystore::KeySet,
    issuer: &str,
    grant: &Grant<'_>,
    now: DateTime<Utc>,
) -> Result<Minted, OAuthError> {
    mint_for(keys, issuer, grant, None, now)
}

/// As [`mint`], with the access token for `audience` (an API, RFC 8707) instead of the client.
pub fn mint_for(
    keys: &crate::crypto::keystore::KeySet,
    issuer: &str,
    grant: &Grant<'_>,
    audience: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Minted, OAuthError> {
    let c = grant.client;
    let iat = now.timestamp();
    let scope = grant.scopes.join(" ");
    let subject = match grant.session.subject {
        Some(u) => u.to_string(),
        None => format!("client-{}", c.id),
    };
    let mut aud = vec![json!(audience.unwrap_or(&c.id))];
    if grant.session.subject.is_some()
        && grant
            .scopes
            .iter()
            .any(|s| IDENTITY_SCOPES.contains(&s.as_str()))
    {
        // So the token is accepted at our own userinfo endpoint.
        aud.push(json!(issuer));
    }
    let access_exp = now + access_lifetime(c);
    let access_jti = uuid::Uuid::new_v4().to_string();
    let access_claims = json!({
        "iss": issuer,
        "sub": subject,
        "aud": aud,
        "client_id": c.id,
        "scope": scope,
        "jti": access_jti,
        "iat": iat,
        "exp": access_exp.timestamp(),
    });
    let access_token = sign(keys, Some("at+jwt"), &access_claims)?;

    let mut id_token = None;
    let id_jti = uuid::Uuid::new_v4().to_string();
    if let (Some(profile), true) = (grant.profile, grant.scopes.iter().any(|s| s == "openid")) {
        let alg = keys.current.alg;
        let mut claims: Map<String, Value> = scope_claims(profile, grant.scopes, issuer);
        let s = grant.session;
        for (k, v) in [
            ("iss", json!(issuer)),
            ("sub", json!(subject)),
            ("aud", json!([c.id])),
            ("iat", json!(iat)),
            ("exp", json!((now + ID_TOKEN_LIFETIME).timestamp())),
            ("jti", json!(id_jti)),
            ("rat", json!(s.requested_at)),
            ("auth_time", json!(s.auth_time)),
            ("amr", json!(s.amr)),
            ("at_hash", json!(alg.half_hash(access_token.as_bytes()))),
            ("type", json!(ID_TOKEN_TYPE)),
        ] {
            claims.insert(k.into(), v);
        }
        if let Some(n) = grant.nonce {
            claims.insert("nonce".into(), json!(n));
        }
        if let Some(code) = grant.code {
            claims.insert("c_hash".into(), json!(alg.half_hash(code.as_bytes())));
        }
        let claims = Value::Object(claims);
        id_token = Some((sign(keys, None, &claims)?, claims));
    }
    Ok(Minted {
        access_token,
        access_claims,
        access_jti,
        access_exp,
        id_token,
        id_jti,
    })
}

/// However often a grant is refreshed, its refresh tokens end this long after the user
/// authorized it (the sliding lifetime alone would let a stolen token live forever).
pub const FAMILY_LIFETIME: Duration = Duration::days(365);

/// When a refresh token issued `now` expires: the client's sliding lifetime, but never past
/// [`FAMILY_LIFETIME`] after the authorization (`requested_at`; rows from before it was
/// recorded have none and only slide).
pub fn refresh_expiry(
    c: &oidc_clients::Model,
    session: &Session,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    let sliding = now + refresh_lifetime(c);
    DateTime::from_timestamp(session.requested_at, 0)
        .filter(|_| session.requested_at > 0)
        .map_or(sliding, |authorized| {
            sliding.min(authorized + FAMILY_LIFETIME)
        })
}

/// Mints and records the tokens of `grant`, the access token for `audience` (an API) or,
/// without one, for the client.
pub async fn issue(
    db: &impl ConnectionTrait,
    writes: &crate::db::WriteGate,
    keys: &crate::crypto::keystore::KeySet,
    issuer: &str,
    grant: Grant<'_>,
    audience: Option<&str>,
    now: DateTime<Utc>,
) -> Result<TokenResponse, OAuthError> {
    let c = grant.client;
    let minted = mint_for(keys, issuer, &grant, audience, now)?;
    let data = RequestData {
        client_id: c.id.clone(),
        scopes: grant.scopes.to_vec(),
        session: grant.session.clone(),
        audience: audience.map(str::to_owned),
        ..Default::default()
    };
    let refresh_exp = refresh_expiry(c, grant.session, now);
    let mut rows = vec![NewRow {
        kind: Kind::AccessToken,
        key: minted.access_jti.clone(),
        request_id: grant.family,
        data: &data,
        expires_at: minted.access_exp,
        access_token_id: None,
    }];

    let refresh_token = grant
        .refresh
        .then(|| format!("{REFRESH_PREFIX}{}", crate::crypto::random_token(32)));
    if let Some(rt) = &refresh_token {
        rows.push(NewRow {
            kind: Kind::RefreshToken,
            key: store::secret_key(rt),
            request_id: grant.family,
            data: &data,
            expires_at: refresh_exp,
            access_token_id: Some(&minted.access_jti),
        });
    }

    if minted.id_token.is_some() {
        // Lets RP-initiated logout find this grant from an `id_token_hint`, even an expired one.
        rows.push(NewRow {
            kind: Kind::IdToken,
            key: minted.id_jti.clone(),
            request_id: grant.family,
            data: &data,
            expires_at: if grant.refresh {
                refresh_exp
            } else {
                now + ID_TOKEN_LIFETIME
            },
            access_token_id: None,
        });
    }
    store::insert(db, writes, &rows, now).await?;
    Ok(TokenResponse {
        access_token: minted.access_token,
        token_type: "bearer",
        expires_in: access_lifetime(c).num_seconds(),
        refresh_token,
        id_token: minted.id_token.map(|(t, _)| t),
        scope: grant.scopes.join(" "),
    })
}
