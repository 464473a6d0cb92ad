//! Starting and stopping the HTTP server (TCP or Unix socket, graceful shutdown) and the
//! `healthcheck` client.

use crate::app::router;
use crate::clock::SystemClock;
use crate::config::{Config, Listen, TrustProxy};
use crate::spa::Spa;
use crate::state::AppState;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// How long in-flight requests may run after SIGTERM before the process exits anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(transparent)]
    Database(#[from] crate::db::DbSetupError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: String,
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Serve(std::io::Error),
    #[error("signing keys: {0}")]
    Keys(#[from] crate::crypto::keystore::KeyStoreError),
}

/// Opens the database, then serves until SIGTERM or Ctrl-C.
pub async fn run(config: Config) -> Result<(), ServerError> {
    let started = Instant::now();
    let db = crate::db::open(&config.database).await?;
    let listen = config.listen.clone();
    let app_url = config.app_url.clone();
    let state = AppState::open(
        db,
        Arc::new(config),
        Arc::new(SystemClock),
        Arc::new(Spa::embedded()),
    )
    .await?;
    // Harmless if it fails: without STATIC_API_KEY nobody can authenticate as that user.
    let static_user = crate::auth::api_key::remove_unused_static_user(&state.db, &state.config);
    if let Err(e) = static_user.await {
        tracing::warn!(error = %e, "could not remove the static API key user");
    }
    // Bundled images are also seeded on first request, so a failure here only delays them.
    if let Err(e) = crate::features::app_images::seed_defaults(&state).await {
        tracing::warn!(error = %e, "could not seed the bundled application images");
    }
    if let (Some(header), TrustProxy::None) =
        (&state.config.trusted_platform, &state.config.trust_proxy)
    {
        tracing::warn!(
            header = %header,
            "TRUSTED_PLATFORM is ignored unless the platform's proxies are trusted: set TRUST_PROXY \
             to their addresses (or true)"
        );
    }
    crate::jobs::spawn_key_refresh(state.clone());
    crate::db::spawn_wal_checkpoints(&state.config.database);
    // Pocket ID runs no housekeeping in APP_ENV=test.
    if state.config.app_env != crate::config::AppEnv::Test {
        crate::jobs::spawn(state.clone());
    }
    let app = router(state);

    // Startup time: from process start of `run` until the socket accepts connections.
    let ready_ms = || started.elapsed().as_millis() as u64;
    match listen {
        Listen::Tcp { host, port } => {
            let addr = format!("{host}:{port}");
            let listener = tokio::net::TcpListener::bind((host.as_str(), port))
                .await
                .map_err(|source| ServerError::Listen {
                    addr: addr.clone(),
                    source,
                })?;
            tracing::info!(%addr, %app_url, ready_ms = ready_ms(), "Pocket ID is ready");
            let (signal, deadline) = shutdown_futures();
            // The peer address feeds `ClientIp`.
            let service = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
            until_drained(
                axum::serve(listener, service)
                    .with_graceful_shutdown(signal)
                    .into_future(),
                deadline,
            )
            .await
        }
        Listen::Unix { path, mode } => {
            let listener = bind_unix(&path, mode)?;
            tracing::info!(socket = %path.display(), %app_url, ready_ms = ready_ms(), "Pocket ID is ready");
            let (signal, deadline) = shutdown_futures();
            let served = until_drained(
                axum::serve(listener, app)
                    .with_graceful_shutdown(signal)
                    .into_future(),
                deadline,
            )
            .await;
            let _ = std::fs::remove_file(&path);
            served
        }
    }
}

/// The graceful-shutdown trigger (SIGTERM/Ctrl-C) and the deadline that follows it by
/// [`SHUTDOWN_GRACE`].
fn shutdown_futures() -> (
    impl Future<Output = ()> + Send + 'static,
    impl Future<Output = ()>,
) {
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let signal = async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing in-flight requests");
        let _ = stop_tx.send(());
    };
    let deadline = async move {
        if stop_rx.await.is_ok() {
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    (signal, deadline)
}

/// Runs `server` until it has drained after the shutdown signal, or the deadline passes.
async fn until_drained(
    server: impl Future<Output = std::io::Result<()>>,
    deadline: impl Future<Output = ()>,
) -> Result<(), ServerError> {
    tokio::select! {
        r = server => r.map_err(ServerError::Serve),
        () = deadline => {
            tracing::warn!("requests still running after the grace period; exiting");
            Ok(())
        }
    }
}

fn bind_unix(path: &PathBuf, mode: Option<u32>) -> Result<tokio::net::UnixListener, ServerError> {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let addr = path.display().to_string();
    // A socket file left by a previous run would make bind fail; anything else is not ours.
    if let Ok(meta) = std::fs::symlink_metadata(path)
        && meta.file_type().is_socket()
    {
        let _ = std::fs::remove_file(path);
    }
    let listener = tokio::net::UnixListener::bind(path).map_err(|source| ServerError::Listen {
        addr: addr.clone(),
        source,
    })?;
    if let Some(mode) = mode {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(|source| ServerError::Listen { addr, source })?;
    }
    Ok(listener)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}

/// `pocket-id healthcheck`: GET /healthz over TCP or a Unix socket within 5 s.
pub fn healthcheck(
    endpoint: Option<String>,
    unix_socket: Option<PathBuf>,
    verbose: bool,
) -> ExitCode {
    let unix_socket = unix_socket.or_else(|| std::env::var_os("UNIX_SOCKET").map(PathBuf::from));
    let endpoint = endpoint.unwrap_or_else(|| {
        let port = std::env::var("PORT")
            .ok()
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "1411".into());
        format!("http://localhost:{port}")
    });
    let outcome = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
        .and_then(|rt| {
            rt.block_on(async {
                tokio::time::timeout(
                    Duration::from_secs(5),
                    probe(&endpoint, unix_socket.as_ref()),
                )
                .await
                .map_err(|_| "timed out after 5 s".to_owned())?
            })
        });
    let target = unix_socket
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or(endpoint);
    match outcome {
        Ok(204 | 200) => {
            if verbose {
                println!("healthy: {target}/healthz");
            }
            ExitCode::SUCCESS
        }
        Ok(status) => {
            eprintln!("unhealthy: {target}/healthz answered {status}");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("unhealthy: {target}: {e}");
            ExitCode::from(1)
        }
    }
}

async fn probe(endpoint: &str, unix_socket: Option<&PathBuf>) -> Result<u16, String> {
    let url = url::Url::parse(endpoint).map_err(|e| format!("invalid endpoint {endpoint}: {e}"))?;
    if url.scheme() != "http" {
        return Err("only http:// endpoints are supported (TLS is terminated by a proxy)".into());
    }
    let host = url.host_str().unwrap_or("localhost").to_owned();
    match unix_socket {
        Some(path) => {
            let stream = tokio::net::UnixStream::connect(path)
                .await
                .map_err(|e| e.to_string())?;
            http_get_status(stream, &host).await
        }
        None => {
            let port = url.port_or_known_default().unwrap_or(80);
            let stream = tokio::net::TcpStream::connect((host.as_str(), port))
                .await
                .map_err(|e| e.to_string())?;
            http_get_status(stream, &host).await
        }
    }
}

/// A minimal HTTP/1.1 GET: enough to read the status line without an HTTP client dependency.
async fn http_get_status(
    mut stream: impl AsyncRead + AsyncWrite + Unpin,
    host: &str,
) -> Result<u16, String> {
    let req = format!(
        "GET /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nUser-Agent: pocket-id-healthcheck\r\n\r\n"
    );
    stream
        .write_all(req.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut buf = [0u8; 64];
    let mut n = 0;
    while n < 12 {
        let read = stream
            .read(&mut buf[n..])
            .await
            .map_err(|e| e.to_string())?;
        if read == 0 {
            break;
        }
        n += read;
    }
    let line = String::from_utf8_lossy(&buf[..n]);
    line.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("not an HTTP response: {line:?}"))
}
