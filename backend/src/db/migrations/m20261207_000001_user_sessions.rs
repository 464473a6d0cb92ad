//! Browser sessions as rows (beyond Pocket ID, whose session is a stateless JWT): the session
//! cookie names a row, and deleting the row ends the session on every instance at once.

use super::schema::{Index, OnDelete::Cascade, Table, Ty::*, create_tables, fk, opt, req};

/// One row per signed-in browser; `id` is the `sid` claim of its session cookie.
pub const USER_SESSIONS: Table = Table {
    name: "user_sessions",
    columns: &[
        req("id", Uuid),
        req("user_id", Uuid),
        req("created_at", Timestamp),
        req("last_seen_at", Timestamp),
        req("expires_at", Timestamp),
        req("amr", Text),
        opt("ip_address", Text),
        opt("country", Text),
        opt("city", Text),
        opt("user_agent", Text),
    ],
    primary_key: &["id"],
    uniques: &[],
    foreign_keys: &[fk("user_id", "users", Cascade)],
    indexes: &[
        Index::Columns(&["user_id"]),
        Index::Columns(&["expires_at"]),
    ],
    checks: &[],
};

migration!(|db, backend| {
    let tables = [USER_SESSIONS];
    create_tables(db, backend, &tables).await
});
