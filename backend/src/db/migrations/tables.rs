//! The Pocket ID 2.14 data model (reference section 5), one definition per table, in
//! foreign-key order. Nullability is the same on both engines (the stricter of Pocket ID's two
//! schemas where they differ); see docs/COMPATIBILITY.md.
//!
//! A definition used by an applied migration must never change (fresh and upgraded databases
//! would differ): later changes are new migrations (`schema::add_column`, new tables).

use super::schema::{Check, Col, Fk, Index, OnDelete::*, Table, Ty::*, def, fk, opt, req};

const ID: Col = req("id", Uuid);
const CREATED_AT: Col = req("created_at", Timestamp);
const NOW: &str = "CURRENT_TIMESTAMP";

const fn table(name: &'static str, columns: &'static [Col]) -> Table {
    Table {
        name,
        columns,
        primary_key: &["id"],
        uniques: &[],
        foreign_keys: &[],
        indexes: &[],
        checks: &[],
    }
}

const fn subject_type_check() -> Check {
    Check {
        sqlite: "\"subject_type\" IN ('user', 'client')",
        postgres: "\"subject_type\" IN ('user', 'client')",
    }
}

const USER_FK: Fk = fk("user_id", "users", Cascade);
const CLIENT_FK: Fk = Fk {
    column: "oidc_client_id",
    table: "oidc_clients",
    target: "id",
    on_delete: Cascade,
};

pub const USERS: Table = Table {
    uniques: &[&["username"], &["email"], &["ldap_id"]],
    ..table(
        "users",
        &[
            ID,
            CREATED_AT,
            opt("updated_at", Timestamp),
            req("username", CiText),
            opt("email", Varchar(255)),
            def("first_name", Varchar(100), "''"),
            def("last_name", Varchar(100), "''"),
            req("display_name", Text),
            def("is_admin", Bool, "false"),
            opt("ldap_id", Text),
            opt("locale", Text),
            def("disabled", Bool, "false"),
            def("email_verified", Bool, "false"),
        ],
    )
};

pub const USER_GROUPS: Table = Table {
    uniques: &[&["name"], &["ldap_id"]],
    ..table(
        "user_groups",
        &[
            ID,
            CREATED_AT,
            req("friendly_name", Varchar(255)),
            req("name", Varchar(255)),
            opt("ldap_id", Text),
            opt("updated_at", Timestamp),
        ],
    )
};

pub const USER_GROUPS_USERS: Table = Table {
    primary_key: &["user_id", "user_group_id"],
    foreign_keys: &[USER_FK, fk("user_group_id", "user_groups", Cascade)],
    ..table(
        "user_groups_users",
        &[req("user_id", Uuid), req("user_group_id", Uuid)],
    )
};

pub const CUSTOM_CLAIMS: Table = Table {
    uniques: &[&["key", "user_id", "user_group_id"]],
    foreign_keys: &[USER_FK, fk("user_group_id", "user_groups", Cascade)],
    checks: &[Check {
        sqlite: "\"user_id\" IS NOT NULL OR \"user_group_id\" IS NOT NULL",
        postgres: "\"user_id\" IS NOT NULL OR \"user_group_id\" IS NOT NULL",
    }],
    ..table(
        "custom_claims",
        &[
            ID,
            CREATED_AT,
            req("key", Varchar(255)),
            req("value", Text),
            opt("user_id", Uuid),
            opt("user_group_id", Uuid),
        ],
    )
};

pub const OIDC_CLIENTS: Table = Table {
    foreign_keys: &[fk("created_by_id", "users", SetNull)],
    ..table(
        "oidc_clients",
        &[
            req("id", Text),
            CREATED_AT,
            opt("name", Varchar(255)),
            opt("callback_urls", Json),
            opt("image_type", Varchar(10)),
            opt("created_by_id", Uuid),
            def("is_public", Bool, "false"),
            def("pkce_enabled", Bool, "false"),
            opt("logout_callback_urls", Json),
            opt("credentials", Json),
            opt("launch_url", Text),
            def("requires_reauthentication", Bool, "false"),
            opt("dark_image_type", Text),
            def("is_group_restricted", Bool, "false"),
            def("requires_pushed_authorization_requests", Bool, "false"),
            def("skip_consent", Bool, "false"),
            def("pkce_supported", Bool, "false"),
            def("description", Text, "''"),
            def("client_type", Text, "'standard'"),
            opt("metadata_expires_at", Timestamp),
            opt("metadata_grant_types", Json),
            def("access_token_duration_minutes", BigInt, "60"),
            def("refresh_token_duration_minutes", BigInt, "43200"),
        ],
    )
};

