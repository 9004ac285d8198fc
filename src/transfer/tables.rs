//! Every exported table, declared once: its row (every column, by name),
//! how it is read in key order, and how its rows are counted, buffered and
//! inserted. The file format is described in [`super`].

use std::collections::HashSet;
use std::io::Write;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::write_row;
use crate::db::schema::{
    api_key_usage, api_keys, article_events, article_officials, article_stats, article_tags, articles, categories,
    changes, comments, documents, event_officials, events, link_groups, media, media_uses, officials, organizations,
    pages, playlists, positions, ratings, site_counters, slug_history, tags, users, webhooks,
};
use crate::db::{Backend, Conn};
use crate::progress::Progress;
use crate::search::engine::GENERATION;

/// Rows read per query when exporting.
const EXPORT_BATCH: i64 = 1000;

/// Writes one table's rows in key order; evaluates to how many were written.
///
/// - `keyset(k)`: an integer key, read in batches after the last key seen;
/// - `pairs(a, b)`: a composite key led by an integer: the rows of up to a
///   batch of distinct `a` values at a time, sorted here by `(a, b)` so text
///   keys come in code-point order whatever the database's collation;
/// - `whole(k, …)`: a small table with a text key, read at once and sorted here.
macro_rules! export_table {
    (keyset; $conn:ident, $out:ident, $progress:ident, $table:ident, $Row:ident, ($key:ident), ($($keep:expr)?)) => {{
        let mut written = 0u64;
        let mut after: Option<i64> = None;
        loop {
            let mut query = $table::table.select($Row::as_select()).into_boxed::<Backend>();
            $(query = query.filter($keep);)?
            if let Some(after) = after {
                query = query.filter($table::$key.gt(after));
            }
            let batch: Vec<$Row> = query.order($table::$key).limit(EXPORT_BATCH).load($conn)?;
            for row in &batch {
                write_row($out, stringify!($table), row)?;
            }
            written += batch.len() as u64;
            $progress.inc(batch.len() as u64);
            match batch.last() {
                Some(last) if batch.len() as i64 == EXPORT_BATCH => after = Some(last.$key),
                _ => break,
            }
        }
        written
    }};
    (pairs; $conn:ident, $out:ident, $progress:ident, $table:ident, $Row:ident, ($first:ident, $second:ident), ()) => {{
        let mut written = 0u64;
        let mut after: Option<i64> = None;
        loop {
            let mut query = $table::table.select($table::$first).distinct().into_boxed::<Backend>();
            if let Some(after) = after {
                query = query.filter($table::$first.gt(after));
            }
            let firsts: Vec<i64> = query.order($table::$first).limit(EXPORT_BATCH).load($conn)?;
            let (Some(&low), Some(&high)) = (firsts.first(), firsts.last()) else {
                break;
            };
            let mut batch: Vec<$Row> = $table::table
                .select($Row::as_select())
                .filter($table::$first.between(low, high))
                .load($conn)?;
            batch.sort_by(|a, b| Ord::cmp(&(&a.$first, &a.$second), &(&b.$first, &b.$second)));
            for row in &batch {
                write_row($out, stringify!($table), row)?;
            }
            written += batch.len() as u64;
            $progress.inc(batch.len() as u64);
            if (firsts.len() as i64) < EXPORT_BATCH {
                break;
            }
            after = Some(high);
        }
        written
    }};
    (whole; $conn:ident, $out:ident, $progress:ident, $table:ident, $Row:ident, ($($key:ident),+), ($($keep:expr)?)) => {{
        let mut rows: Vec<$Row> = $table::table.select($Row::as_select()) $(.filter($keep))? .load($conn)?;
        rows.sort_by(|a, b| Ord::cmp(&($(&a.$key),+), &($(&b.$key),+)));
        for row in &rows {
            write_row($out, stringify!($table), row)?;
        }
        $progress.inc(rows.len() as u64);
        rows.len() as u64
    }};
}

