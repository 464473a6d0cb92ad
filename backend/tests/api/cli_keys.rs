//! `pocket-id key-rotate` against a running server on the same database: the server switches
//! to the new key without a restart and keeps publishing the old one.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_pocket-id");

fn pocket_id(dir: &Path, port: u16) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(dir)
        .env_clear()
        .env("LOG_LEVEL", "warn")
        .env("PORT", port.to_string())
        .env("HOST", "127.0.0.1")
        .env("APP_URL", format!("http://localhost:{port}"))
        .env("ENCRYPTION_KEY", "cli-test-encryption-key-0123456789")
        .env("DB_CONNECTION_STRING", dir.join("pocket-id.db"));
    c
}

fn jwks(port: u16) -> Option<serde_json::Value> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET /.well-known/jwks.json HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    let body = buf.split_once("\r\n\r\n")?.1;
    serde_json::from_str(body).ok()
}

fn kids(v: &serde_json::Value) -> Vec<String> {
    v["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn rotation_reaches_a_running_server_without_restart() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = pocket_id(dir.path(), port)
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let before = loop {
        if let Some(v) = jwks(port) {
            break v;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(kids(&before).len(), 1);

    // Refused algorithm and a declined confirmation change nothing.
    let out = pocket_id(dir.path(), port)
        .args(["key-rotate", "--alg", "HS256", "--yes"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let mut declined = pocket_id(dir.path(), port)
        .args(["key-rotate"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    declined.stdin.take().unwrap().write_all(b"n\n").unwrap();
    assert!(!declined.wait().unwrap().success());

    let out = pocket_id(dir.path(), port)
        .args(["key-rotate", "--alg", "EdDSA", "--crv", "Ed25519", "--yes"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let start = Instant::now();
    let after = loop {
        let v = jwks(port).unwrap();
        if kids(&v).len() == 2 {
            break v;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the server never picked up the new key"
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    assert_eq!(after["keys"][0]["crv"], "Ed25519", "the new key signs");
    assert_eq!(
        kids(&after)[1],
        kids(&before)[0],
        "the old key stays published"
    );
    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    let _ = server.wait();
}
