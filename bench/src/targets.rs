//! The two systems under test, how each is started and provisioned, and what both share:
//! endpoint discovery, minting codes through the real authorization endpoint, and the tokens
//! the userinfo and introspection cells use.

use crate::http::{self, Conn, Error, Req, path_of};
use crate::load::{Client, Code};
use crate::proc::{self, Running};
use crate::seed::{self, Engine};
use base64::Engine as _;
use hyper::Method;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

pub const REDIRECT_URI: &str = "http://127.0.0.1:9/cb";
const ENCRYPTION_KEY: &str = "bench-encryption-key-0123456789abcdef";
pub const STATIC_API_KEY: &str = "bench-static-api-key-0123456789abcdef";
const NODE_SECRET: &str = "bench-secret-0123456789abcdefghij";
const SCOPE: &str = "openid profile email";

/// Paths from a server's discovery document.
#[derive(Clone, Debug)]
pub struct Endpoints {
    pub discovery: String,
    pub jwks: String,
    pub authorize: String,
    pub token: String,
    pub userinfo: String,
    pub introspection: String,
}

impl Endpoints {
    pub async fn discover(server: &Running) -> Result<Self, Error> {
        let discovery = "/.well-known/openid-configuration".to_owned();
        let d = http::once(server.addr, &server.host, &Req::get(&discovery))
            .await?
            .json()?;
        let p = |k: &str| -> Result<String, Error> {
            path_of(
                d[k].as_str()
                    .ok_or_else(|| format!("discovery lacks {k}"))?,
            )
        };
        Ok(Self {
            jwks: p("jwks_uri")?,
            authorize: p("authorization_endpoint")?,
            token: p("token_endpoint")?,
            userinfo: p("userinfo_endpoint")?,
            introspection: p("introspection_endpoint")?,
            discovery,
        })
    }
}

/// A cookie jar: enough for one origin (name → value, in arrival order).
#[derive(Clone, Default)]
pub struct Jar(Vec<(String, String)>);

impl Jar {
    fn store(&mut self, res: &http::Response) {
        for v in res.headers.get_all("set-cookie") {
            let Ok(v) = v.to_str() else { continue };
            let first = v.split(';').next().unwrap_or("");
            let Some((name, value)) = first.split_once('=') else {
                continue;
            };
            let gone = value.is_empty()
                || v.to_ascii_lowercase().contains("max-age=0")
                || v.to_ascii_lowercase().contains("expires=thu, 01 jan 1970");
            self.0.retain(|(n, _)| n != name.trim());
            if !gone {
                self.0.push((name.trim().to_owned(), value.to_owned()));
            }
        }
    }

