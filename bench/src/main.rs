//! `pocket-bench`: measures our release server side by side with node-oidc-provider on this
//! machine and writes `docs/BENCHMARKS.md` and `docs/benchmarks.json`.
//!
//! `cargo run --release -p bench` (see `--help`); `--smoke` is the few-second run the test
//! command makes so the harness cannot rot.

mod args;
mod http;
mod load;
mod matrix;
mod measure;
mod output;
mod proc;
mod report;
mod scale;
mod scenario;
mod seed;
mod targets;

use args::{Args, server_bin};
use clap::Parser;
use http::Error;
use load::Load;
use matrix::{Plan, Results, run_node, run_ours};
use report::{Report, Settings};
use scenario::Scenario;
use seed::on_fresh_database;
use std::time::Duration;

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
        let url = &args.postgres_url;
        let (engines, rounds) = (&args.engines, args.scale_rounds);
        return scale::run(&bin, &work, url, engines, users, rounds, &args.out_dir).await;
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
    let mut out = Results {
        cells: &mut cells,
        footprints: &mut footprints,
    };
    let mut first_load = None;
    for engine in &args.engines {
        let ours =
            async |db| run_ours(&bin, db, &work, &args, &plan, &mut out, &mut first_load).await;
        on_fresh_database(engine, &work, "ours", &args.postgres_url, ours).await?;
        if !args.no_node && engine == "sqlite" {
            // Back to back with our SQLite run.
            run_node(&args.node_dir, &work, &args, &plan, &mut out).await?;
        }
    }
    let mut report = Report {
        date: output::now_utc(),
        commit: output::git_commit(),
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
        oidc_provider_version: output::oidc_provider_version(&args.node_dir),
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
    output::write_markdown(&out_dir.join("BENCHMARKS.md"), &report.markdown())?;
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
        scale::run(&bin, &work, &args.postgres_url, &engines, 300, 1, &work).await?;
        eprintln!("bench smoke run: {} cells, zero errors", report.cells.len());
    } else {
        eprintln!(
            "wrote {}/BENCHMARKS.md and benchmarks.json",
            out_dir.display()
        );
    }
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
