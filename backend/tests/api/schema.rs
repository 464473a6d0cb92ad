//! The migrated schema is Pocket ID's data model (reference section 5) on both engines: every
//! table and column, the foreign keys and uniques, and the behaviour they promise.

use crate::db_test;
use crate::fixtures::{Group, User};
use crate::helpers::{Engine, TestApp, test_now};
use pocket_id::db::entities::{
    apis, custom_claims, oidc_clients, oidc_clients_allowed_apis, user_groups_users, users,
    webauthn_credentials,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbBackend, EntityTrait, Set, Statement};
use std::collections::{BTreeMap, BTreeSet};

/// Reference section 5.1 (plus `app_config_variables`, `one_time_access_tokens`, `rate_limits`
/// and the passkey-state columns, for state Pocket ID keeps in its actor store), written out
/// independently of the migration code.
const EXPECTED: &[(&str, &[&str])] = &[
    (
        "api_keys",
        &[
            "id",
            "name",
            "key",
            "description",
            "expires_at",
            "last_used_at",
            "created_at",
            "user_id",
            "expiration_email_sent",
        ],
    ),
    (
        "api_permissions",
        &[
            "id",
            "created_at",
            "api_id",
            "key",
            "name",
            "description",
            "allowed_for_cimd_clients",
        ],
    ),
    (
        "apis",
        &[
            "id",
            "created_at",
            "updated_at",
            "name",
            "audience",
            "allow_cimd_clients",
        ],
    ),
    ("app_config_variables", &["key", "value"]),
    (
        "audit_logs",
        &[
            "id",
            "created_at",
            "event",
            "ip_address",
            "user_agent",
            "data",
            "user_id",
            "country",
            "city",
        ],
    ),
    (
        "custom_claims",
        &[
            "id",
            "created_at",
            "key",
            "value",
            "user_id",
            "user_group_id",
        ],
    ),
    (
        "interaction_sessions",
        &[
            "id",
            "created_at",
            "consent_required",
            "reauthentication_required",
            "authentication_required",
            "account_selection_required",
            "scopes",
            "client_id",
            "user_id",
            "requested_at",
            "reauthenticated_at",
            "parameters",
        ],
    ),
    ("kv", &["key", "value"]),
    ("oauth2_jtis", &["id", "created_at", "jti", "expires_at"]),
    (
        "oauth2_sessions",
        &[
            "id",
            "created_at",
            "kind",
            "key",
            "request_id",
            "client_id",
            "access_token_signature",
            "active",
            "request_data",
            "expires_at",
        ],
    ),
    (
        "oidc_clients",
        &[
            "id",
            "created_at",
            "name",
            "callback_urls",
            "image_type",
            "created_by_id",
            "is_public",
            "pkce_enabled",
            "logout_callback_urls",
            "credentials",
            "launch_url",
            "requires_reauthentication",
            "dark_image_type",
            "is_group_restricted",
            "requires_pushed_authorization_requests",
            "skip_consent",
            "pkce_supported",
            "description",
            "client_type",
            "metadata_expires_at",
            "metadata_grant_types",
            "access_token_duration_minutes",
            "refresh_token_duration_minutes",
            // Beyond Pocket ID: the device authorization grant is per client.
            "device_code_enabled",
        ],
    ),
    (
        "oidc_clients_allowed_api_permissions",
        &["oidc_client_id", "api_permission_id", "subject_type"],
    ),
    (
        "oidc_clients_allowed_apis",
        &["oidc_client_id", "api_id", "subject_type"],
    ),
    (
        "oidc_clients_allowed_user_groups",
        &["user_group_id", "oidc_client_id"],
    ),
    (
        "reauthentication_tokens",
        &["id", "created_at", "token", "expires_at", "user_id"],
    ),
    (
        "scim_service_providers",
        &[
            "id",
            "created_at",
            "endpoint",
            "token",
            "last_synced_at",
            "oidc_client_id",
        ],
    ),
    (
        "storage",
        &["path", "data", "size", "mod_time", "created_at"],
    ),
    (
        "user_authorized_oidc_clients",
        &["scope", "user_id", "client_id", "last_used_at"],
    ),
    (
        "user_groups",
        &[
            "id",
            "created_at",
            "friendly_name",
            "name",
            "ldap_id",
            "updated_at",
        ],
    ),
    ("user_groups_users", &["user_id", "user_group_id"]),
    (
        "users",
        &[
            "id",
            "created_at",
            "updated_at",
            "username",
            "email",
            "first_name",
            "last_name",
            "display_name",
            "is_admin",
            "ldap_id",
            "locale",
            "disabled",
            "email_verified",
        ],
    ),
    (
        "webauthn_credentials",
        &[
            "id",
            "created_at",
            "name",
            "credential_id",
            "public_key",
            "attestation_type",
            "transport",
            "user_id",
            "backup_eligible",
            "backup_state",
            "passkey",
            "last_used_at",
        ],
    ),
    (
        "webauthn_sessions",
        &[
            "id",
            "created_at",
            "challenge",
            "expires_at",
            "user_verification",
            "credential_params",
            "kind",
            "user_id",
            "state",
        ],
    ),
    (
        "one_time_access_tokens",
        &[
            "id",
            "created_at",
            "token_hash",
            "user_id",
            "expires_at",
            "device_token_hash",
        ],
    ),
    ("rate_limits", &["key", "tokens", "updated_at", "allowed"]),
    (
        "signup_tokens",
        &[
            "id",
            "created_at",
            "token_hash",
            "token_prefix",
            "expires_at",
            "usage_limit",
            "usage_count",
        ],
    ),
    (
        "signup_tokens_user_groups",
        &["signup_token_id", "user_group_id"],
    ),
    (
        "user_sessions",
        &[
            "id",
            "user_id",
            "created_at",
            "last_seen_at",
            "expires_at",
            "amr",
            "ip_address",
            "country",
            "city",
            "user_agent",
        ],
    ),
];

