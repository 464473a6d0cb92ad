//! Bulk data straight into the database in a handful of set-based statements (a 1 000 000-user
//! seed takes seconds): users with varied names, groups, and one membership per user.

use crate::http::Error;
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement, TransactionTrait};
use serde::Serialize;
use std::time::Instant;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Engine {
    #[serde(rename = "SQLite")]
    Sqlite,
    #[serde(rename = "PostgreSQL")]
    Postgres,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        }
    }
}

const FIRST: &[&str] = &[
    "Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory",
    "Niaj", "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Uma", "Victor", "Walter", "Xena",
    "Yusuf", "Zoe", "Amelie", "Bruno", "Chloe", "Dmitri", "Elif", "Fatima", "Goran", "Hana",
    "Ingrid", "Jonas", "Kenji", "Lena", "Mateo", "Nora", "Oskar", "Priya", "Quentin",
];
const LAST: &[&str] = &[
    "Smith",
    "Johnson",
    "Müller",
    "Garcia",
    "Rossi",
    "Nguyen",
    "Kowalski",
    "Dubois",
    "Silva",
    "Tanaka",
    "Okafor",
    "Jensen",
    "Novak",
    "Popescu",
    "Horvat",
    "Costa",
    "Larsen",
    "Schmidt",
    "Fischer",
    "Weber",
    "Moreau",
    "Romano",
    "Kim",
    "Chen",
    "Ivanova",
    "Haddad",
    "Cohen",
    "Singh",
    "Patel",
    "Murphy",
    "Kelly",
    "Walsh",
    "Byrne",
    "Lindqvist",
    "Berg",
    "Virtanen",
    "Nieminen",
    "Santos",
    "Oliveira",
    "Pereira",
    "Alves",
    "Lopez",
    "Martin",
    "Bernard",
    "Petit",
    "Durand",
    "Leroy",
    "Fontaine",
    "Chevalier",
    "Meyer",
];

/// How many seeded users (of `users`) a case-insensitive substring search for `term` finds in
/// username, email, first or last name: the same names the SQL below generates.
pub fn expected_matches(term: &str, users: u64) -> u64 {
    let t = term.to_lowercase();
    let (nf, nl) = (FIRST.len() as u64, LAST.len() as u64);
    (1..=users)
        .filter(|&i| {
            let first = FIRST[(i % nf) as usize].to_lowercase();
            let last = LAST[((i / nf) % nl) as usize].to_lowercase();
            format!("user{i}").contains(&t)
                || format!("user{i}@example.com").contains(&t)
                || first.contains(&t)
                || last.contains(&t)
        })
        .count() as u64
}

