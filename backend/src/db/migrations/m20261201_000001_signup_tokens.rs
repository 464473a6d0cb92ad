//! Signup tokens (Pocket ID 2.14 keeps them in its actor store; here an ordinary table, so every
//! instance sees the same usage count). Only a SHA-256 of each token is stored, plus its first
//! characters so lists can tell tokens apart.

use super::schema::{Index, OnDelete::Cascade, Table, Ty::*, create_tables, def, fk, req};

/// One row per token; `usage_count` only grows, through a conditional update that cannot pass
/// `usage_limit`.
pub const SIGNUP_TOKENS: Table = Table {
    name: "signup_tokens",
    columns: &[
        req("id", Uuid),
        req("created_at", Timestamp),
        req("token_hash", Text),
        req("token_prefix", Text),
        req("expires_at", Timestamp),
        req("usage_limit", BigInt),
        def("usage_count", BigInt, "0"),
    ],
    primary_key: &["id"],
    uniques: &[&["token_hash"]],
    foreign_keys: &[],
    indexes: &[Index::Columns(&["expires_at"])],
    checks: &[],
};

/// The groups an account created with the token joins.
pub const SIGNUP_TOKENS_USER_GROUPS: Table = Table {
    name: "signup_tokens_user_groups",
    columns: &[req("signup_token_id", Uuid), req("user_group_id", Uuid)],
    primary_key: &["signup_token_id", "user_group_id"],
    uniques: &[],
    foreign_keys: &[
        fk("signup_token_id", "signup_tokens", Cascade),
        fk("user_group_id", "user_groups", Cascade),
    ],
    indexes: &[],
    checks: &[],
};

migration!(|db, backend| {
    create_tables(db, backend, &[SIGNUP_TOKENS, SIGNUP_TOKENS_USER_GROUPS]).await
});
