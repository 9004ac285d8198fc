//! `src/db/schema.rs` is written by hand, once for both engines: it must
//! name exactly the columns (and their nullability) that each migration
//! set creates, or a query compiles against a column that is not there.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};

/// table → column → nullable, as `schema.rs` declares them.
fn declared() -> BTreeMap<String, BTreeMap<String, bool>> {
    let source = include_str!("../../src/db/schema.rs");
    let mut tables = BTreeMap::new();
    let mut current: Option<(String, BTreeMap<String, bool>)> = None;
    for line in source.lines().map(str::trim) {
        if let Some((table, _)) = line.strip_suffix('{').and_then(|l| l.split_once(" (")) {
            current = Some((table.trim().to_string(), BTreeMap::new()));
        } else if let (Some((_, columns)), Some((column, ty))) = (current.as_mut(), line.split_once(" -> ")) {
            columns.insert(column.trim().to_string(), ty.trim().starts_with("Nullable<"));
        } else if line == "}" {
            if let Some((table, columns)) = current.take() {
                tables.insert(table, columns);
            }
        }
    }
    tables
}

#[derive(QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Integer)]
    notnull: i32,
    #[diesel(sql_type = Integer)]
    pk: i32,
}

#[derive(QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
}

fn created(conn: &mut bantin::db::Conn, table: &str) -> BTreeMap<String, bool> {
    match conn {
        bantin::db::AnyConnection::Sqlite(c) => diesel::sql_query(format!("PRAGMA table_info({table})"))
            .load::<SqliteColumn>(c)
            .unwrap()
            .into_iter()
            // SQLite lets an INTEGER PRIMARY KEY be declared without NOT NULL.
            .map(|c| (c.name, c.notnull == 0 && c.pk == 0))
            .collect(),
        bantin::db::AnyConnection::Postgres(c) => diesel::sql_query(
            "SELECT column_name::text AS column_name, is_nullable::text AS is_nullable
             FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1",
        )
        .bind::<Text, _>(table)
        .load::<PgColumn>(c)
        .unwrap()
        .into_iter()
        .map(|c| (c.column_name, c.is_nullable == "YES"))
        .collect(),
    }
}

on_both_engines! {
    async fn schema_rs_matches_what_the_migrations_create() {
        let dir = tempfile::tempdir().unwrap();
        let (url, _schema) = crate::helpers::fresh_database(dir.path());
        let pool = bantin::db::connect(&url, 1, std::time::Duration::from_secs(5)).unwrap();
        let mut conn = pool.get().unwrap();
        let declared = declared();
        assert!(declared.len() >= 15, "schema.rs was read: {:?}", declared.keys());
        for (table, columns) in declared {
            assert_eq!(created(&mut conn, &table), columns, "table {table}");
        }
    }
}
