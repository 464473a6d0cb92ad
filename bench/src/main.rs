//! `pocket-bench`: measures our release server side by side with node-oidc-provider on this
//! machine and writes `docs/BENCHMARKS.md` and `docs/benchmarks.json`.
//!
//! `cargo run --release -p bench` (see `--help`); `--smoke` is the few-second run the test
//! command makes so the harness cannot rot.

mod http;
mod load;
mod measure;
mod proc;
mod report;
mod scale;
mod scenario;
mod seed;
mod targets;

use clap::Parser;
use http::Error;
use load::Load;
use report::{Cell, Footprint, NODE, OURS, Report, Settings, Summary};
use scenario::{Ctx, Scenario};
use seed::Engine;
use std::path::{Path, PathBuf};
use std::time::Duration;
use targets::{Node, Ours};

#[derive(Parser, Debug)]
#[command(
    name = "pocket-bench",
    about = "Benchmarks pocket-id against node-oidc-provider"
)]
struct Args {
    /// A few seconds on tiny data, output to a temporary folder (the test command runs it).
    #[arg(long)]
    smoke: bool,
    /// The release server binary.
    #[arg(long, env = "POCKET_ID_BIN")]
    server_bin: Option<PathBuf>,
    /// Where node-oidc-provider's package lives.
    #[arg(long, default_value = "bench/node")]
    node_dir: PathBuf,
    /// Skip node-oidc-provider.
    #[arg(long)]
    no_node: bool,
    /// Database engines for our server: sqlite, postgres (postgres only when reachable).
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
    engines: Vec<String>,
    /// Administrative PostgreSQL URL (a scratch database is created and dropped).
    #[arg(
        long,
        env = "BENCH_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    postgres_url: String,
    #[arg(long, value_delimiter = ',', default_value = "RS256,ES256,EdDSA")]
    algs: Vec<String>,
    /// Algorithms for the PostgreSQL pass (default: the same as --algs).
    #[arg(long, value_delimiter = ',')]
    postgres_algs: Vec<String>,
    #[arg(long, value_delimiter = ',')]
    scenarios: Vec<String>,
    #[arg(long, value_delimiter = ',', default_value = "1,8,64")]
    concurrency: Vec<usize>,
    /// Seconds of warm-up before each measured run.
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,
    /// Seconds measured per run.
    #[arg(long, default_value_t = 3.0)]
    duration: f64,
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Seconds per `openssl speed` algorithm (0: skip the signing bound).
    #[arg(long, default_value_t = 3)]
    sign_seconds: u32,
    #[arg(long, default_value_t = 10_000)]
    users: u64,
    #[arg(long, default_value_t = 100)]
    groups: u64,
    #[arg(long, default_value_t = 50)]
    clients: usize,
    /// Starts per server for the start → ready median.
    #[arg(long, default_value_t = 5)]
    starts: usize,
    /// Instead of the load matrix: seed this many users (1000000 for the target) and
    /// measure the admin users search on each engine.
    #[arg(long)]
    scale: Option<u64>,
    /// Timed passes over the scale queries.
    #[arg(long, default_value_t = 10)]
    scale_rounds: usize,
    /// Where BENCHMARKS.md and benchmarks.json go.
    #[arg(long, default_value = "docs")]
    out_dir: PathBuf,
}

fn server_bin(args: &Args) -> PathBuf {
    args.server_bin.clone().unwrap_or_else(|| {
        let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
        Path::new(&target).join("release/pocket-id")
    })
}

struct Plan {
    scenarios: Vec<Scenario>,
    load: Vec<Load>,
    runs: usize,
    starts: usize,
}

/// Start → ready `starts` times (the database already migrated), then the server left running.
async fn ready_times(
    start: impl AsyncFn() -> Result<proc::Running, Error>,
    starts: usize,
) -> Result<(Vec<f64>, proc::Running), Error> {
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

/// The load matrix against one running server; appends to `cells`.
/// Which server a matrix runs against.
struct Who<'a> {
    system: &'a str,
    store: &'a str,
    alg: &'a str,
    /// The first algorithm of this server (key-independent cells run only then).
    first_alg: bool,
}

