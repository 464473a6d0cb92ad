//! `TestApp`: the real router on its own fresh database with a fixed clock, plus request helpers.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use chrono::{DateTime, Utc};
use pocket_id::clock::FixedClock;
use pocket_id::config::Config;
use pocket_id::spa::{MemoryAssets, Spa};
use pocket_id::state::AppState;
use pocket_shared::{ApiError, ErrorCode};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;

/// Runs an async test body once on SQLite and once on PostgreSQL. The `TestApp` is bound in the
/// test function itself, so it (and its database) outlives the body even when the body's
/// `async move` captures only some of its fields.
#[macro_export]
macro_rules! db_test {
    ($name:ident, |$app:ident : $ty:ty| $body:expr) => {
        $crate::db_test!($name, env = [], |$app: $ty| $body);
    };
    ($name:ident, env = [$($env:expr),* $(,)?], |$app:ident : $ty:ty| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test]
            async fn sqlite() {
                let $app: $ty =
                    $crate::helpers::TestApp::spawn($crate::helpers::Engine::Sqlite, &[$($env),*])
                        .await
                        .expect("sqlite");
                $body.await;
            }

            #[tokio::test]
            async fn postgres() {
                let app: Option<$ty> =
                    $crate::helpers::TestApp::spawn($crate::helpers::Engine::Postgres, &[$($env),*])
                        .await;
                if let Some($app) = app {
                    $body.await;
                }
            }

            /// Two instances on one PostgreSQL database, requests alternating between them
            /// (a round-robin load balancer).
            #[tokio::test]
            async fn postgres_two_instances() {
                let app: Option<$ty> = $crate::helpers::TestApp::spawn_instances(
                    $crate::helpers::Engine::Postgres,
                    &[$($env),*],
                    2,
                )
                .await;
                if let Some($app) = app {
                    $body.await;
                }
            }
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A fixed, recognisable "now" for every test.
pub fn test_now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).expect("valid timestamp")
}

/// The SPA files the test router serves (the real build is tested end to end in e2e/).
pub const TEST_INDEX_HTML: &str = "<!doctype html><html><head><script type=\"module\">import init from '/app-0123456789abcdef.js';await init();</script></head><body></body></html>";

pub struct TestApp {
    pub router: Router,
    /// The state behind the router (signing keys, clock, database).
    #[allow(dead_code)]
    pub state: AppState,
    /// Further instances on the same database (each with its own state, caches and connection
    /// pool); requests go to the instances in turn.
    pub peers: Vec<(AppState, Router)>,
    next: std::sync::atomic::AtomicUsize,
    pub db: DatabaseConnection,
    /// Moved by tests of expiry (the app reads time only from here).
    #[allow(dead_code)]
    pub clock: Arc<FixedClock>,
    pub engine: Engine,
    #[allow(dead_code)]
    pub config: Arc<Config>,
    _uploads: tempfile::TempDir,
    _guard: DbGuard,
}

/// Keeps the database alive for the test and removes it afterwards.
pub enum DbGuard {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        if let DbGuard::Postgres { admin_url, name } = self {
            let (url, name) = (admin_url.clone(), name.clone());
            // Drop runs outside async; a short-lived runtime on its own thread does the cleanup.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                rt.block_on(async {
                    let admin = Database::connect(&url).await.ok()?;
                    admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await
                        .ok()
                })
            })
            .join();
        }
    }
}

/// PostgreSQL admin URL: `TEST_DATABASE_URL`, else the local server.
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

static PG_REACHABLE: OnceLock<bool> = OnceLock::new();

async fn postgres_reachable(url: &str) -> bool {
    if let Some(r) = PG_REACHABLE.get() {
        return *r;
    }
    let ok = tokio::time::timeout(std::time::Duration::from_secs(3), Database::connect(url))
        .await
        .is_ok_and(|r| r.is_ok());
    *PG_REACHABLE.get_or_init(|| ok)
}

