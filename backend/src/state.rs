//! The application state every handler receives: the database, configuration, clock, keys and
//! the shared services. It sits below the features (it names only their leaf modules: the OIDC
//! cache and the geolocation service), so no feature imports the router assembly in `app.rs`.

use crate::clock::Clock;
use crate::config::Config;
use crate::spa::Spa;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Shared, cheaply clonable state handed to every handler.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    pub spa: Arc<Spa>,
    pub session_keys: Arc<crate::auth::session::SessionKeys>,
    /// Token signing keys (reloaded from the database by a background task).
    pub keys: Arc<crate::crypto::keystore::KeyStore>,
    /// Outbound HTTP (federated client JWKS), with timeouts.
    pub http: reqwest::Client,
    /// Caches of derived documents and fetched key sets.
    pub oidc_cache: Arc<crate::features::oidc::cache::OidcCache>,
    /// IP geolocation of audit log entries (GeoLite2 file at `GEOLITE_DB_PATH`).
    pub geo: Arc<crate::features::audit_log::geo::Geo>,
    /// SSRF-guarded HTTP to caller-supplied URLs (logo URLs). Loopback stays refused unless a
    /// test swaps in `Outbound::allowing_loopback()`.
    pub outbound: crate::outbound::Outbound,
    /// The queue of SQLite's OAuth-artefact writes (see [`crate::db::WriteGate`]).
    pub writes: crate::db::WriteGate,
    /// This instance's counts for the global `api` rate limit.
    pub api_limiter: Arc<crate::ratelimit::ApiLimiter>,
}

impl AppState {
    /// State for `config` on `db`: loads (or creates) the signing keys and derives the session
    /// keys from the encryption key.
    pub async fn open(
        db: DatabaseConnection,
        config: Arc<Config>,
        clock: Arc<dyn Clock>,
        spa: Arc<Spa>,
    ) -> Result<Self, crate::crypto::keystore::KeyStoreError> {
        let keys = Arc::new(
            crate::crypto::keystore::KeyStore::open(
                &db,
                config.encryption_key.expose(),
                clock.now(),
            )
            .await?,
        );
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .connect_timeout(std::time::Duration::from_secs(5))
            .user_agent(concat!("pocket-id/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                crate::crypto::keystore::KeyStoreError::Stored("http client".into(), e.to_string())
            })?;
        Ok(Self::new(db, config, clock, spa, keys, http))
    }

    /// State from already-made parts.
    pub fn new(
        db: DatabaseConnection,
        config: Arc<Config>,
        clock: Arc<dyn Clock>,
        spa: Arc<Spa>,
        keys: Arc<crate::crypto::keystore::KeyStore>,
        http: reqwest::Client,
    ) -> Self {
        let session_keys = Arc::new(crate::auth::session::SessionKeys::new(
            config.encryption_key.expose(),
            &config.app_url,
        ));
        let geo = Arc::new(crate::features::audit_log::geo::Geo::new(
            config.geolite_db_path.clone(),
            config.local_ipv6_ranges.clone(),
        ));
        Self {
            writes: crate::db::WriteGate::for_db(&db),
            db,
            config,
            clock,
            spa,
            session_keys,
            keys,
            http,
            oidc_cache: Default::default(),
            geo,
            outbound: Default::default(),
            api_limiter: Default::default(),
        }
    }
}

impl AppState {
    /// Rate limits apply unless `DISABLE_RATE_LIMITING` or `APP_ENV=test` (as in Pocket ID).
    pub fn rate_limits_enabled(&self) -> bool {
        !self.config.disable_rate_limiting && self.config.app_env != crate::config::AppEnv::Test
    }
}
