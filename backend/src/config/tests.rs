//! Tests of configuration parsing and validation.

use super::*;
use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;

fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn with_key(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    let mut e = env(pairs);
    e.insert("ENCRYPTION_KEY".into(), "0123456789abcdef0123".into());
    e
}

fn err(pairs: HashMap<String, String>) -> ConfigError {
    Config::from_source(&pairs).expect_err("config should be rejected")
}

#[test]
fn defaults_match_pocket_id() {
    let c = Config::from_source(&with_key(&[])).unwrap();
    assert_eq!(c.app_url, "http://localhost:1411");
    assert_eq!(c.internal_app_url, "http://localhost:1411");
    assert_eq!(
        c.listen,
        Listen::Tcp {
            host: "0.0.0.0".into(),
            port: 1411
        }
    );
    assert_eq!(
        c.database,
        Database::Sqlite {
            path: "data/pocket-id.db".into()
        }
    );
    assert_eq!(c.upload_path, PathBuf::from("data/uploads"));
    assert_eq!(c.trust_proxy, TrustProxy::None);
    assert_eq!(c.audit_log_retention_days, 90);
    assert_eq!(c.app_env, AppEnv::Production);
    assert_eq!(c.log_level, LogLevel::Info);
    assert!(
        !c.allow_insecure_callback_urls,
        "http only on loopback by default"
    );
    assert!(!c.ui_config_disabled);
    assert!(!c.is_https());
}

#[test]
fn app_url_is_normalized_and_validated() {
    let c = Config::from_source(&with_key(&[("APP_URL", "HTTPS://ID.Example.COM/")])).unwrap();
    assert_eq!(c.app_url, "https://id.example.com");
    assert!(c.is_https());
    for bad in [
        "id.example.com",
        "ftp://x.example",
        "https://x.example/sub",
        "https://x.example/?a=1",
        "https://",
    ] {
        assert_eq!(err(with_key(&[("APP_URL", bad)])).var, "APP_URL", "{bad}");
    }
}

#[test]
fn bad_port_names_the_variable() {
    for bad in ["abc", "0", "70000", "-1"] {
        let e = err(with_key(&[("PORT", bad)]));
        assert_eq!(e.var, "PORT");
        assert!(e.to_string().starts_with("PORT: "), "{e}");
    }
    let c = Config::from_source(&with_key(&[("PORT", "8080"), ("HOST", "127.0.0.1")])).unwrap();
    assert_eq!(
        c.listen,
        Listen::Tcp {
            host: "127.0.0.1".into(),
            port: 8080
        }
    );
}

#[test]
fn short_encryption_key_is_refused() {
    let e = err(env(&[("ENCRYPTION_KEY", "short")]));
    assert_eq!(e.var, "ENCRYPTION_KEY");
}

#[test]
fn secrets_can_come_from_files_but_not_both() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("key");
    std::fs::write(&f, "  from-a-file-0123456789\n").unwrap();
    let c = Config::from_source(&env(&[("ENCRYPTION_KEY_FILE", f.to_str().unwrap())])).unwrap();
    assert_eq!(c.encryption_key.expose(), "from-a-file-0123456789");
    let e = err(env(&[
        ("ENCRYPTION_KEY", "0123456789abcdef"),
        ("ENCRYPTION_KEY_FILE", f.to_str().unwrap()),
    ]));
    assert_eq!(e.var, "ENCRYPTION_KEY");
    let e = err(with_key(&[("STATIC_API_KEY_FILE", "/nonexistent/file")]));
    assert_eq!(e.var, "STATIC_API_KEY_FILE");
}

#[test]
fn secrets_are_not_printed() {
    let c = Config::from_source(&with_key(&[(
        "DB_CONNECTION_STRING",
        "postgres://u:hunter2@db/x",
    )]))
    .unwrap();
    let dbg = format!("{c:?}");
    assert!(!dbg.contains("hunter2"));
    assert!(!dbg.contains("0123456789abcdef0123"));
}

#[test]
fn missing_key_is_generated_once_beside_the_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data/pocket-id.db");
    let vars = env(&[("DB_CONNECTION_STRING", db.to_str().unwrap())]);
    let first = Config::from_source(&vars).unwrap();
    let file = dir.path().join("data").join(GENERATED_KEY_FILE);
    assert_eq!(
        first.encryption_key_origin,
        KeyOrigin::Generated(file.clone())
    );
    assert!(first.encryption_key.expose().len() >= MIN_SECRET_LEN);
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let second = Config::from_source(&vars).unwrap();
    assert_eq!(second.encryption_key_origin, KeyOrigin::KeyFile(file));
    assert_eq!(second.encryption_key, first.encryption_key);
}

#[test]
fn postgres_requires_an_explicit_key() {
    let e = err(env(&[(
        "DB_CONNECTION_STRING",
        "postgresql://localhost/pocketid",
    )]));
    assert_eq!(e.var, "ENCRYPTION_KEY");
    let c = Config::from_source(&with_key(&[(
        "DB_CONNECTION_STRING",
        "postgresql://localhost/pocketid",
    )]))
    .unwrap();
    assert!(matches!(c.database, Database::Postgres { .. }));
}