pub const OIDC_CLIENTS_ALLOWED_USER_GROUPS: Table = Table {
    primary_key: &["oidc_client_id", "user_group_id"],
    foreign_keys: &[fk("user_group_id", "user_groups", Cascade), CLIENT_FK],
    ..table(
        "oidc_clients_allowed_user_groups",
        &[req("user_group_id", Uuid), req("oidc_client_id", Text)],
    )
};

pub const USER_AUTHORIZED_OIDC_CLIENTS: Table = Table {
    primary_key: &["user_id", "client_id"],
    foreign_keys: &[USER_FK, fk("client_id", "oidc_clients", Cascade)],
    ..table(
        "user_authorized_oidc_clients",
        &[
            def("scope", Json, "'[]'"),
            req("user_id", Uuid),
            req("client_id", Text),
            def("last_used_at", Timestamp, NOW),
        ],
    )
};

pub const WEBAUTHN_CREDENTIALS: Table = Table {
    uniques: &[&["credential_id"]],
    foreign_keys: &[USER_FK],
    ..table(
        "webauthn_credentials",
        &[
            ID,
            CREATED_AT,
            req("name", Varchar(255)),
            req("credential_id", Bytes),
            req("public_key", Bytes),
            req("attestation_type", Varchar(20)),
            req("transport", Json),
            opt("user_id", Uuid),
            def("backup_eligible", Bool, "false"),
            def("backup_state", Bool, "false"),
        ],
    )
};

pub const WEBAUTHN_SESSIONS: Table = Table {
    uniques: &[&["challenge"]],
    indexes: &[Index::Columns(&["expires_at"])],
    ..table(
        "webauthn_sessions",
        &[
            ID,
            CREATED_AT,
            req("challenge", Varchar(255)),
            req("expires_at", Timestamp),
            req("user_verification", Varchar(255)),
            def("credential_params", Json, "'[]'"),
        ],
    )
};

pub const REAUTHENTICATION_TOKENS: Table = Table {
    uniques: &[&["token"]],
    foreign_keys: &[USER_FK],
    indexes: &[Index::Columns(&["expires_at"])],
    ..table(
        "reauthentication_tokens",
        &[
            req("id", Text),
            def("created_at", Timestamp, NOW),
            req("token", Text),
            req("expires_at", Timestamp),
            req("user_id", Uuid),
        ],
    )
};

pub const API_KEYS: Table = Table {
    uniques: &[&["key"]],
    foreign_keys: &[USER_FK],
    indexes: &[Index::Columns(&["expires_at"])],
    ..table(
        "api_keys",
        &[
            ID,
            req("name", Varchar(255)),
            req("key", Varchar(255)),
            opt("description", Text),
            req("expires_at", Timestamp),
            opt("last_used_at", Timestamp),
            CREATED_AT,
            opt("user_id", Uuid),
            def("expiration_email_sent", Bool, "false"),
        ],
    )
};

pub const AUDIT_LOGS: Table = Table {
    foreign_keys: &[USER_FK],
    indexes: &[
        Index::Columns(&["event"]),
        Index::Columns(&["user_id"]),
        Index::Columns(&["created_at"]),
        Index::Columns(&["country"]),
        Index::Columns(&["user_agent"]),
        Index::Expr {
            name: "client_name",
            sqlite: "json_extract(\"data\", '$.clientName')",
            postgres: "(\"data\" ->> 'clientName')",
        },
    ],
    ..table(
        "audit_logs",
        &[
            ID,
            CREATED_AT,
            req("event", Varchar(100)),
            opt("ip_address", Text),
            opt("user_agent", Text),
            req("data", Json),
            opt("user_id", Uuid),
            opt("country", Varchar(100)),
            opt("city", Varchar(100)),
        ],
    )
};

