//! `bantin export` and `bantin import`: a whole site as one file, to move it
//! between engines (SQLite ⇄ PostgreSQL) or to keep it as a backup.
//!
//! # The file: `bantin-export`, version 4
//!
//! UTF-8 text, one JSON object per line (NDJSON), each line ending in `\n`.
//! Blank lines are ignored. There are three kinds of line, in this order:
//!
//! 1. **The header**, the first line:
//!
//!    ```json
//!    {"format":"bantin-export","version":4,"exported_at":"2026-11-27T05:07:28","source_engine":"sqlite",
//!     "personal_data":["users.username","users.display_name","users.password_hash","comments.author_name",
//!     "comments.author_email","comments.client_hash","ratings.visitor_id"]}
//!    ```
//!
//!    `format` is always `bantin-export`; `version` is the version of this
//!    description (an importer refuses a version it does not know);
//!    `exported_at` is the UTC time of the export; `source_engine` (`sqlite`
//!    or `postgres`) is informative only; `personal_data` (since version 2;
//!    version 1 files, without it, are read too) names the columns that hold
//!    personal data, so whoever keeps the file knows what it must protect.
//!    Version 3 added the change log, slug history, API keys and webhooks
//!    (the last five tables below); files of versions 1 and 2 are read, and
//!    the change log then starts with one entry per item imported.
//!    Version 4 added the media library, documents, pages, link groups,
//!    playlists, which items use which media (`media_uses`), and the
//!    `organizations.logo` and `officials.photo` columns; the files
//!    themselves are not in the export (keep the media directory or
//!    bucket with it).
//!
//! 2. **One line per row**, the row's columns by name:
//!
//!    ```json
//!    {"table":"categories","row":{"id":1,"slug":"tin-hoat-dong","name":"Tin hoạt động","description":null,"created_at":"2022-07-19T08:00:00","updated_at":"2022-07-19T08:00:00"}}
//!    ```
//!
//!    The tables come in this order, each table's rows together, so that
//!    every reference points at a row of an earlier table (foreign-key
//!    order). Within a table the rows are in primary-key order (text keys
//!    by Unicode code point):
//!
//!    | table | key | columns |
//!    |---|---|---|
//!    | `users` | `id` | `id`, `username`, `display_name`, `password_hash`, `role`, `created_at`, `updated_at` |
//!    | `media` | `id` | `id`, `kind`, `mime_type`, `extension`, `sha256`, `size`, `original_name`, `width`, `height`, `duration_ms`, `placeholder`, `color`, `variants`, `alt`, `caption`, `credit`, `uploaded_by`, `created_at`, `updated_at` |
//!    | `categories` | `id` | `id`, `slug`, `name`, `description`, `created_at`, `updated_at` |
//!    | `tags` | `id` | `id`, `slug`, `name`, `description`, `created_at`, `updated_at` |
//!    | `organizations` | `id` | `id`, `slug`, `name`, `name_en`, `kind`, `parent_id`, `address`, `phone`, `email`, `description`, `description_en`, `position`, `created_at`, `updated_at`, `logo` |
//!    | `officials` | `id` | `id`, `slug`, `full_name`, `name_folded`, `photo_url`, `bio`, `bio_en`, `office_phone`, `email`, `created_at`, `updated_at`, `photo` |
//!    | `positions` | `id` | `id`, `official_id`, `organization_id`, `title`, `title_en`, `started_on`, `ended_on`, `rank` |
//!    | `articles` | `id` | `id`, `slug`, `title`, `summary`, `cover_image`, `images`, `byline`, `category_id`, `author_id`, `status`, `published_at`, `comments_enabled`, `view_count`, `created_at`, `updated_at`, `body` |
//!    | `article_tags` | `article_id`, `tag_id` | `article_id`, `tag_id`, `position` |
//!    | `events` | `id` | `id`, `slug`, `title`, `title_en`, `description`, `starts_at`, `ends_at`, `occupies_until`, `all_day`, `location`, `organization_id`, `status`, `category`, `created_at`, `updated_at` |
//!    | `event_officials` | `event_id`, `official_id` | `event_id`, `official_id`, `role` |
//!    | `article_officials` | `article_id`, `official_id` | `article_id`, `official_id` |
//!    | `article_events` | `article_id`, `event_id` | `article_id`, `event_id` |
//!    | `comments` | `id` | `id`, `article_id`, `parent_id`, `author_name`, `author_email`, `body`, `body_hash`, `status`, `client_hash`, `created_at`, `updated_at` |
//!    | `ratings` | `article_id`, `visitor_id` | `article_id`, `visitor_id`, `score`, `created_at`, `updated_at` |
//!    | `article_stats` | `article_id` | `article_id`, `comment_count`, `rating_count`, `rating_sum`, `rating_1`, `rating_2`, `rating_3`, `rating_4`, `rating_5` |
//!    | `documents` | `id` | `id`, `slug`, `number`, `number_key`, `doc_type`, `issuer_id`, `issuer_name`, `signer_id`, `signer_name`, `issued_on`, `effective_from`, `expires_on`, `summary`, `field`, `status`, `replaced_by`, `attachments`, `created_at`, `updated_at` |
//!    | `pages` | `id` | `id`, `slug`, `title`, `title_en`, `body`, `body_en`, `parent_id`, `position`, `map`, `created_at`, `updated_at` |
//!    | `link_groups` | `id` | `id`, `slug`, `name`, `name_en`, `position`, `links`, `created_at`, `updated_at` |
//!    | `playlists` | `id` | `id`, `slug`, `title`, `description`, `position`, `tracks`, `created_at`, `updated_at` |
//!    | `media_uses` | `media_id`, `owner_id` | `media_id`, `owner_kind`, `owner_id` |
//!    | `site_counters` | `name` | `name`, `value` |
//!    | `changes` | `seq` | `seq`, `kind`, `resource_id`, `slug`, `op`, `event`, `at`, `actor_kind`, `actor_id` |
//!    | `slug_history` | `kind`, `slug` | `kind`, `slug`, `resource_id`, `created_at` |
//!    | `api_keys` | `id` | `id`, `name`, `kind`, `prefix`, `secret_hash`, `scopes`, `allowed_origins`, `requests_per_minute`, `expires_at`, `revoked_at`, `created_by`, `created_at`, `last_used_at` |
//!    | `api_key_usage` | `key_id`, `day` | `key_id`, `day`, `requests` |
//!    | `webhooks` | `id` | `id`, `name`, `url`, `events`, `secret`, `active`, `disabled_reason`, `failures`, `cursor`, `created_by`, `created_at`, `updated_at` |
//!
//!    A table with no rows has no lines. Four tables refer to themselves
//!    (`organizations.parent_id`, `comments.parent_id`, `documents.replaced_by`,
//!    `pages.parent_id`); there a row may come
//!    before the row it refers to, and an importer must allow for that.
//!    Every column is present; a column unknown to this version is an error
//!    (a missing nullable column reads as `null`).
//!
//! 3. **The end line**, last, with the number of rows of every table (zero
//!    included), so that a file cut short is never taken for a whole site:
//!
//!    ```json
//!    {"end":true,"rows":{"users":3,"categories":4,"tags":9,"organizations":5,"officials":3,"positions":5,"articles":5,"article_tags":9,"events":1,"event_officials":3,"article_officials":2,"article_events":1,"comments":4,"ratings":7,"article_stats":1,"site_counters":1}}
//!    ```
//!
//! Values: text as JSON strings (Unicode NFC, as stored); integers as JSON
//! numbers; `true`/`false`; `null` for NULL; timestamps as
//! `"YYYY-MM-DDTHH:MM:SS"` in UTC without a zone (whole seconds, as stored);
//! dates as `"YYYY-MM-DD"`. `articles.images` and `articles.cover_image` are
//! JSON documents stored as text, so they appear as strings.
//!
//! # What is not in the file
//!
//! Only the site's content moves. Left out, and recreated or forgotten:
//!
//! - the search index (files in each instance's data directory) and the
//!   `site_counters` row `search_index` naming its generation: the import
//!   starts a new generation, and every instance rebuilds its index;
//! - `refresh_tokens` (sessions) and `challenges` (one-time verification
//!   codes): users sign in again, visitors ask for a new code;
//! - the PostgreSQL-only `rate_limits`, `online_visitors` and `secrets`
//!   (per-process state and the token-signing secret, which on SQLite lives
//!   in a file): tokens issued by the old site are not valid on the new one;
//! - view and visit counts a running server holds in memory and has not
//!   written yet (export from a stopped server to have every one of them);
//! - webhook deliveries (the log of what was sent, and what was still to be
//!   sent: each hook resumes from its cursor, after the changes already
//!   turned into deliveries).
//!
//! The file holds users' password hashes, commenters' e-mail addresses,
//! the hashes of API keys and webhooks' signing secrets: keep it as private
//! as the database.
//!
//! # Export and import
//!
//! [`export`] reads one consistent snapshot (a read transaction; repeatable
//! read on PostgreSQL), table by table in batches (1000 rows; for the link
//! tables and ratings, the rows of 1000 articles or events), so a site of
//! 100 000 articles is never held in memory at once.
//!
//! [`import`] needs a migrated database in which every exported table is
//! empty. It writes everything in one transaction, 500 rows a statement, and
//! checks the end line before committing: any error (a bad line, a broken
//! reference, a missing end line, counts that differ) leaves the database as
//! it was. On PostgreSQL it then moves each identity sequence past the
//! largest id imported (SQLite's AUTOINCREMENT follows explicit ids by
//! itself). Last, after the commit, it rebuilds the search index.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::io::{BufRead, Write};

