//! Indexes that keep the admin users list fast at a million users (the benchmark's scale
//! target: search p99 < 50 ms).
//!
//! The search is a case-insensitive substring match on username, email, first and last name,
//! which no B-tree can serve. PostgreSQL gets trigram GIN indexes (`pg_trgm`, a trusted
//! extension since PostgreSQL 13) on the same `lower(...)` expressions the query uses. SQLite
//! gets an FTS5 table with the trigram tokenizer over those columns, kept in step with `users`
//! by triggers (external content: the text is not stored twice); the query uses it for
//! searches of three characters or more. Both also get indexes for the default sort (first
//! name) and the username sort, so a page of the list needs no sort of every matching user.

use super::schema::execute_all;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

/// The FTS5 table the SQLite search reads (rowid = `users.rowid`).
pub const SQLITE_SEARCH_TABLE: &str = "users_search";

const SQLITE: &[&str] = &[
    "CREATE VIRTUAL TABLE users_search USING fts5(username, email, first_name, last_name, \
     content='users', content_rowid='rowid', tokenize='trigram')",
    "INSERT INTO users_search(users_search) VALUES ('rebuild')",
    "CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN \
     INSERT INTO users_search(rowid, username, email, first_name, last_name) \
     VALUES (new.rowid, new.username, new.email, new.first_name, new.last_name); END",
    "CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN \
     INSERT INTO users_search(users_search, rowid, username, email, first_name, last_name) \
     VALUES ('delete', old.rowid, old.username, old.email, old.first_name, old.last_name); END",
    "CREATE TRIGGER users_search_update AFTER UPDATE OF username, email, first_name, last_name \
     ON users BEGIN \
     INSERT INTO users_search(users_search, rowid, username, email, first_name, last_name) \
     VALUES ('delete', old.rowid, old.username, old.email, old.first_name, old.last_name); \
     INSERT INTO users_search(rowid, username, email, first_name, last_name) \
     VALUES (new.rowid, new.username, new.email, new.first_name, new.last_name); END",
    "CREATE INDEX users_lower_username_idx ON users (lower(username), id)",
    "CREATE INDEX users_first_name_sort_idx ON users (lower(first_name), lower(username), id)",
];

const POSTGRES_TRGM: &[&str] = &[
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX users_username_trgm_idx ON users USING gin (lower(username) gin_trgm_ops)",
    "CREATE INDEX users_email_trgm_idx ON users USING gin (lower(email) gin_trgm_ops)",
    "CREATE INDEX users_first_name_trgm_idx ON users USING gin (lower(first_name) gin_trgm_ops)",
    "CREATE INDEX users_last_name_trgm_idx ON users USING gin (lower(last_name) gin_trgm_ops)",
];

const POSTGRES: &[&str] = &[
    "CREATE INDEX users_lower_username_idx ON users (lower(username), id)",
    "CREATE INDEX users_first_name_sort_idx ON users (lower(first_name), lower(username), id)",
];

migration!(|db, backend| {
    if backend != DbBackend::Postgres {
        return execute_all(db, SQLITE).await;
    }
    // Without the contrib package the search still works, by sequential scan.
    let available = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'",
        ))
        .await?
        .is_some();
    if available {
        execute_all(db, POSTGRES_TRGM).await?;
    } else {
        tracing::warn!("the pg_trgm extension is not available: user search will scan the table");
    }
    execute_all(db, POSTGRES).await
});