    fn header(&self) -> String {
        self.0
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// What the load cells need of a provisioned system.
pub struct Prepared {
    pub endpoints: Endpoints,
    pub client: Client,
    /// Signed in as the bench user (for minting codes).
    pub jar: Jar,
    /// Extra authorization parameters (node-oidc-provider: none; ours: none).
    pub authorize_extra: Vec<(String, String)>,
    /// The userinfo/introspection token comes from a refresh with `scope` (node-oidc-provider
    /// only accepts audience-less opaque tokens there, and issues them that way) rather than
    /// from the code exchange.
    pub userinfo_token_by_refresh: bool,
}

fn pkce() -> (String, String) {
    let verifier = {
        use rand::Rng;
        let bytes: [u8; 32] = rand::rng().random();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    };
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(<sha2::Sha256 as sha2::Digest>::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// Mints one code through the authorization endpoint, following redirects with `jar` until
/// the client's redirect URI. Returns the code and how many requests it took.
async fn mint_one(conn: &mut Conn, jar: &mut Jar, p: &Prepared) -> Result<(Code, usize), Error> {
    let (verifier, challenge) = pkce();
    let query = {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        q.extend_pairs([
            ("client_id", p.client.id.as_str()),
            ("response_type", "code"),
            ("redirect_uri", p.client.redirect_uri.as_str()),
            ("scope", SCOPE),
            ("state", "bench-state-0123"),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ]);
        q.extend_pairs(
            p.authorize_extra
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str())),
        );
        q.finish()
    };
    let mut path = format!("{}?{query}", p.endpoints.authorize);
    for hop in 1..=10 {
        let res = conn
            .send(&Req::get(&path).header("cookie", &jar.header()))
            .await?;
        jar.store(&res);
        let Some(location) = res.header("location").map(str::to_owned) else {
            let body: String = String::from_utf8_lossy(&res.body)
                .chars()
                .take(300)
                .collect();
            return Err(format!(
                "authorize answered {} without a redirect: {body}",
                res.status
            )
            .into());
        };
        if location.starts_with(&p.client.redirect_uri) {
            let u = url::Url::parse(&location)?;
            let code = u
                .query_pairs()
                .find(|(k, _)| k == "code")
                .map(|(_, v)| v.into_owned())
                .ok_or_else(|| format!("redirect without a code: {location}"))?;
            return Ok((Code { code, verifier }, hop));
        }
        path = if location.starts_with('/') {
            location
        } else {
            path_of(&location)?
        };
    }
    Err("authorize: more than 10 redirects".into())
}

/// Mints `n` codes with `parallel` connections. The first mint runs alone (it may establish
/// the session and the grant); the rest reuse its cookies.
pub async fn mint_codes(
    server: &Running,
    p: &Arc<Prepared>,
    n: usize,
    parallel: usize,
) -> Result<(Vec<Code>, usize), Error> {
    let mut conn = Conn::open(server.addr, &server.host).await?;
    let mut jar = p.jar.clone();
    let (first, first_hops) = mint_one(&mut conn, &mut jar, p).await?;
    let out = Arc::new(Mutex::new(vec![first]));
    let remaining = Arc::new(std::sync::atomic::AtomicUsize::new(n.saturating_sub(1)));
    let mut tasks = Vec::new();
    for _ in 0..parallel {
        let (p, out, remaining, jar) = (p.clone(), out.clone(), remaining.clone(), jar.clone());
        let (addr, host) = (server.addr, server.host.clone());
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::open(addr, &host).await?;
            let mut jar = jar;
            let mut minted = 0usize;
            loop {
                // A fresh session now and then: node-oidc-provider's memory adapter scans a
                // list per grant on every save, so one grant for every code would slow it
                // down more and more (ours keeps no such list; its jar is just the session).
                if minted % 200 == 199 {
                    jar = p.jar.clone();
                }
                minted += 1;
                let left = remaining.fetch_update(
                    std::sync::atomic::Ordering::SeqCst,
                    std::sync::atomic::Ordering::SeqCst,
                    |r| r.checked_sub(1),
                );
                if left.is_err() {
                    return Ok::<(), Error>(());
                }
                let (code, _) = mint_one(&mut conn, &mut jar, &p).await?;
                if let Ok(mut o) = out.lock() {
                    o.push(code);
                }
            }
        }));
    }
    for t in tasks {
        t.await??;
    }
    let codes = std::mem::take(&mut *out.lock().map_err(|_| "poisoned")?);
    Ok((codes, first_hops))
}

/// Exchanges one fresh code: the token response.
pub async fn exchange(server: &Running, p: &Arc<Prepared>) -> Result<Value, Error> {
    let (mut codes, _) = mint_codes(server, p, 1, 0).await?;
    let code = codes.pop().ok_or("no code")?;
    let res = http::once(
        server.addr,
        &server.host,
        &Req::form(
            p.endpoints.token.as_str(),
            &[
                ("grant_type", "authorization_code"),
                ("code", &code.code),
                ("redirect_uri", &p.client.redirect_uri),
                ("code_verifier", &code.verifier),
            ],
        )
        .basic(&p.client.id, &p.client.secret),
    )
    .await?;
    if res.status != 200 {
        return Err(format!(
            "code exchange failed: {} {}",
            res.status,
            String::from_utf8_lossy(&res.body)
        )
        .into());
    }
    res.json()
}

