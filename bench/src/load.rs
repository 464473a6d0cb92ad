//! The load generator: a fixed number of workers, each on its own keep-alive connection,
//! for a warm-up and then a measured window. Closed loop: each worker sends back to back.
//! Open loop ([`Load::rate`]): requests are due at a fixed rate whatever the server does, the
//! workers take the due slots in turn, and a request that waited for a free worker is timed
//! from when it was due (so a stall shows in the latency instead of slowing the offered load).

use crate::http::{Conn, Error, Req, Response};
use crate::proc::{Running, own_cpu};
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What each request of a cell is.
#[derive(Clone)]
pub enum Work {
    /// The same request every time (discovery, JWKS, client credentials, userinfo,
    /// introspection).
    Fixed(Req),
    /// Each request consumes a fresh authorization code from the pool (minted beforehand).
    Codes {
        pool: Arc<Mutex<Vec<Code>>>,
        token: String,
        client: Client,
    },
    /// Each worker rotates its own refresh token: the response's token is the next request's.
    Refresh {
        seeds: Arc<Mutex<Vec<String>>>,
        token: String,
        client: Client,
    },
}

/// A confidential client (`client_secret_basic`).
#[derive(Clone)]
pub struct Client {
    pub id: String,
    pub secret: String,
    pub redirect_uri: String,
}

/// A minted code and its PKCE verifier.
pub struct Code {
    pub code: String,
    pub verifier: String,
}

/// Load settings of one cell.
#[derive(Clone, Copy)]
pub struct Load {
    pub concurrency: usize,
    pub warmup: Duration,
    pub duration: Duration,
    /// Open loop: requests per second offered (the `concurrency` workers share them).
    pub rate: Option<f64>,
}

/// The schedule of an open-loop cell: slot `n` is due at `t0 + n × interval`.
struct Pace {
    t0: Instant,
    interval: Duration,
    next: AtomicU64,
}

impl Pace {
    /// The next due slot, or `None` once slots fall past `end`.
    fn take(&self, end: Instant) -> Option<Instant> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let at = self.t0 + self.interval.mul_f64(n as f64);
        (at < end).then_some(at)
    }
}

/// What one cell measured.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Measured {
    pub requests: u64,
    pub errors: u64,
    /// The first error, for the report (status and a body excerpt, or the transport error).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_error: Option<String>,
    /// The measured window (shorter than asked when the code pool ran out).
    pub seconds: f64,
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Server CPU over the window, percent of one core.
    pub server_cpu_pct: f64,
    /// Load generator CPU over the window, percent of one core.
    pub loadgen_cpu_pct: f64,
    /// Server CPU time per request, in microseconds.
    pub server_cpu_us_per_req: f64,
    /// The code pool ran out before the window ended.
    pub exhausted: bool,
}

struct WorkerOut {
    latencies: Vec<u32>,
    errors: u64,
    first_error: Option<String>,
    /// When this worker ran out of codes or refresh tokens.
    ran_out: Option<Instant>,
}

fn describe(r: &Response) -> String {
    let body = String::from_utf8_lossy(&r.body);
    let excerpt: String = body.chars().take(300).collect();
    format!("HTTP {}: {excerpt}", r.status)
}

async fn worker(
    mut conn: Conn,
    work: Work,
    pace: Option<Arc<Pace>>,
    start_measure: Instant,
    end: Instant,
) -> WorkerOut {
    let mut out = WorkerOut {
        latencies: Vec::with_capacity(64 * 1024),
        errors: 0,
        first_error: None,
        ran_out: None,
    };
    let mut refresh = match &work {
        Work::Refresh { seeds, .. } => seeds.lock().ok().and_then(|mut s| s.pop()),
        _ => None,
    };
    loop {
        // Open loop: wait for the next due slot; one already past due waited for a worker.
        let due = match &pace {
            Some(p) => {
                let Some(at) = p.take(end) else { break };
                if at > Instant::now() {
                    tokio::time::sleep_until(at.into()).await;
                    None
                } else {
                    Some(at)
                }
            }
            None => None,
        };
        let now = Instant::now();
        if now >= end {
            break;
        }
        let req = match &work {
            Work::Fixed(r) => r.clone(),
            Work::Codes {
                pool,
                token,
                client,
            } => {
                let Some(code) = pool.lock().ok().and_then(|mut p| p.pop()) else {
                    out.ran_out = Some(now);
                    break;
                };
                Req::form(
                    token.as_str(),
                    &[
                        ("grant_type", "authorization_code"),
                        ("code", &code.code),
                        ("redirect_uri", &client.redirect_uri),
                        ("code_verifier", &code.verifier),
                    ],
                )
                .basic(&client.id, &client.secret)
            }
            Work::Refresh { token, client, .. } => {
                let Some(rt) = &refresh else {
                    out.ran_out = Some(now);
                    break;
                };
                Req::form(
                    token.as_str(),
                    &[("grant_type", "refresh_token"), ("refresh_token", rt)],
                )
                .basic(&client.id, &client.secret)
            }
        };
        // A late slot is timed from when it was due; an early one from when it is sent (the
        // timer's wake-up slack is the load generator's, not the server's).
        let t = due.unwrap_or_else(Instant::now);
        let res = conn.send(&req).await;
        let done = Instant::now();
        let ok = match &res {
            Ok(r) if r.status == 200 => {
                if matches!(work, Work::Refresh { .. }) {
                    refresh = r
                        .json()
                        .ok()
                        .and_then(|v| v["refresh_token"].as_str().map(str::to_owned));
                }
                true
            }
            Ok(r) => {
                if out.first_error.is_none() {
                    out.first_error = Some(describe(r));
                }
                if matches!(work, Work::Refresh { .. }) {
                    refresh = None;
                }
                false
            }
            Err(e) => {
                if out.first_error.is_none() {
                    out.first_error = Some(e.to_string());
                }
                false
            }
        };
        if t >= start_measure && done <= end {
            if ok {
                let us = done.duration_since(t).as_nanos() / 100;
                out.latencies.push(u32::try_from(us).unwrap_or(u32::MAX));
            } else {
                out.errors += 1;
            }
        } else if !ok && t < start_measure {
            // Errors in the warm-up count too: the target is zero everywhere.
            out.errors += 1;
        }
    }
    out
}