async fn matrix(
    server: &proc::Running,
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

async fn postgres_database(admin_url: &str) -> Option<(String, String)> {
    use sea_orm::ConnectionTrait;
    let db = sea_orm::Database::connect(admin_url).await.ok()?;
    let name = format!("pocket_bench_{}", std::process::id());
    db.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
        .await
        .ok()?;
    db.execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .ok()?;
    let mut url = url::Url::parse(admin_url).ok()?;
    url.set_path(&format!("/{name}"));
    Some((name, url.to_string()))
}

async fn drop_postgres_database(admin_url: &str, name: &str) {
    use sea_orm::ConnectionTrait;
    if let Ok(db) = sea_orm::Database::connect(admin_url).await {
        let _ = db
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await;
    }
}

/// Our server on one engine through every algorithm.
#[allow(clippy::too_many_arguments)]
async fn run_ours(
    bin: &Path,
    engine: Engine,
    db_url: String,
    work: &Path,
    args: &Args,
    plan: &Plan,
    cells: &mut Vec<Cell>,
    footprints: &mut Vec<Footprint>,
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
    let prepared = std::sync::Arc::new(ours.provision(&s, args.clients).await?);
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
        let (ready, server) = ready_times(|| ours.start(alg), plan.starts).await?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        let (idle, _) = server.memory();
        if first_load.is_none() && engine == Engine::Sqlite {
            *first_load = Some(measure::first_load(&server, "/login").await?);
        }
        let ctx = Ctx::new(&server, prepared.clone()).await?;
        let who = Who {
            system: OURS,
            store: engine.name(),
            alg,
            first_alg: i == 0,
        };
        matrix(&server, &ctx, who, plan, cells).await?;
        let (_, peak) = server.memory();
        footprints.push(Footprint {
            system: OURS.into(),
            store: engine.name().into(),
            alg: alg.clone(),
            ready_median_ms: median(&ready),
            ready_ms: ready,
            idle_rss_kib: idle,
            peak_rss_kib: peak,
        });
        server.stop()?;
    }
    Ok(())
}

async fn run_node(
    node_dir: &Path,
    work: &Path,
    args: &Args,
    plan: &Plan,
    cells: &mut Vec<Cell>,
    footprints: &mut Vec<Footprint>,
) -> Result<(), Error> {
    let node = Node::new(node_dir, work)?;
    for (i, alg) in args.algs.iter().enumerate() {
        let (ready, server) = ready_times(|| node.start(alg), plan.starts).await?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        let (idle, _) = server.memory();
        let ctx = Ctx::new(&server, std::sync::Arc::new(node.prepare(&server).await?)).await?;
        let who = Who {
            system: NODE,
            store: "memory",
            alg,
            first_alg: i == 0,
        };
        matrix(&server, &ctx, who, plan, cells).await?;
        let (_, peak) = server.memory();
        footprints.push(Footprint {
            system: NODE.into(),
            store: "memory".into(),
            alg: alg.clone(),
            ready_median_ms: median(&ready),
            ready_ms: ready,
            idle_rss_kib: idle,
            peak_rss_kib: peak,
        });
        server.stop()?;
    }
    Ok(())
}

/// The report's date (the harness's own wall clock; the server's Clock is not involved).
#[allow(clippy::disallowed_methods)]
fn now_utc() -> String {
    chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string()
}

