//! Server processes: start, wait until ready, read CPU and memory from `/proc`, stop.

use crate::http::{self, Error, Req};
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A server under test.
pub struct Running {
    child: Child,
    pub pid: u32,
    pub addr: SocketAddr,
    /// The `Host` header its issuer expects (`localhost:PORT`).
    pub host: String,
    /// Spawn → first successful answer on the ready path.
    pub ready: Duration,
}

/// A free loopback port (bound and released; the server binds it right after).
pub fn free_port() -> Result<u16, Error> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Spawns `cmd` (output to `log`) and waits until `ready_path` answers 2xx on `port`.
pub async fn start(
    mut cmd: Command,
    port: u16,
    ready_path: &str,
    log: &Path,
) -> Result<Running, Error> {
    let out = std::fs::File::create(log)?;
    let err = out.try_clone()?;
    cmd.stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err));
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let host = format!("localhost:{port}");
    let t = Instant::now();
    let mut child = cmd.spawn()?;
    let pid = child.id();
    let deadline = t + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait()? {
            let tail = std::fs::read_to_string(log).unwrap_or_default();
            return Err(format!("server exited with {status} before it was ready:\n{tail}").into());
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            return Err(format!("server not ready after 30 s (log: {})", log.display()).into());
        }
        // Connection refused until it listens; then the first answer is the ready time.
        if let Ok(r) = http::once(addr, &host, &Req::get(ready_path)).await
            && (200..300).contains(&r.status)
        {
            return Ok(Running {
                child,
                pid,
                addr,
                host,
                ready: t.elapsed(),
            });
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

impl Running {
    /// SIGTERM, then SIGKILL after 10 s.
    pub fn stop(mut self) -> Result<(), Error> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }

    /// `(VmRSS, VmHWM)` in KiB.
    pub fn memory(&self) -> (u64, u64) {
        memory(self.pid)
    }

    /// User + system CPU time so far.
    pub fn cpu(&self) -> Duration {
        cpu(&format!("/proc/{}/stat", self.pid))
    }
}

/// `(VmRSS, VmHWM)` of `pid` in KiB (0 when unreadable).
pub fn memory(pid: u32) -> (u64, u64) {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        s.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Clock ticks per second (`getconf CLK_TCK`; 100 on Linux unless told otherwise).
fn clk_tck() -> f64 {
    static TCK: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TCK.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
            .unwrap_or(100.0)
    })
}

/// utime + stime from a `/proc/.../stat` file.
pub fn cpu(stat: &str) -> Duration {
    let s = std::fs::read_to_string(stat).unwrap_or_default();
    // The command name (field 2) may hold spaces: count from the closing parenthesis.
    let rest = s.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    // After ")": state is field 3, so utime (14) and stime (15) are at 11 and 12.
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    Duration::from_secs_f64((ticks(11) + ticks(12)) / clk_tck())
}

/// This process's CPU time (the load generator's).
pub fn own_cpu() -> Duration {
    cpu("/proc/self/stat")
}