use anyhow::{anyhow, bail, Context};
use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::db::{AnyConnection, Conn};
use crate::progress::Progress;

mod tables;

use tables::{existing_rows, export_tables, Pending, TABLES};

/// The `format` of the header line.
pub const FORMAT: &str = "bantin-export";
/// The version of the format this module writes and reads.
pub const VERSION: u32 = 4;

/// The personal data an export holds, named in its header (version 2), so
/// that whoever keeps the file knows what it must protect (Decree
/// 13/2023/NĐ-CP on personal data protection).
pub const PERSONAL_DATA: &[&str] = &[
    "users.username",
    "users.display_name",
    "users.password_hash",
    "comments.author_name",
    "comments.author_email",
    "comments.client_hash",
    "ratings.visitor_id",
];

/// The tables whose `id` is an identity column on PostgreSQL.
const IDENTITY_TABLES: &[&str] = &[
    "users",
    "categories",
    "tags",
    "organizations",
    "officials",
    "positions",
    "articles",
    "events",
    "comments",
    "api_keys",
    "webhooks",
];

/// Rows written per INSERT when importing (16 columns at most: 8000 binds,
/// well under SQLite's and PostgreSQL's limits).
const INSERT_BATCH: usize = 500;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    format: String,
    version: u32,
    exported_at: NaiveDateTime,
    source_engine: String,
    /// Since version 2: the columns that hold personal data.
    #[serde(default)]
    personal_data: Vec<String>,
}

