//! Command line: no command runs the server; subcommands are maintenance tools.

use crate::config::{Config, KeyOrigin, LogLevel};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Pocket ID: a simple OpenID Connect provider that signs users in with passkeys.
#[derive(Debug, Parser)]
#[command(name = "pocket-id", version, about, long_about = None)]
#[command(
    after_help = "Without a command, the server starts. Configuration comes from environment \
variables (and a .env file in the working directory); see README.md."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check that a running server answers on /healthz (exit code 0 when healthy)
    Healthcheck {
        /// Base URL of the server [default: http://localhost:$PORT]
        #[arg(short, long)]
        endpoint: Option<String>,
        /// Connect through this Unix socket instead [default: $UNIX_SOCKET]
        #[arg(long)]
        unix_socket: Option<PathBuf>,
        /// Print the outcome
        #[arg(short, long)]
        verbose: bool,
    },
    /// Print the version
    Version,
}

/// Runs the parsed command line; the exit code tells success.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Some(Command::Version) => {
            println!("pocket-id {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Some(Command::Healthcheck {
            endpoint,
            unix_socket,
            verbose,
        }) => {
            let _ = dotenvy::dotenv();
            crate::server::healthcheck(endpoint, unix_socket, verbose)
        }
        None => serve(),
    }
}

fn serve() -> ExitCode {
    let config = match Config::load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("pocket-id: invalid configuration: {e}");
            return ExitCode::from(1);
        }
    };
    init_tracing(config.log_level, config.log_json);
    match &config.encryption_key_origin {
        KeyOrigin::Generated(path) => tracing::warn!(
            file = %path.display(),
            "ENCRYPTION_KEY is not set: generated a new key into this file (mode 0600). Keep it with \
             the database and back both up; set ENCRYPTION_KEY to manage it yourself"
        ),
        KeyOrigin::KeyFile(path) => {
            tracing::info!(file = %path.display(), "ENCRYPTION_KEY not set: using the key file from an earlier run")
        }
        KeyOrigin::Environment => {}
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("pocket-id: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(crate::server::run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("pocket-id: {e}");
            ExitCode::from(1)
        }
    }
}

/// Logs to stdout as text or JSON at `LOG_LEVEL`; `RUST_LOG` overrides for development.
fn init_tracing(level: LogLevel, json: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|v| EnvFilter::try_new(v).ok())
        .unwrap_or_else(|| {
            EnvFilter::new(format!(
                "{},sqlx=warn,sea_orm_migration=warn",
                level.as_str()
            ))
        });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    if json {
        builder.json().flatten_event(true).init();
    } else {
        builder.init();
    }
}