/// Reference section 5.2: (table, column, referenced table, ON DELETE action).
const EXPECTED_FKS: &[(&str, &str, &str, &str)] = &[
    ("api_keys", "user_id", "users", "CASCADE"),
    ("api_permissions", "api_id", "apis", "CASCADE"),
    ("audit_logs", "user_id", "users", "CASCADE"),
    ("custom_claims", "user_group_id", "user_groups", "CASCADE"),
    ("custom_claims", "user_id", "users", "CASCADE"),
    (
        "interaction_sessions",
        "client_id",
        "oidc_clients",
        "CASCADE",
    ),
    ("interaction_sessions", "user_id", "users", "CASCADE"),
    ("oauth2_sessions", "client_id", "oidc_clients", "CASCADE"),
    ("oidc_clients", "created_by_id", "users", "SET NULL"),
    (
        "oidc_clients_allowed_api_permissions",
        "api_permission_id",
        "api_permissions",
        "CASCADE",
    ),
    (
        "oidc_clients_allowed_api_permissions",
        "oidc_client_id",
        "oidc_clients",
        "CASCADE",
    ),
    ("oidc_clients_allowed_apis", "api_id", "apis", "CASCADE"),
    (
        "oidc_clients_allowed_apis",
        "oidc_client_id",
        "oidc_clients",
        "CASCADE",
    ),
    (
        "oidc_clients_allowed_user_groups",
        "oidc_client_id",
        "oidc_clients",
        "CASCADE",
    ),
    (
        "oidc_clients_allowed_user_groups",
        "user_group_id",
        "user_groups",
        "CASCADE",
    ),
    ("reauthentication_tokens", "user_id", "users", "CASCADE"),
    (
        "scim_service_providers",
        "oidc_client_id",
        "oidc_clients",
        "CASCADE",
    ),
    (
        "user_authorized_oidc_clients",
        "client_id",
        "oidc_clients",
        "CASCADE",
    ),
    (
        "user_authorized_oidc_clients",
        "user_id",
        "users",
        "CASCADE",
    ),
    (
        "user_groups_users",
        "user_group_id",
        "user_groups",
        "CASCADE",
    ),
    ("user_groups_users", "user_id", "users", "CASCADE"),
    ("user_sessions", "user_id", "users", "CASCADE"),
    ("webauthn_credentials", "user_id", "users", "CASCADE"),
    ("one_time_access_tokens", "user_id", "users", "CASCADE"),
    (
        "signup_tokens_user_groups",
        "signup_token_id",
        "signup_tokens",
        "CASCADE",
    ),
    (
        "signup_tokens_user_groups",
        "user_group_id",
        "user_groups",
        "CASCADE",
    ),
];

