//! A small table-definition language rendered to SQLite or PostgreSQL DDL, so each table of the
//! Pocket ID data model is written once for both engines.

use sea_orm::{ConnectionTrait, DbBackend, DbErr};

/// Runs DDL statements in order.
pub async fn execute_all<S: AsRef<str>>(
    db: &impl ConnectionTrait,
    statements: impl IntoIterator<Item = S>,
) -> Result<(), DbErr> {
    for sql in statements {
        db.execute_unprepared(sql.as_ref()).await?;
    }
    Ok(())
}

/// Creates the tables in order, each with its indexes.
pub async fn create_tables(
    db: &impl ConnectionTrait,
    backend: DbBackend,
    tables: &[Table],
) -> Result<(), DbErr> {
    for table in tables {
        execute_all(db, table.ddl(backend)).await?;
    }
    Ok(())
}

/// Logical column types and their per-engine SQL (reference section 5 conventions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// UUID: `uuid` on PostgreSQL; TEXT affinity on SQLite.
    Uuid,
    Text,
    Varchar(u16),
    /// Instant: `timestamptz` / `DATETIME`.
    Timestamp,
    /// JSON document: `jsonb` / `BLOB`.
    Json,
    Bool,
    BigInt,
    /// Double precision float.
    Float,
    Bytes,
    /// Case-insensitive text: `citext COLLATE "C"` / `TEXT COLLATE NOCASE`.
    CiText,
}

impl Ty {
    fn sql(self, db: DbBackend) -> String {
        let pg = db == DbBackend::Postgres;
        match self {
            Ty::Uuid => if pg { "uuid" } else { "TEXT" }.into(),
            Ty::Text => if pg { "text" } else { "TEXT" }.into(),
            Ty::Varchar(n) => {
                if pg {
                    format!("varchar({n})")
                } else {
                    "TEXT".into()
                }
            }
            Ty::Timestamp => if pg { "timestamptz" } else { "DATETIME" }.into(),
            Ty::Json => if pg { "jsonb" } else { "BLOB" }.into(),
            Ty::Bool => if pg { "boolean" } else { "BOOLEAN" }.into(),
            Ty::BigInt => if pg { "bigint" } else { "INTEGER" }.into(),
            Ty::Float => if pg { "double precision" } else { "REAL" }.into(),
            Ty::Bytes => if pg { "bytea" } else { "BLOB" }.into(),
            Ty::CiText => if pg {
                "citext COLLATE \"C\""
            } else {
                "TEXT COLLATE NOCASE"
            }
            .into(),
        }
    }
}

/// One column: name, type, nullability and an optional SQL default (valid on both engines).
#[derive(Debug, Clone, Copy)]
pub struct Col {
    pub name: &'static str,
    pub ty: Ty,
    pub nullable: bool,
    pub default: Option<&'static str>,
}

