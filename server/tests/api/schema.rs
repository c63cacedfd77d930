//! One schema on both backends: the SQLite and PostgreSQL migrations are
//! written per dialect, so this migrates a fresh database of each (through
//! `Storage::connect`, as the server does) and compares what they hold —
//! tables, columns with their types and nullability, primary keys, foreign
//! keys with their delete rules, indexes (columns, unique, partial), checks
//! and triggers per table. Types are compared up to the named dialect
//! differences in [`portable_type`]. Runs in the PostgreSQL pass.

use crate::helpers::{test_database, test_postgres};
use renkei_server::db::Storage;
use sqlx::{Connection, PgConnection, SqliteConnection};
use std::collections::BTreeSet;

/// What one schema holds, each item a line a difference can be shown as.
#[derive(Debug, Default)]
struct Schema {
    items: BTreeSet<String>,
}

impl Schema {
    fn add(&mut self, item: String) {
        self.items.insert(item);
    }
}

/// The dialect differences the two schemas may have, by name: SQLite's
/// INTEGER is 64-bit (PostgreSQL's BIGINT), its BLOB is BYTEA, and it has no
/// boolean type — a yes/no column is INTEGER with `CHECK (x IN (0, 1))`
/// (compared as PostgreSQL's `boolean`, that CHECK not counted). Anything
/// else (PostgreSQL's 32-bit `integer`, say) stays as it is and differs.
fn portable_type(ty: &str, sqlite: bool) -> String {
    match (ty.to_lowercase().as_str(), sqlite) {
        ("integer", true) | ("bigint", false) => "int64",
        ("text", _) => "text",
        ("blob", true) | ("bytea", false) => "bytes",
        ("real", true) | ("double precision", false) => "float64",
        ("boolean", false) => "bool",
        (other, _) => return format!("other:{other}"),
    }
    .to_owned()
}

/// `CHECK` clauses in a `CREATE TABLE` statement, comments left out.
fn checks_in(sql: &str) -> usize {
    sql.lines()
        .map(|l| l.split("--").next().unwrap_or(""))
        .flat_map(|l| {
            l.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .filter(|w| w.eq_ignore_ascii_case("check"))
                .collect::<Vec<_>>()
        })
        .count()
}

async fn sqlite_schema(url: &str) -> Schema {
    let mut db = SqliteConnection::connect(url).await.unwrap();
    let mut s = Schema::default();
    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master
         WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut db)
    .await
    .unwrap();
    for (table, sql) in &tables {
        s.add(format!("table {table}"));
        let is_flag = |column: &str| {
            let spaced: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
            spaced.contains(&format!("CHECK ({column} IN (0, 1))"))
        };
        let columns: Vec<(String, String, bool, i64)> = sqlx::query_as(
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info($1) ORDER BY cid",
        )
        .bind(table)
        .fetch_all(&mut db)
        .await
        .unwrap();
        let mut pk: Vec<(i64, &str)> = Vec::new();
        let mut flags = 0;
        for (name, ty, not_null, in_pk) in &columns {
            // A primary key's columns are NOT NULL (PostgreSQL says so).
            let null = if *not_null || *in_pk > 0 {
                "not null"
            } else {
                "null"
            };
            let ty = if is_flag(name) {
                flags += 1;
                "bool".to_owned()
            } else {
                portable_type(ty, true)
            };
            s.add(format!("{table}.{name}: {ty} {null}"));
            if *in_pk > 0 {
                pk.push((*in_pk, name));
            }
        }
        s.add(format!("{table}: {} checks", checks_in(sql) - flags));
        pk.sort();
        let pk: Vec<&str> = pk.into_iter().map(|(_, n)| n).collect();
        s.add(format!("{table}: primary key ({})", pk.join(", ")));
        let indexes: Vec<(String, bool, String, bool)> =
            sqlx::query_as("SELECT name, \"unique\", origin, partial FROM pragma_index_list($1)")
                .bind(table)
                .fetch_all(&mut db)
                .await
                .unwrap();
        // The primary key's own index is compared as the key.
        for (index, unique, _, partial) in indexes.iter().filter(|i| i.2 != "pk") {
            let cols: Vec<Option<String>> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                    .bind(index)
                    .fetch_all(&mut db)
                    .await
                    .unwrap();
            let cols: Vec<String> = cols
                .into_iter()
                .map(|c| c.unwrap_or_else(|| "<expr>".into()))
                .collect();
            s.add(index_line(table, &cols, *unique, *partial));
        }
        let fks: Vec<(i64, String, String, Option<String>, String)> = sqlx::query_as(
            "SELECT id, \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list($1)
             ORDER BY id, seq",
        )
        .bind(table)
        .fetch_all(&mut db)
        .await
        .unwrap();
        let ids: BTreeSet<i64> = fks.iter().map(|f| f.0).collect();
        for id in ids {
            let parts: Vec<_> = fks.iter().filter(|f| f.0 == id).collect();
            let target = &parts[0].1;
            let from: Vec<&str> = parts.iter().map(|f| f.2.as_str()).collect();
            let to: Vec<&str> = parts
                .iter()
                .map(|f| f.3.as_deref().unwrap_or("<its primary key>"))
                .collect();
            s.add(fk_line(table, &from, target, &to, &parts[0].4));
        }
    }
    let triggers: Vec<(String, i64)> = sqlx::query_as(
        "SELECT tbl_name, COUNT(*) FROM sqlite_master WHERE type = 'trigger' GROUP BY tbl_name",
    )
    .fetch_all(&mut db)
    .await
    .unwrap();
    for (table, n) in triggers {
        s.add(format!("{table}: {n} triggers"));
    }
    s
}

