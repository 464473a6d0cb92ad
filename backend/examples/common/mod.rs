//! What the in-process latency examples share: the app on a fresh database and the report.

use pocket_id::clock::SystemClock;
use pocket_id::config::Config;
use pocket_id::spa::{MemoryAssets, Spa};
use pocket_id::state::AppState;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// A bench app: the router and its database.
pub struct Bench {
    pub router: axum::Router,
    /// For fixtures (not every example needs it).
    #[allow(dead_code)]
    pub db: sea_orm::DatabaseConnection,
    /// Keeps the SQLite folder alive.
    _dir: tempfile::TempDir,
}

/// Iterations from the first argument (default 500).
pub fn iterations() -> usize {
    std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(500)
}

fn engine() -> &'static str {
    if std::env::var("BENCH_DATABASE_URL").is_ok() {
        "PostgreSQL"
    } else {
        "SQLite"
    }
}

/// The app on SQLite in a temporary folder, or on PostgreSQL at `BENCH_DATABASE_URL` (an empty
/// database), with rate limits off.
pub async fn app() -> Bench {
    let dir = tempfile::tempdir().unwrap();
    let db_url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| dir.path().join("pocket-id.db").display().to_string());
    let env: HashMap<String, String> = [
        ("ENCRYPTION_KEY", "bench-encryption-key-0123456789"),
        ("APP_URL", "http://localhost:1411"),
        ("DISABLE_RATE_LIMITING", "true"),
        ("DB_CONNECTION_STRING", db_url.as_str()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let config = Arc::new(Config::from_source(&env).unwrap());
    let db = pocket_id::db::open(&config.database).await.unwrap();
    let spa = Spa::new(Box::new(MemoryAssets(HashMap::new())));
    let state = AppState::open(db.clone(), config, Arc::new(SystemClock), Arc::new(spa))
        .await
        .unwrap();
    Bench {
        router: pocket_id::router(state),
        db,
        _dir: dir,
    }
}

/// Prints p50/p90/p99 of `samples` for `what`.
pub fn report(what: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let pct = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what} over {} runs ({}): p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms",
        samples.len(),
        engine(),
        ms(pct(0.5)),
        ms(pct(0.9)),
        ms(pct(0.99))
    );
}
