//! The load matrix: every scenario at every load against one running server, and the
//! servers (ours on one engine, node-oidc-provider) through every signing algorithm.

use crate::args::Args;
use crate::http::Error;
use crate::load::Load;
use crate::measure;
use crate::proc::Running;
use crate::report::{Cell, Footprint, NODE, OURS, Summary};
use crate::scenario::{self, Ctx, Scenario};
use crate::seed::Engine;
use crate::targets::{Node, Ours};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// What each server goes through.
pub struct Plan {
    pub scenarios: Vec<Scenario>,
    pub load: Vec<Load>,
    pub runs: usize,
    pub starts: usize,
}

/// Where the results go.
pub struct Results<'a> {
    pub cells: &'a mut Vec<Cell>,
    pub footprints: &'a mut Vec<Footprint>,
}

/// Which server a matrix runs against.
struct Who<'a> {
    system: &'a str,
    store: &'a str,
    alg: &'a str,
    /// The first algorithm of this server (key-independent cells run only then).
    first_alg: bool,
}

/// Start → ready `starts` times (the database already migrated), then the server left running.
async fn ready_times(
    start: impl AsyncFn() -> Result<Running, Error>,
    starts: usize,
) -> Result<(Vec<f64>, Running), Error> {
    let mut times = Vec::new();
    for _ in 1..starts.max(1) {
        let s = start().await?;
        times.push(s.ready.as_secs_f64() * 1000.0);
        s.stop()?;
    }
    let s = start().await?;
    times.push(s.ready.as_secs_f64() * 1000.0);
    Ok((times, s))
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() { 0.0 } else { v[v.len() / 2] }
}

/// One started server: its idle memory after a second, the context `prepare` builds (which may
/// look at the idle server first), the matrix, the peak memory; the server is stopped after.
async fn measure_server(
    (ready, server): (Vec<f64>, Running),
    who: Who<'_>,
    prepare: impl AsyncFnOnce(&Running) -> Result<Ctx, Error>,
    plan: &Plan,
    out: &mut Results<'_>,
) -> Result<(), Error> {
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (idle, _) = server.memory();
    let ctx = prepare(&server).await?;
    let footprint = Footprint {
        system: who.system.into(),
        store: who.store.into(),
        alg: who.alg.into(),
        ready_median_ms: median(&ready),
        ready_ms: ready,
        idle_rss_kib: idle,
        peak_rss_kib: 0,
    };
    matrix(&server, &ctx, who, plan, out.cells).await?;
    let (_, peak) = server.memory();
    out.footprints.push(Footprint {
        peak_rss_kib: peak,
        ..footprint
    });
    server.stop()?;
    Ok(())
}

/// Our server on one engine through every algorithm; the first SQLite server also gives the
/// SPA's first-load measurement.
pub async fn run_ours(
    bin: &Path,
    (engine, db_url): (Engine, String),
    work: &Path,
    args: &Args,
    plan: &Plan,
    out: &mut Results<'_>,
    first_load: &mut Option<measure::FirstLoad>,
) -> Result<(), Error> {
    let dir = work.join(format!("ours-{}", engine.name()));
    std::fs::create_dir_all(&dir)?;
    let ours = Ours::new(bin, engine, &dir, db_url)?;
    // First start: migrations and the first (RS256) key; then the bulk seed.
    let s = ours.start("first-start").await?;
    eprintln!(
        "{OURS} on {}: first start (migrations, key generation) ready in {:.1} ms",
        engine.name(),
        s.ready.as_secs_f64() * 1000.0
    );
    s.stop()?;
    ours.seed(args.users, args.groups).await?;
    let s = ours.start("provision").await?;
    // The clients, the secret and the signed-in user survive key rotations and restarts.
    let prepared = Arc::new(ours.provision(&s, args.clients).await?);
    s.stop()?;
    let algs = if engine == Engine::Postgres && !args.postgres_algs.is_empty() {
        &args.postgres_algs
    } else {
        &args.algs
    };
    for (i, alg) in algs.iter().enumerate() {
        if i > 0 || alg != "RS256" {
            ours.key_rotate(alg)?;
        }
        let started = ready_times(|| ours.start(alg), plan.starts).await?;
        let who = Who {
            system: OURS,
            store: engine.name(),
            alg,
            first_alg: i == 0,
        };
        let prepare = async |server: &Running| {
            if first_load.is_none() && engine == Engine::Sqlite {
                *first_load = Some(measure::first_load(server, "/login").await?);
            }
            Ctx::new(server, prepared.clone()).await
        };
        measure_server(started, who, prepare, plan, out).await?;
    }
    Ok(())
}

