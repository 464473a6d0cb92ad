//! The machine-readable result and `docs/BENCHMARKS.md`.

use crate::load::Measured;
use crate::measure::{FirstLoad, Machine, SignSpeed};
use crate::scenario::Scenario;
use serde::Serialize;
use std::fmt::Write as _;

pub const OURS: &str = "pocket-id";
pub const NODE: &str = "node-oidc-provider";

/// The median of a cell's runs (each figure separately).
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub rps: f64,
    pub rps_min: f64,
    pub rps_max: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub server_cpu_pct: f64,
    pub loadgen_cpu_pct: f64,
    pub server_cpu_us_per_req: f64,
    pub errors: u64,
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

impl Summary {
    pub fn of(runs: &[Measured]) -> Self {
        let m = |f: fn(&Measured) -> f64| median(runs.iter().map(f).collect());
        Self {
            rps: m(|r| r.rps),
            rps_min: runs.iter().map(|r| r.rps).fold(f64::INFINITY, f64::min),
            rps_max: runs.iter().map(|r| r.rps).fold(0.0, f64::max),
            p50_ms: m(|r| r.p50_ms),
            p99_ms: m(|r| r.p99_ms),
            server_cpu_pct: m(|r| r.server_cpu_pct),
            loadgen_cpu_pct: m(|r| r.loadgen_cpu_pct),
            server_cpu_us_per_req: m(|r| r.server_cpu_us_per_req),
            errors: runs.iter().map(|r| r.errors).sum(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cell {
    pub system: String,
    /// SQLite / PostgreSQL for ours, "memory" for node-oidc-provider.
    pub store: String,
    pub alg: String,
    pub scenario: Scenario,
    /// Workers (connections).
    pub concurrency: usize,
    /// Open loop: the offered req/s (half the best closed-loop throughput of the scenario).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    pub summary: Summary,
    pub runs: Vec<Measured>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Footprint {
    pub system: String,
    pub store: String,
    pub alg: String,
    /// Spawn → first 200 on the ready path, each start (an existing, migrated database).
    pub ready_ms: Vec<f64>,
    pub ready_median_ms: f64,
    /// VmRSS 1 s after ready, before any benchmark request.
    pub idle_rss_kib: u64,
    /// VmHWM over the server's life under the whole load matrix.
    pub peak_rss_kib: u64,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub users: u64,
    pub groups: u64,
    pub clients: usize,
    pub concurrency: Vec<usize>,
    pub warmup_s: f64,
    pub duration_s: f64,
    pub runs: usize,
    pub algs: Vec<String>,
    pub smoke: bool,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    pub target: String,
    pub value: String,
    pub met: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub date: String,
    pub commit: String,
    pub machine: Machine,
    pub settings: Settings,
    pub sign_speed: SignSpeed,
    pub binary_bytes: u64,
    pub oidc_provider_version: String,
    pub first_load: Option<FirstLoad>,
    pub footprints: Vec<Footprint>,
    pub cells: Vec<Cell>,
    pub checks: Vec<Check>,
}

impl Report {
    pub fn cell(
        &self,
        system: &str,
        store: &str,
        alg: &str,
        s: Scenario,
        c: usize,
    ) -> Option<&Cell> {
        self.cells.iter().find(|x| {
            x.system == system
                && x.store == store
                && x.scenario == s
                && x.concurrency == c
                && x.rate.is_none()
                && (x.alg == alg || !s.per_alg())
        })
    }

    /// The open-loop cell at half the saturating load.
    fn half_load(&self, system: &str, store: &str, alg: &str, s: Scenario) -> Option<&Cell> {
        self.cells.iter().find(|x| {
            x.system == system
                && x.store == store
                && x.scenario == s
                && x.rate.is_some()
                && (x.alg == alg || !s.per_alg())
        })
    }

    /// The best median throughput of a scenario over the concurrency levels.
    fn best(&self, system: &str, store: &str, alg: &str, s: Scenario) -> Option<&Cell> {
        self.cells
            .iter()
            .filter(|x| {
                x.system == system
                    && x.store == store
                    && x.scenario == s
                    && x.rate.is_none()
                    && (x.alg == alg || !s.per_alg())
            })
            .max_by(|a, b| a.summary.rps.total_cmp(&b.summary.rps))
    }

    /// Fills `checks` from the cells (the targets, on SQLite).
    pub fn evaluate(&mut self) {
        let mut checks = Vec::new();
        let ours = |alg: &str, s| self.best(OURS, "SQLite", alg, s);
        let node = |alg: &str, s| self.best(NODE, "memory", alg, s);
        let ratio = |alg: &str, s: Scenario| -> Option<(f64, f64, f64)> {
            let (a, b) = (ours(alg, s)?, node(alg, s)?);
            Some((
                a.summary.rps,
                b.summary.rps,
                a.summary.rps / b.summary.rps.max(1e-9),
            ))
        };
        for s in [
            Scenario::ClientCredentials,
            Scenario::CodeExchange,
            Scenario::Refresh,
        ] {
            if let Some(c) = ours("RS256", s) {
                let (one, _) = self.sign_speed.for_alg("RS256");
                let cores = c.summary.server_cpu_pct / 100.0;
                let bound = one * cores / f64::from(s.signatures());
                let share = c.summary.rps / bound.max(1e-9);
                checks.push(Check {
                    target: format!(
                        "RS256 {}: ≥ 85% of the signing bound (openssl RSA-2048 sign/s × server cores used ÷ {} signature(s))",
                        s.name(),
                        s.signatures()
                    ),
                    value: format!(
                        "{:.0} req/s on {:.2} cores = {:.0}% of {:.0}",
                        c.summary.rps,
                        cores,
                        share * 100.0,
                        bound
                    ),
                    met: (bound > 0.0).then_some(share >= 0.85),
                });
            }
        }
        for alg in ["ES256", "EdDSA"] {
            for s in [Scenario::ClientCredentials, Scenario::CodeExchange] {
                if let Some((a, b, r)) = ratio(alg, s) {
                    checks.push(Check {
                        target: format!("{alg} {}: ≥ 4× node-oidc-provider", s.name()),
                        value: format!("{a:.0} vs {b:.0} req/s = {r:.2}×"),
                        met: Some(r >= 4.0),
                    });
                }
            }
        }
        for s in [Scenario::Discovery, Scenario::Jwks] {
            if let Some((a, b, r)) = ratio("RS256", s) {
                checks.push(Check {
                    target: format!("{}: ≥ 3× node-oidc-provider", s.name()),
                    value: format!("{a:.0} vs {b:.0} req/s = {r:.2}×"),
                    met: Some(r >= 3.0),
                });
            }
        }
        if let Some(c) = ours("RS256", Scenario::Userinfo) {
            checks.push(Check {
                target: "userinfo: ≥ 20 000 req/s".into(),
                value: format!("{:.0} req/s", c.summary.rps),
                met: Some(c.summary.rps >= 20_000.0),
            });
        }
        // p99 at half the saturating load: the open-loop cell offered half the best
        // closed-loop throughput; the worst scenario counts.
        let worst = Scenario::ALL
            .iter()
            .filter_map(|&s| self.half_load(OURS, "SQLite", "RS256", s))
            .max_by(|a, b| a.summary.p99_ms.total_cmp(&b.summary.p99_ms));
        if let Some(c) = worst {
            checks.push(Check {
                target: "p99 < 10 ms at half the saturating load (open loop; worst scenario, RS256, SQLite)".into(),
                value: format!(
                    "{:.2} ms: {} at {:.0} req/s offered ({:.0} served)",
                    c.summary.p99_ms,
                    c.scenario.name(),
                    c.rate.unwrap_or_default(),
                    c.summary.rps
                ),
                met: Some(c.summary.p99_ms < 10.0),
            });
        }
        let fp = |sys: &'static str| {
            self.footprints
                .iter()
                .filter(move |f| f.system == sys && f.store != "PostgreSQL")
        };
        if let Some(idle) = fp(OURS).map(|f| f.idle_rss_kib).max() {
            checks.push(Check {
                target: "idle RSS < 15 MB".into(),
                value: format!("{:.1} MB", idle as f64 / 1024.0),
                met: Some((idle as f64) < 15.0 * 1024.0),
            });
        }
        if let Some(peak) = fp(OURS).map(|f| f.peak_rss_kib).max() {
            checks.push(Check {
                target: "peak RSS < 60 MB".into(),
                value: format!("{:.1} MB", peak as f64 / 1024.0),
                met: Some((peak as f64) < 60.0 * 1024.0),
            });
        }
        if let Some(ready) = fp(OURS).map(|f| f.ready_median_ms).reduce(f64::max) {
            checks.push(Check {
                target: "ready in < 100 ms on SQLite".into(),
                value: format!("{ready:.1} ms (median)"),
                met: Some(ready < 100.0),
            });
        }
        if let Some(fl) = &self.first_load {
            checks.push(Check {
                target: "/login first load < 350 KB brotli".into(),
                value: format!("{:.1} KB", fl.total_brotli_bytes as f64 / 1000.0),
                met: Some(fl.total_brotli_bytes < 350_000),
            });
        }
        let errors: u64 = self.cells.iter().map(|c| c.summary.errors).sum();
        checks.push(Check {
            target: "zero errors".into(),
            value: format!("{errors} errors over all cells"),
            met: Some(errors == 0),
        });
        self.checks = checks;
    }

    pub fn markdown(&self) -> String {
        let mut o = String::new();
        let m = &self.machine;
        let s = &self.settings;
        let _ = writeln!(o, "# Benchmarks\n");
        let _ = writeln!(
            o,
            "Generated by `make bench` (`cargo run --release -p bench`) on {} at commit `{}`. \
             Both systems were measured in the same run on the same machine; \
             `docs/benchmarks.json` holds every run of every cell.\n",
            self.date, self.commit
        );
        let _ = writeln!(o, "## Machine\n");
        let _ = writeln!(o, "| | |\n|---|---|");
        let _ = writeln!(o, "| CPU | {} |", m.cpu);
        let _ = writeln!(
            o,
            "| Cores | {} (load generator and server share them) |",
            m.cores
        );
        let _ = writeln!(o, "| Memory | {} GiB |", m.memory_gib);
        let _ = writeln!(o, "| OS / kernel | {} / {} |", m.os, m.kernel);
        let _ = writeln!(
            o,
            "| Node | {} (oidc-provider {}) |",
            m.node, self.oidc_provider_version
        );
        let _ = writeln!(o, "| OpenSSL | {} |", self.sign_speed.openssl);
        let _ = writeln!(
            o,
            "\nSettings: {} users, {} groups, {} clients seeded; concurrency {:?}; {} s warm-up then {} s measured; {} runs per cell, medians shown.\n",
            s.users, s.groups, s.clients, s.concurrency, s.warmup_s, s.duration_s, s.runs
        );
        let _ = writeln!(o, "## Targets\n");
        let _ = writeln!(o, "| Target | Measured | Met |\n|---|---|---|");
        for c in &self.checks {
            let met = match c.met {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "n/a",
            };
            let _ = writeln!(o, "| {} | {} | {} |", c.target, c.value, met);
        }
        let _ = writeln!(o, "\n## Signing bound (`openssl speed`)\n");
        let ss = &self.sign_speed;
        let _ = writeln!(
            o,
            "| Key | sign/s, one core | sign/s, {} processes |\n|---|---:|---:|",
            m.cores
        );
        let _ = writeln!(
            o,
            "| RSA-2048 | {:.0} | {:.0} |",
            ss.rsa2048_one_core, ss.rsa2048_all_cores
        );
        let _ = writeln!(
            o,
            "| P-256 | {:.0} | {:.0} |",
            ss.p256_one_core, ss.p256_all_cores
        );
        let _ = writeln!(
            o,
            "| Ed25519 | {:.0} | {:.0} |",
            ss.ed25519_one_core, ss.ed25519_all_cores
        );
        let _ = writeln!(o, "\n## Footprint\n");
        let _ = writeln!(
            o,
            "Binary: {:.1} MB (`pocket-id`, release, stripped of debug info).\n",
            self.binary_bytes as f64 / 1e6
        );
        if let Some(fl) = &self.first_load {
            let _ = writeln!(
                o,
                "SPA first load of `{}`: {:.1} KB brotli ({:.1} KB uncompressed) in {} files: {}.\n",
                fl.page,
                fl.total_brotli_bytes as f64 / 1000.0,
                fl.total_bytes as f64 / 1000.0,
                fl.assets.len(),
                fl.assets
                    .iter()
                    .map(|a| format!("`{}` {:.1} KB", a.path, a.brotli_bytes as f64 / 1000.0))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        let _ = writeln!(
            o,
            "| System | Store | Key | Start → ready (median) | Idle RSS | Peak RSS |\n|---|---|---|---:|---:|---:|"
        );
        for f in &self.footprints {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {:.1} ms | {:.1} MB | {:.1} MB |",
                f.system,
                f.store,
                f.alg,
                f.ready_median_ms,
                f.idle_rss_kib as f64 / 1024.0,
                f.peak_rss_kib as f64 / 1024.0
            );
        }
        let _ = writeln!(o, "\n## Throughput and latency\n");
        let _ = writeln!(
            o,
            "req/s is the median of the runs (min–max); p50/p99 are over every response of the run, median across runs. \
             CPU is percent of one core over the measured window (server / load generator). \
             Ratio = pocket-id ÷ node-oidc-provider. \
             \"½ load: N open\" is an open loop on the first key: requests due at half the best req/s of the closed-loop rows, \
             shared by N workers, each timed from when it was due (a request that waited for a free worker counts its wait).\n"
        );
        let stores: Vec<String> = {
            let mut v: Vec<String> = self
                .cells
                .iter()
                .filter(|c| c.system == OURS)
                .map(|c| c.store.clone())
                .collect();
            v.dedup();
            v.sort();
            v.dedup();
            v
        };
        for sc in Scenario::ALL {
            let algs: Vec<&str> = if sc.per_alg() {
                s.algs.iter().map(String::as_str).collect()
            } else {
                vec![s.algs.first().map_or("RS256", String::as_str)]
            };
            if !self.cells.iter().any(|c| c.scenario == sc) {
                continue;
            }
            let _ = writeln!(o, "### {}\n", sc.title());
            let _ = writeln!(
                o,
                "| Key | c | System | req/s | p50 ms | p99 ms | CPU server/loadgen | µs CPU/req | errors | ratio |\n|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"
            );
            for alg in algs {
                // The closed-loop levels, then the open-loop cell at half load (`None`).
                for level in s.concurrency.iter().copied().map(Some).chain([None]) {
                    let pick = |sys: &str, st: &str| match level {
                        Some(c) => self.cell(sys, st, alg, sc, c),
                        None => self.half_load(sys, st, alg, sc),
                    };
                    let node = pick(NODE, "memory");
                    let mut rows: Vec<(String, &Cell)> = stores
                        .iter()
                        .filter_map(|st| pick(OURS, st).map(|x| (format!("{OURS} ({st})"), x)))
                        .collect();
                    if let Some(n) = node {
                        rows.push((format!("{NODE} (memory)"), n));
                    }
                    for (label, x) in rows {
                        // Open-loop cells are each offered half their own best: no ratio.
                        let ratio = match (x.system == OURS, node, x.rate) {
                            (true, Some(n), None) if n.summary.rps > 0.0 => {
                                format!("{:.2}×", x.summary.rps / n.summary.rps)
                            }
                            _ => String::new(),
                        };
                        let (c, served) = match x.rate {
                            Some(r) => (
                                format!("½ load: {} open", x.concurrency),
                                format!("{:.0} of {r:.0} offered", x.summary.rps),
                            ),
                            None => (
                                x.concurrency.to_string(),
                                format!(
                                    "{:.0} ({:.0}–{:.0})",
                                    x.summary.rps, x.summary.rps_min, x.summary.rps_max
                                ),
                            ),
                        };
                        let key = if sc.per_alg() { alg } else { "any" };
                        let _ = writeln!(
                            o,
                            "| {key} | {c} | {label} | {served} | {:.2} | {:.2} | {:.0}% / {:.0}% | {:.0} | {} | {ratio} |",
                            x.summary.p50_ms,
                            x.summary.p99_ms,
                            x.summary.server_cpu_pct,
                            x.summary.loadgen_cpu_pct,
                            x.summary.server_cpu_us_per_req,
                            x.summary.errors
                        );
                    }
                }
            }
            let _ = writeln!(o);
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(scenario: Scenario, concurrency: usize, rate: Option<f64>, rps: f64, p99: f64) -> Cell {
        Cell {
            system: OURS.into(),
            store: "SQLite".into(),
            alg: "RS256".into(),
            scenario,
            concurrency,
            rate,
            summary: Summary {
                rps,
                p99_ms: p99,
                ..Summary::default()
            },
            runs: Vec::new(),
        }
    }

    fn report(cells: Vec<Cell>) -> Report {
        Report {
            date: String::new(),
            commit: String::new(),
            machine: Machine::default(),
            settings: Settings {
                users: 0,
                groups: 0,
                clients: 0,
                concurrency: vec![1, 64],
                warmup_s: 0.0,
                duration_s: 0.0,
                runs: 1,
                algs: vec!["RS256".into()],
                smoke: false,
            },
            sign_speed: SignSpeed::default(),
            binary_bytes: 0,
            oidc_provider_version: String::new(),
            first_load: None,
            footprints: Vec::new(),
            cells,
            checks: Vec::new(),
        }
    }

    #[test]
    fn half_load_p99_is_the_worst_open_loop_cell_and_closed_loop_lookups_skip_them() {
        let mut r = report(vec![
            cell(Scenario::Userinfo, 1, None, 1_000.0, 2.0),
            cell(Scenario::Userinfo, 64, None, 4_000.0, 40.0),
            cell(Scenario::Userinfo, 64, Some(2_000.0), 1_990.0, 3.5),
            cell(Scenario::Jwks, 64, None, 9_000.0, 30.0),
            cell(Scenario::Jwks, 64, Some(4_500.0), 4_480.0, 12.5),
        ]);
        r.evaluate();
        let check = r
            .checks
            .iter()
            .find(|c| c.target.starts_with("p99 < 10 ms"))
            .expect("a half-load check");
        assert_eq!(check.met, Some(false), "{check:?}");
        assert!(check.value.starts_with("12.50 ms: jwks"), "{check:?}");
        // The closed-loop c=64 cell, not the open-loop one with the same worker count.
        let c64 = r
            .cell(OURS, "SQLite", "RS256", Scenario::Userinfo, 64)
            .unwrap();
        assert_eq!(c64.rate, None);
        let md = r.markdown();
        assert!(md.contains("| ½ load: 64 open |"), "{md}");
        assert!(md.contains("1990 of 2000 offered"), "{md}");
    }
}