/// Declares every exported table once: its row (every column, by name), how
/// it is read in key order, and how its rows are counted, buffered and
/// inserted. `parent(c)` marks a column referring to the same table;
/// `only(filter)` keeps some rows out of the file.
macro_rules! tables {
    ($(
        $table:ident => $Row:ident, $mode:ident($($key:ident),+) $(parent($parent:ident))? $(only($keep:expr))? {
            $($column:ident: $ty:ty,)+
        }
    )+) => {
        $(
            #[derive(Debug, Queryable, Selectable, Insertable, Serialize, Deserialize)]
            #[diesel(table_name = $table, treat_none_as_default_value = false)]
            #[serde(deny_unknown_fields)]
            pub struct $Row {
                $(pub $column: $ty,)+
            }
        )+

        /// Every exported table, in the order of the file.
        pub const TABLES: &[&str] = &[$(stringify!($table)),+];

        /// Writes every table; the number of rows of each, in file order.
        pub fn export_tables(
            conn: &mut Conn,
            out: &mut dyn Write,
            progress: &Progress,
        ) -> anyhow::Result<Vec<(&'static str, u64)>> {
            let mut rows = Vec::with_capacity(TABLES.len());
            $(
                let written: u64 = export_table!($mode; conn, out, progress, $table, $Row, ($($key),+), ($($keep)?));
                rows.push((stringify!($table), written));
            )+
            Ok(rows)
        }

        /// The rows each exported table already holds.
        pub fn existing_rows(conn: &mut Conn) -> QueryResult<Vec<(&'static str, i64)>> {
            Ok(vec![$(
                (stringify!($table), $table::table $(.filter($keep))? .count().get_result::<i64>(conn)?),
            )+])
        }

        /// Rows of one table read from the file, waiting for their INSERT.
        pub enum Pending {
            $($Row(Vec<$Row>),)+
        }

        impl Pending {
            pub fn for_table(table: &str) -> Option<Pending> {
                match table {
                    $(stringify!($table) => Some(Pending::$Row(Vec::new())),)+
                    _ => None,
                }
            }

            pub fn len(&self) -> usize {
                match self {
                    $(Pending::$Row(rows) => rows.len(),)+
                }
            }

            /// Reads one row. A reference to a row of the same table not read
            /// yet is left out (NULL) and kept in `later`, as `(id, parent)`,
            /// to be set once the whole table is in.
            pub fn push(
                &mut self,
                row: Value,
                seen: &mut HashSet<i64>,
                later: &mut Vec<(i64, i64)>,
            ) -> serde_json::Result<()> {
                match self {
                    $(Pending::$Row(rows) => {
                        #[allow(unused_mut)]
                        let mut row: $Row = serde_json::from_value(row)?;
                        $(
                            if let Some(parent) = row.$parent.filter(|p| !seen.contains(p)) {
                                later.push((row.id, parent));
                                row.$parent = None;
                            }
                            seen.insert(row.id);
                        )?
                        rows.push(row);
                    })+
                }
                Ok(())
            }

            /// Inserts the pending rows in one statement.
            pub fn insert(&mut self, conn: &mut Conn) -> QueryResult<()> {
                match self {
                    $(Pending::$Row(rows) => {
                        if !rows.is_empty() {
                            let batch = std::mem::take(rows);
                            crate::on_engine!(conn, c => diesel::insert_into($table::table).values(batch).execute(c))?;
                        }
                    })+
                }
                Ok(())
            }

            /// Sets the references [`Pending::push`] left out.
            pub fn set_parents(&self, conn: &mut Conn, later: &[(i64, i64)]) -> QueryResult<()> {
                match self {
                    $(Pending::$Row(_) => {
                        $(
                            for &(id, parent) in later {
                                diesel::update($table::table.find(id))
                                    .set($table::$parent.eq(Some(parent)))
                                    .execute(conn)?;
                            }
                        )?
                    })+
                }
                Ok(())
            }
        }
    };
}

