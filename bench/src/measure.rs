//! Measures beside the load cells: the signing bound (`openssl speed`), the machine, and the
//! SPA's first-load bytes.

use crate::http::{self, Error, Req};
use crate::proc::Running;
use serde::Serialize;
use std::io::Write;
use std::process::Command;

/// Signatures per second from `openssl speed`, on one core and with one process per core.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignSpeed {
    pub rsa2048_one_core: f64,
    pub rsa2048_all_cores: f64,
    pub p256_one_core: f64,
    pub p256_all_cores: f64,
    pub ed25519_one_core: f64,
    pub ed25519_all_cores: f64,
    pub openssl: String,
}

impl SignSpeed {
    /// Signatures per second for a JWS `alg`: `(one core, all cores)`.
    pub fn for_alg(&self, alg: &str) -> (f64, f64) {
        match alg {
            "RS256" => (self.rsa2048_one_core, self.rsa2048_all_cores),
            "ES256" => (self.p256_one_core, self.p256_all_cores),
            _ => (self.ed25519_one_core, self.ed25519_all_cores),
        }
    }
}

/// `(rsa, p256, ed25519)` sign/s from `openssl speed -mr` output (the summary lines, not the
/// per-process `Got:` lines of `-multi`).
fn parse_speed(out: &str) -> (f64, f64, f64) {
    let mut r = (0.0, 0.0, 0.0);
    for line in out.lines().filter(|l| l.starts_with('+')) {
        let f: Vec<&str> = line.split(':').collect();
        let num = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        match f.first().copied() {
            Some("+F2") => r.0 = num(3),
            Some("+F4") => r.1 = num(3),
            Some("+F6") => r.2 = num(4),
            _ => {}
        }
    }
    r
}

/// Runs `openssl speed` for RSA-2048, P-256 and Ed25519 signing for `seconds` each.
pub fn sign_speed(seconds: u32, cores: usize) -> Result<SignSpeed, Error> {
    let run = |multi: Option<usize>| -> Result<(f64, f64, f64), Error> {
        let mut c = Command::new("openssl");
        c.arg("speed")
            .arg("-seconds")
            .arg(seconds.to_string())
            .arg("-mr");
        if let Some(m) = multi {
            c.arg("-multi").arg(m.to_string());
        }
        let out = c.args(["rsa2048", "ecdsap256", "ed25519"]).output()?;
        if !out.status.success() {
            return Err(format!("openssl speed: {}", String::from_utf8_lossy(&out.stderr)).into());
        }
        Ok(parse_speed(&String::from_utf8_lossy(&out.stdout)))
    };
    let one = run(None)?;
    let all = if cores > 1 { run(Some(cores))? } else { one };
    let version = Command::new("openssl")
        .arg("version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    Ok(SignSpeed {
        rsa2048_one_core: one.0,
        rsa2048_all_cores: all.0,
        p256_one_core: one.1,
        p256_all_cores: all.1,
        ed25519_one_core: one.2,
        ed25519_all_cores: all.2,
        openssl: version,
    })
}

/// What the report says about the machine.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub memory_gib: f64,
    pub kernel: String,
    pub os: String,
    pub node: String,
}

pub fn machine() -> Machine {
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    let cpuinfo = read("/proc/cpuinfo");
    let field = |name: &str| {
        cpuinfo
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let mem_kib: f64 = read("/proc/meminfo")
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    let os = read("/etc/os-release")
        .lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME="))
        .map(|v| v.trim_matches('"').to_owned())
        .unwrap_or_default();
    let cmd = |c: &str, a: &str| {
        Command::new(c)
            .arg(a)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    };
    Machine {
        cpu: format!(
            "{} (family {}, model {}, {} MHz)",
            field("model name"),
            field("cpu family"),
            field("model\t"),
            field("cpu MHz")
        ),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        memory_gib: (mem_kib / 1024.0 / 1024.0 * 10.0).round() / 10.0,
        kernel: cmd("uname", "-r"),
        os,
        node: cmd("node", "--version"),
    }
}

/// One asset of the first load.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Asset {
    pub path: String,
    /// Uncompressed bytes.
    pub bytes: usize,
    /// Bytes on the wire when the browser accepts brotli (the server's precompressed
    /// variant, or our own brotli at quality 11 when it serves none).
    pub brotli_bytes: usize,
    /// The server answered with `Content-Encoding: br` itself.
    pub served_brotli: bool,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FirstLoad {
    pub page: String,
    pub total_bytes: usize,
    pub total_brotli_bytes: usize,
    pub assets: Vec<Asset>,
}

fn brotli(data: &[u8]) -> usize {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        let _ = w.write_all(data);
    }
    out.len()
}

