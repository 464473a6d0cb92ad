//! The scale run: a bulk seed of many users (default 1 000 000), then the admin users list
//! (`GET /api/users`) searched and paged through the REST API with the static API key, one
//! request at a time, on SQLite and PostgreSQL.

use crate::http::{Conn, Error, Req};
use crate::output;
use crate::proc::Running;
use crate::seed::{Engine, on_fresh_database};
use crate::targets::Ours;
use serde::Serialize;
use std::path::Path;
use std::time::Instant;

/// What a query is for: the search target, or an informational list view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    /// A selective search (the target).
    Search,
    /// A search matching most users: its exact count has to visit every match.
    BroadSearch,
    List,
}

/// One query and how many users it must find (searches: computed from the seed; the static
/// API user may add one).
struct Query {
    kind: Kind,
    label: String,
    query: String,
    expected: Option<u64>,
}

fn queries(users: u64) -> Vec<Query> {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let mut q = Vec::new();
    let mut search = |label: &str, term: &str| {
        q.push(Query {
            kind: Kind::Search,
            label: label.to_owned(),
            query: format!(
                "search={}&pagination[page]=1&pagination[limit]=20",
                enc(term)
            ),
            expected: Some(crate::seed::expected_matches(term, users)),
        });
    };
    for name in ["Grace", "Kowalski", "Lindqvist", "Priya", "Haddad"] {
        search("a first or last name", name);
    }
    for part in ["owal", "ndqv", "ruper", "ssen"] {
        search("part of a name", part);
    }
    let n = users.max(1);
    for k in [n / 3, n / 2, n - 1, 7] {
        search("a username", &format!("user{}", k.max(1)));
    }
    for k in [n / 5, n / 7] {
        search("an email address", &format!("user{}@example.com", k.max(1)));
    }
    search("no match", "zzqqxx");
    search("no match (4 characters)", "qxqz");
    q.push(Query {
        kind: Kind::BroadSearch,
        label: "a fragment of every email".to_owned(),
        query: "search=example.com&pagination[page]=1&pagination[limit]=20".to_owned(),
        expected: Some(crate::seed::expected_matches("example.com", users)),
    });
    let mut list = |label: &str, query: &str| {
        q.push(Query {
            kind: Kind::List,
            label: label.to_owned(),
            query: query.to_owned(),
            expected: None,
        });
    };
    list(
        "first page, default sort",
        "pagination[page]=1&pagination[limit]=20",
    );
    list(
        "page 50, default sort",
        "pagination[page]=50&pagination[limit]=20",
    );
    list(
        "first page, filtered (admins)",
        "filters[isAdmin]=false&pagination[page]=1&pagination[limit]=20",
    );
    q
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryResult {
    pub kind: Kind,
    pub label: String,
    pub query: String,
    pub total_items: u64,
    pub p50_ms: f64,
    pub max_ms: f64,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EngineResult {
    pub engine: Engine,
    pub users: u64,
    pub seed_seconds: f64,
    pub search_samples: usize,
    pub search_p50_ms: f64,
    pub search_p99_ms: f64,
    pub list_p99_ms: f64,
    pub queries: Vec<QueryResult>,
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let i = ((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1;
    v[i]
}

async fn measure(
    server: &Running,
    users: u64,
    rounds: usize,
) -> Result<(Vec<QueryResult>, Vec<f64>, Vec<f64>), Error> {
    let mut conn = Conn::open(server.addr, &server.host).await?;
    let qs = queries(users);
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); qs.len()];
    let mut totals = vec![0u64; qs.len()];
    // One untimed pass warms the page cache, as a running server's would be.
    for round in 0..=rounds {
        for (i, q) in qs.iter().enumerate() {
            let req = Req::get(format!("/api/users?{}", q.query))
                .header("x-api-key", crate::targets::STATIC_API_KEY);
            let t = Instant::now();
            let r = conn.send(&req).await?;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            if r.status != 200 {
                return Err(format!(
                    "{}: {} {}",
                    q.query,
                    r.status,
                    String::from_utf8_lossy(&r.body)
                )
                .into());
            }
            let total = r.json()?["pagination"]["totalItems"].as_u64().unwrap_or(0);
            if let Some(want) = q.expected
                && !(want..=want + 1).contains(&total)
            {
                return Err(format!("{}: {total} users found, {want} expected", q.query).into());
            }
            totals[i] = total;
            if round > 0 {
                samples[i].push(ms);
            }
        }
    }
    let mut search = Vec::new();
    let mut list = Vec::new();
    let mut out = Vec::new();
    for (i, q) in qs.iter().enumerate() {
        match q.kind {
            Kind::Search => search.extend_from_slice(&samples[i]),
            Kind::List | Kind::BroadSearch => list.extend_from_slice(&samples[i]),
        }
        let mut s = samples[i].clone();
        out.push(QueryResult {
            kind: q.kind,
            label: q.label.clone(),
            query: q.query.clone(),
            total_items: totals[i],
            p50_ms: pct(&mut s, 0.5),
            max_ms: pct(&mut s, 1.0),
        });
    }
    Ok((out, search, list))
}

/// Seeds `users` users on `engine` and measures the list; `db_url` is an empty database.
async fn run_engine(
    bin: &Path,
    (engine, db_url): (Engine, String),
    work: &Path,
    users: u64,
    rounds: usize,
) -> Result<EngineResult, Error> {
    let dir = work.join(format!("scale-{}", engine.name()));
    std::fs::create_dir_all(&dir)?;
    let ours = Ours::new(bin, engine, &dir, db_url)?;
    ours.start("scale-first").await?.stop()?;
    let t = Instant::now();
    ours.seed(users, 100).await?;
    let seed_seconds = t.elapsed().as_secs_f64();
    let server = ours.start("scale").await?;
    let r = measure(&server, users, rounds).await;
    server.stop()?;
    let (queries, mut search, mut list) = r?;
    Ok(EngineResult {
        engine,
        users,
        seed_seconds,
        search_samples: search.len(),
        search_p50_ms: pct(&mut search, 0.5),
        search_p99_ms: pct(&mut search, 0.99),
        list_p99_ms: pct(&mut list, 0.99),
        queries,
    })
}

/// `--scale`: seeds `users` users on each of `engines` and measures the admin users search;
/// writes `benchmarks-scale.json` and the scale block of `BENCHMARKS.md` in `out_dir`.
pub async fn run(
    bin: &Path,
    work: &Path,
    postgres_url: &str,
    engines: &[String],
    users: u64,
    rounds: usize,
    out_dir: &Path,
) -> Result<(), Error> {
    let mut results = Vec::new();
    for engine in engines {
        let run = async |db| run_engine(bin, db, work, users, rounds).await;
        let Some(r) = on_fresh_database(engine, work, "scale", postgres_url, run).await? else {
            continue;
        };
        eprintln!(
            "scale {} at {} users: seed {:.1} s, search p50 {:.2} ms, p99 {:.2} ms, list p99 {:.2} ms",
            r.engine.name(),
            r.users,
            r.seed_seconds,
            r.search_p50_ms,
            r.search_p99_ms,
            r.list_p99_ms
        );
        results.push(r);
    }
    std::fs::create_dir_all(out_dir)?;
    std::fs::write(
        out_dir.join("benchmarks-scale.json"),
        serde_json::to_string_pretty(&results)?,
    )?;
    output::write_block(
        &out_dir.join("BENCHMARKS.md"),
        output::SCALE_BEGIN,
        output::SCALE_END,
        &markdown(&results, &output::now_utc()),
    )?;
    Ok(())
}

fn markdown(results: &[EngineResult], date: &str) -> String {
    use std::fmt::Write as _;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "## Scale: the admin users list at {} users\n",
        results.first().map_or(0, |r| r.users)
    );
    let _ = writeln!(
        o,
        "Measured {date} by `make bench-scale`: the users seeded in bulk, then `GET /api/users` through the REST API \
         (static API key), one request at a time after one untimed pass. Target: search p99 < 50 ms.\n"
    );
    let _ = writeln!(
        o,
        "| Engine | Seed | Selective search p50 | Selective search p99 | List and broad search p99 | Met |\n|---|---:|---:|---:|---:|---|"
    );
    for r in results {
        let _ = writeln!(
            o,
            "| {} | {:.1} s | {:.2} ms | {:.2} ms | {:.2} ms | {} |",
            r.engine.name(),
            r.seed_seconds,
            r.search_p50_ms,
            r.search_p99_ms,
            r.list_p99_ms,
            if r.search_p99_ms < 50.0 {
                "yes"
            } else {
                "**no**"
            }
        );
    }
    let _ = writeln!(
        o,
        "\n| Engine | Query | Kind | Users found | p50 ms | max ms |\n|---|---|---|---:|---:|---:|"
    );
    for r in results {
        for q in &r.queries {
            let _ = writeln!(
                o,
                "| {} | {} (`{}`) | {:?} | {} | {:.2} | {:.2} |",
                r.engine.name(),
                q.label,
                q.query.split('&').next().unwrap_or(""),
                q.kind,
                q.total_items,
                q.p50_ms,
                q.max_ms
            );
        }
    }
    o
}