#[test]
fn sqlite_connection_string_forms() {
    for (raw, path) in [
        (
            "file:data/pocket-id.db?_pragma=journal_mode(WAL)",
            "data/pocket-id.db",
        ),
        (
            "sqlite:///var/lib/pocket-id/db.sqlite",
            "/var/lib/pocket-id/db.sqlite",
        ),
        ("/srv/id.db", "/srv/id.db"),
    ] {
        let c = Config::from_source(&with_key(&[("DB_CONNECTION_STRING", raw)])).unwrap();
        assert_eq!(c.database, Database::Sqlite { path: path.into() }, "{raw}");
    }
    assert_eq!(
        err(with_key(&[("DB_CONNECTION_STRING", ":memory:")])).var,
        "DB_CONNECTION_STRING"
    );
    assert_eq!(
        err(with_key(&[("DB_PROVIDER", "postgres")])).var,
        "DB_CONNECTION_STRING"
    );
    assert_eq!(
        err(with_key(&[("DB_PROVIDER", "mysql")])).var,
        "DB_PROVIDER"
    );
}

#[test]
fn trust_proxy_forms() {
    let c = Config::from_source(&with_key(&[("TRUST_PROXY", "true")])).unwrap();
    assert_eq!(c.trust_proxy, TrustProxy::All);
    let c =
        Config::from_source(&with_key(&[("TRUST_PROXY", "10.0.0.0/8, 192.168.1.1,::1")])).unwrap();
    let TrustProxy::Networks(nets) = c.trust_proxy else {
        panic!("networks expected")
    };
    assert_eq!(nets.len(), 3);
    assert_eq!(err(with_key(&[("TRUST_PROXY", "nope")])).var, "TRUST_PROXY");
}

#[test]
fn ui_config_disabled_reads_app_config_from_env() {
    let c = Config::from_source(&with_key(&[])).unwrap();
    assert!(c.app_config_env.is_none());
    let c = Config::from_source(&with_key(&[
        ("UI_CONFIG_DISABLED", "true"),
        ("APP_NAME", "Acme ID"),
    ]))
    .unwrap();
    let vals = c.app_config_env.unwrap();
    assert_eq!(vals["appName"], "Acme ID");
    assert_eq!(vals["sessionDuration"], "60");
    let e = err(with_key(&[
        ("UI_CONFIG_DISABLED", "true"),
        ("ALLOW_USER_SIGNUPS", "always"),
    ]));
    assert_eq!(e.var, "ALLOW_USER_SIGNUPS");
    let e = err(with_key(&[
        ("UI_CONFIG_DISABLED", "true"),
        ("APP_NAME", &"x".repeat(31)),
    ]));
    assert_eq!(e.var, "APP_NAME");
    // Every bad variable is listed; booleans take Go's spellings; empty means the default.
    let e = err(with_key(&[
        ("UI_CONFIG_DISABLED", "true"),
        ("SESSION_DURATION", "0"),
        ("SMTP_TLS", "ssl"),
        ("LDAP_ENABLED", "TRUE"),
    ]));
    assert_eq!(e.var, "SESSION_DURATION");
    assert!(e.message.contains("SMTP_TLS"), "{}", e.message);
    let c = Config::from_source(&with_key(&[
        ("UI_CONFIG_DISABLED", "true"),
        ("LDAP_ENABLED", "TRUE"),
        ("APP_NAME", ""),
    ]))
    .unwrap();
    let vals = c.app_config_env.unwrap();
    assert_eq!(vals["ldapEnabled"], "true");
    assert_eq!(vals["appName"], "Pocket ID");
}

#[test]
fn unix_socket_and_mode() {
    let c = Config::from_source(&with_key(&[
        ("UNIX_SOCKET", "/run/pid.sock"),
        ("UNIX_SOCKET_MODE", "0660"),
    ]))
    .unwrap();
    assert_eq!(
        c.listen,
        Listen::Unix {
            path: "/run/pid.sock".into(),
            mode: Some(0o660)
        }
    );
    assert_eq!(
        err(with_key(&[
            ("UNIX_SOCKET", "/x"),
            ("UNIX_SOCKET_MODE", "999")
        ]))
        .var,
        "UNIX_SOCKET_MODE"
    );
}

#[test]
fn unsupported_features_fail_loudly_and_booleans_are_strict() {
    assert_eq!(
        err(with_key(&[("TLS_CERT_FILE", "/cert.pem")])).var,
        "TLS_CERT_FILE"
    );
    assert_eq!(err(with_key(&[("FILE_BACKEND", "s3")])).var, "FILE_BACKEND");
    assert_eq!(
        err(with_key(&[("UI_CONFIG_DISABLED", "yes please")])).var,
        "UI_CONFIG_DISABLED"
    );
    assert_eq!(err(with_key(&[("LOG_LEVEL", "loud")])).var, "LOG_LEVEL");
    let c = Config::from_source(&with_key(&[
        ("ANALYTICS_DISABLED", "true"),
        ("SYSTEMD_SOCKET", "false"),
    ]))
    .unwrap();
    assert_eq!(c.port, 1411);
}