fn git_commit() -> String {
    std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

fn oidc_provider_version(node_dir: &Path) -> String {
    std::fs::read_to_string(node_dir.join("node_modules/oidc-provider/package.json"))
        .ok()
        .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
        .and_then(|v| v["version"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

const BEGIN: &str = "<!-- bench:begin (generated by pocket-bench; edit outside these markers) -->";
const END: &str = "<!-- bench:end -->";
const SCALE_BEGIN: &str = "<!-- scale:begin (generated by pocket-bench --scale) -->";
const SCALE_END: &str = "<!-- scale:end -->";

/// Replaces the generated part of `path` (between the markers), keeping the prose around it.
fn write_markdown(path: &Path, generated: &str) -> Result<(), Error> {
    write_block(path, BEGIN, END, generated)
}

fn write_block(path: &Path, begin: &str, end: &str, generated: &str) -> Result<(), Error> {
    let block = format!("{begin}\n{generated}{end}\n");
    let text = match std::fs::read_to_string(path) {
        Ok(old) => match (old.find(begin), old.find(end)) {
            (Some(a), Some(b)) if b > a => format!(
                "{}{block}{}",
                &old[..a],
                old[b + end.len()..].trim_start_matches('\n')
            ),
            // A new block goes at the end.
            _ => format!("{}\n\n{block}", old.trim_end()),
        },
        Err(_) => block,
    };
    std::fs::write(path, text)?;
    Ok(())
}

async fn run(mut args: Args) -> Result<(), Error> {
    if args.smoke {
        args.users = args.users.min(50);
        args.groups = args.groups.min(3);
        args.clients = args.clients.min(2);
        args.algs = vec!["RS256".into()];
        args.concurrency = vec![2];
        args.warmup = 0.05;
        args.duration = 0.2;
        args.runs = 1;
        args.starts = 1;
        args.engines = vec!["sqlite".into()];
    }
    let bin = server_bin(&args);
    if !bin.is_file() {
        return Err(format!(
            "{} not found: build it with `cargo build --release -p backend`",
            bin.display()
        )
        .into());
    }
    let tmp = tempfile::Builder::new().prefix("pocket-bench-").tempdir()?;
    // BENCH_KEEP=1 keeps the databases and server logs for a closer look.
    let (work, _cleanup) = if std::env::var_os("BENCH_KEEP").is_some() {
        let path = tmp.keep();
        eprintln!("keeping {}", path.display());
        (path, None)
    } else {
        (tmp.path().to_owned(), Some(tmp))
    };
    if let Some(users) = args.scale {
        return run_scale(
            &bin,
            work.as_path(),
            &args,
            &args.engines,
            users,
            args.scale_rounds,
            &args.out_dir,
        )
        .await;
    }
    let scenarios = if args.scenarios.is_empty() {
        Scenario::ALL.to_vec()
    } else {
        args.scenarios
            .iter()
            .map(|s| Scenario::parse(s).ok_or_else(|| format!("unknown scenario {s}")))
            .collect::<Result<_, _>>()?
    };
    let plan = Plan {
        scenarios,
        load: args
            .concurrency
            .iter()
            .map(|&c| Load {
                concurrency: c,
                warmup: Duration::from_secs_f64(args.warmup),
                duration: Duration::from_secs_f64(args.duration),
                rate: None,
            })
            .collect(),
        runs: args.runs.max(1),
        starts: args.starts,
    };
    let machine = measure::machine();
    let sign_speed = if args.smoke || args.sign_seconds == 0 {
        measure::SignSpeed::default()
    } else {
        eprintln!("openssl speed (RSA-2048, P-256, Ed25519)...");
        measure::sign_speed(args.sign_seconds, machine.cores)?
    };
    let mut cells = Vec::new();
    let mut footprints = Vec::new();
    let mut first_load = None;
    for engine in &args.engines {
        match engine.as_str() {
            "sqlite" => {
                let db = work.as_path().join("ours-SQLite/pocket-id.db");
                run_ours(
                    &bin,
                    Engine::Sqlite,
                    db.display().to_string(),
                    work.as_path(),
                    &args,
                    &plan,
                    &mut cells,
                    &mut footprints,
                    &mut first_load,
                )
                .await?;
            }
            "postgres" => match postgres_database(&args.postgres_url).await {
                Some((name, url)) => {
                    let r = run_ours(
                        &bin,
                        Engine::Postgres,
                        url,
                        work.as_path(),
                        &args,
                        &plan,
                        &mut cells,
                        &mut footprints,
                        &mut first_load,
                    )
                    .await;
                    drop_postgres_database(&args.postgres_url, &name).await;
                    r?;
                }
                None => eprintln!(
                    "!!! PostgreSQL at {} is not reachable: its cells are SKIPPED",
                    args.postgres_url
                ),
            },
            other => return Err(format!("unknown engine {other}").into()),
        }
        if !args.no_node && engine == "sqlite" {
            // Back to back with our SQLite run.
            run_node(
                &args.node_dir,
                work.as_path(),
                &args,
                &plan,
                &mut cells,
                &mut footprints,
            )
            .await?;
        }
    }
    let mut report = Report {
        date: now_utc(),
        commit: git_commit(),
        machine,
        settings: Settings {
            users: args.users,
            groups: args.groups,
            clients: args.clients,
            concurrency: args.concurrency.clone(),
            warmup_s: args.warmup,
            duration_s: args.duration,
            runs: plan.runs,
            algs: args.algs.clone(),
            smoke: args.smoke,
        },
        sign_speed,
        binary_bytes: std::fs::metadata(&bin).map(|m| m.len()).unwrap_or(0),
        oidc_provider_version: oidc_provider_version(&args.node_dir),
        first_load,
        footprints,
        cells,
        checks: Vec::new(),
    };
    report.evaluate();
    let out_dir = if args.smoke {
        work.as_path().to_owned()
    } else {
        args.out_dir.clone()
    };
    std::fs::create_dir_all(&out_dir)?;
    std::fs::write(
        out_dir.join("benchmarks.json"),
        serde_json::to_string_pretty(&report)?,
    )?;
    write_markdown(&out_dir.join("BENCHMARKS.md"), &report.markdown())?;
    for c in &report.checks {
        let met = match c.met {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "n/a",
        };
        eprintln!("{met:6} {}: {}", c.target, c.value);
    }
    let errors: u64 = report.cells.iter().map(|c| c.summary.errors).sum();
    if args.smoke {
        let systems = report
            .cells
            .iter()
            .map(|c| c.system.as_str())
            .collect::<std::collections::BTreeSet<_>>();
        let want = if args.no_node { 1 } else { 2 };
        if errors > 0 || systems.len() < want || report.cells.iter().any(|c| c.summary.rps <= 0.0) {
            return Err(format!("smoke run failed: {errors} errors, systems {systems:?}").into());
        }
        // Both engines' seed SQL and search indexes, on a few hundred users.
        let engines = ["sqlite".to_owned(), "postgres".to_owned()];
        run_scale(
            &bin,
            work.as_path(),
            &args,
            &engines,
            300,
            1,
            work.as_path(),
        )
        .await?;
        eprintln!("bench smoke run: {} cells, zero errors", report.cells.len());
    } else {
        eprintln!(
            "wrote {}/BENCHMARKS.md and benchmarks.json",
            out_dir.display()
        );
    }
    Ok(())
}

async fn run_scale(
    bin: &Path,
    work: &Path,
    args: &Args,
    engines: &[String],
    users: u64,
    rounds: usize,
    out_dir: &Path,
) -> Result<(), Error> {
    let mut results = Vec::new();
    for engine in engines {
        let r = match engine.as_str() {
            "sqlite" => {
                let db = work.join("scale-SQLite/pocket-id.db");
                scale::run_engine(
                    bin,
                    Engine::Sqlite,
                    db.display().to_string(),
                    work,
                    users,
                    rounds,
                )
                .await?
            }
            "postgres" => match postgres_database(&args.postgres_url).await {
                Some((name, url)) => {
                    let r =
                        scale::run_engine(bin, Engine::Postgres, url, work, users, rounds).await;
                    drop_postgres_database(&args.postgres_url, &name).await;
                    r?
                }
                None => {
                    eprintln!(
                        "!!! PostgreSQL at {} is not reachable: SKIPPED",
                        args.postgres_url
                    );
                    continue;
                }
            },
            other => return Err(format!("unknown engine {other}").into()),
        };
        eprintln!(
            "scale {} at {} users: seed {:.1} s, search p50 {:.2} ms, p99 {:.2} ms, list p99 {:.2} ms",
            r.engine.name(),
            r.users,
            r.seed_seconds,
            r.search_p50_ms,
            r.search_p99_ms,
            r.list_p99_ms
        );
        results.push(r);
    }
    let date = now_utc();
    std::fs::create_dir_all(out_dir)?;
    std::fs::write(
        out_dir.join("benchmarks-scale.json"),
        serde_json::to_string_pretty(&results)?,
    )?;
    write_block(
        &out_dir.join("BENCHMARKS.md"),
        SCALE_BEGIN,
        SCALE_END,
        &scale::markdown(&results, &date),
    )?;
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run(Args::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pocket-bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
