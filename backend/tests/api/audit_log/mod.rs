//! Audit log: own log vs admin-wide log, who may read what, filters, sorting and pagination,
//! filter values, device strings, geolocation from a generated GeoLite2 file (with private
//! address markers and hot reload), the retention cleanup and the database download's install
//! step.

mod mmdb;

use crate::db_test;
use crate::fixtures::{User, admin, setup_admin, sign_in, sign_in_with};
use crate::helpers::{Client, Engine, TestApp, TestResponse, test_now};
use axum::http::StatusCode;
use chrono::Duration;
use pocket_id::clock::Clock;
use pocket_id::db::entities::{audit_logs, users};
use pocket_id::features::audit_log::geo::Location;
use pocket_id::features::audit_log::service::{AuditEvent, Origin, delete_expired, record_at};
use pocket_shared::audit_log::{AuditLogDto, AuditLogListResponse, AuditLogUsers};
use pocket_shared::{ApiError, ErrorCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::collections::BTreeMap;
use uuid::Uuid;

const FIREFOX_LINUX: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const SAFARI_IOS: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";

/// The admin and a signed-in user "bob", with an empty audit log.
async fn admin_and_bob(app: &TestApp) -> (Client<'_>, Client<'_>, users::Model, users::Model) {
    let mut admin = app.client();
    let admin_dto = setup_admin(&mut admin).await;
    let admin_user = users::Entity::find_by_id(Uuid::parse_str(&admin_dto.id).unwrap())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let bob = User::new("bob").insert(app).await;
    let bob_client = sign_in(app, bob.id).await;
    audit_logs::Entity::delete_many()
        .exec(&app.db)
        .await
        .unwrap();
    (admin, bob_client, admin_user, bob)
}

/// Writes an entry `minutes` before the test's "now".
async fn seed(
    app: &TestApp,
    user: &users::Model,
    event: AuditEvent,
    minutes: i64,
    ip: Option<&str>,
    country: Option<&str>,
    data: &[(&'static str, &str)],
) {
    record_at(
        &app.db,
        event,
        user.id,
        &Origin {
            ip: ip.map(|i| i.parse().unwrap()),
            user_agent: FIREFOX_LINUX.into(),
        },
        data.iter()
            .map(|(k, v)| (*k, v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        Location {
            country: country.map(str::to_owned),
            city: country.map(|_| "Somewhere".to_owned()),
        },
        test_now() - Duration::minutes(minutes),
    )
    .await
    .unwrap();
}

async fn list(c: &mut Client<'_>, path: &str) -> AuditLogListResponse {
    let r = c.get(path).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text());
    r.json()
}

fn events(l: &AuditLogListResponse) -> Vec<&str> {
    l.data.iter().map(|e| e.event.as_str()).collect()
}

fn validation_field(r: &TestResponse) -> String {
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    let e: ApiError = r.json();
    assert_eq!(e.code, ErrorCode::ValidationFailed, "{}", r.text());
    e.details.expect("details").fields[0].field.clone()
}

db_test!(
    own_log_lists_only_the_callers_entries_newest_first,
    |app: TestApp| async move {
        let (_admin, mut bob_c, admin, bob) = admin_and_bob(&app).await;
        seed(
            &app,
            &bob,
            AuditEvent::SignIn,
            30,
            Some("81.2.69.142"),
            None,
            &[],
        )
        .await;
        seed(
            &app,
            &bob,
            AuditEvent::PasskeyAdded,
            10,
            None,
            None,
            &[("passkeyName", "Key"), ("credentialID", "ab")],
        )
        .await;
        seed(&app, &admin, AuditEvent::SignIn, 5, None, None, &[]).await;

        let l = list(&mut bob_c, "/api/audit-logs").await;
        assert_eq!(events(&l), ["PASSKEY_ADDED", "SIGN_IN"]);
        assert_eq!(l.pagination.total_items, 2);
        let e: &AuditLogDto = &l.data[0];
        assert_eq!(e.user_id.as_deref(), Some(bob.id.to_string().as_str()));
        assert_eq!(e.device, "Firefox on Linux");
        assert_eq!(e.user_agent.as_deref(), Some(FIREFOX_LINUX));
        assert_eq!(e.data["passkeyName"], "Key");
        assert_eq!(
            e.created_at,
            (test_now() - Duration::minutes(10)).to_rfc3339()
        );
        assert_eq!(l.data[1].ip_address.as_deref(), Some("81.2.69.142"));
        // The own log names nobody.
        let raw: serde_json::Value = bob_c.get("/api/audit-logs").await.json();
        assert!(raw["data"][0].get("username").is_none(), "{raw}");
        assert!(raw["data"][0]["ipAddress"].is_null());

        // Event filter, repeatable.
        let l = list(&mut bob_c, "/api/audit-logs?filters[event]=SIGN_IN").await;
        assert_eq!(events(&l), ["SIGN_IN"]);
        let l = list(
            &mut bob_c,
            "/api/audit-logs?filters[event]=SIGN_IN&filters[event]=PASSKEY_ADDED",
        )
        .await;
        assert_eq!(l.data.len(), 2);

        let r = app.get("/api/audit-logs").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
);

db_test!(
    only_admins_read_the_whole_log_and_its_filter_values,
    |app: TestApp| async move {
        let (mut admin_c, mut bob_c, admin, bob) = admin_and_bob(&app).await;
        for path in [
            "/api/audit-logs/all",
            "/api/audit-logs/filters/client-names",
            "/api/audit-logs/filters/users",
        ] {
            let r = bob_c.get(path).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
            assert_eq!(r.json::<ApiError>().code, ErrorCode::Forbidden);
            assert_eq!(
                app.get(path).await.status,
                StatusCode::UNAUTHORIZED,
                "{path}"
            );
        }

        let admin_id = admin.id.to_string();
        seed(
            &app,
            &bob,
            AuditEvent::ClientAuthorization,
            20,
            None,
            None,
            &[("clientName", "Nextcloud")],
        )
        .await;
        seed(
            &app,
            &bob,
            AuditEvent::NewClientAuthorization,
            15,
            None,
            None,
            &[("clientName", "Grafana")],
        )
        .await;
        seed(
            &app,
            &admin,
            AuditEvent::ClientAuthorization,
            12,
            None,
            None,
            &[("clientName", "Nextcloud")],
        )
        .await;
        seed(
            &app,
            &bob,
            AuditEvent::PasskeyRemoved,
            10,
            None,
            None,
            &[("actorUserID", &admin_id), ("passkeyName", "Old")],
        )
        .await;

        let l = list(&mut admin_c, "/api/audit-logs/all").await;
        assert_eq!(
            events(&l),
            [
                "PASSKEY_REMOVED",
                "CLIENT_AUTHORIZATION",
                "NEW_CLIENT_AUTHORIZATION",
                "CLIENT_AUTHORIZATION"
            ]
        );
        assert_eq!(l.data[0].username.as_deref(), Some("bob"));
        assert_eq!(l.data[0].actor_username.as_deref(), Some("admin"));
        assert_eq!(l.data[1].username.as_deref(), Some("admin"));
        assert_eq!(l.data[1].actor_username, None);

        let r = admin_c.get("/api/audit-logs/filters/client-names").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json::<Vec<String>>(), ["Grafana", "Nextcloud"]);

        let r = admin_c.get("/api/audit-logs/filters/users").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let users: AuditLogUsers = r.json();
        assert_eq!(
            users,
            AuditLogUsers::from([
                (admin_id.clone(), "admin".into()),
                (bob.id.to_string(), "bob".into())
            ])
        );

        // The admin's own log is still only the admin's.
        let own = list(&mut admin_c, "/api/audit-logs").await;
        assert_eq!(own.pagination.total_items, 1);
    }
);

db_test!(
    admin_filters_by_event_user_client_and_location,
    |app: TestApp| async move {
        let (mut admin_c, _bob_c, admin, bob) = admin_and_bob(&app).await;
        seed(
            &app,
            &bob,
            AuditEvent::SignIn,
            50,
            Some("192.168.1.4"),
            Some("Internal Network"),
            &[],
        )
        .await;
        seed(
            &app,
            &bob,
            AuditEvent::SignIn,
            40,
            Some("81.2.69.142"),
            Some("United Kingdom"),
            &[],
        )
        .await;
        seed(&app, &bob, AuditEvent::TokenSignIn, 30, None, None, &[]).await;
        seed(
            &app,
            &admin,
            AuditEvent::ClientAuthorization,
            20,
            Some("10.0.0.1"),
            Some("Internal Network"),
            &[("clientName", "Grafana")],
        )
        .await;
        seed(
            &app,
            &admin,
            AuditEvent::ClientAuthorization,
            10,
            Some("8.8.8.8"),
            Some("United States"),
            &[("clientName", "Nextcloud")],
        )
        .await;

        let count = |l: AuditLogListResponse| l.pagination.total_items;
        assert_eq!(
            count(list(&mut admin_c, "/api/audit-logs/all?filters[event]=SIGN_IN").await),
            2
        );
        assert_eq!(
            count(
                list(
                    &mut admin_c,
                    "/api/audit-logs/all?filters[event]=SIGN_IN&filters[event]=TOKEN_SIGN_IN"
                )
                .await
            ),
            3
        );
        assert_eq!(
            count(
                list(
                    &mut admin_c,
                    "/api/audit-logs/all?filters[event]=REMOTE_SIGN_IN"
                )
                .await
            ),
            0
        );
        let by_user = list(
            &mut admin_c,
            &format!("/api/audit-logs/all?filters[userId]={}", admin.id),
        )
        .await;
        assert_eq!(by_user.pagination.total_items, 2);
        assert!(
            by_user
                .data
                .iter()
                .all(|e| e.username.as_deref() == Some("admin"))
        );
        let by_client = list(
            &mut admin_c,
            "/api/audit-logs/all?filters[clientName]=Grafana",
        )
        .await;
        assert_eq!(by_client.data.len(), 1);
        assert_eq!(by_client.data[0].data["clientName"], "Grafana");

        // Internal: the private-address rows; external: everything else, unknown locations too.
        let internal = list(
            &mut admin_c,
            "/api/audit-logs/all?filters[location]=internal",
        )
        .await;
        assert_eq!(internal.pagination.total_items, 2);
        assert!(
            internal
                .data
                .iter()
                .all(|e| e.country.as_deref() == Some("Internal Network"))
        );
        let external = list(
            &mut admin_c,
            "/api/audit-logs/all?filters[location]=external",
        )
        .await;
        assert_eq!(external.pagination.total_items, 3);
        assert!(
            external
                .data
                .iter()
                .all(|e| e.country.as_deref() != Some("Internal Network"))
        );
        let both = list(
            &mut admin_c,
            "/api/audit-logs/all?filters[location]=internal&filters[location]=external",
        )
        .await;
        assert_eq!(both.pagination.total_items, 5);
        // Combined filters narrow together.
        let l = list(
        &mut admin_c,
        &format!("/api/audit-logs/all?filters[location]=external&filters[userId]={}&filters[event]=SIGN_IN", bob.id),
    )
    .await;
        assert_eq!(l.data.len(), 1);
        assert_eq!(l.data[0].ip_address.as_deref(), Some("81.2.69.142"));

        let r = admin_c
            .get("/api/audit-logs/all?filters[location]=moon")
            .await;
        assert_eq!(validation_field(&r), "filters[location]");
        let r = admin_c
            .get("/api/audit-logs/all?filters[userId]=not-a-uuid")
            .await;
        assert_eq!(validation_field(&r), "filters[userId]");
    }
);

db_test!(lists_paginate_and_sort, |app: TestApp| async move {
    let (mut admin_c, mut bob_c, _admin, bob) = admin_and_bob(&app).await;
    for i in 0..25 {
        let event = if i % 2 == 0 {
            AuditEvent::SignIn
        } else {
            AuditEvent::TokenSignIn
        };
        seed(&app, &bob, event, 100 - i, None, None, &[]).await;
    }
    let l = list(
        &mut bob_c,
        "/api/audit-logs?pagination[page]=3&pagination[limit]=10",
    )
    .await;
    assert_eq!(l.data.len(), 5);
    assert_eq!(
        (
            l.pagination.total_pages,
            l.pagination.total_items,
            l.pagination.current_page,
            l.pagination.items_per_page
        ),
        (3, 25, 3, 10)
    );
    // Newest first by default: the last page holds the oldest entries.
    assert_eq!(
        l.data[4].created_at,
        (test_now() - Duration::minutes(100)).to_rfc3339()
    );
    let page1 = list(&mut bob_c, "/api/audit-logs?pagination[limit]=10").await;
    let page2 = list(
        &mut bob_c,
        "/api/audit-logs?pagination[page]=2&pagination[limit]=10",
    )
    .await;
    let ids: std::collections::HashSet<_> = page1
        .data
        .iter()
        .chain(&page2.data)
        .chain(&l.data)
        .map(|e| e.id.clone())
        .collect();
    assert_eq!(ids.len(), 25, "pages never overlap");

    let asc = list(
        &mut bob_c,
        "/api/audit-logs?sort[column]=createdAt&sort[direction]=asc&pagination[limit]=1",
    )
    .await;
    assert_eq!(
        asc.data[0].created_at,
        (test_now() - Duration::minutes(100)).to_rfc3339()
    );
    let by_event = list(
        &mut admin_c,
        "/api/audit-logs/all?sort[column]=event&sort[direction]=desc&pagination[limit]=100",
    )
    .await;
    assert_eq!(
        by_event.data.first().map(|e| e.event.as_str()),
        Some("TOKEN_SIGN_IN")
    );
    assert_eq!(
        by_event.data.last().map(|e| e.event.as_str()),
        Some("SIGN_IN")
    );

    let r = bob_c.get("/api/audit-logs?sort[column]=password").await;
    assert_eq!(validation_field(&r), "sort[column]");
    let r = bob_c.get("/api/audit-logs?pagination[page]=first").await;
    assert_eq!(validation_field(&r), "pagination[page]");
});

db_test!(
    device_strings_come_from_the_user_agent,
    |app: TestApp| async move {
        let (_admin, _bob_c, _admin_user, _bob) = admin_and_bob(&app).await;
        let carol = User::new("carol").insert(&app).await;
        let (mut carol_c, r) = sign_in_with(&app, carol.id, &[("user-agent", SAFARI_IOS)]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let l = list(&mut carol_c, "/api/audit-logs").await;
        assert_eq!(events(&l), ["TOKEN_SIGN_IN"]);
        assert_eq!(l.data[0].device, "Safari on iOS 17.4.1");
        assert_eq!(l.data[0].user_agent.as_deref(), Some(SAFARI_IOS));
    }
);

/// A test app that trusts `X-Forwarded-For` and reads its GeoLite2 file from a temporary folder.
async fn geo_app(engine: Engine) -> Option<(TestApp, tempfile::TempDir)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("GeoLite2-City.mmdb");
    std::fs::write(
        &path,
        mmdb::Writer::default()
            .insert("81.2.69.0/24", &mmdb::city("United Kingdom", "London"))
            .insert("2a02:ec80::/29", &mmdb::city("Sweden", "Stockholm"))
            .build(),
    )
    .unwrap();
    let path = path.display().to_string();
    let app = TestApp::spawn(
        engine,
        &[("TRUST_PROXY", "true"), ("GEOLITE_DB_PATH", &path)],
    )
    .await?;
    Some((app, dir))
}

/// Signs a new user in from `ip` and returns the stored row.
async fn sign_in_from(app: &TestApp, ip: &str) -> audit_logs::Model {
    let user = User::random().insert(app).await;
    let (_c, r) = sign_in_with(app, user.id, &[("x-forwarded-for", ip)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    audit_logs::Entity::find()
        .filter(audit_logs::Column::UserId.eq(user.id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("sign-in row")
}

fn place(row: &audit_logs::Model) -> (Option<&str>, Option<&str>) {
    (row.country.as_deref(), row.city.as_deref())
}

async fn geolocation(engine: Engine) {
    let Some((app, dir)) = geo_app(engine).await else {
        return;
    };
    let mut admin = admin(&app).await;

    let row = sign_in_from(&app, "81.2.69.142").await;
    assert_eq!(row.ip_address.as_deref(), Some("81.2.69.142"));
    assert_eq!(place(&row), (Some("United Kingdom"), Some("London")));
    let row = sign_in_from(&app, "2a02:ec80::8").await;
    assert_eq!(place(&row), (Some("Sweden"), Some("Stockholm")));
    // Public but not in the database: no location.
    assert_eq!(place(&sign_in_from(&app, "8.8.8.8").await), (None, None));
    // Private ranges never reach the database.
    for (ip, city) in [
        ("10.1.2.3", "LAN"),
        ("192.168.0.7", "LAN"),
        ("fd00::7", "LAN"),
        ("100.101.1.2", "Tailscale"),
        ("127.0.0.1", "localhost"),
        ("::1", "localhost"),
    ] {
        let row = sign_in_from(&app, ip).await;
        assert_eq!(place(&row), (Some("Internal Network"), Some(city)), "{ip}");
    }

    // The admin's location filter sees the markers.
    let internal = list(
        &mut admin,
        "/api/audit-logs/all?filters[location]=internal&pagination[limit]=100",
    )
    .await;
    assert_eq!(internal.pagination.total_items, 6);
    let external = list(
        &mut admin,
        "/api/audit-logs/all?filters[location]=external&pagination[limit]=100",
    )
    .await;
    assert_eq!(external.pagination.total_items, 3);

    // A replaced file is picked up once the recheck interval has passed, not before.
    std::fs::write(
        dir.path().join("GeoLite2-City.mmdb"),
        mmdb::Writer::default()
            .insert("81.2.69.0/24", &mmdb::city("United Kingdom", "Manchester"))
            .build(),
    )
    .unwrap();
    app.clock.advance(Duration::seconds(30));
    assert_eq!(
        place(&sign_in_from(&app, "81.2.69.1").await).1,
        Some("London")
    );
    app.clock.advance(Duration::seconds(31));
    assert_eq!(
        place(&sign_in_from(&app, "81.2.69.1").await).1,
        Some("Manchester")
    );
    // A removed file means no lookups (and no errors).
    std::fs::remove_file(dir.path().join("GeoLite2-City.mmdb")).unwrap();
    app.clock.advance(Duration::seconds(61));
    assert_eq!(place(&sign_in_from(&app, "81.2.69.1").await), (None, None));
}

#[tokio::test]
async fn geolocation_from_a_generated_geolite_file_sqlite() {
    geolocation(Engine::Sqlite).await;
}

#[tokio::test]
async fn geolocation_from_a_generated_geolite_file_postgres() {
    geolocation(Engine::Postgres).await;
}

db_test!(
    retention_deletes_only_entries_past_the_limit,
    |app: TestApp| async move {
        let (_admin_c, _bob_c, admin, bob) = admin_and_bob(&app).await;
        let day = 24 * 60;
        seed(&app, &bob, AuditEvent::SignIn, 91 * day, None, None, &[]).await;
        seed(
            &app,
            &admin,
            AuditEvent::SignIn,
            90 * day + 1,
            None,
            None,
            &[],
        )
        .await;
        seed(
            &app,
            &bob,
            AuditEvent::SignIn,
            90 * day - 1,
            None,
            None,
            &[],
        )
        .await;
        seed(&app, &bob, AuditEvent::SignIn, 1, None, None, &[]).await;

        let days = app.config.audit_log_retention_days;
        assert_eq!(days, 90, "the default");
        assert_eq!(
            delete_expired(&app.db, days, app.clock.now())
                .await
                .unwrap(),
            2
        );
        // Idempotent: a second instance running the same cleanup finds nothing more.
        assert_eq!(
            delete_expired(&app.db, days, app.clock.now())
                .await
                .unwrap(),
            0
        );
        assert_eq!(audit_logs::Entity::find().count(&app.db).await.unwrap(), 2);
        app.clock.advance(Duration::days(90));
        assert_eq!(
            delete_expired(&app.db, days, app.clock.now())
                .await
                .unwrap(),
            2
        );
    }
);

#[test]
fn retention_days_must_be_positive() {
    let env = |days: &str| {
        std::collections::HashMap::from([
            (
                "ENCRYPTION_KEY".to_owned(),
                "test-encryption-key-0123456789".to_owned(),
            ),
            (
                "DB_CONNECTION_STRING".to_owned(),
                "/tmp/unused-pocket-id.db".to_owned(),
            ),
            ("AUDIT_LOG_RETENTION_DAYS".to_owned(), days.to_owned()),
        ])
    };
    for bad in ["0", "-5", "soon"] {
        let e = pocket_id::config::Config::from_source(&env(bad)).unwrap_err();
        assert_eq!(e.var, "AUDIT_LOG_RETENTION_DAYS", "{bad}");
    }
    let c = pocket_id::config::Config::from_source(&env("30")).unwrap();
    assert_eq!(c.audit_log_retention_days, 30);
}

#[test]
fn geolite_downloads_only_when_configured_and_installs_atomically() {
    use pocket_id::features::audit_log::geolite::{download_url, install};
    let config = |extra: &[(&str, &str)]| {
        let mut env = std::collections::HashMap::from([
            (
                "ENCRYPTION_KEY".to_owned(),
                "test-encryption-key-0123456789".to_owned(),
            ),
            (
                "DB_CONNECTION_STRING".to_owned(),
                "/tmp/unused-pocket-id.db".to_owned(),
            ),
        ]);
        env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        pocket_id::config::Config::from_source(&env).unwrap()
    };
    assert_eq!(download_url(&config(&[])), None);
    let url = download_url(&config(&[("MAXMIND_LICENSE_KEY", "k3y")])).unwrap();
    assert!(
        url.contains("license_key=k3y") && url.contains("GeoLite2-City"),
        "{url}"
    );
    assert_eq!(
        download_url(&config(&[(
            "GEOLITE_DB_URL",
            "https://mirror.example/geo.tar.gz"
        )]))
        .as_deref(),
        Some("https://mirror.example/geo.tar.gz")
    );

    let db = mmdb::Writer::default()
        .insert("81.2.69.0/24", &mmdb::city("United Kingdom", "London"))
        .build();
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("data").join("GeoLite2-City.mmdb");
    // A MaxMind-style archive: a dated folder holding the database and licence files.
    let mut tar = tar::Builder::new(Vec::new());
    for (name, body) in [
        ("GeoLite2-City_20270101/LICENSE.txt", b"licence".as_slice()),
        ("GeoLite2-City_20270101/GeoLite2-City.mmdb", db.as_slice()),
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_size(body.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        tar.append_data(&mut h, name, body).unwrap();
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &tar.into_inner().unwrap()).unwrap();
    install(&gz.finish().unwrap(), &dest).unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), db);

    // A broken download leaves the installed file alone and no temporary files behind.
    assert!(install(b"<html>rate limited</html>", &dest).is_err());
    assert_eq!(std::fs::read(&dest).unwrap(), db);
    assert_eq!(
        std::fs::read_dir(dest.parent().unwrap()).unwrap().count(),
        1
    );
    // A bare .mmdb is accepted too.
    install(&db, &dest).unwrap();
}