fn decompress_br(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = std::io::copy(&mut brotli::Decompressor::new(data, 4096), &mut out);
    out
}

/// Same-origin references in HTML (`src`/`href`) or CSS (`url(...)`).
fn references(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["src=\"", "href=\"", "url("] {
        let mut rest = text;
        while let Some(i) = rest.find(key) {
            rest = &rest[i + key.len()..];
            // `url('/f.woff2')`: the quote opens the value, it does not end it.
            let value = rest.trim_start_matches([' ', '\'', '"']);
            let end = value.find(['"', ')', '\'']).unwrap_or(value.len());
            let r = value[..end].trim();
            if r.starts_with('/') && !r.starts_with("//") {
                out.push(r.split('#').next().unwrap_or(r).to_owned());
            }
        }
    }
    out
}

/// The scripts and modules trunk's inline loader fetches: it imports the wasm-bindgen glue and
/// hands `init` the module's URL, both as absolute paths in single quotes. (The glue's own
/// default module name, beside itself and without the hash, is never fetched.)
fn loader_references(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("'/") {
        rest = &rest[i + 1..];
        let end = rest.find('\'').unwrap_or(rest.len());
        let r = &rest[..end];
        if !r.starts_with("//") && (r.ends_with(".js") || r.ends_with(".wasm")) {
            out.push(r.to_owned());
        }
        rest = &rest[(end + 1).min(rest.len())..];
    }
    out
}

/// Everything a browser fetches for the first view of `page` (HTML, scripts, styles, WASM,
/// fonts and images the HTML and CSS reference, and what trunk's loader imports).
pub async fn first_load(server: &Running, page: &str) -> Result<FirstLoad, Error> {
    let mut queue = vec![page.to_owned()];
    let mut seen = std::collections::BTreeSet::new();
    let mut assets = Vec::new();
    while let Some(path) = queue.pop() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let res = http::once(
            server.addr,
            &server.host,
            &Req::get(&path).header("accept-encoding", "br, gzip"),
        )
        .await?;
        if res.status != 200 {
            return Err(format!("first load: {path} answered {}", res.status).into());
        }
        let served_brotli = res.header("content-encoding") == Some("br");
        let plain = if served_brotli {
            decompress_br(&res.body)
        } else {
            res.body.to_vec()
        };
        let brotli_bytes = if served_brotli {
            res.body.len()
        } else {
            brotli(&plain)
        };
        let ctype = res.header("content-type").unwrap_or("").to_owned();
        let html = ctype.contains("html");
        // Only the page is HTML: a reference answered with HTML is the SPA's fallback for a file
        // the build lacks, which no browser would count as loaded.
        if html && path != page {
            return Err(format!("first load: {path} is not a file of the build").into());
        }
        if html || ctype.contains("css") {
            let text = String::from_utf8_lossy(&plain);
            queue.extend(references(&text));
            if html {
                queue.extend(loader_references(&text));
            }
        }
        assets.push(Asset {
            path,
            bytes: plain.len(),
            brotli_bytes,
            served_brotli,
        });
    }
    Ok(FirstLoad {
        page: page.to_owned(),
        total_bytes: assets.iter().map(|a| a.bytes).sum(),
        total_brotli_bytes: assets.iter().map(|a| a.brotli_bytes).sum(),
        assets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openssl_summary_lines() {
        let out = "Got: +F2:2:2048:1955.0:29408.0 from 1\n+F2:2:2048:4248.0:67896.0\n\
                   +F4:3:256:54979.0:19336.0\n+F6:0:253:Ed25519:29796.0:10728.0\n";
        assert_eq!(parse_speed(out), (4248.0, 54979.0, 29796.0));
    }

    #[test]
    fn same_origin_references_only() {
        let html = r#"<link rel="stylesheet" href="/style-1.css"><script src="/app.js"></script>
            <a href="https://x.example/">x</a><style>@font-face{src:url('/f.woff2')}</style>"#;
        assert_eq!(
            references(html),
            vec!["/app.js", "/style-1.css", "/f.woff2"]
        );
    }

    #[test]
    fn trunk_loader_references() {
        let html = "<!-- the backend's CSP allows only that script's hash --><script type=\"module\">\nimport init, * as bindings from '/app-1f.js';\n\
                    const wasm = await init({ module_or_path: '/app-1f_bg.wasm' });\n\
                    dispatchEvent(new CustomEvent(\"TrunkApplicationStarted\", {detail: {wasm}}));\n\
                    </script><meta content='x'>";
        assert_eq!(
            loader_references(html),
            vec!["/app-1f.js", "/app-1f_bg.wasm"]
        );
    }
}