fn values(names: &[&str]) -> String {
    names
        .iter()
        .enumerate()
        .map(|(i, n)| format!("({i}, '{n}')"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The statements that add `users` users and `groups` groups.
fn statements(engine: Engine, users: u64, groups: u64) -> Vec<String> {
    let (series, uuid, now) = match engine {
        // As sqlx writes them to SQLite: UUIDs as 16-byte blobs, timestamps as RFC 3339 text.
        Engine::Sqlite => (
            format!("n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {users})"),
            "randomblob(16)",
            "strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')",
        ),
        Engine::Postgres => (
            format!("n(i) AS (SELECT generate_series(1, {users}))"),
            "gen_random_uuid()",
            "now()",
        ),
    };
    let nf = FIRST.len();
    let nl = LAST.len();
    let int = match engine {
        Engine::Sqlite => "CAST(substr(u.username, 5) AS INTEGER)",
        Engine::Postgres => "CAST(substr(u.username, 5) AS bigint)",
    };
    let recursive = if engine == Engine::Sqlite {
        "RECURSIVE "
    } else {
        ""
    };
    vec![
        format!(
            "WITH {recursive}{series}, f(k, name) AS (VALUES {}), l(k, name) AS (VALUES {}) \
             INSERT INTO users (id, created_at, username, email, first_name, last_name, \
             display_name, is_admin, disabled, email_verified) \
             SELECT {uuid}, {now}, 'user' || n.i, 'user' || n.i || '@example.com', f.name, \
             l.name, f.name || ' ' || l.name, false, false, true \
             FROM n JOIN f ON f.k = n.i % {nf} JOIN l ON l.k = (n.i / {nf}) % {nl}",
            values(FIRST),
            values(LAST),
        ),
        format!(
            "WITH {recursive}{} INSERT INTO user_groups (id, created_at, friendly_name, name) \
             SELECT {uuid}, {now}, 'Group ' || n.i, 'group' || n.i FROM n",
            match engine {
                Engine::Sqlite => format!(
                    "n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {groups} - 1)"
                ),
                Engine::Postgres => format!("n(i) AS (SELECT generate_series(0, {groups} - 1))"),
            }
        ),
        format!(
            "INSERT INTO user_groups_users (user_id, user_group_id) \
             SELECT u.id, g.id FROM users u JOIN user_groups g \
             ON g.name = 'group' || ({int} % {groups}) \
             WHERE u.username LIKE 'user%' AND u.username <> 'user'"
        ),
    ]
}

/// Adds `users` users and `groups` groups to the (migrated) database at `url`.
pub async fn bulk(engine: Engine, url: &str, users: u64, groups: u64) -> Result<(), Error> {
    let url = match engine {
        Engine::Sqlite if !url.starts_with("sqlite:") => format!("sqlite://{url}?mode=rwc"),
        _ => url.to_owned(),
    };
    let db = Database::connect(url).await?;
    let t = Instant::now();
    let groups = groups.max(1);
    let txn = db.begin().await?;
    // PostgreSQL builds a GIN index far faster in one go than row by row (and leaves no
    // pending list for the first searches to scan): drop the trigram indexes, load, recreate,
    // as a restore would.
    let mut gin = Vec::new();
    if engine == Engine::Postgres {
        for row in txn
            .query_all_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT indexname, indexdef FROM pg_indexes \
                 WHERE tablename = 'users' AND indexdef LIKE '%USING gin%'",
            ))
            .await?
        {
            let name: String = row.try_get("", "indexname")?;
            gin.push(row.try_get::<String>("", "indexdef")?);
            txn.execute_unprepared(&format!("DROP INDEX \"{name}\""))
                .await?;
        }
    }
    for sql in statements(engine, users, groups) {
        txn.execute_unprepared(&sql).await?;
    }
    for def in gin {
        txn.execute_unprepared(&def).await?;
    }
    txn.commit().await?;
    // Fresh statistics, as a long-running database would have.
    db.execute_unprepared("ANALYZE").await?;
    eprintln!(
        "seeded {users} users and {groups} groups on {} in {:.1} s",
        engine.name(),
        t.elapsed().as_secs_f64()
    );
    db.close().await?;
    Ok(())
}

/// Runs `f` on a fresh database of the engine named `engine`: for "sqlite" a file under
/// `work/<prefix>-SQLite/`, for "postgres" a scratch database made through `admin_url` and
/// dropped afterwards. `Ok(None)` (and a loud line) when PostgreSQL is not reachable.
pub async fn on_fresh_database<T>(
    engine: &str,
    work: &std::path::Path,
    prefix: &str,
    admin_url: &str,
    f: impl AsyncFnOnce((Engine, String)) -> Result<T, Error>,
) -> Result<Option<T>, Error> {
    match engine {
        "sqlite" => {
            let db = work.join(format!("{prefix}-{}/pocket-id.db", Engine::Sqlite.name()));
            f((Engine::Sqlite, db.display().to_string()))
                .await
                .map(Some)
        }
        "postgres" => {
            let Some((name, url)) = postgres_database(admin_url).await else {
                eprintln!("!!! PostgreSQL at {admin_url} is not reachable: its cells are SKIPPED");
                return Ok(None);
            };
            let r = f((Engine::Postgres, url)).await;
            drop_postgres_database(admin_url, &name).await;
            r.map(Some)
        }
        other => Err(format!("unknown engine {other}").into()),
    }
}

/// A scratch database on the PostgreSQL server at `admin_url`: its name and URL.
async fn postgres_database(admin_url: &str) -> Option<(String, String)> {
    let db = Database::connect(admin_url).await.ok()?;
    let name = format!("pocket_bench_{}", std::process::id());
    db.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
        .await
        .ok()?;
    db.execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .ok()?;
    let mut url = url::Url::parse(admin_url).ok()?;
    url.set_path(&format!("/{name}"));
    Some((name, url.to_string()))
}

async fn drop_postgres_database(admin_url: &str, name: &str) {
    if let Ok(db) = Database::connect(admin_url).await {
        let _ = db
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await;
    }
}