/// A fresh, empty PostgreSQL database: its URL, and the guard that drops it. `None`, with a
/// loud line, when PostgreSQL is unreachable (a failure with `POCKET_ID_REQUIRE_POSTGRES=1`).
pub async fn fresh_postgres() -> Option<(String, DbGuard)> {
    let admin_url = postgres_admin_url();
    if !postgres_reachable(&admin_url).await {
        if std::env::var("POCKET_ID_REQUIRE_POSTGRES").as_deref() == Ok("1") {
            panic!(
                "PostgreSQL is required (POCKET_ID_REQUIRE_POSTGRES=1) but {admin_url} is unreachable"
            );
        }
        eprintln!("SKIPPED: postgres ({admin_url} unreachable)");
        return None;
    }
    let name = format!("pocket_id_test_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(&admin_url).await.expect("connect admin");
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("create database");
    let mut url = url::Url::parse(&admin_url).expect("admin url");
    url.set_path(&name);
    Some((url.to_string(), DbGuard::Postgres { admin_url, name }))
}

/// A free TCP port on 127.0.0.1 (for a real server the test starts).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The session cookie (`name=value`) a real server's answer sets, if any.
pub fn session_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("access_token="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

/// `GET /healthz` on 127.0.0.1:`port` answers 204 (a blocking probe over a plain socket).
pub fn healthy(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut conn) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let mut answer = String::new();
    conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .is_ok()
        && conn.read_to_string(&mut answer).is_ok()
        && answer.starts_with("HTTP/1.1 204")
}

impl TestApp {
    /// A router on a fresh database of `engine`, with extra environment variables. `None` when
    /// PostgreSQL is unreachable (and not required by `POCKET_ID_REQUIRE_POSTGRES=1`).
    pub async fn spawn(engine: Engine, extra_env: &[(&str, &str)]) -> Option<Self> {
        Self::spawn_instances(engine, extra_env, 1).await
    }

    /// Like [`TestApp::spawn`], with `instances` servers on the one database.
    pub async fn spawn_instances(
        engine: Engine,
        extra_env: &[(&str, &str)],
        instances: usize,
    ) -> Option<Self> {
        let mut env: HashMap<String, String> = [
            ("ENCRYPTION_KEY", "test-encryption-key-0123456789"),
            ("APP_URL", "http://localhost:1411"),
        ]
        .into_iter()
        .chain(extra_env.iter().copied())
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        // Uploaded files go to a folder of this test's own (unless the test picks one).
        let uploads = tempfile::tempdir().expect("upload tempdir");
        env.entry("UPLOAD_PATH".into())
            .or_insert_with(|| uploads.path().display().to_string());
        let guard = match engine {
            Engine::Sqlite => {
                let dir = tempfile::tempdir().expect("tempdir");
                env.insert(
                    "DB_CONNECTION_STRING".into(),
                    dir.path().join("pocket-id.db").display().to_string(),
                );
                DbGuard::Sqlite(dir)
            }
            Engine::Postgres => {
                let (url, guard) = fresh_postgres().await?;
                env.insert("DB_CONNECTION_STRING".into(), url);
                guard
            }
        };
        let config = Arc::new(Config::from_source(&env).expect("test config"));
        let db = pocket_id::db::open(&config.database)
            .await
            .expect("open database");
        let clock = Arc::new(FixedClock::new(test_now()));
        let spa = Spa::new(Box::new(MemoryAssets(HashMap::from([(
            "index.html".to_owned(),
            TEST_INDEX_HTML.as_bytes().to_vec(),
        )]))));
        let spa = Arc::new(spa);
        let state = AppState::open(db.clone(), config.clone(), clock.clone(), spa.clone())
            .await
            .expect("app state");
        let mut peers = Vec::new();
        for _ in 1..instances {
            let db = pocket_id::db::open(&config.database)
                .await
                .expect("open database");
            let peer = AppState::open(db, config.clone(), clock.clone(), spa.clone())
                .await
                .expect("app state");
            peers.push((peer.clone(), pocket_id::router(peer)));
        }
        Some(Self {
            router: pocket_id::router(state.clone()),
            state,
            peers,
            next: Default::default(),
            db,
            clock,
            engine,
            config,
            _uploads: uploads,
            _guard: guard,
        })
    }

    /// The router of the instance whose turn it is (round robin, like a load balancer).
    pub fn next_router(&self) -> Router {
        let turn =
            self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % (1 + self.peers.len());
        match turn {
            0 => self.router.clone(),
            n => self.peers[n - 1].1.clone(),
        }
    }

    pub async fn request(&self, req: Request<Body>) -> TestResponse {
        let res = self
            .next_router()
            .oneshot(req)
            .await
            .expect("infallible router");
        let status = res.status();
        let headers = res.headers().clone();
        let body = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .expect("body");
        TestResponse {
            status,
            headers,
            body,
        }
    }

    pub async fn call(&self, method: Method, path: &str) -> TestResponse {
        self.request(
            Request::builder()
                .method(method)
                .uri(path)
                .body(Body::empty())
                .expect("request"),
        )
        .await
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.call(Method::GET, path).await
    }

    /// The test switch of the SSRF guard: the app may fetch from loopback (servers the test
    /// starts: images, key sets).
    pub fn allow_loopback(&mut self) {
        self.state.outbound = pocket_id::outbound::Outbound::allowing_loopback();
        self.router = pocket_id::router(self.state.clone());
        for (state, router) in &mut self.peers {
            state.outbound = pocket_id::outbound::Outbound::allowing_loopback();
            *router = pocket_id::router(state.clone());
        }
    }

    /// Every instance reloads its signing keys now (as each does within its reload interval);
    /// true when each found a change.
    #[allow(dead_code)]
    pub async fn reload_keys(&self) -> bool {
        let mut all = true;
        for state in self.states() {
            all &= state
                .keys
                .refresh(&state.db, self.clock_now())
                .await
                .expect("reload keys");
        }
        all
    }

    /// Every instance's state (the first is [`TestApp::state`]).
    #[allow(dead_code)]
    pub fn states(&self) -> impl Iterator<Item = &AppState> {
        std::iter::once(&self.state).chain(self.peers.iter().map(|(s, _)| s))
    }

    /// The app's "now" (the fixed clock, as tests have moved it).
    pub fn clock_now(&self) -> DateTime<Utc> {
        pocket_id::clock::Clock::now(self.clock.as_ref())
    }

    /// Stores an application configuration value, as an admin saving the settings would.
    pub async fn set_app_config(&self, key: &str, value: &str) {
        use sea_orm::ActiveModelTrait;
        pocket_id::db::entities::app_config_variables::ActiveModel {
            key: sea_orm::Set(key.to_owned()),
            value: sea_orm::Set(value.to_owned()),
        }
        .insert(&self.db)
        .await
        .expect("store app config value");
    }
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// A `multipart/form-data` body with one file in the form field `field`: the `Content-Type`
/// header and the body.
pub fn multipart(
    field: &str,
    filename: &str,
    content_type: &str,
    file: &[u8],
) -> (String, Vec<u8>) {
    let boundary = "XTESTBOUNDARYX0123456789";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The `code` of an error response.
pub fn code(r: &TestResponse) -> ErrorCode {
    r.json::<ApiError>().code
}

/// `(field, code)` of every failure of a validation error (asserted to be one).
pub fn field_errors(r: &TestResponse) -> Vec<(String, String)> {
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    let e: ApiError = r.json();
    assert_eq!(e.code, ErrorCode::ValidationFailed, "{}", r.text());
    e.details
        .unwrap()
        .fields
        .into_iter()
        .map(|f| (f.field, f.code))
        .collect()
}

/// The field names of a validation error (asserted to be one).
pub fn error_fields(r: &TestResponse) -> Vec<String> {
    field_errors(r)
        .into_iter()
        .map(|(field, _)| field)
        .collect()
}

impl TestResponse {
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not the expected JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// A browser-like client of a `TestApp`: keeps cookies between requests.
pub struct Client<'a> {
    pub app: &'a TestApp,
    pub cookies: std::collections::BTreeMap<String, String>,
    /// Extra headers sent with every request (e.g. `x-forwarded-for`).
    pub headers: Vec<(String, String)>,
    /// The TCP peer the server sees (`ConnectInfo`); `None`: no peer address, as on a Unix
    /// socket.
    pub peer: Option<std::net::SocketAddr>,
}

impl TestApp {
    pub fn client(&self) -> Client<'_> {
        Client {
            app: self,
            cookies: Default::default(),
            headers: Vec::new(),
            peer: None,
        }
    }
}

impl Client<'_> {
    /// The `Cookie` header this client sends (for requests built by hand).
    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Sends a `multipart/form-data` body (see [`multipart`]) with this client's cookies.
    pub async fn send_multipart(
        &self,
        method: Method,
        path: &str,
        (content_type, body): (String, Vec<u8>),
    ) -> TestResponse {
        let req = Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", content_type)
            .header("cookie", self.cookie_header())
            .body(Body::from(body))
            .expect("request");
        self.app.request(req).await
    }

    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> TestResponse {
        let mut req = Request::builder().method(method).uri(path);
        if !self.cookies.is_empty() {
            req = req.header("cookie", self.cookie_header());
        }
        for (k, v) in &self.headers {
            req = req.header(k.as_str(), v.as_str());
        }
        if let Some(peer) = self.peer {
            req = req.extension(axum::extract::ConnectInfo(peer));
        }
        let req = match body {
            Some(b) => req
                .header("content-type", "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .expect("request");
        let res = self.app.request(req).await;
        for v in res.headers.get_all("set-cookie") {
            let v = v.to_str().expect("ascii cookie");
            let (pair, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (name, value) = pair.split_once('=').expect("name=value");
            if attrs.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        res
    }

    pub async fn get(&mut self, path: &str) -> TestResponse {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&mut self, path: &str, body: &serde_json::Value) -> TestResponse {
        self.send(Method::POST, path, Some(body)).await
    }
}