pub const OAUTH2_SESSIONS: Table = Table {
    uniques: &[&["kind", "key"]],
    foreign_keys: &[fk("client_id", "oidc_clients", Cascade)],
    indexes: &[
        Index::Columns(&["kind", "request_id"]),
        Index::Columns(&["expires_at"]),
        Index::Expr {
            name: "client_subject_kind_active",
            sqlite: "\"client_id\", json_extract(\"request_data\", '$.session.subject'), \"kind\", \"active\"",
            postgres: "\"client_id\", (\"request_data\" -> 'session' ->> 'subject'), \"kind\", \"active\"",
        },
    ],
    checks: &[Check {
        sqlite: "\"client_id\" = json_extract(\"request_data\", '$.client_id')",
        postgres: "\"client_id\" = (\"request_data\" ->> 'client_id')",
    }],
    ..table(
        "oauth2_sessions",
        &[
            ID,
            CREATED_AT,
            req("kind", Text),
            req("key", Text),
            req("request_id", Text),
            req("client_id", Text),
            def("access_token_signature", Text, "''"),
            def("active", Bool, "true"),
            req("request_data", Json),
            opt("expires_at", Timestamp),
        ],
    )
};

pub const OAUTH2_JTIS: Table = Table {
    uniques: &[&["jti"]],
    indexes: &[Index::Columns(&["expires_at"])],
    ..table(
        "oauth2_jtis",
        &[
            ID,
            CREATED_AT,
            req("jti", Text),
            req("expires_at", Timestamp),
        ],
    )
};

pub const INTERACTION_SESSIONS: Table = Table {
    foreign_keys: &[fk("client_id", "oidc_clients", Cascade), USER_FK],
    indexes: &[Index::Columns(&["client_id"]), Index::Columns(&["user_id"])],
    ..table(
        "interaction_sessions",
        &[
            ID,
            CREATED_AT,
            def("consent_required", Bool, "false"),
            def("reauthentication_required", Bool, "false"),
            def("authentication_required", Bool, "false"),
            def("account_selection_required", Bool, "false"),
            def("scopes", Json, "'[]'"),
            req("client_id", Text),
            opt("user_id", Uuid),
            req("requested_at", Timestamp),
            opt("reauthenticated_at", Timestamp),
            def("parameters", Json, "'{}'"),
        ],
    )
};

pub const APIS: Table = Table {
    uniques: &[&["audience"]],
    ..table(
        "apis",
        &[
            ID,
            CREATED_AT,
            opt("updated_at", Timestamp),
            req("name", Text),
            req("audience", Text),
            def("allow_cimd_clients", Bool, "false"),
        ],
    )
};

pub const API_PERMISSIONS: Table = Table {
    uniques: &[&["api_id", "key"]],
    foreign_keys: &[fk("api_id", "apis", Cascade)],
    indexes: &[Index::Columns(&["api_id"])],
    ..table(
        "api_permissions",
        &[
            ID,
            CREATED_AT,
            req("api_id", Uuid),
            req("key", Text),
            req("name", Text),
            opt("description", Text),
            def("allowed_for_cimd_clients", Bool, "false"),
        ],
    )
};

pub const OIDC_CLIENTS_ALLOWED_APIS: Table = Table {
    primary_key: &["oidc_client_id", "api_id", "subject_type"],
    foreign_keys: &[CLIENT_FK, fk("api_id", "apis", Cascade)],
    indexes: &[Index::Columns(&["api_id"])],
    checks: &[subject_type_check()],
    ..table(
        "oidc_clients_allowed_apis",
        &[
            req("oidc_client_id", Text),
            req("api_id", Uuid),
            req("subject_type", Text),
        ],
    )
};

pub const OIDC_CLIENTS_ALLOWED_API_PERMISSIONS: Table = Table {
    primary_key: &["oidc_client_id", "api_permission_id", "subject_type"],
    foreign_keys: &[
        CLIENT_FK,
        fk("api_permission_id", "api_permissions", Cascade),
    ],
    checks: &[subject_type_check()],
    ..table(
        "oidc_clients_allowed_api_permissions",
        &[
            req("oidc_client_id", Text),
            req("api_permission_id", Uuid),
            req("subject_type", Text),
        ],
    )
};