fn index_line(table: &str, cols: &[String], unique: bool, partial: bool) -> String {
    format!(
        "{table}: {}index ({}){}",
        if unique { "unique " } else { "" },
        cols.join(", "),
        if partial { " where …" } else { "" }
    )
}

fn fk_line(table: &str, from: &[&str], target: &str, to: &[&str], on_delete: &str) -> String {
    format!(
        "{table}: ({}) references {target} ({}) on delete {}",
        from.join(", "),
        to.join(", "),
        on_delete.to_lowercase()
    )
}

async fn postgres_schema(url: &str) -> Schema {
    let mut db = PgConnection::connect(url).await.unwrap();
    let mut s = Schema::default();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
           AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut db)
    .await
    .unwrap();
    for table in &tables {
        s.add(format!("table {table}"));
        let checks: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_constraint WHERE contype = 'c' AND conrelid = $1::regclass",
        )
        .bind(table)
        .fetch_one(&mut db)
        .await
        .unwrap();
        s.add(format!("{table}: {checks} checks"));
    }
    let columns: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text
         FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut db)
    .await
    .unwrap();
    for (table, name, ty, nullable) in columns {
        let null = if nullable == "NO" { "not null" } else { "null" };
        s.add(format!(
            "{table}.{name}: {} {null}",
            portable_type(&ty, false)
        ));
    }
    // Indexes and the primary key, each with its columns in order.
    let indexes: Vec<(String, bool, bool, bool, String)> = sqlx::query_as(
        "SELECT t.relname::text, ix.indisunique, ix.indisprimary, ix.indpred IS NOT NULL,
                array_to_string(ARRAY(
                    SELECT COALESCE(a.attname::text, '<expr>')
                    FROM unnest(ix.indkey) WITH ORDINALITY AS k(num, ord)
                    LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.num
                    ORDER BY k.ord), ', ')
         FROM pg_index ix
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = 'public' AND t.relname <> '_sqlx_migrations'",
    )
    .fetch_all(&mut db)
    .await
    .unwrap();
    for (table, unique, primary, partial, cols) in indexes {
        if primary {
            s.add(format!("{table}: primary key ({cols})"));
        } else {
            let cols: Vec<String> = cols.split(", ").map(str::to_owned).collect();
            s.add(index_line(&table, &cols, unique, partial));
        }
    }
    // A table without one says so, as SQLite's listing does.
    for table in &tables {
        let key = format!("{table}: primary key (");
        if !s.items.iter().any(|i| i.starts_with(&key)) {
            s.add(format!("{table}: primary key ()"));
        }
    }
    let fks: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text,
                array_to_string(ARRAY(
                    SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(num, ord)
                    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num
                    ORDER BY k.ord), ', '),
                array_to_string(ARRAY(
                    SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(num, ord)
                    JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.num
                    ORDER BY k.ord), ', '),
                CASE c.confdeltype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict'
                     WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null' ELSE 'set default' END
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
         WHERE n.nspname = 'public' AND c.contype = 'f'",
    )
    .fetch_all(&mut db)
    .await
    .unwrap();
    for (table, target, from, to, on_delete) in fks {
        let from: Vec<&str> = from.split(", ").collect();
        let to: Vec<&str> = to.split(", ").collect();
        s.add(fk_line(&table, &from, &target, &to, &on_delete));
    }
    let triggers: Vec<(String, i64)> = sqlx::query_as(
        "SELECT event_object_table::text, COUNT(DISTINCT trigger_name)
         FROM information_schema.triggers WHERE trigger_schema = 'public' GROUP BY 1",
    )
    .fetch_all(&mut db)
    .await
    .unwrap();
    for (table, n) in triggers {
        s.add(format!("{table}: {n} triggers"));
    }
    s
}

#[tokio::test]
async fn both_backends_migrate_to_the_same_schema() {
    if test_postgres().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sqlite_url = format!("sqlite://{}", dir.path().join("schema.db").display());
    let pg_url = test_database(dir.path()).await;
    drop(Storage::connect(&sqlite_url).await.unwrap());
    drop(Storage::connect(&pg_url).await.unwrap());
    let sqlite = sqlite_schema(&sqlite_url).await;
    let postgres = postgres_schema(&pg_url).await;
    assert!(
        sqlite
            .items
            .iter()
            .filter(|i| i.starts_with("table "))
            .count()
            > 10,
        "{:?}",
        sqlite.items
    );
    let only_sqlite: Vec<_> = sqlite.items.difference(&postgres.items).collect();
    let only_postgres: Vec<_> = postgres.items.difference(&sqlite.items).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "the schemas differ:\n  only on SQLite:\n    {}\n  only on PostgreSQL:\n    {}",
        only_sqlite
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n    "),
        only_postgres
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n    "),
    );
    // The comparison can fail: a 32-bit column and an index added on
    // PostgreSQL alone are both seen.
    let mut db = PgConnection::connect(&pg_url).await.unwrap();
    sqlx::raw_sql(
        "ALTER TABLE flows ADD COLUMN extra INTEGER;
         CREATE INDEX flows_extra ON flows (extra)",
    )
    .execute(&mut db)
    .await
    .unwrap();
    let changed = postgres_schema(&pg_url).await;
    let extra: Vec<_> = changed.items.difference(&sqlite.items).cloned().collect();
    assert_eq!(
        extra,
        ["flows.extra: other:integer null", "flows: index (extra)"],
        "{} items compared",
        sqlite.items.len()
    );
}
