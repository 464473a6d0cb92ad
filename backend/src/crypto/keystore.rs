//! The signing keys of this provider, kept in the database (`kv` rows `signing_key/...`,
//! AES-GCM-encrypted under a key derived from `ENCRYPTION_KEY`) so every instance signs with the
//! same key. One key is current; a rotated-out key stays published in the JWKS (and accepted for
//! our own tokens) until every token it signed has expired. Running servers reload the set
//! periodically, so a rotation by the CLI needs no restart and signs nobody out.

use super::aead::Sealer;
use super::keys::{Alg, KeyError, SigningKey};
use crate::db::entities::{kv, oidc_clients};
use axum::body::Bytes;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, Set,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, RwLock};

/// `kv` key prefix of the stored keys.
const PREFIX: &str = "signing_key/";
/// Encryption purpose (also the AAD) of stored keys.
const PURPOSE: &str = "pocket-id/signing-key/v1";
/// ID tokens live one hour; a retired key stays published at least that long.
const ID_TOKEN_LIFETIME: Duration = Duration::hours(1);
/// Extra time a retired key stays published, for clock skew and caches.
const GRACE: Duration = Duration::minutes(5);

#[derive(Debug, thiserror::Error)]
pub enum KeyStoreError {
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Seal(#[from] super::aead::SetupError),
    #[error("signing key {0}: {1}")]
    Stored(String, String),
    #[error("no signing key is stored")]
    Empty,
}

/// A key as stored (inside the encrypted value).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredKey {
    kid: String,
    alg: String,
    pkcs8: String,
    created_at: i64,
    /// When it stopped being the current key.
    #[serde(default)]
    retired_at: Option<i64>,
    /// Until when the retired key stays published.
    #[serde(default)]
    publish_until: Option<i64>,
}

struct Entry {
    stored: StoredKey,
    key: Arc<SigningKey>,
}

/// The keys in use at one moment.
pub struct KeySet {
    /// Signs new tokens.
    pub current: Arc<SigningKey>,
    /// Verify our own tokens: the current key first, then still-published retired keys.
    pub published: Vec<Arc<SigningKey>>,
    /// `/.well-known/jwks.json`, serialized once.
    pub jwks: Bytes,
}

impl KeySet {
    /// The published keys as references (for [`super::jws::verify`]).
    pub fn verifying(&self) -> impl Iterator<Item = &SigningKey> {
        self.published.iter().map(|k| k.as_ref())
    }
}

/// Rows last read (key, sealed value) and their decrypted keys.
type Cache = (Vec<(String, String)>, Vec<Entry>);

/// Holds the current key set and reloads it from the database.
pub struct KeyStore {
    sealer: Sealer,
    set: RwLock<Arc<KeySet>>,
    /// The rows last read and their decrypted keys, to skip decrypting when nothing changed.
    cache: tokio::sync::Mutex<Cache>,
}

fn decode(sealer: &Sealer, key: &str, value: &str) -> Result<Entry, KeyStoreError> {
    let bad = |why: String| KeyStoreError::Stored(key.to_owned(), why);
    let plain = sealer.open(value).map_err(|e| bad(e.to_string()))?;
    let stored: StoredKey = serde_json::from_slice(&plain).map_err(|e| bad(e.to_string()))?;
    let alg: Alg = stored.alg.parse().map_err(bad)?;
    let der = STANDARD
        .decode(&stored.pkcs8)
        .map_err(|e| bad(e.to_string()))?;
    let key = SigningKey::from_pkcs8(stored.kid.clone(), alg, &der)?;
    Ok(Entry {
        stored,
        key: Arc::new(key),
    })
}

fn seal(sealer: &Sealer, stored: &StoredKey) -> String {
    sealer.seal(&serde_json::to_vec(stored).unwrap_or_default())
}

fn stored_for(key: &SigningKey, now: DateTime<Utc>) -> Result<StoredKey, KeyError> {
    Ok(StoredKey {
        kid: key.kid.clone(),
        alg: key.alg.as_str().to_owned(),
        pkcs8: STANDARD.encode(key.to_pkcs8()?),
        created_at: now.timestamp(),
        retired_at: None,
        publish_until: None,
    })
}

async fn rows(db: &impl ConnectionTrait) -> Result<Vec<kv::Model>, DbErr> {
    kv::Entity::find()
        .filter(kv::Column::Key.starts_with(PREFIX))
        .all(db)
        .await
}

/// The stored rows as (key, sealed value), sorted, so two reads compare equal when unchanged.
async fn sorted_rows(db: &impl ConnectionTrait) -> Result<Vec<(String, String)>, DbErr> {
    let mut found: Vec<(String, String)> = rows(db)
        .await?
        .into_iter()
        .map(|r| (r.key, r.value))
        .collect();
    found.sort();
    Ok(found)
}

/// Decrypts every row.
fn decode_all(sealer: &Sealer, found: &[(String, String)]) -> Result<Vec<Entry>, KeyStoreError> {
    found.iter().map(|(k, v)| decode(sealer, k, v)).collect()
}

