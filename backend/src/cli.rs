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
    /// Print a one-time sign-in link (valid 1 hour) for a user who cannot use a passkey
    #[command(name = "one-time-access-token")]
    OneTimeAccessToken {
        /// The user's username or email address
        user: String,
    },
    /// Replace the token signing key; the old public key stays published until the tokens it
    /// signed have expired, and running servers switch within seconds (no restart, nobody is
    /// signed out)
    #[command(name = "key-rotate")]
    KeyRotate {
        /// Algorithm of the new key (RS256: RSA-2048, RS384: RSA-3072, RS512: RSA-4096)
        #[arg(long, default_value = "RS256", value_parser = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "EdDSA"])]
        alg: String,
        /// Curve for EdDSA keys
        #[arg(long, value_parser = ["Ed25519"])]
        crv: Option<String>,
        /// Do not ask for confirmation
        #[arg(short, long)]
        yes: bool,
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
        Some(Command::OneTimeAccessToken { user }) => one_time_access_token(&user),
        Some(Command::KeyRotate { alg, crv, yes }) => key_rotate(&alg, crv.as_deref(), yes),
        None => serve(),
    }
}

/// Loads the configuration and logging for a command; logs go to stderr so stdout stays clean.
fn command_setup(log_to_stderr: bool) -> Result<(Config, tokio::runtime::Runtime), ExitCode> {
    let config = Config::load().map_err(|e| {
        eprintln!("pocket-id: invalid configuration: {e}");
        ExitCode::from(1)
    })?;
    init_tracing(config.log_level, config.log_json, log_to_stderr);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("pocket-id: cannot start the async runtime: {e}");
            ExitCode::from(1)
        })?;
    Ok((config, runtime))
}

fn one_time_access_token(user: &str) -> ExitCode {
    let (config, runtime) = match command_setup(true) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let result = runtime.block_on(async {
        let db = crate::db::open(&config.database)
            .await
            .map_err(|e| e.to_string())?;
        let found = match crate::features::users::repo::find_by_username(&db, user).await {
            Ok(Some(u)) => Some(u),
            Ok(None) => crate::features::users::repo::find_by_email(&db, user)
                .await
                .map_err(|e| e.to_string())?,
            Err(e) => return Err(e.to_string()),
        };
        let found = found.ok_or_else(|| format!("no user with username or email \"{user}\""))?;
        let now = crate::clock::Clock::now(&crate::clock::SystemClock);
        let code = crate::features::one_time_access::service::create(
            &db,
            found.id,
            crate::features::one_time_access::service::CLI_TTL,
            now,
        )
        .await
        .map_err(|e| e.to_string())?;
        Ok(format!("{}/lc/{code}", config.app_url))
    });
    match result {
        Ok(link) => {
            println!("{link}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("pocket-id: {e}");
            ExitCode::from(1)
        }
    }
}

fn key_rotate(alg: &str, crv: Option<&str>, yes: bool) -> ExitCode {
    use crate::crypto::keys::Alg;
    let alg: Alg = match alg.parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("pocket-id: {e}");
            return ExitCode::from(2);
        }
    };
    if crv.is_some() && alg != Alg::EdDSA {
        eprintln!("pocket-id: --crv applies to EdDSA keys only");
        return ExitCode::from(2);
    }
    if !yes {
        eprint!(
            "Replace the signing key with a new {alg} key? Tokens signed by the current key stay valid until they expire. [y/N] "
        );
        let mut answer = String::new();
        if std::io::stdin().read_line(&mut answer).is_err()
            || !answer.trim().eq_ignore_ascii_case("y")
        {
            eprintln!("pocket-id: aborted");
            return ExitCode::from(1);
        }
    }
    let (config, runtime) = match command_setup(true) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let bits = match alg {
        Alg::RS384 => Some(3072),
        Alg::RS512 => Some(4096),
        _ => None,
    };
    let result = runtime.block_on(async {
        let db = crate::db::open(&config.database)
            .await
            .map_err(|e| e.to_string())?;
        let now = crate::clock::Clock::now(&crate::clock::SystemClock);
        // Makes sure a key exists to retire (first start never happened).
        crate::crypto::keystore::KeyStore::open(&db, config.encryption_key.expose(), now)
            .await
            .map_err(|e| e.to_string())?;
        crate::crypto::keystore::rotate(&db, config.encryption_key.expose(), alg, bits, now)
            .await
            .map_err(|e| e.to_string())
    });
    match result {
        Ok(kid) => {
            println!(
                "new signing key {kid} ({alg}); running servers pick it up within {} seconds",
                crate::jobs::KEY_REFRESH_INTERVAL.as_secs()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("pocket-id: {e}");
            ExitCode::from(1)
        }
    }
}

fn serve() -> ExitCode {
    let (config, runtime) = match command_setup(false) {
        Ok(v) => v,
        Err(code) => return code,
    };
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
    match runtime.block_on(crate::server::run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("pocket-id: {e}");
            ExitCode::from(1)
        }
    }
}

/// Logs as text or JSON at `LOG_LEVEL` to stdout (the server) or stderr (commands whose stdout
/// is their result); `RUST_LOG` overrides for development.
fn init_tracing(level: LogLevel, json: bool, to_stderr: bool) {
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
    match (json, to_stderr) {
        (true, false) => builder.json().flatten_event(true).init(),
        (true, true) => builder
            .json()
            .flatten_event(true)
            .with_writer(std::io::stderr)
            .init(),
        (false, false) => builder.init(),
        (false, true) => builder.with_writer(std::io::stderr).init(),
    }
}
