//! Database connection (SQLite or PostgreSQL) and migrations.

pub mod entities;
pub mod migrations;

use crate::config::Database;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement,
    TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use std::time::Duration;

/// How long a SQLite writer waits for the write lock before failing.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// WAL pages after which a committing connection checkpoints by itself. SQLite's default is
/// 1000 (4 MB): the request whose commit crosses it copies the whole WAL into the database
/// file and fsyncs both before it can answer, which the benchmark showed as a 12-33 ms p99 at
/// a single client on the token endpoint (median 1-2 ms). [`spawn_wal_checkpoints`] keeps the
/// WAL short in the background instead; this backstop (40 MB) only applies when it falls
/// behind.
pub const SQLITE_AUTOCHECKPOINT_PAGES: u32 = 10_000;

/// How often the background checkpoint runs while there are writes, and when idle.
const CHECKPOINT_BUSY: Duration = Duration::from_millis(200);
const CHECKPOINT_IDLE: Duration = Duration::from_secs(2);

#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("cannot create the database folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot connect to the database: {0}")]
    Connect(DbErr),
    #[error(
        "this database was created by Pocket ID (Go) and cannot be opened in place; start with an \
         empty database and import the data with `pocket-id import`"
    )]
    ForeignSchema,
    #[error("database migration failed: {0}")]
    Migrate(DbErr),
}

/// Connects to the configured database (creating a SQLite file and its folder when missing).
/// SQLite connections: one per core (at least 2, at most 8). Each sqlx SQLite connection is a
/// thread of its own and SQLite has one writer at a time: more connections than cores only
/// add context switches and page caches the other connections' writes invalidate. On the
/// benchmark machine (2 cores) going from 8 to 2 raised client-credentials throughput 1.7×
/// and userinfo 1.7× (docs/BENCHMARKS.md).
fn sqlite_pool_size() -> u32 {
    std::thread::available_parallelism()
        .map_or(2, |n| u32::try_from(n.get()).unwrap_or(8))
        .clamp(2, 8)
}

pub async fn connect(db: &Database) -> Result<DatabaseConnection, DbSetupError> {
    connect_with(db, sqlite_pool_size()).await
}

/// As [`connect`], with `sqlite_connections` SQLite connections.
async fn connect_with(
    db: &Database,
    sqlite_connections: u32,
) -> Result<DatabaseConnection, DbSetupError> {
    let opts = match db {
        Database::Sqlite { path } => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|source| DbSetupError::Folder {
                    path: dir.display().to_string(),
                    source,
                })?;
            }
            let path = path.clone();
            // The URL only selects the driver; the file comes from `filename` below (a
            // `sqlite::memory:` base would stay in-memory whatever the filename).
            let mut o = ConnectOptions::new("sqlite://pocket-id.db");
            o.map_sqlx_sqlite_opts(move |s| {
                s.filename(&path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    // WAL + NORMAL is durable across application crashes; only an OS crash can
                    // lose the last transactions, never corrupt the file.
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
                    .foreign_keys(true)
                    .pragma(
                        "wal_autocheckpoint",
                        SQLITE_AUTOCHECKPOINT_PAGES.to_string(),
                    )
            })
            .max_connections(sqlite_connections)
            .min_connections(1);
            o
        }
        Database::Postgres { url } => {
            let mut o = ConnectOptions::new(url.expose());
            o.max_connections(16).min_connections(1);
            o
        }
    };
    let mut opts = opts;
    opts.connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        // sqlx would ping every connection it hands out: one more round trip per statement
        // (for SQLite a hop to the connection's worker thread and back, which the benchmark
        // showed costing as much as the query). A connection that broke (PostgreSQL
        // restarted) fails its next statement and is dropped; idle ones are retired below.
        .test_before_acquire(false)
        .idle_timeout(Duration::from_secs(600))
        // Statements are logged by our own spans when needed; sqlx's INFO-level query log would
        // flood the output.
        .sqlx_logging(false);
    sea_orm::Database::connect(opts)
        .await
        .map_err(DbSetupError::Connect)
}

/// What one checkpoint did: frames in the WAL and frames copied into the database file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint {
    pub wal_frames: i64,
    pub copied: i64,
}

/// Copies what it can of the SQLite WAL into the database file without blocking readers or
/// writers (`PASSIVE`); `None` on PostgreSQL.
pub async fn checkpoint(db: &DatabaseConnection) -> Result<Option<Checkpoint>, DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(None);
    }
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA wal_checkpoint(PASSIVE)",
        ))
        .await?;
    row.map(|r| {
        Ok(Checkpoint {
            wal_frames: r.try_get_by_index::<i64>(1)?,
            copied: r.try_get_by_index::<i64>(2)?,
        })
    })
    .transpose()
}

