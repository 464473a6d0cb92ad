//! `kill -9` under write load, on SQLite and PostgreSQL: the real binary takes sign-ins (login
//! codes), token issuance (client credentials) and admin writes (users, groups) from several
//! clients at once and is killed mid-stream. After a restart on the same database every
//! request that got a success answer is still there, the database is intact and the server
//! starts cleanly.

use crate::helpers::{free_port, fresh_postgres, healthy, session_cookie};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_pocket-id");
const KEY: &str = "crash-test-static-api-key-0123456789";
const SECRET_CLIENT: &str = "crash-rp";
const FORM: &str = "application/x-www-form-urlencoded";

/// What got a success answer before the kill.
#[derive(Debug, Default)]
struct Acknowledged {
    users: Vec<String>,
    groups: Vec<String>,
    access_tokens: Vec<String>,
    /// `name=value` of session cookies from redeemed login codes.
    sessions: Vec<String>,
}

struct Server {
    child: Child,
    base: String,
}

fn start(dir: &std::path::Path, db: &str) -> Server {
    let port = free_port();
    let child = Command::new(BIN)
        .current_dir(dir)
        .env_clear()
        .env("PORT", port.to_string())
        .env("HOST", "127.0.0.1")
        // The same public URL on every start (tokens and cookies name it), whatever the port.
        .env("APP_URL", "http://localhost:1411")
        .env("DB_CONNECTION_STRING", db)
        .env("ENCRYPTION_KEY", "crash-test-encryption-key-0123456789")
        .env("STATIC_API_KEY", KEY)
        // Every request comes from 127.0.0.1: the limits are not what is tested here.
        .env("DISABLE_RATE_LIMITING", "true")
        .env("LOG_LEVEL", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start pocket-id");
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    loop {
        if healthy(port) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Server { child, base }
}

fn admin(http: &reqwest::Client, method: reqwest::Method, url: String) -> reqwest::RequestBuilder {
    http.request(method, url).header("x-api-key", KEY)
}

/// The confidential client whose tokens are issued under load; its secret.
async fn confidential_client(http: &reqwest::Client, base: &str) -> String {
    let r = admin(http, reqwest::Method::POST, format!("{base}/api/oidc/clients"))
        .json(&json!({"id": SECRET_CLIENT, "name": "Crash RP", "callbackURLs": ["https://rp.example/cb"]}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let r = admin(
        http,
        reqwest::Method::POST,
        format!("{base}/api/oidc/clients/{SECRET_CLIENT}/secrets"),
    )
    .send()
    .await
    .unwrap();
    assert!(r.status().is_success());
    r.json::<Value>().await.unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// One write of kind `n % 4`; `Err` once the server is gone.
async fn one_write(
    http: &reqwest::Client,
    base: &str,
    secret: &str,
    n: usize,
    acked: &Mutex<Acknowledged>,
) -> Result<(), reqwest::Error> {
    match n % 4 {
        0 => {
            let r = admin(http, reqwest::Method::POST, format!("{base}/api/users"))
                .json(&json!({"username": format!("crash{n}"), "email": format!("crash{n}@example.com"), "firstName": "Crash"}))
                .send()
                .await?;
            if r.status().is_success() {
                let id = r.json::<Value>().await?["id"].as_str().unwrap().to_owned();
                acked.lock().unwrap().users.push(id);
            }
        }
        1 => {
            let r = admin(
                http,
                reqwest::Method::POST,
                format!("{base}/api/user-groups"),
            )
            .json(&json!({"name": format!("crash_{n}"), "friendlyName": format!("Crash {n}")}))
            .send()
            .await?;
            if r.status().is_success() {
                let id = r.json::<Value>().await?["id"].as_str().unwrap().to_owned();
                acked.lock().unwrap().groups.push(id);
            }
        }
        2 => {
            let r = http
                .post(format!("{base}/api/oidc/token"))
                .basic_auth(SECRET_CLIENT, Some(secret))
                .header("content-type", FORM)
                .body("grant_type=client_credentials")
                .send()
                .await?;
            if r.status().is_success() {
                let t = r.json::<Value>().await?["access_token"]
                    .as_str()
                    .unwrap()
                    .to_owned();
                acked.lock().unwrap().access_tokens.push(t);
            }
        }
        _ => {
            // A sign-in: an admin makes a login code for a user who exists, the user redeems it.
            let user = acked.lock().unwrap().users.first().cloned();
            let Some(user) = user else { return Ok(()) };
            let r = admin(
                http,
                reqwest::Method::POST,
                format!("{base}/api/users/{user}/one-time-access-token"),
            )
            .send()
            .await?;
            if !r.status().is_success() {
                return Ok(());
            }
            let code = r.json::<Value>().await?["token"]
                .as_str()
                .unwrap()
                .to_owned();
            let r = http
                .post(format!("{base}/api/one-time-access-token/{code}"))
                .send()
                .await?;
            if r.status().is_success()
                && let Some(c) = session_cookie(&r)
            {
                acked.lock().unwrap().sessions.push(c);
            }
        }
    }
    Ok(())
}

/// Writes from `workers` clients until the server dies; what was acknowledged.
async fn load_until_killed(mut server: Server, secret: &str) -> Acknowledged {
    let acked = Arc::new(Mutex::new(Acknowledged::default()));
    let mut tasks = Vec::new();
    for w in 0..6 {
        let (base, secret, acked) = (server.base.clone(), secret.to_owned(), acked.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut n = w;
            while one_write(&http, &base, &secret, n, &acked).await.is_ok() {
                n += 6;
            }
        }));
    }
    // Let the load build up, then pull the plug mid-stream.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.child.kill().expect("SIGKILL");
    server.child.wait().unwrap();
    for t in tasks {
        t.await.unwrap();
    }
    Arc::try_unwrap(acked).unwrap().into_inner().unwrap()
}

async fn verify(server: &Server, secret: &str, acked: &Acknowledged) {
    let http = reqwest::Client::new();
    let base = &server.base;
    for id in &acked.users {
        let r = admin(
            &http,
            reqwest::Method::GET,
            format!("{base}/api/users/{id}"),
        )
        .send()
        .await
        .unwrap();
        assert_eq!(r.status(), 200, "acknowledged user {id} lost");
    }
    for id in &acked.groups {
        let r = admin(
            &http,
            reqwest::Method::GET,
            format!("{base}/api/user-groups/{id}"),
        )
        .send()
        .await
        .unwrap();
        assert_eq!(r.status(), 200, "acknowledged group {id} lost");
    }
    for t in &acked.access_tokens {
        let r = http
            .post(format!("{base}/api/oidc/introspect"))
            .basic_auth(SECRET_CLIENT, Some(secret))
            .header("content-type", FORM)
            .body(format!("token={t}"))
            .send()
            .await
            .unwrap();
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["active"], true, "acknowledged access token lost: {v}");
    }
    for cookie in &acked.sessions {
        let r = http
            .get(format!("{base}/api/users/me"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "acknowledged sign-in lost");
    }
}

async fn crash_and_recover(dir: &std::path::Path, db: &str) -> Acknowledged {
    let server = start(dir, db);
    let secret = confidential_client(&reqwest::Client::new(), &server.base).await;
    let acked = load_until_killed(server, &secret).await;
    assert!(
        acked.users.len() > 5 && acked.access_tokens.len() > 5 && !acked.sessions.is_empty(),
        "the load ran before the kill: {} users, {} groups, {} tokens, {} sign-ins",
        acked.users.len(),
        acked.groups.len(),
        acked.access_tokens.len(),
        acked.sessions.len()
    );
    let mut server = start(dir, db);
    verify(&server, &secret, &acked).await;
    server.child.kill().ok();
    server.child.wait().ok();
    acked
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_keeps_every_acknowledged_write_after_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pocket-id.db");
    crash_and_recover(dir.path(), &path.display().to_string()).await;
    let db = Database::connect(format!("sqlite://{}?mode=rw", path.display()))
        .await
        .unwrap();
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "PRAGMA integrity_check",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<String>("", "integrity_check").unwrap(), "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_keeps_every_acknowledged_write_after_kill_9() {
    let Some((url, _drop_afterwards)) = fresh_postgres().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    crash_and_recover(dir.path(), &url).await;
}