/// A non-null column.
pub const fn req(name: &'static str, ty: Ty) -> Col {
    Col {
        name,
        ty,
        nullable: false,
        default: None,
    }
}
/// A nullable column.
pub const fn opt(name: &'static str, ty: Ty) -> Col {
    Col {
        name,
        ty,
        nullable: true,
        default: None,
    }
}
/// A non-null column with a default.
pub const fn def(name: &'static str, ty: Ty, default: &'static str) -> Col {
    Col {
        name,
        ty,
        nullable: false,
        default: Some(default),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDelete {
    Cascade,
    SetNull,
}

#[derive(Debug, Clone, Copy)]
pub struct Fk {
    pub column: &'static str,
    pub table: &'static str,
    pub target: &'static str,
    pub on_delete: OnDelete,
}

pub const fn fk(column: &'static str, table: &'static str, on_delete: OnDelete) -> Fk {
    Fk {
        column,
        table,
        target: "id",
        on_delete,
    }
}

/// An index over plain columns or engine-specific expressions.
#[derive(Debug, Clone, Copy)]
pub enum Index {
    Columns(&'static [&'static str]),
    /// (SQLite expression list, PostgreSQL expression list)
    Expr {
        name: &'static str,
        sqlite: &'static str,
        postgres: &'static str,
    },
}

/// A CHECK constraint, per engine when JSON access differs.
#[derive(Debug, Clone, Copy)]
pub struct Check {
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [Col],
    pub primary_key: &'static [&'static str],
    pub uniques: &'static [&'static [&'static str]],
    pub foreign_keys: &'static [Fk],
    pub indexes: &'static [Index],
    pub checks: &'static [Check],
}

fn quote(ident: &str) -> String {
    format!("\"{ident}\"")
}

fn list(cols: &[&str]) -> String {
    cols.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ")
}

/// `ALTER TABLE … ADD COLUMN` for `col` on `db`.
pub fn add_column(table: &str, col: &Col, db: DbBackend) -> String {
    let mut s = format!(
        "ALTER TABLE {} ADD COLUMN {} {}",
        quote(table),
        quote(col.name),
        col.ty.sql(db)
    );
    if !col.nullable {
        s.push_str(" NOT NULL");
    }
    if let Some(d) = col.default {
        s.push_str(" DEFAULT ");
        s.push_str(d);
    }
    s
}

impl Table {
    /// `CREATE TABLE` plus its `CREATE INDEX` statements for `db`.
    pub fn ddl(&self, db: DbBackend) -> Vec<String> {
        let pg = db == DbBackend::Postgres;
        let mut parts: Vec<String> = self
            .columns
            .iter()
            .map(|c| {
                let mut s = format!("{} {}", quote(c.name), c.ty.sql(db));
                if !c.nullable {
                    s.push_str(" NOT NULL");
                }
                if let Some(d) = c.default {
                    s.push_str(" DEFAULT ");
                    s.push_str(d);
                }
                s
            })
            .collect();
        parts.push(format!("PRIMARY KEY ({})", list(self.primary_key)));
        for u in self.uniques {
            parts.push(format!("UNIQUE ({})", list(u)));
        }
        for f in self.foreign_keys {
            let action = match f.on_delete {
                OnDelete::Cascade => "CASCADE",
                OnDelete::SetNull => "SET NULL",
            };
            parts.push(format!(
                "FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {action}",
                quote(f.column),
                quote(f.table),
                quote(f.target)
            ));
        }
        for c in self.checks {
            parts.push(format!(
                "CHECK ({})",
                if pg { c.postgres } else { c.sqlite }
            ));
        }
        let mut out = vec![format!(
            "CREATE TABLE {} (\n  {}\n)",
            quote(self.name),
            parts.join(",\n  ")
        )];
        for idx in self.indexes {
            let (name, body) = match idx {
                Index::Columns(cols) => {
                    (format!("idx_{}_{}", self.name, cols.join("_")), list(cols))
                }
                Index::Expr {
                    name,
                    sqlite,
                    postgres,
                } => (
                    format!("idx_{}_{name}", self.name),
                    (if pg { *postgres } else { *sqlite }).to_owned(),
                ),
            };
            out.push(format!(
                "CREATE INDEX {} ON {} ({body})",
                quote(&name),
                quote(self.name)
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Table = Table {
        name: "things",
        columns: &[
            req("id", Ty::Uuid),
            def("flag", Ty::Bool, "false"),
            opt("data", Ty::Json),
            req("name", Ty::CiText),
        ],
        primary_key: &["id"],
        uniques: &[&["name"]],
        foreign_keys: &[fk("owner_id", "users", OnDelete::SetNull)],
        indexes: &[Index::Columns(&["flag", "name"])],
        checks: &[],
    };

    #[test]
    fn renders_engine_specific_types() {
        let pg = T.ddl(DbBackend::Postgres).join(";\n");
        assert!(pg.contains("\"id\" uuid NOT NULL"), "{pg}");
        assert!(pg.contains("\"data\" jsonb,"), "{pg}");
        assert!(pg.contains("citext COLLATE \"C\" NOT NULL"), "{pg}");
        assert!(pg.contains("ON DELETE SET NULL"));
        let lite = T.ddl(DbBackend::Sqlite).join(";\n");
        assert!(
            lite.contains("\"name\" TEXT COLLATE NOCASE NOT NULL"),
            "{lite}"
        );
        assert!(
            lite.contains("\"flag\" BOOLEAN NOT NULL DEFAULT false"),
            "{lite}"
        );
        assert!(
            lite.contains(
                "CREATE INDEX \"idx_things_flag_name\" ON \"things\" (\"flag\", \"name\")"
            ),
            "{lite}"
        );
    }
}