#[derive(Serialize)]
struct RowOut<'a, R> {
    table: &'a str,
    row: &'a R,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RowIn {
    table: String,
    row: Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EndLine {
    end: bool,
    rows: BTreeMap<String, u64>,
}

pub(crate) fn write_row<R: Serialize>(out: &mut dyn Write, table: &str, row: &R) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, &RowOut { table, row })?;
    out.write_all(b"\n")?;
    Ok(())
}

/// "12 rows (3 users, 4 categories, …)": the tables that have rows.
fn describe(f: &mut fmt::Formatter<'_>, rows: &[(&'static str, u64)]) -> fmt::Result {
    let total: u64 = rows.iter().map(|(_, n)| n).sum();
    write!(f, "{total} rows")?;
    let listed: Vec<String> = rows
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(table, n)| format!("{n} {table}"))
        .collect();
    if !listed.is_empty() {
        write!(f, " ({})", listed.join(", "))?;
    }
    Ok(())
}

/// What [`export`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportSummary {
    /// Rows written per table, in file order (every table, zeros included).
    pub rows: Vec<(&'static str, u64)>,
}

impl ExportSummary {
    /// Rows written of one table.
    pub fn count(&self, table: &str) -> u64 {
        self.rows.iter().find(|(t, _)| *t == table).map_or(0, |(_, n)| *n)
    }

    /// Rows written in all.
    pub fn total(&self) -> u64 {
        self.rows.iter().map(|(_, n)| n).sum()
    }
}

impl fmt::Display for ExportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("exported ")?;
        describe(f, &self.rows)
    }
}

/// What [`import`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    /// Rows imported per table, in file order (every table, zeros included).
    pub rows: Vec<(&'static str, u64)>,
    /// The header's `source_engine`.
    pub source_engine: String,
    /// The header's `exported_at`.
    pub exported_at: NaiveDateTime,
    /// Articles, events and officials for the search index, which every
    /// instance rebuilds when it starts or next follows the change log.
    pub indexed: usize,
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("imported ")?;
        describe(f, &self.rows)?;
        write!(
            f,
            " exported from {} at {}Z; search index: {} entries, rebuilt by each instance",
            self.source_engine,
            self.exported_at.format("%Y-%m-%dT%H:%M:%S"),
            self.indexed
        )
    }
}