/// node-oidc-provider (in memory) through every algorithm.
pub async fn run_node(
    node_dir: &Path,
    work: &Path,
    args: &Args,
    plan: &Plan,
    out: &mut Results<'_>,
) -> Result<(), Error> {
    let node = Node::new(node_dir, work)?;
    for (i, alg) in args.algs.iter().enumerate() {
        let started = ready_times(|| node.start(alg), plan.starts).await?;
        let who = Who {
            system: NODE,
            store: "memory",
            alg,
            first_alg: i == 0,
        };
        let prepare =
            async |server: &Running| Ctx::new(server, Arc::new(node.prepare(server).await?)).await;
        measure_server(started, who, prepare, plan, out).await?;
    }
    Ok(())
}

/// The load matrix against one running server; appends to `cells`.
async fn matrix(
    server: &Running,
    ctx: &Ctx,
    who: Who<'_>,
    plan: &Plan,
    cells: &mut Vec<Cell>,
) -> Result<(), Error> {
    let Who {
        system,
        store,
        alg,
        first_alg,
    } = who;
    for &sc in &plan.scenarios {
        if !sc.per_alg() && !first_alg {
            continue;
        }
        ctx.check(server, sc).await?;
        let mut loads = plan.load.clone();
        for i in 0.. {
            // After the closed-loop sweep, on the first key only: the open-loop cell at half
            // the best throughput the sweep reached (the "p99 at half the saturating load"
            // target), with as many workers as the widest closed-loop cell.
            if i == loads.len() && i == plan.load.len() {
                let best = cells
                    .iter()
                    .filter(|c| {
                        c.system == system
                            && c.store == store
                            && c.alg == alg
                            && c.scenario == sc
                            && c.rate.is_none()
                    })
                    .map(|c| c.summary.rps)
                    .reduce(f64::max);
                match (best, plan.load.iter().max_by_key(|l| l.concurrency)) {
                    (Some(best), Some(widest)) if first_alg && best > 0.0 => loads.push(Load {
                        rate: Some(best / 2.0),
                        ..*widest
                    }),
                    _ => break,
                }
            }
            let Some(load) = loads.get(i) else { break };
            // Codes to mint: about what client credentials reached, halved (two signatures).
            let expected = cells
                .iter()
                .filter(|c| {
                    c.system == system
                        && c.store == store
                        && c.alg == alg
                        && c.concurrency == load.concurrency
                        && c.scenario == Scenario::ClientCredentials
                        && c.rate.is_none()
                })
                .map(|c| c.summary.rps / 2.0)
                .next()
                .unwrap_or(2_000.0);
            let expected = load.rate.unwrap_or(expected);
            let runs = scenario::repeat(ctx, server, sc, *load, plan.runs, expected).await?;
            let summary = Summary::of(&runs);
            let c = match load.rate {
                Some(r) => format!("{}@{r:.0}/s", load.concurrency),
                None => load.concurrency.to_string(),
            };
            eprintln!(
                "  {system:18} {store:10} {alg:5} {:18} c={c:<3} {:>8.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  cpu {:>4.0}%  errors {}",
                sc.name(),
                summary.rps,
                summary.p50_ms,
                summary.p99_ms,
                summary.server_cpu_pct,
                summary.errors
            );
            if let Some(e) = runs.iter().find_map(|r| r.first_error.clone()) {
                eprintln!("    first error: {e}");
            }
            cells.push(Cell {
                system: system.into(),
                store: store.into(),
                alg: alg.into(),
                scenario: sc,
                concurrency: load.concurrency,
                rate: load.rate,
                summary,
                runs,
            });
        }
    }
    Ok(())
}