/// Reference section 5.2 unique constraints (column lists, sorted).
const EXPECTED_UNIQUES: &[(&str, &[&str])] = &[
    ("api_keys", &["key"]),
    ("api_permissions", &["api_id", "key"]),
    ("apis", &["audience"]),
    ("custom_claims", &["key", "user_group_id", "user_id"]),
    ("oauth2_jtis", &["jti"]),
    ("oauth2_sessions", &["key", "kind"]),
    ("reauthentication_tokens", &["token"]),
    ("user_groups", &["ldap_id"]),
    ("user_groups", &["name"]),
    ("users", &["email"]),
    ("users", &["ldap_id"]),
    ("users", &["username"]),
    ("webauthn_credentials", &["credential_id"]),
    ("webauthn_sessions", &["challenge"]),
    ("one_time_access_tokens", &["token_hash"]),
    ("signup_tokens", &["token_hash"]),
];

async fn strings(db: &impl ConnectionTrait, sql: &str, col: &str) -> Vec<String> {
    let backend = db.get_database_backend();
    db.query_all_raw(Statement::from_string(backend, sql))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String>("", col).unwrap())
        .collect()
}

async fn columns(app: &TestApp) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    let tables = match app.engine {
        Engine::Sqlite => {
            strings(&app.db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", "name").await
        }
        Engine::Postgres => {
            strings(&app.db, "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public'", "name").await
        }
    };
    // The SQLite users search index (an FTS5 table and its shadow tables) is an index, not
    // part of the data model.
    let search_index = pocket_id::db::migrations::m20261202_000001_user_search::SQLITE_SEARCH_TABLE;
    for t in tables
        .into_iter()
        .filter(|t| t != "seaql_migrations" && !t.starts_with(search_index))
    {
        let sql = match app.engine {
            Engine::Sqlite => format!("SELECT name FROM pragma_table_info('{t}')"),
            Engine::Postgres => format!(
                "SELECT column_name::text AS name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{t}'"
            ),
        };
        out.insert(
            t,
            strings(&app.db, &sql, "name").await.into_iter().collect(),
        );
    }
    out
}

async fn foreign_keys(app: &TestApp) -> BTreeSet<(String, String, String, String)> {
    let sql = match app.engine {
        Engine::Sqlite => {
            "SELECT m.name || '|' || f.\"from\" || '|' || f.\"table\" || '|' || f.on_delete AS fk \
                           FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table'"
        }
        Engine::Postgres => {
            "SELECT (c.conrelid::regclass)::text || '|' || a.attname || '|' || (c.confrelid::regclass)::text || '|' || \
                             CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' ELSE 'OTHER' END AS fk \
                             FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] \
                             WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace"
        }
    };
    strings(&app.db, sql, "fk")
        .await
        .into_iter()
        .map(|s| {
            let p: Vec<&str> = s.split('|').collect();
            (
                p[0].to_owned(),
                p[1].to_owned(),
                p[2].to_owned(),
                p[3].to_owned(),
            )
        })
        .collect()
}