/// Our release binary on one database.
pub struct Ours {
    bin: PathBuf,
    pub engine: Engine,
    pub port: u16,
    dir: PathBuf,
    db_url: String,
}

impl Ours {
    pub fn new(bin: &Path, engine: Engine, dir: &Path, db_url: String) -> Result<Self, Error> {
        Ok(Self {
            bin: bin.to_owned(),
            engine,
            port: proc::free_port()?,
            dir: dir.to_owned(),
            db_url,
        })
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.bin);
        c.args(args)
            .current_dir(&self.dir)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("APP_URL", format!("http://localhost:{}", self.port))
            .env("HOST", "127.0.0.1")
            .env("PORT", self.port.to_string())
            .env("ENCRYPTION_KEY", ENCRYPTION_KEY)
            .env("STATIC_API_KEY", STATIC_API_KEY)
            .env("DB_CONNECTION_STRING", &self.db_url)
            .env("UPLOAD_PATH", self.dir.join("uploads"))
            // node-oidc-provider has neither request logs nor rate limits.
            .env("LOG_LEVEL", "warn")
            .env("DISABLE_RATE_LIMITING", "true")
            .env("ANALYTICS_DISABLED", "true")
            .env("VERSION_CHECK_DISABLED", "true");
        c
    }

    pub async fn start(&self, log_name: &str) -> Result<Running, Error> {
        proc::start(
            self.command(&[]),
            self.port,
            "/healthz",
            &self.dir.join(format!("{log_name}.log")),
        )
        .await
    }

    /// `pocket-id key-rotate --alg ALG --yes` (the server must be stopped).
    pub fn key_rotate(&self, alg: &str) -> Result<(), Error> {
        let out = self
            .command(&["key-rotate", "--alg", alg, "--yes"])
            .output()?;
        if !out.status.success() {
            return Err(format!(
                "key-rotate {alg} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        }
        Ok(())
    }

    /// Bulk users and groups straight into the database (the server stopped).
    pub async fn seed(&self, users: u64, groups: u64) -> Result<(), Error> {
        seed::bulk(self.engine, &self.db_url, users, groups).await
    }

    /// Clients, their secrets and the signed-in bench user, through the admin REST API with
    /// the static API key.
    pub async fn provision(&self, server: &Running, clients: usize) -> Result<Prepared, Error> {
        let api = |method: Method, path: &str, body: Value| {
            Req::json(method, path, &body).header("x-api-key", STATIC_API_KEY)
        };
        let send = |req: Req| async move {
            let r = http::once(server.addr, &server.host, &req).await?;
            if !(200..300).contains(&r.status) {
                return Err::<Value, Error>(
                    format!(
                        "{} {} → {}: {}",
                        req.method,
                        req.path,
                        r.status,
                        String::from_utf8_lossy(&r.body)
                    )
                    .into(),
                );
            }
            Ok(if r.body.is_empty() {
                Value::Null
            } else {
                r.json()?
            })
        };
        let user = send(api(
            Method::POST,
            "/api/users",
            json!({"username": "bench-user", "email": "bench-user@example.com",
                   "emailVerified": true, "firstName": "Bench", "lastName": "User",
                   "displayName": "Bench User"}),
        ))
        .await?;
        let user_id = user["id"].as_str().ok_or("no user id")?.to_owned();
        for i in 0..clients.max(1) {
            let id = if i == 0 {
                "bench".to_owned()
            } else {
                format!("client-{i:03}")
            };
            send(api(
                Method::POST,
                "/api/oidc/clients",
                json!({"id": id, "name": format!("Bench client {i}"),
                       "callbackURLs": [REDIRECT_URI], "pkceEnabled": true,
                       "skipConsent": true}),
            ))
            .await?;
        }
        let secret = send(api(
            Method::POST,
            "/api/oidc/clients/bench/secrets",
            json!({}),
        ))
        .await?;
        let secret = secret["secret"].as_str().ok_or("no secret")?.to_owned();
        let code = send(api(
            Method::POST,
            &format!("/api/users/{user_id}/one-time-access-token"),
            json!({"ttl": "24h"}),
        ))
        .await?;
        let code = code["token"].as_str().ok_or("no login code")?;
        let res = http::once(
            server.addr,
            &server.host,
            &Req::json(
                Method::POST,
                format!("/api/one-time-access-token/{code}"),
                &json!({}),
            ),
        )
        .await?;
        if res.status != 200 {
            return Err(format!("login code refused: {}", res.status).into());
        }
        let mut jar = Jar::default();
        jar.store(&res);
        Ok(Prepared {
            endpoints: Endpoints::discover(server).await?,
            client: Client {
                id: "bench".into(),
                secret,
                redirect_uri: REDIRECT_URI.into(),
            },
            jar,
            authorize_extra: Vec::new(),
            userinfo_token_by_refresh: false,
        })
    }
}

/// node-oidc-provider (`bench/node`), one signing key per start.
pub struct Node {
    dir: PathBuf,
    work: PathBuf,
    pub port: u16,
}

impl Node {
    pub fn new(dir: &Path, work: &Path) -> Result<Self, Error> {
        if !dir.join("node_modules/oidc-provider").is_dir() {
            return Err(format!(
                "{} has no node_modules: run `npm ci --prefix {}` (scripts/bootstrap.sh --bench does)",
                dir.display(),
                dir.display()
            )
            .into());
        }
        Ok(Self {
            dir: dir.canonicalize()?,
            work: work.to_owned(),
            port: proc::free_port()?,
        })
    }

    /// Starts the provider with a fresh `alg` key (generated before the clock starts).
    pub async fn start(&self, alg: &str) -> Result<Running, Error> {
        let jwks = self.work.join(format!("node-{alg}.jwks.json"));
        let out = Command::new("node")
            .arg(self.dir.join("genkeys.mjs"))
            .arg(alg)
            .arg(&jwks)
            .output()?;
        if !out.status.success() {
            return Err(format!("genkeys {alg}: {}", String::from_utf8_lossy(&out.stderr)).into());
        }
        let mut c = Command::new("node");
        c.arg(self.dir.join("provider.mjs"))
            .current_dir(&self.dir)
            .env("NODE_ENV", "production")
            .env("PORT", self.port.to_string())
            .env("ISSUER", format!("http://localhost:{}", self.port))
            .env("JWKS_FILE", &jwks)
            .env("ALG", alg)
            .env("CLIENT_SECRET", NODE_SECRET)
            .env("REDIRECT_URI", REDIRECT_URI)
            // Its default LRU holds 1000 entries; the code cells pre-mint far more.
            .env("MEMORY_STORE_MAX", "2000000");
        proc::start(
            c,
            self.port,
            "/.well-known/openid-configuration",
            &self.work.join(format!("node-{alg}.log")),
        )
        .await
    }

    pub async fn prepare(&self, server: &Running) -> Result<Prepared, Error> {
        Ok(Prepared {
            endpoints: Endpoints::discover(server).await?,
            client: Client {
                id: "bench".into(),
                secret: NODE_SECRET.into(),
                redirect_uri: REDIRECT_URI.into(),
            },
            jar: Jar::default(),
            authorize_extra: Vec::new(),
            userinfo_token_by_refresh: true,
        })
    }
}

/// One refresh-token grant (with `scope=openid profile email` when `with_scope`).
pub async fn refresh(
    server: &Running,
    p: &Prepared,
    refresh_token: &str,
    with_scope: bool,
) -> Result<Value, Error> {
    let mut form = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
    ];
    if with_scope {
        form.push(("scope", SCOPE));
    }
    let res = http::once(
        server.addr,
        &server.host,
        &Req::form(p.endpoints.token.as_str(), &form).basic(&p.client.id, &p.client.secret),
    )
    .await?;
    if res.status != 200 {
        return Err(format!(
            "refresh failed: {} {}",
            res.status,
            String::from_utf8_lossy(&res.body)
        )
        .into());
    }
    res.json()
}
