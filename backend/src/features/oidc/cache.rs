//! In-memory caches of derived or fetched data (never state: every instance can rebuild them):
//! the serialized discovery document and federated identities' JWKS.

use axum::body::Bytes;
use std::collections::HashMap;
use std::sync::RwLock;
use std::time::Instant;

/// Caches shared by the protocol handlers.
#[derive(Default)]
pub struct OidcCache {
    /// (kid of the current key, document bytes).
    pub discovery: RwLock<Option<(String, Bytes)>>,
    /// JWKS URL → (fetched at, key set).
    pub federated_jwks: RwLock<HashMap<String, (Instant, serde_json::Value)>>,
}