async fn uniques(app: &TestApp) -> BTreeSet<(String, Vec<String>)> {
    let sql = match app.engine {
        Engine::Sqlite => {
            "SELECT m.name || '|' || group_concat(i.name, ',') AS u \
                           FROM sqlite_master m, pragma_index_list(m.name) l, pragma_index_info(l.name) i \
                           WHERE m.type = 'table' AND l.\"unique\" = 1 AND l.origin = 'u' GROUP BY m.name, l.name"
        }
        Engine::Postgres => {
            "SELECT (c.conrelid::regclass)::text || '|' || string_agg(a.attname, ',') AS u \
                             FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) \
                             WHERE c.contype = 'u' AND c.connamespace = 'public'::regnamespace GROUP BY c.conrelid, c.conname"
        }
    };
    strings(&app.db, sql, "u")
        .await
        .into_iter()
        .map(|s| {
            let (t, cols) = s.split_once('|').unwrap();
            let mut cols: Vec<String> = cols.split(',').map(str::to_owned).collect();
            cols.sort();
            (t.to_owned(), cols)
        })
        .collect()
}

db_test!(
    every_table_and_column_of_the_data_model_exists,
    |app: TestApp| async move {
        let actual = columns(&app).await;
        let expected: BTreeMap<String, BTreeSet<String>> = EXPECTED
            .iter()
            .map(|(t, cols)| {
                (
                    (*t).to_owned(),
                    cols.iter().map(|c| (*c).to_owned()).collect(),
                )
            })
            .collect();
        assert_eq!(
            actual.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "tables"
        );
        for (table, cols) in &expected {
            assert_eq!(&actual[table], cols, "columns of {table}");
        }
    }
);

db_test!(
    foreign_keys_and_uniques_match_the_reference,
    |app: TestApp| async move {
        let expected: BTreeSet<_> = EXPECTED_FKS
            .iter()
            .map(|(t, c, r, d)| {
                (
                    (*t).to_owned(),
                    (*c).to_owned(),
                    (*r).to_owned(),
                    (*d).to_owned(),
                )
            })
            .collect();
        assert_eq!(foreign_keys(&app).await, expected);
        let expected: BTreeSet<_> = EXPECTED_UNIQUES
            .iter()
            .map(|(t, cols)| {
                (
                    (*t).to_owned(),
                    cols.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>(),
                )
            })
            .collect();
        assert_eq!(uniques(&app).await, expected);
    }
);

db_test!(
    usernames_are_unique_regardless_of_case,
    |app: TestApp| async move {
        User::new("Alice")
            .email("alice@example.com")
            .insert(&app)
            .await;
        assert!(
            User::new("alice").model().insert(&app.db).await.is_err(),
            "case-insensitive duplicate accepted"
        );
        assert!(User::new("ALICE").model().insert(&app.db).await.is_err());
        assert!(
            User::new("bob")
                .email("alice@example.com")
                .model()
                .insert(&app.db)
                .await
                .is_err(),
            "duplicate email accepted"
        );
        User::new("bob").email("bob@example.com").insert(&app).await;
        // The stored spelling is kept.
        let all = users::Entity::find().all(&app.db).await.unwrap();
        assert!(all.iter().any(|u| u.username == "Alice"));
    }
);