/// Writes the whole site to `out` (see the [module documentation](self)),
/// stamped `now`, counting the rows written in `progress`. Reads one
/// snapshot; call it outside any transaction.
pub fn export(
    conn: &mut Conn,
    out: &mut impl Write,
    now: NaiveDateTime,
    progress: &Progress,
) -> anyhow::Result<ExportSummary> {
    let mut out = std::io::BufWriter::new(out);
    let header = Header {
        format: FORMAT.into(),
        version: VERSION,
        exported_at: now,
        personal_data: PERSONAL_DATA.iter().map(|c| c.to_string()).collect(),
        source_engine: crate::db::engine_of(conn).into(),
    };
    serde_json::to_writer(&mut out, &header)?;
    out.write_all(b"\n")?;
    let rows = conn.transaction(|conn| -> anyhow::Result<Vec<(&'static str, u64)>> {
        if let AnyConnection::Postgres(pg) = conn {
            pg.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
        }
        let rows: i64 = existing_rows(conn)?.iter().map(|(_, n)| n).sum();
        progress.set_total(rows as u64);
        export_tables(conn, &mut out, progress)
    })?;
    progress.finish();
    let mut counts = serde_json::Map::new();
    for (table, n) in &rows {
        counts.insert((*table).to_string(), Value::from(*n));
    }
    serde_json::to_writer(&mut out, &serde_json::json!({"end": true, "rows": counts}))?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(ExportSummary { rows })
}

/// Reads an export into `conn`'s database, which must be migrated and hold
/// no row in any exported table; all or nothing. Then rebuilds the search
/// index. Call it outside any transaction.
pub fn import(conn: &mut Conn, input: impl BufRead) -> anyhow::Result<ImportSummary> {
    let mut lines = input.lines().enumerate().map(|(i, line)| (i + 1, line));
    let (number, first) = loop {
        let Some((number, line)) = lines.next() else {
            bail!("the input is empty: not a bantin export");
        };
        let line = line.with_context(|| format!("reading line {number}"))?;
        if !line.trim().is_empty() {
            break (number, line);
        }
    };
    let header = read_header(number, &first)?;
    let rows = crate::db::write_tx(conn, |conn| -> anyhow::Result<Vec<(&'static str, u64)>> {
        refuse_non_empty(conn)?;
        let rows = read_rows(conn, lines)?;
        // New content: every instance's search index is rebuilt from it.
        crate::search::engine::new_generation(conn).map_err(|e| anyhow!("marking the search index stale: {e:?}"))?;
        // Change numbers may be drawn again from here: tokens of the old
        // site say nothing about this one (410 sync_expired).
        crate::changes::store::new_epoch(conn).map_err(|e| anyhow!("starting a new epoch of the change log: {e:?}"))?;
        reset_sequences(conn).context("moving the id sequences past the imported ids")?;
        // An export made before the change log: it starts with what was imported.
        crate::changes::store::backfill(conn, chrono::Utc::now().naive_utc())
            .map_err(|e| anyhow!("starting the change log: {e:?}"))?;
        Ok(rows)
    })?;
    let indexed = rows
        .iter()
        .filter(|(table, _)| matches!(*table, "articles" | "events" | "officials"))
        .map(|(_, n)| *n as usize)
        .sum();
    Ok(ImportSummary {
        rows,
        source_engine: header.source_engine,
        exported_at: header.exported_at,
        indexed,
    })
}

fn read_header(number: usize, line: &str) -> anyhow::Result<Header> {
    let not_ours =
        || format!("line {number}: not a bantin export (it must start with a \"format\": \"{FORMAT}\" header)");
    let value: Value = serde_json::from_str(line).with_context(not_ours)?;
    if value.get("format").and_then(Value::as_str) != Some(FORMAT) {
        bail!(not_ours());
    }
    match value.get("version").and_then(Value::as_u64) {
        // Version 1 is version 2 without the personal-data list; version 2
        // is version 3 without the change log, slugs history, keys and hooks.
        Some(version) if (1..=u64::from(VERSION)).contains(&version) => {}
        Some(version) => {
            bail!(
                "line {number}: export format version {version} is not supported: this bantin reads version {VERSION}"
            )
        }
        None => bail!("line {number}: the header has no version (this bantin reads version {VERSION})"),
    }
    serde_json::from_value(value).with_context(|| format!("line {number}: a bad header"))
}

fn refuse_non_empty(conn: &mut Conn) -> anyhow::Result<()> {
    let full: Vec<String> = existing_rows(conn)?
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(table, n)| format!("{table}: {n}"))
        .collect();
    if !full.is_empty() {
        bail!(
            "the target database is not empty ({}): import only into a new database, migrated and unused",
            full.join(", ")
        );
    }
    Ok(())
}