fn build(entries: &[Entry], now: DateTime<Utc>) -> Result<KeySet, KeyStoreError> {
    let current = entries
        .iter()
        .filter(|e| e.stored.retired_at.is_none())
        .max_by(|a, b| {
            (a.stored.created_at, &a.stored.kid).cmp(&(b.stored.created_at, &b.stored.kid))
        })
        .ok_or(KeyStoreError::Empty)?;
    let mut published = vec![current.key.clone()];
    let mut retired: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.stored.retired_at.is_some())
        .filter(|e| e.stored.publish_until.is_some_and(|u| u > now.timestamp()))
        .collect();
    retired.sort_by_key(|e| std::cmp::Reverse(e.stored.retired_at));
    published.extend(retired.into_iter().map(|e| e.key.clone()));
    let jwks = serde_json::json!({
        "keys": published.iter().map(|k| k.public_jwk()).collect::<Vec<_>>()
    });
    Ok(KeySet {
        current: current.key.clone(),
        published,
        jwks: Bytes::from(jwks.to_string()),
    })
}

impl KeyStore {
    /// Loads the keys, creating the first one (RS256, RSA-2048) when none is stored. Several
    /// instances starting at once agree: only one insert of the initial key wins.
    pub async fn open(
        db: &impl ConnectionTrait,
        master_key: &str,
        now: DateTime<Utc>,
    ) -> Result<Self, KeyStoreError> {
        let sealer = Sealer::new(master_key, PURPOSE)?;
        let mut found = sorted_rows(db).await?;
        if found.is_empty() {
            let key = SigningKey::generate(Alg::RS256, None)?;
            let value = seal(&sealer, &stored_for(&key, now)?);
            kv::Entity::insert(kv::ActiveModel {
                key: Set(format!("{PREFIX}initial")),
                value: Set(value),
            })
            .on_conflict_do_nothing_on([kv::Column::Key])
            .exec(db)
            .await?;
            tracing::info!("generated the first signing key (RS256, RSA-2048)");
            // Read back: another instance's insert may have won.
            found = sorted_rows(db).await?;
        }
        let entries = decode_all(&sealer, &found)?;
        let set = build(&entries, now)?;
        Ok(Self {
            sealer,
            set: RwLock::new(Arc::new(set)),
            cache: tokio::sync::Mutex::new((found, entries)),
        })
    }

    /// The keys to use now.
    pub fn get(&self) -> Arc<KeySet> {
        self.set
            .read()
            .map(|s| s.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    /// Re-reads the stored keys (cheap when nothing changed); true when the set changed.
    pub async fn refresh(
        &self,
        db: &impl ConnectionTrait,
        now: DateTime<Utc>,
    ) -> Result<bool, KeyStoreError> {
        self.reload(db, now).await
    }

    async fn reload(
        &self,
        db: &impl ConnectionTrait,
        now: DateTime<Utc>,
    ) -> Result<bool, KeyStoreError> {
        let found = sorted_rows(db).await?;
        let mut cache = self.cache.lock().await;
        if cache.0 != found {
            let entries = decode_all(&self.sealer, &found)?;
            *cache = (found, entries);
        }
        // Rebuilt even when no row changed: a retired key's publication window may have closed.
        let set = build(&cache.1, now)?;
        let old = self.get();
        let kids = |s: &KeySet| {
            s.published
                .iter()
                .map(|k| k.kid.clone())
                .collect::<Vec<_>>()
        };
        let changed = kids(&set) != kids(&old);
        if changed && let Ok(mut s) = self.set.write() {
            *s = Arc::new(set);
        }
        Ok(changed)
    }
}

/// Replaces the current key with a new `alg` key (RSA: `rsa_bits`). The old key stays
/// published until the longest-lived token it may have signed has expired (the longest access
/// token lifetime of any client, at least the ID token's hour). Returns the new key id.
pub async fn rotate(
    db: &sea_orm::DatabaseConnection,
    master_key: &str,
    alg: Alg,
    rsa_bits: Option<u32>,
    now: DateTime<Utc>,
) -> Result<String, KeyStoreError> {
    let sealer = Sealer::new(master_key, PURPOSE)?;
    let key = SigningKey::generate(alg, rsa_bits)?;
    let longest_access: Option<i64> = oidc_clients::Entity::find()
        .select_only()
        .column_as(
            Expr::expr(Func::max(Expr::col(
                oidc_clients::Column::AccessTokenDurationMinutes,
            ))),
            "m",
        )
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten();
    let window = Duration::minutes(longest_access.unwrap_or(60)).max(ID_TOKEN_LIFETIME) + GRACE;
    let txn = db.begin().await?;
    for row in rows(&txn).await? {
        let mut entry = decode(&sealer, &row.key, &row.value)?;
        if entry.stored.retired_at.is_none() {
            entry.stored.retired_at = Some(now.timestamp());
            entry.stored.publish_until = Some((now + window).timestamp());
            kv::Entity::update(kv::ActiveModel {
                key: Set(row.key.clone()),
                value: Set(seal(&sealer, &entry.stored)),
            })
            .exec(&txn)
            .await?;
        } else if entry
            .stored
            .publish_until
            .is_some_and(|u| u <= now.timestamp())
        {
            // Long unpublished: nothing can verify against it any more.
            kv::Entity::delete_by_id(row.key).exec(&txn).await?;
        }
    }
    kv::Entity::insert(kv::ActiveModel {
        key: Set(format!("{PREFIX}{}", key.kid)),
        value: Set(seal(&sealer, &stored_for(&key, now)?)),
    })
    .exec(&txn)
    .await?;
    txn.commit().await?;
    Ok(key.kid.clone())
}