db_test!(
    deleting_a_user_cascades_and_nulls_as_specified,
    |app: TestApp| async move {
        let u = User::new("carol").insert(&app).await;
        Group::new("staff")
            .friendly("Staff")
            .members([u.id])
            .insert(&app)
            .await;
        webauthn_credentials::ActiveModel {
            id: Set(uuid::Uuid::new_v4()),
            created_at: Set(test_now()),
            name: Set("Key".into()),
            credential_id: Set(vec![1, 2, 3]),
            public_key: Set(vec![4, 5, 6]),
            attestation_type: Set("none".into()),
            transport: Set(serde_json::json!(["internal"])),
            user_id: Set(Some(u.id)),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        let client = oidc_clients::ActiveModel {
            id: Set("my-app".into()),
            created_at: Set(test_now()),
            name: Set(Some("My App".into())),
            created_by_id: Set(Some(u.id)),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        assert_eq!(client.access_token_duration_minutes, 60, "database default");
        assert_eq!(client.client_type, "standard");

        users::Entity::delete_by_id(u.id)
            .exec(&app.db)
            .await
            .unwrap();
        assert!(
            webauthn_credentials::Entity::find()
                .all(&app.db)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            user_groups_users::Entity::find()
                .all(&app.db)
                .await
                .unwrap()
                .is_empty()
        );
        let client = oidc_clients::Entity::find_by_id("my-app")
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(client.created_by_id, None);
    }
);

db_test!(check_constraints_hold, |app: TestApp| async move {
    let orphan = custom_claims::ActiveModel {
        id: Set(uuid::Uuid::new_v4()),
        created_at: Set(test_now()),
        key: Set("department".into()),
        value: Set("ops".into()),
        user_id: Set(None),
        user_group_id: Set(None),
    };
    assert!(
        orphan.insert(&app.db).await.is_err(),
        "a claim needs a user or a group"
    );

    oidc_clients::ActiveModel {
        id: Set("c1".into()),
        created_at: Set(test_now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let api = apis::ActiveModel {
        id: Set(uuid::Uuid::new_v4()),
        created_at: Set(test_now()),
        name: Set("Billing".into()),
        audience: Set("https://billing.example.com".into()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let grant = |subject: &str| oidc_clients_allowed_apis::ActiveModel {
        oidc_client_id: Set("c1".into()),
        api_id: Set(api.id),
        subject_type: Set(subject.into()),
    };
    grant("user").insert(&app.db).await.unwrap();
    assert!(
        grant("robot").insert(&app.db).await.is_err(),
        "subject_type is user or client"
    );
});

db_test!(migrations_are_idempotent, |app: TestApp| async move {
    pocket_id::db::migrate(&app.db)
        .await
        .expect("second run is a no-op");
});

db_test!(
    a_pocket_id_go_database_is_refused_with_a_clear_error,
    |app: TestApp| async move {
        // Simulate golang-migrate's bookkeeping table in a database we did not create.
        app.db
            .execute_unprepared("DROP TABLE seaql_migrations")
            .await
            .unwrap();
        app.db
            .execute_unprepared(
                "CREATE TABLE schema_migrations (version bigint NOT NULL, dirty boolean NOT NULL)",
            )
            .await
            .unwrap();
        let err = pocket_id::db::migrate(&app.db)
            .await
            .expect_err("foreign schema must be refused");
        assert!(err.to_string().contains("Pocket ID (Go)"), "{err}");
    }
);

#[tokio::test]
async fn sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout() {
    let app = TestApp::spawn(Engine::Sqlite, &[]).await.unwrap();
    assert_eq!(app.db.get_database_backend(), DbBackend::Sqlite);
    let one = |sql: &'static str, col: &'static str| {
        let db = app.db.clone();
        async move {
            let row = db
                .query_one_raw(Statement::from_string(DbBackend::Sqlite, sql))
                .await
                .unwrap()
                .unwrap();
            row.try_get_by_index::<i64>(0)
                .map(|v| v.to_string())
                .or_else(|_| row.try_get::<String>("", col))
                .unwrap()
        }
    };
    assert_eq!(one("PRAGMA journal_mode", "journal_mode").await, "wal");
    assert_eq!(one("PRAGMA foreign_keys", "foreign_keys").await, "1");
    assert_eq!(one("PRAGMA busy_timeout", "timeout").await, "5000");
    // Requests do not checkpoint at SQLite's 1000 pages: the background task does.
    assert_eq!(
        one("PRAGMA wal_autocheckpoint", "wal_autocheckpoint").await,
        pocket_id::db::SQLITE_AUTOCHECKPOINT_PAGES.to_string()
    );
}

#[tokio::test]
async fn a_passive_checkpoint_copies_the_whole_wal_into_the_database() {
    let app = TestApp::spawn(Engine::Sqlite, &[]).await.unwrap();
    // Some writes to checkpoint.
    for i in 0..20 {
        app.db
            .execute_unprepared(&format!(
                "INSERT INTO kv (key, value) VALUES ('checkpoint-{i}', '{}')",
                "x".repeat(2000)
            ))
            .await
            .unwrap();
    }
    let c = pocket_id::db::checkpoint(&app.db).await.unwrap().unwrap();
    assert!(c.wal_frames > 0, "the writes went to the WAL: {c:?}");
    assert_eq!(c.copied, c.wal_frames, "nothing else was reading: {c:?}");
}