/// On PostgreSQL, moves each identity past the largest id now in its table.
fn reset_sequences(conn: &mut Conn) -> QueryResult<()> {
    if let AnyConnection::Postgres(pg) = conn {
        for table in IDENTITY_TABLES {
            pg.batch_execute(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            ))?;
        }
        pg.batch_execute(
            "SELECT setval(pg_get_serial_sequence('changes', 'seq'), \
             COALESCE((SELECT MAX(seq) FROM changes), 0) + 1, false)",
        )?;
    }
    Ok(())
}

/// Inserts what is pending of the table being read, and sets its deferred
/// references; the table is complete.
fn finish_table(
    conn: &mut Conn,
    current: &mut Option<(usize, Pending)>,
    later: &mut Vec<(i64, i64)>,
) -> anyhow::Result<()> {
    if let Some((index, mut pending)) = current.take() {
        let table = TABLES[index];
        pending
            .insert(conn)
            .with_context(|| format!("inserting the last {table} rows"))?;
        pending
            .set_parents(conn, later)
            .with_context(|| format!("linking {table} rows to the {table} rows they refer to"))?;
        later.clear();
    }
    Ok(())
}

fn check_end(number: usize, end: &EndLine, counts: &[u64]) -> anyhow::Result<()> {
    if !end.end {
        bail!("line {number}: the end line must say \"end\": true");
    }
    if let Some(unknown) = end.rows.keys().find(|t| !TABLES.contains(&t.as_str())) {
        bail!("line {number}: the end line counts an unknown table {unknown:?}");
    }
    for (table, read) in TABLES.iter().zip(counts) {
        let expected = end.rows.get(*table).copied().unwrap_or(0);
        if expected != *read {
            bail!(
                "line {number}: the end line counts {expected} {table} rows but the file holds {read}: \
                 the export is damaged"
            );
        }
    }
    Ok(())
}

/// Reads and inserts every row line, then checks the end line; the rows read
/// per table.
fn read_rows(
    conn: &mut Conn,
    lines: impl Iterator<Item = (usize, std::io::Result<String>)>,
) -> anyhow::Result<Vec<(&'static str, u64)>> {
    let mut counts = vec![0u64; TABLES.len()];
    let mut current: Option<(usize, Pending)> = None;
    let mut seen = HashSet::new();
    let mut later = Vec::new();
    let mut ended = false;
    let mut last = 1;
    for (number, line) in lines {
        let line = line.with_context(|| format!("reading line {number}"))?;
        last = number;
        if line.trim().is_empty() {
            continue;
        }
        if ended {
            bail!("line {number}: more after the end line");
        }
        let value: Value = serde_json::from_str(&line).with_context(|| format!("line {number}: not JSON"))?;
        if value.get("end").is_some() {
            let end: EndLine =
                serde_json::from_value(value).with_context(|| format!("line {number}: a bad end line"))?;
            finish_table(conn, &mut current, &mut later)?;
            check_end(number, &end, &counts)?;
            ended = true;
            continue;
        }
        let RowIn { table, row } = serde_json::from_value(value)
            .with_context(|| format!("line {number}: neither a row ({{\"table\": …, \"row\": …}}) nor the end line"))?;
        let Some(index) = TABLES.iter().position(|t| *t == table) else {
            bail!(
                "line {number}: unknown table {table:?} (version {VERSION} has {})",
                TABLES.join(", ")
            );
        };
        match current.as_ref().map(|(at, _)| *at) {
            Some(at) if at == index => {}
            Some(at) if at > index => bail!(
                "line {number}: {table} rows after {} rows: the tables must come in the order {}",
                TABLES[at],
                TABLES.join(", ")
            ),
            _ => {
                finish_table(conn, &mut current, &mut later)?;
                seen.clear();
                let pending = Pending::for_table(&table).ok_or_else(|| anyhow!("no rows for table {table}"))?;
                current = Some((index, pending));
            }
        }
        let Some((_, pending)) = current.as_mut() else {
            bail!("line {number}: no table being read");
        };
        pending
            .push(row, &mut seen, &mut later)
            .with_context(|| format!("line {number}: a bad {table} row"))?;
        counts[index] += 1;
        if pending.len() >= INSERT_BATCH {
            pending
                .insert(conn)
                .with_context(|| format!("inserting the {table} rows up to line {number}"))?;
        }
    }
    if !ended {
        bail!("the export is cut short: it stops at line {last} without its end line; nothing was imported");
    }
    Ok(TABLES.iter().copied().zip(counts).collect())
}
