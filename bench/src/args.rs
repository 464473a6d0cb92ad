//! The command line of `pocket-bench`.

use clap::Parser;
use std::path::{Path, PathBuf};

#[derive(Parser, Debug)]
#[command(
    name = "pocket-bench",
    about = "Benchmarks pocket-id against node-oidc-provider"
)]
pub struct Args {
    /// A few seconds on tiny data, output to a temporary folder (the test command runs it).
    #[arg(long)]
    pub smoke: bool,
    /// The release server binary.
    #[arg(long, env = "POCKET_ID_BIN")]
    pub server_bin: Option<PathBuf>,
    /// Where node-oidc-provider's package lives.
    #[arg(long, default_value = "bench/node")]
    pub node_dir: PathBuf,
    /// Skip node-oidc-provider.
    #[arg(long)]
    pub no_node: bool,
    /// Database engines for our server: sqlite, postgres (postgres only when reachable).
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
    pub engines: Vec<String>,
    /// Administrative PostgreSQL URL (a scratch database is created and dropped).
    #[arg(
        long,
        env = "BENCH_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    pub postgres_url: String,
    #[arg(long, value_delimiter = ',', default_value = "RS256,ES256,EdDSA")]
    pub algs: Vec<String>,
    /// Algorithms for the PostgreSQL pass (default: the same as --algs).
    #[arg(long, value_delimiter = ',')]
    pub postgres_algs: Vec<String>,
    #[arg(long, value_delimiter = ',')]
    pub scenarios: Vec<String>,
    #[arg(long, value_delimiter = ',', default_value = "1,8,64")]
    pub concurrency: Vec<usize>,
    /// Seconds of warm-up before each measured run.
    #[arg(long, default_value_t = 1.0)]
    pub warmup: f64,
    /// Seconds measured per run.
    #[arg(long, default_value_t = 3.0)]
    pub duration: f64,
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Seconds per `openssl speed` algorithm (0: skip the signing bound).
    #[arg(long, default_value_t = 3)]
    pub sign_seconds: u32,
    #[arg(long, default_value_t = 10_000)]
    pub users: u64,
    #[arg(long, default_value_t = 100)]
    pub groups: u64,
    #[arg(long, default_value_t = 50)]
    pub clients: usize,
    /// Starts per server for the start → ready median.
    #[arg(long, default_value_t = 5)]
    pub starts: usize,
    /// Instead of the load matrix: seed this many users (1000000 for the target) and
    /// measure the admin users search on each engine.
    #[arg(long)]
    pub scale: Option<u64>,
    /// Timed passes over the scale queries.
    #[arg(long, default_value_t = 10)]
    pub scale_rounds: usize,
    /// Where BENCHMARKS.md and benchmarks.json go.
    #[arg(long, default_value = "docs")]
    pub out_dir: PathBuf,
}

/// The server binary: `--server-bin`, else the release build in `CARGO_TARGET_DIR`.
pub fn server_bin(args: &Args) -> PathBuf {
    args.server_bin.clone().unwrap_or_else(|| {
        let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
        Path::new(&target).join("release/pocket-id")
    })
}