tables! {
    users => User, keyset(id) {
        id: i64,
        username: String,
        display_name: String,
        password_hash: String,
        role: String,
        created_at: NaiveDateTime,
        updated_at: NaiveDateTime,
    }
    media => Media, keyset(id) {
        id: i64,
        kind: String,
        mime_type: String,
        extension: String,
        sha256: String,
        size: i64,
        original_name: Option<String>,
        width: Option<i32>,
        height: Option<i32>,
        duration_ms: Option<i64>,
        placeholder: Option<String>,
        color: Option<String>,
        variants: String,
        alt: Option<String>,
        caption: Option<String>,
        credit: Option<String>,
        uploaded_by: Option<i64>,
        created_at: NaiveDateTime,
        updated_at: NaiveDateTime,
    }
    categories => Category, keyset(id) {
        id: i64,
        slug: String,
        name: String,
        description: Option<String>,
        created_at: NaiveDateTime,
        updated_at: NaiveDateTime,
    }
    tags => Tag, keyset(id) {
        id: i64,
        slug: String,
        name: String,
        description: Option<String>,
        created_at: NaiveDateTime,
        updated_at: NaiveDateTime,
    }
    organizations => Organization, keyset(id) parent(parent_id) {
        id: i64,
        slug: String,
        name: String,
        name_en: Option<String>,
        kind: String,
        parent_id: Option<i64>,
        address: Option<String>,
        phone: Option<String>,
        email: Option<String>,
        description: Option<String>,
        description_en: Option<String>,
        position: i32,
        created_at: NaiveDateTime,
        updated_at: NaiveDateTime,
        logo: Option<String>,
    }
    officials => Official, keyset(id) {
        id: i64,
        slug: String,
        full_name: String,
        name_folded: String,
        photo_url: Option<String>,
        bio: Option<String>,
        bio_en: Option<String>,
        office_phone: Option<String>,
        email: Option<String>,
        created_at: NaiveDateTime,
        updated_at: NaiveDateTime,
        photo: Option<String>,
    }
    positions => Position, keyset(id) {
        id: i64,
        official_id: i64,
        organization_id: i64,
        title: String,
        title_en: Option<String>,
        started_on: NaiveDate,
        ended_on: Option<NaiveDate>,
        rank: i32,
    }
    articles => Article, keyset(id) {
        id: i64,
        slug: String,
        title: String,
        summary: Option<String>,
        cover_image: Option<String>,
        images: String,
        byline: Option<String>,
        category_id: Option<i64>,
        author_id: Option<i64>,
        status: String,
        published_at: Option<NaiveDateTime>,
        comments_enabled: bool,
        view_count: i64,
        created_at: NaiveDateTime,
        updated_at: NaiveDateTime,
        body: String,
    }
    article_tags => ArticleTag, pairs(article_id, tag_id) {
        article_id: i64,
        tag_id: i64,
        position: i32,
    }
    events => Event, keyset(id) {
        id: i64,
        slug: String,
        title: String,
        title_en: Option<String>,
        description: Option<String>,
        starts_at: NaiveDateTime,
        ends_at: Option<NaiveDateTime>,
        occupies_until: NaiveDateTime,
        all_day: bool,
        location: Option<String>,
        organization_id: Option<i64>,
        status: String,
        category: String,
        created_at: NaiveDateTime,
        updated_at: NaiveDateTime,
    }
    event_officials => EventOfficial, pairs(event_id, official_id) {
        event_id: i64,
        official_id: i64,
        role: String,
    }
    article_officials => ArticleOfficial, pairs(article_id, official_id) {
        article_id: i64,
        official_id: i64,
    }
    article_events => ArticleEvent, pairs(article_id, event_id) {
        article_id: i64,
        event_id: i64,
    }
    comments => Comment, keyset(id) parent(parent_id) {
        id: i64,
        article_id: i64,
        parent_id: Option<i64>,
        author_name: String,
        author_email: String,
        body: String,
        body_hash: String,
        status: String,
        client_hash: String,
        created_at: NaiveDateTime,
        updated_at: NaiveDateTime,
    }
    ratings => Rating, pairs(article_id, visitor_id) {
        article_id: i64,
        visitor_id: String,
        score: i32,
        created_at: NaiveDateTime,
        updated_at: NaiveDateTime,
    }
    article_stats => ArticleStats, keyset(article_id) {
        article_id: i64,
        comment_count: i64,
        rating_count: i64,
        rating_sum: i64,
        rating_1: i64,
        rating_2: i64,
        rating_3: i64,
        rating_4: i64,
        rating_5: i64,
    }
    documents => DocumentRow, keyset(id) parent(replaced_by) {
        id: i64,
        slug: String,
        number: String,
        number_key: String,
        doc_type: String,
        issuer_id: Option<i64>,
        issuer_name: Option<String>,
        signer_id: Option<i64>,
        signer_name: Option<String>,
        issued_on: NaiveDate,
        effective_from: Option<NaiveDate>,
        expires_on: Option<NaiveDate>,
        summary: String,
        field: Option<String>,
        status: String,
        replaced_by: Option<i64>,
        attachments: String,
        created_at: NaiveDateTime,
        updated_at: NaiveDateTime,
    }
    pages => PageRow, keyset(id) parent(parent_id) {
        id: i64,
        slug: String,
        title: String,
        title_en: Option<String>,
        body: String,
        body_en: Option<String>,
        parent_id: Option<i64>,
        position: i32,
        map: Option<String>,
        created_at: NaiveDateTime,
        updated_at: NaiveDateTime,
    }
    link_groups => LinkGroupRow, keyset(id) {
        id: i64,
        slug: String,
        name: String,
        name_en: Option<String>,
        position: i32,
        links: String,
        created_at: NaiveDateTime,
        updated_at: NaiveDateTime,
    }
    playlists => PlaylistRow, keyset(id) {
        id: i64,
        slug: String,
        title: String,
        description: Option<String>,
        position: i32,
        tracks: String,
        created_at: NaiveDateTime,
        updated_at: NaiveDateTime,
    }
    media_uses => MediaUse, pairs(media_id, owner_id) {
        media_id: i64,
        owner_kind: String,
        owner_id: i64,
    }
    site_counters => SiteCounter, whole(name) only(site_counters::name.ne(GENERATION).and(site_counters::name.ne(crate::changes::store::EPOCH))) {
        name: String,
        value: i64,
    }
    changes => Change, keyset(seq) {
        seq: i64,
        kind: String,
        resource_id: i64,
        slug: Option<String>,
        op: String,
        event: Option<String>,
        at: NaiveDateTime,
        actor_kind: String,
        actor_id: Option<i64>,
    }
    slug_history => SlugHistory, whole(kind, slug) {
        kind: String,
        slug: String,
        resource_id: i64,
        created_at: NaiveDateTime,
    }
    api_keys => ApiKey, keyset(id) {
        id: i64,
        name: String,
        kind: String,
        prefix: String,
        secret_hash: String,
        scopes: String,
        allowed_origins: String,
        requests_per_minute: i32,
        expires_at: Option<NaiveDateTime>,
        revoked_at: Option<NaiveDateTime>,
        created_by: Option<i64>,
        created_at: NaiveDateTime,
        last_used_at: Option<NaiveDateTime>,
    }
    api_key_usage => ApiKeyUsage, pairs(key_id, day) {
        key_id: i64,
        day: NaiveDate,
        requests: i64,
    }
    webhooks => Webhook, keyset(id) {
        id: i64,
        name: String,
        url: String,
        events: String,
        secret: String,
        active: bool,
        disabled_reason: Option<String>,
        failures: i32,
        cursor: i64,
        created_by: Option<i64>,
        created_at: NaiveDateTime,
        updated_at: NaiveDateTime,
    }
}
