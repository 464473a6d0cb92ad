//! The real `pocket-id` binary: configuration errors, `.env`, serving over TCP and a Unix
//! socket, `healthcheck`, and graceful shutdown on SIGTERM.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::free_port;

const BIN: &str = env!("CARGO_BIN_EXE_pocket-id");

fn pocket_id(dir: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(dir).env_clear().env("LOG_LEVEL", "warn");
    c
}

fn output(mut c: Command) -> Output {
    c.stdin(Stdio::null()).output().expect("run pocket-id")
}

/// Polls `pocket-id healthcheck` until it succeeds or 15 s pass.
fn wait_healthy(dir: &Path, args: &[&str]) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(15) {
        let mut c = pocket_id(dir);
        c.arg("healthcheck").args(args);
        if output(c).status.success() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("server did not become healthy");
}

/// Sends SIGTERM and expects a clean exit within 15 s.
fn terminate(mut child: Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "exit status after SIGTERM: {status}");
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "no exit after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn help_lists_the_subcommands() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = pocket_id(dir.path());
    c.arg("--help");
    let out = output(c);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("healthcheck") && text.contains("version"),
        "{text}"
    );
}

#[test]
fn invalid_configuration_stops_startup_with_one_line_naming_the_variable() {
    for (var, value) in [
        ("PORT", "http"),
        ("APP_URL", "not a url"),
        ("ENCRYPTION_KEY", "short"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut c = pocket_id(dir.path());
        c.env(var, value);
        let out = output(c);
        assert_eq!(out.status.code(), Some(1), "{var}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains(&format!("{var}:")), "{err}");
        assert!(
            !dir.path().join("data/pocket-id.db").exists(),
            "nothing is created on bad config"
        );
    }
}

#[test]
fn dot_env_in_the_working_directory_is_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "PORT=not-a-port\n").unwrap();
    let out = output(pocket_id(dir.path()));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("PORT:"));
}

#[test]
fn serves_over_tcp_with_sqlite_under_data_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port().to_string();
    let child = pocket_id(dir.path())
        .env("PORT", &port)
        .env("HOST", "127.0.0.1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_healthy(
        dir.path(),
        &["--endpoint", &format!("http://127.0.0.1:{port}")],
    );
    // Default SQLite location and a generated, owner-only encryption key.
    assert!(dir.path().join("data/pocket-id.db").exists());
    use std::os::unix::fs::PermissionsExt;
    let key = std::fs::metadata(dir.path().join("data/.encryption-key")).unwrap();
    assert_eq!(key.permissions().mode() & 0o777, 0o600);
    // healthcheck's default endpoint follows PORT.
    let mut c = pocket_id(dir.path());
    c.env("PORT", &port).arg("healthcheck");
    assert!(output(c).status.success());
    terminate(child);
    let mut c = pocket_id(dir.path());
    c.args([
        "healthcheck",
        "--endpoint",
        &format!("http://127.0.0.1:{port}"),
    ]);
    assert_eq!(
        output(c).status.code(),
        Some(1),
        "healthcheck must fail once the server is gone"
    );
}

#[test]
fn serves_over_a_unix_socket_with_the_requested_mode() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("pocket-id.sock");
    let child = pocket_id(dir.path())
        .env("UNIX_SOCKET", &socket)
        .env("UNIX_SOCKET_MODE", "0660")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_healthy(dir.path(), &["--unix-socket", socket.to_str().unwrap()]);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&socket).unwrap().permissions().mode() & 0o777,
        0o660
    );
    terminate(child);
    assert!(!socket.exists(), "socket file removed on shutdown");
}

