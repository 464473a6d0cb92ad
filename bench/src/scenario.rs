//! The benchmarked requests and how each cell is prepared (codes minted, refresh chains
//! seeded) and repeated.

use crate::http::{Error, Req};
use crate::load::{self, Load, Measured, Work};
use crate::proc::Running;
use crate::targets::{self, Prepared};
use serde::Serialize;
use std::sync::{Arc, Mutex};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Scenario {
    Discovery,
    Jwks,
    ClientCredentials,
    CodeExchange,
    Refresh,
    Userinfo,
    Introspection,
}

impl Scenario {
    pub const ALL: [Scenario; 7] = [
        Self::Discovery,
        Self::Jwks,
        Self::ClientCredentials,
        Self::CodeExchange,
        Self::Refresh,
        Self::Userinfo,
        Self::Introspection,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Discovery => "discovery",
            Self::Jwks => "jwks",
            Self::ClientCredentials => "client-credentials",
            Self::CodeExchange => "code-exchange",
            Self::Refresh => "refresh",
            Self::Userinfo => "userinfo",
            Self::Introspection => "introspection",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Discovery => "GET discovery document",
            Self::Jwks => "GET JWKS",
            Self::ClientCredentials => "POST token: client credentials",
            Self::CodeExchange => "POST token: authorization code + PKCE",
            Self::Refresh => "POST token: refresh-token rotation",
            Self::Userinfo => "GET userinfo",
            Self::Introspection => "POST introspection",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.name() == s)
    }

    /// JWS signatures each request costs the server (both systems sign the same tokens: an
    /// access token, plus an ID token where a user and `openid` are involved).
    pub fn signatures(self) -> u32 {
        match self {
            Self::ClientCredentials => 1,
            Self::CodeExchange | Self::Refresh => 2,
            _ => 0,
        }
    }

    /// Does the signing key matter (cells repeated per algorithm)?
    pub fn per_alg(self) -> bool {
        !matches!(self, Self::Discovery)
    }
}

/// What the cells of one server share.
pub struct Ctx {
    pub prepared: Arc<Prepared>,
    /// An access token of the bench user (userinfo, introspection).
    pub access_token: String,
}

impl Ctx {
    pub async fn new(server: &Running, prepared: Arc<Prepared>) -> Result<Self, Error> {
        let t = targets::exchange(server, &prepared).await?;
        for field in ["access_token", "id_token", "refresh_token"] {
            if t[field].as_str().is_none() {
                return Err(format!("code exchange without {field}: {t}").into());
            }
        }
        let t = if prepared.userinfo_token_by_refresh {
            targets::refresh(
                server,
                &prepared,
                t["refresh_token"].as_str().unwrap_or(""),
                true,
            )
            .await?
        } else {
            t
        };
        let access_token = t["access_token"]
            .as_str()
            .ok_or("no access token")?
            .to_owned();
        Ok(Self {
            prepared,
            access_token,
        })
    }

    /// The work of one run of `scenario` at `load` (minting what it consumes).
    pub async fn work(
        &self,
        server: &Running,
        scenario: Scenario,
        load: Load,
        expected_rps: f64,
    ) -> Result<Work, Error> {
        let p = &self.prepared;
        let e = &p.endpoints;
        let c = &p.client;
        Ok(match scenario {
            Scenario::Discovery => Work::Fixed(Req::get(&e.discovery)),
            Scenario::Jwks => Work::Fixed(Req::get(&e.jwks)),
            Scenario::ClientCredentials => Work::Fixed(
                Req::form(e.token.as_str(), &[("grant_type", "client_credentials")])
                    .basic(&c.id, &c.secret),
            ),
            Scenario::Userinfo => Work::Fixed(
                Req::get(&e.userinfo)
                    .header("authorization", &format!("Bearer {}", self.access_token)),
            ),
            Scenario::Introspection => Work::Fixed(
                Req::form(e.introspection.as_str(), &[("token", &self.access_token)])
                    .basic(&c.id, &c.secret),
            ),
            Scenario::CodeExchange => {
                let secs = (load.warmup + load.duration).as_secs_f64();
                let n = (expected_rps * secs * 1.3) as usize + 20 * load.concurrency;
                let (codes, _) = targets::mint_codes(server, p, n, 8).await?;
                Work::Codes {
                    pool: Arc::new(Mutex::new(codes)),
                    token: e.token.clone(),
                    client: c.clone(),
                }
            }
            Scenario::Refresh => {
                let mut seeds = Vec::with_capacity(load.concurrency);
                for _ in 0..load.concurrency {
                    let t = targets::exchange(server, p).await?;
                    seeds.push(
                        t["refresh_token"]
                            .as_str()
                            .ok_or("no refresh token")?
                            .to_owned(),
                    );
                }
                Work::Refresh {
                    seeds: Arc::new(Mutex::new(seeds)),
                    token: e.token.clone(),
                    client: c.clone(),
                }
            }
        })
    }

    /// Checks what a cell's requests answer before it is timed (a wrong answer at full speed
    /// would otherwise look like a fast server).
    pub async fn check(&self, server: &Running, scenario: Scenario) -> Result<(), Error> {
        let load = Load {
            concurrency: 1,
            warmup: std::time::Duration::ZERO,
            duration: std::time::Duration::ZERO,
            rate: None,
        };
        let work = self.work(server, scenario, load, 1.0).await?;
        let mut conn = crate::http::Conn::open(server.addr, &server.host).await?;
        let req = match &work {
            Work::Fixed(r) => r.clone(),
            // The token cells are checked by the exchange in `Ctx::new` and by `run` (every
            // answer must be 200 and, for refresh, carry the next token).
            _ => return Ok(()),
        };
        let r = conn.send(&req).await?;
        let v = r.json();
        let ok = r.status == 200
            && match scenario {
                Scenario::Discovery => v.as_ref().is_ok_and(|v| v["issuer"].is_string()),
                Scenario::Jwks => v.as_ref().is_ok_and(|v| v["keys"][0]["kty"].is_string()),
                Scenario::ClientCredentials => {
                    v.as_ref().is_ok_and(|v| v["access_token"].is_string())
                }
                Scenario::Userinfo => v.as_ref().is_ok_and(|v| v["sub"].is_string()),
                Scenario::Introspection => v.as_ref().is_ok_and(|v| v["active"] == true),
                _ => true,
            };
        if !ok {
            return Err(format!(
                "{}: unexpected answer {} {}",
                scenario.name(),
                r.status,
                String::from_utf8_lossy(&r.body)
            )
            .into());
        }
        Ok(())
    }
}

/// Runs `runs` measured repetitions of one cell.
pub async fn repeat(
    ctx: &Ctx,
    server: &Running,
    scenario: Scenario,
    load: Load,
    runs: usize,
    mut expected_rps: f64,
) -> Result<Vec<Measured>, Error> {
    let mut out = Vec::with_capacity(runs);
    let mut retries = 0;
    while out.len() < runs {
        let work = ctx.work(server, scenario, load, expected_rps).await?;
        let m = load::run(server, &work, load).await?;
        expected_rps = expected_rps.max(m.rps);
        // Too few codes minted: mint more and run again (twice at most; then the shorter
        // window stands and the report marks it).
        if m.exhausted && retries < 2 {
            retries += 1;
            expected_rps *= 1.5;
            continue;
        }
        out.push(m);
    }
    Ok(out)
}