pub const SCIM_SERVICE_PROVIDERS: Table = Table {
    foreign_keys: &[CLIENT_FK],
    ..table(
        "scim_service_providers",
        &[
            ID,
            CREATED_AT,
            req("endpoint", Text),
            req("token", Text),
            opt("last_synced_at", Timestamp),
            req("oidc_client_id", Text),
        ],
    )
};

pub const KV: Table = Table {
    primary_key: &["key"],
    ..table("kv", &[req("key", Text), req("value", Text)])
};

pub const STORAGE: Table = Table {
    primary_key: &["path"],
    ..table(
        "storage",
        &[
            req("path", Text),
            req("data", Bytes),
            req("size", BigInt),
            req("mod_time", Timestamp),
            CREATED_AT,
        ],
    )
};

/// Application configuration values set through the admin UI (Pocket ID's former table of the
/// same name; 2.14 keeps them in its actor store). Keys absent here take their defaults.
pub const APP_CONFIG_VARIABLES: Table = Table {
    primary_key: &["key"],
    ..table(
        "app_config_variables",
        &[req("key", Text), req("value", Text)],
    )
};

/// Login codes ("one-time access tokens"; Pocket ID 2.14 keeps them in its actor store). Only a
/// SHA-256 of the code is stored.
pub const ONE_TIME_ACCESS_TOKENS: Table = Table {
    uniques: &[&["token_hash"]],
    foreign_keys: &[USER_FK],
    indexes: &[Index::Columns(&["expires_at"])],
    ..table(
        "one_time_access_tokens",
        &[
            ID,
            CREATED_AT,
            req("token_hash", Text),
            req("user_id", Uuid),
            req("expires_at", Timestamp),
            opt("device_token_hash", Text),
        ],
    )
};

/// Token buckets of the rate limiter, one row per policy and client IP, so limits hold across
/// instances. Times are Unix seconds (fractional) to keep the refill arithmetic portable.
pub const RATE_LIMITS: Table = Table {
    primary_key: &["key"],
    indexes: &[Index::Columns(&["updated_at"])],
    ..table(
        "rate_limits",
        &[
            req("key", Text),
            req("tokens", Float),
            req("updated_at", Float),
            def("allowed", Bool, "true"),
        ],
    )
};

/// Every table of the initial schema, parents before children.
pub const TABLES: &[Table] = &[
    USERS,
    USER_GROUPS,
    USER_GROUPS_USERS,
    CUSTOM_CLAIMS,
    OIDC_CLIENTS,
    OIDC_CLIENTS_ALLOWED_USER_GROUPS,
    USER_AUTHORIZED_OIDC_CLIENTS,
    WEBAUTHN_CREDENTIALS,
    WEBAUTHN_SESSIONS,
    REAUTHENTICATION_TOKENS,
    API_KEYS,
    AUDIT_LOGS,
    OAUTH2_SESSIONS,
    OAUTH2_JTIS,
    INTERACTION_SESSIONS,
    APIS,
    API_PERMISSIONS,
    OIDC_CLIENTS_ALLOWED_APIS,
    OIDC_CLIENTS_ALLOWED_API_PERMISSIONS,
    SCIM_SERVICE_PROVIDERS,
    KV,
    STORAGE,
    APP_CONFIG_VARIABLES,
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn foreign_keys_point_at_earlier_tables_and_existing_columns() {
        let mut seen: HashSet<&str> = HashSet::new();
        for t in TABLES {
            let cols: HashSet<&str> = t.columns.iter().map(|c| c.name).collect();
            for k in t
                .primary_key
                .iter()
                .chain(t.uniques.iter().flat_map(|u| u.iter()))
            {
                assert!(cols.contains(k), "{}.{k} is not a column", t.name);
            }
            for f in t.foreign_keys {
                assert!(
                    cols.contains(f.column),
                    "{}.{} is not a column",
                    t.name,
                    f.column
                );
                assert!(
                    seen.contains(f.table) || f.table == t.name,
                    "{} references later table {}",
                    t.name,
                    f.table
                );
            }
            assert!(seen.insert(t.name), "{} defined twice", t.name);
        }
    }
}