/// Runs one cell against `server` and measures it.
pub async fn run(server: &Running, work: &Work, load: Load) -> Result<Measured, Error> {
    let mut conns = Vec::with_capacity(load.concurrency);
    for _ in 0..load.concurrency {
        conns.push(Conn::open(server.addr, &server.host).await?);
    }
    let t0 = Instant::now();
    let start_measure = t0 + load.warmup;
    let end = start_measure + load.duration;
    let pace = load.rate.filter(|r| *r > 0.0).map(|r| {
        Arc::new(Pace {
            t0,
            interval: Duration::from_secs_f64(1.0 / r),
            next: AtomicU64::new(0),
        })
    });
    let handles: Vec<_> = conns
        .into_iter()
        .map(|c| tokio::spawn(worker(c, work.clone(), pace.clone(), start_measure, end)))
        .collect();
    tokio::time::sleep_until(start_measure.into()).await;
    let (cpu0, own0) = (server.cpu(), own_cpu());
    tokio::time::sleep_until(end.into()).await;
    let (cpu1, own1) = (server.cpu(), own_cpu());
    let mut lat: Vec<u32> = Vec::new();
    let mut errors = 0;
    let mut first_error = None;
    let mut ran_out: Option<Instant> = None;
    for h in handles {
        let o = h.await?;
        lat.extend_from_slice(&o.latencies);
        errors += o.errors;
        if first_error.is_none() {
            first_error = o.first_error;
        }
        if let Some(t) = o.ran_out {
            ran_out = Some(ran_out.map_or(t, |r: Instant| r.max(t)));
        }
    }
    // When the pool ran dry, the window ends when the last worker stopped (the server was
    // idle after that, so its CPU over the window is unchanged).
    let window_end = ran_out.map_or(end, |t| t.clamp(start_measure, end));
    let seconds = window_end
        .duration_since(start_measure)
        .as_secs_f64()
        .max(1e-3);
    lat.sort_unstable();
    let pct = |p: f64| -> f64 {
        if lat.is_empty() {
            return 0.0;
        }
        let i = ((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1;
        f64::from(lat[i]) / 10_000.0
    };
    let requests = lat.len() as u64;
    let server_cpu = (cpu1 - cpu0).as_secs_f64();
    Ok(Measured {
        requests,
        errors,
        first_error,
        seconds,
        rps: requests as f64 / seconds,
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        max_ms: lat.last().map_or(0.0, |m| f64::from(*m) / 10_000.0),
        server_cpu_pct: 100.0 * server_cpu / seconds,
        loadgen_cpu_pct: 100.0 * (own1 - own0).as_secs_f64() / seconds,
        server_cpu_us_per_req: if requests > 0 {
            1e6 * server_cpu / requests as f64
        } else {
            0.0
        },
        exhausted: ran_out.is_some(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_loop_slots_are_due_at_the_rate_and_stop_at_the_end() {
        let t0 = Instant::now();
        let pace = Pace {
            t0,
            interval: Duration::from_millis(4),
            next: AtomicU64::new(0),
        };
        let end = t0 + Duration::from_millis(10);
        let due: Vec<Duration> = std::iter::from_fn(|| pace.take(end))
            .map(|at| at - t0)
            .collect();
        assert_eq!(
            due,
            [0, 4, 8].map(Duration::from_millis),
            "slots 4 ms apart, none at or past the end"
        );
    }
}
