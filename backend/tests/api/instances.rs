//! Two real `pocket-id` processes on one PostgreSQL database behind a round-robin TCP proxy
//! (every connection goes to the next instance, as behind a load balancer): both start at the
//! same moment on an empty database, and sign-in, sign-out, tokens, introspection, the shared
//! rate limit and key rotation behave as on one server.

use crate::helpers::{free_port, fresh_postgres, healthy, session_cookie};
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_pocket-id");
const KEY: &str = "instances-test-static-api-key-0123456789";
const CLIENT: &str = "two-rp";
const FORM: &str = "application/x-www-form-urlencoded";

fn pocket_id(db: &str, dir: &std::path::Path) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(dir)
        .env_clear()
        .env("APP_URL", "http://localhost:1411")
        .env("DB_CONNECTION_STRING", db)
        .env("ENCRYPTION_KEY", "instances-test-encryption-key-0123456789")
        .env("STATIC_API_KEY", KEY)
        .env("LOG_LEVEL", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

struct Instance {
    child: Child,
    port: u16,
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// Forwards each accepted connection to the next backend in turn; counts connections per backend.
async fn round_robin(backends: Vec<u16>) -> (u16, Arc<Vec<AtomicUsize>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let counts: Arc<Vec<AtomicUsize>> =
        Arc::new(backends.iter().map(|_| AtomicUsize::new(0)).collect());
    let seen = counts.clone();
    tokio::spawn(async move {
        let mut next = 0usize;
        while let Ok((mut inbound, _)) = listener.accept().await {
            let i = next % backends.len();
            next += 1;
            seen[i].fetch_add(1, Ordering::SeqCst);
            let backend = backends[i];
            tokio::spawn(async move {
                if let Ok(mut outbound) =
                    tokio::net::TcpStream::connect(("127.0.0.1", backend)).await
                {
                    tokio::io::copy_bidirectional(&mut inbound, &mut outbound)
                        .await
                        .ok();
                }
            });
        }
    });
    (port, counts)
}

fn kids(jwks: &Value) -> Vec<String> {
    jwks["keys"]
        .as_array()
        .map(|keys| {
            keys.iter()
                .filter_map(|k| k["kid"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_behind_a_round_robin_proxy_behave_as_one() {
    let Some((db, _drop_afterwards)) = fresh_postgres().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();

    // Both start at once on the empty database: migrations and the first signing key race.
    let ports = [free_port(), free_port()];
    let mut instances: Vec<Instance> = ports
        .iter()
        .map(|&port| Instance {
            child: pocket_id(&db, dir.path())
                .env("PORT", port.to_string())
                .env("HOST", "127.0.0.1")
                .spawn()
                .unwrap(),
            port,
        })
        .collect();
    let started = Instant::now();
    while !instances.iter().all(|i| healthy(i.port)) {
        for i in &mut instances {
            // An instance that lost a migration race would have exited.
            let exited = i.child.try_wait().unwrap();
            assert!(
                exited.is_none(),
                "instance on {} exited: {exited:?}",
                i.port
            );
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "instances did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (proxy, counts) = round_robin(ports.to_vec()).await;
    let base = format!("http://127.0.0.1:{proxy}");
    // No connection reuse: every request is a new connection, so it goes to the next instance.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let admin = |method: reqwest::Method, path: &str| {
        http.request(method, format!("{base}{path}"))
            .header("x-api-key", KEY)
    };

    // Both instances publish the same single key: the first-key race has one winner.
    let a: Value = http
        .get(format!("{base}/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let b: Value = http
        .get(format!("{base}/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(kids(&a).len(), 1, "{a}");
    assert_eq!(kids(&a), kids(&b));

    // A client and its secret, made on one instance, used on the other.
    let r = admin(reqwest::Method::POST, "/api/oidc/clients")
        .json(&json!({"id": CLIENT, "name": "Two", "callbackURLs": ["https://rp.example/cb"]}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let r = admin(
        reqwest::Method::POST,
        &format!("/api/oidc/clients/{CLIENT}/secrets"),
    )
    .send()
    .await
    .unwrap();
    let secret = r.json::<Value>().await.unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = || async {
        let r = http
            .post(format!("{base}/api/oidc/token"))
            .basic_auth(CLIENT, Some(&secret))
            .header("content-type", FORM)
            .body("grant_type=client_credentials")
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
        r.json::<Value>().await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let active = |t: String| {
        let (http, base, secret) = (http.clone(), base.clone(), secret.clone());
        async move {
            let r = http
                .post(format!("{base}/api/oidc/introspect"))
                .basic_auth(CLIENT, Some(&secret))
                .header("content-type", FORM)
                .body(format!("token={t}"))
                .send()
                .await
                .unwrap();
            r.json::<Value>().await.unwrap()["active"] == true
        }
    };
    let old_token = token().await;
    for _ in 0..2 {
        assert!(
            active(old_token.clone()).await,
            "a token is known to both instances"
        );
    }

    // Sign in with a login code made on one instance, redeemed on the other; sign out on a
    // third request ends the session on both.
    let users: Value = admin(reqwest::Method::POST, "/api/users")
        .json(&json!({"username": "pair", "email": "pair@example.com", "firstName": "Pair"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let user = users["id"].as_str().unwrap();
    let code: Value = admin(
        reqwest::Method::POST,
        &format!("/api/users/{user}/one-time-access-token"),
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let r = http
        .post(format!(
            "{base}/api/one-time-access-token/{}",
            code["token"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let cookie = session_cookie(&r).expect("a session cookie");
    let me = || async {
        http.get(format!("{base}/api/users/me"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .status()
    };
    assert_eq!(me().await, 200);
    assert_eq!(me().await, 200);
    let r = http
        .post(format!("{base}/api/webauthn/logout"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(me().await, 401, "signed out here");
    assert_eq!(me().await, 401, "and there");

    // One rate-limit bucket for both: a burst of 5 redemptions (the sign-in above took one),
    // then refused whichever instance answers.
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let r = http
            .post(format!("{base}/api/one-time-access-token/WRONGCODE123"))
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 401, 429, 429]);

    // Key rotation from the CLI reaches both instances within their reload interval.
    let out = pocket_id(&db, dir.path())
        .args(["key-rotate", "--alg", "ES256", "--yes"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let mut fresh = 0;
        for _ in 0..2 {
            let j: Value = http
                .get(format!("{base}/.well-known/jwks.json"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if kids(&j).len() == 2 {
                fresh += 1;
            }
        }
        if fresh == 2 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "an instance did not pick up the new key"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // New tokens from either instance, and the old one, verify on both.
    let new_tokens = [token().await, token().await];
    for t in new_tokens.iter().chain([&old_token]) {
        for _ in 0..2 {
            assert!(active(t.clone()).await, "verified on both instances");
        }
    }
    let served: Vec<usize> = counts.iter().map(|c| c.load(Ordering::SeqCst)).collect();
    assert!(
        served.iter().all(|&n| n > 10),
        "both instances served: {served:?}"
    );

    drop(instances);
}

/// Instances starting together on an empty database (a deployment scaled to several replicas)
/// all come up: migrations run one after the other, never side by side.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_starting_together_all_migrate() {
    let Some((url, _drop_afterwards)) = fresh_postgres().await else {
        return;
    };
    let env: std::collections::HashMap<String, String> = [
        ("ENCRYPTION_KEY", "instances-test-encryption-key-0123456789"),
        ("DB_CONNECTION_STRING", url.as_str()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let config = pocket_id::config::Config::from_source(&env).unwrap();
    let opened =
        futures_util::future::join_all((0..4).map(|_| pocket_id::db::open(&config.database))).await;
    for r in &opened {
        assert!(r.is_ok(), "{:?}", r.as_ref().err());
    }
}