/// On SQLite, checkpoints the WAL in the background so that no request pays for it (see
/// [`SQLITE_AUTOCHECKPOINT_PAGES`]): every 200 ms while there are writes, every 2 s when idle.
/// It runs on a connection of its own: a checkpoint copies pages and syncs the file, and on a
/// pooled connection it took one of the (per-core) connections from the requests meanwhile.
pub fn spawn_wal_checkpoints(config: &Database) {
    if !matches!(config, Database::Sqlite { .. }) {
        return;
    }
    let config = config.clone();
    tokio::spawn(async move {
        let db = match connect_with(&config, 1).await {
            Ok(db) => db,
            Err(e) => {
                tracing::warn!(error = %e, "no connection for WAL checkpoints");
                return;
            }
        };
        let (mut wait, mut last) = (CHECKPOINT_IDLE, None);
        loop {
            tokio::time::sleep(wait).await;
            // Busy while the WAL changed since the last pass or is not all copied yet.
            wait = match checkpoint(&db).await {
                Ok(Some(c)) if Some(c) != last || c.copied < c.wal_frames => {
                    last = Some(c);
                    CHECKPOINT_BUSY
                }
                Ok(_) => CHECKPOINT_IDLE,
                Err(e) => {
                    tracing::warn!(error = %e, "WAL checkpoint failed");
                    CHECKPOINT_IDLE
                }
            };
        }
    });
}

/// Queues this process's hot SQLite writes (the OAuth artefacts) in front of SQLite. SQLite
/// has one writer at a time, and a connection that finds the write lock taken retries from its
/// busy handler, which sleeps 1, 2, 5, 10, 15, 20 ms... between attempts (a handler that spins
/// instead would need unsafe FFI). At half the saturating load the benchmark showed those
/// sleeps as a 38-57 ms p99 on the token endpoint against a 1.1-1.4 ms median. Waiting on a
/// fair async mutex instead hands the lock over the moment the previous write ends. On
/// PostgreSQL (row locks, no single writer) the gate is open.
#[derive(Clone, Default)]
pub struct WriteGate(Option<std::sync::Arc<tokio::sync::Mutex<()>>>);

impl WriteGate {
    pub fn for_db(db: &DatabaseConnection) -> Self {
        match db.get_database_backend() {
            DbBackend::Sqlite => Self(Some(Default::default())),
            _ => Self(None),
        }
    }

    /// No queueing: for writes inside a transaction, which holds SQLite's write lock until it
    /// commits (waiting here could queue it behind a writer that waits for that lock).
    pub fn open() -> Self {
        Self(None)
    }

    /// Runs the write `f` when the writes queued before it are done.
    pub async fn write<T>(&self, f: impl std::future::Future<Output = T>) -> T {
        let _turn = match &self.0 {
            Some(m) => Some(m.lock().await),
            None => None,
        };
        f.await
    }
}

/// The PostgreSQL advisory lock held while migrating ("pocket-id" in ASCII).
const MIGRATION_LOCK: i64 = 0x706f_636b_6574_6964;

/// Applies pending migrations, refusing a database laid out by Pocket ID's Go server. On
/// PostgreSQL an advisory lock makes instances that start together migrate one after the
/// other: the second finds the work done instead of failing on "relation already exists".
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbSetupError> {
    let lock = if db.get_database_backend() == DbBackend::Postgres {
        let txn = db.begin().await.map_err(DbSetupError::Migrate)?;
        // Held until the transaction ends, on the transaction's own connection.
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
            .await
            .map_err(DbSetupError::Migrate)?;
        Some(txn)
    } else {
        None
    };
    let result = migrate_unlocked(db).await;
    if let Some(txn) = lock {
        txn.commit().await.map_err(DbSetupError::Migrate)?;
    }
    result
}

async fn migrate_unlocked(db: &DatabaseConnection) -> Result<(), DbSetupError> {
    if has_table(db, "schema_migrations")
        .await
        .map_err(DbSetupError::Migrate)?
        && !has_table(db, "seaql_migrations")
            .await
            .map_err(DbSetupError::Migrate)?
    {
        return Err(DbSetupError::ForeignSchema);
    }
    migrations::Migrator::up(db, None)
        .await
        .map_err(DbSetupError::Migrate)
}

/// Connects and migrates: what the server does at startup.
pub async fn open(db: &Database) -> Result<DatabaseConnection, DbSetupError> {
    let conn = connect(db).await?;
    migrate(&conn).await?;
    Ok(conn)
}

/// True when `name` exists as a table in the current database / schema.
pub async fn has_table(db: &impl ConnectionTrait, name: &str) -> Result<bool, DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1"
        }
        _ => "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?",
    };
    let row = db
        .query_one_raw(Statement::from_sql_and_values(backend, sql, [name.into()]))
        .await?;
    Ok(row
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0)
        > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// The most writes of `gate` running at once among `n` started together.
    async fn overlap(gate: WriteGate, n: usize) -> usize {
        let (now, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let tasks: Vec<_> = (0..n)
            .map(|_| {
                let (gate, now, most) = (gate.clone(), now.clone(), most.clone());
                tokio::spawn(async move {
                    gate.write(async {
                        let running = now.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(running, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(5)).await;
                        now.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await;
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        most.load(Ordering::SeqCst)
    }

    #[tokio::test]
    async fn sqlite_writes_take_turns_and_an_open_gate_lets_them_overlap() {
        let sqlite = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        assert_eq!(overlap(WriteGate::for_db(&sqlite), 8).await, 1);
        assert_eq!(overlap(WriteGate::open(), 8).await, 8);
    }
}