#[tokio::test]
async fn one_time_access_token_command_prints_a_working_sign_in_link() {
    use crate::helpers::{Engine, TestApp};
    use pocket_id::config::Database;
    let app = TestApp::spawn(Engine::Sqlite, &[]).await.unwrap();
    let Database::Sqlite { path } = &app.config.database else {
        unreachable!()
    };
    let dir = tempfile::tempdir().unwrap();
    let run = |who: &str| {
        let mut c = pocket_id(dir.path());
        c.env("DB_CONNECTION_STRING", path)
            .env("ENCRYPTION_KEY", "test-encryption-key-0123456789")
            .env("APP_URL", "https://id.example.com")
            .args(["one-time-access-token", who]);
        output(c)
    };
    let out = run("nobody");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no user"));

    crate::fixtures::User::new("Carol")
        .email("carol@example.com")
        .insert(&app)
        .await;
    // The command stamps codes with the real clock; move the app's fixed clock there too.
    use pocket_id::clock::Clock;
    app.clock
        .advance(pocket_id::clock::SystemClock.now() - app.clock.now());
    for who in ["carol", "carol@example.com"] {
        let out = run(who);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let link = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        let code = link
            .strip_prefix("https://id.example.com/lc/")
            .expect("a sign-in link on APP_URL");
        assert_eq!(code.len(), 12, "1-hour codes are 12 characters");
        let r = crate::fixtures::redeem(&mut app.client(), code).await;
        assert_eq!(r.status, axum::http::StatusCode::OK, "{}", r.text());
    }
}

/// A server logging JSON at INFO into `dir/server.log`; its port.
fn logging_server(dir: &std::path::Path) -> (std::process::Child, u16) {
    let log = std::fs::File::create(dir.join("server.log")).unwrap();
    let port = free_port();
    let child = pocket_id(dir)
        .env("PORT", port.to_string())
        .env("HOST", "127.0.0.1")
        .env("LOG_LEVEL", "info")
        .env("LOG_JSON", "true")
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    wait_healthy(dir, &["--endpoint", &format!("http://127.0.0.1:{port}")]);
    (child, port)
}

/// Sends one raw HTTP/1.1 request (closing the connection) and returns the whole response.
fn raw_request(port: u16, method: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut conn = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        conn,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    conn.read_to_string(&mut response).unwrap();
    response
}

/// The JSON lines of a server log.
fn log_lines(dir: &std::path::Path) -> (String, Vec<serde_json::Value>) {
    let text = std::fs::read_to_string(dir.join("server.log")).unwrap();
    let lines = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    (text, lines)
}

/// The access log line of a request is written inside the request's span, so it carries the
/// request id the response announces in `X-Request-ID`.
#[test]
fn access_log_lines_carry_the_request_id() {
    let dir = tempfile::tempdir().unwrap();
    let (child, port) = logging_server(dir.path());
    let response = raw_request(port, "GET", "/api/application-configuration");
    let request_id = response
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("x-request-id")
                .then(|| value.trim().to_owned())
        })
        .expect("an X-Request-ID header");
    terminate(child);
    let (text, lines) = log_lines(dir.path());
    let line = lines
        .iter()
        .find(|l| l["message"] == "request" && l["path"] == "/api/application-configuration")
        .unwrap_or_else(|| panic!("no access-log line for the request in:\n{text}"));
    assert_eq!(line["status"], 200, "{line}");
    assert_eq!(line["span"]["request_id"], request_id.as_str(), "{line}");
}

/// Login codes and signup tokens in paths never reach the logs: the access log and the request
/// span show `[redacted]` in their place.
#[test]
fn secrets_in_paths_stay_out_of_the_logs() {
    let dir = tempfile::tempdir().unwrap();
    let (child, port) = logging_server(dir.path());
    let secrets = ["LOGINCODE1", "LOGINCODE2", "SIGNUPTOKEN3"];
    raw_request(port, "GET", &format!("/lc/{}", secrets[0]));
    raw_request(
        port,
        "POST",
        &format!("/api/one-time-access-token/{}", secrets[1]),
    );
    raw_request(port, "GET", &format!("/st/{}", secrets[2]));
    terminate(child);
    let (text, lines) = log_lines(dir.path());
    for secret in secrets {
        assert!(!text.contains(secret), "{secret} is in the log:\n{text}");
    }
    for path in [
        "/lc/[redacted]",
        "/api/one-time-access-token/[redacted]",
        "/st/[redacted]",
    ] {
        let line = lines
            .iter()
            .find(|l| l["message"] == "request" && l["path"] == path)
            .unwrap_or_else(|| panic!("no access-log line for {path} in:\n{text}"));
        assert_eq!(line["span"]["path"], path, "{line}");
    }
}
