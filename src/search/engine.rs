//! The search engine: a tantivy index in the data directory, derived from
//! the database and kept current from the change log, the same on both
//! database engines. Text goes in through bantin's one folding function
//! (the `bantin` tokenizer), so accents are optional on every side; the
//! words as written are compared later, against the database.
//!
//! What the index holds per item: its kind and id, its title, its summary
//! (articles) and everything together, folded; its title and summary as
//! written (lowercase), for "the words as typed, tone marks and all"; and
//! as fast columns its date and from when the public may see it. A search
//! is answered by the index alone: the newest visible matches per field,
//! then exact matches first, title above summary above the rest, newest
//! first. Nothing is stored: an answer is ids, and the rows come from the
//! database.
//!
//! Following the log: the index's last commit records the number of the
//! last change it holds and the generation of the database's content (an
//! import starts a new one). A search first asks the database where its log
//! stands (one indexed read); when the index is behind, it applies the
//! changes since (under a lock: one writer per process), commits and
//! reloads, so a writer's own search sees its write. A background task does
//! the same every second, so readers seldom wait. When the log has been
//! purged past the index, or the generation differs, the index is rebuilt.

use std::cmp::Reverse;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use tantivy::collector::DocSetCollector;
use tantivy::directory::MmapDirectory;
use tantivy::query::{BooleanQuery, Occur, PhraseQuery, RegexQuery, TermQuery, TermSetQuery};
use tantivy::schema::{Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, STRING};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, SegmentReader, TantivyDocument, Term,
};

use super::{Query, Term as QueryTerm};
use crate::db::{Conn, StoreError, StoreResult};
use crate::progress::{Progress, Unit};

/// What can be searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Articles,
    Events,
    Officials,
    Documents,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Articles, Kind::Events, Kind::Officials, Kind::Documents];

    /// Its name in `?type=` and in answers (plural, as the collection's).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Articles => "articles",
            Kind::Events => "events",
            Kind::Officials => "officials",
            Kind::Documents => "documents",
        }
    }

    fn code(self) -> u64 {
        match self {
            Kind::Articles => 1,
            Kind::Events => 2,
            Kind::Officials => 3,
            Kind::Documents => 4,
        }
    }

    /// The kind this name or its singular (`article`) names.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.name() == name || k.name().strip_suffix('s') == Some(name))
    }
}

/// Which text of an item a query is asked of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Title,
    Summary,
    /// Title, summary and body (or an event's text, an official's
    /// positions), each word in any of them; a phrase within one.
    Everything,
}

/// Changed when the schema or the tokenizer changes: an index of another
/// version is rebuilt.
const FORMAT: &str = "bantin-search-3";
const TOKENIZER: &str = "bantin";
const EXACT_TOKENIZER: &str = "bantin-exact";
const PREFIX_TOKENIZER: &str = "bantin-prefix";
const EXACT_PREFIX_TOKENIZER: &str = "bantin-exact-prefix";
/// A word still being typed this short is looked up as it is, among the
/// starts of the words indexed (as SQLite's FTS5 `prefix` option does);
/// a longer one is expanded over the term dictionary.
const PREFIX_CHARS: usize = 3;
/// Memory of the writer that follows the log (tantivy's minimum is 15 MB).
const FOLLOW_BUDGET: usize = 16 << 20;
/// Memory of a full rebuild.
const REBUILD_BUDGET: usize = 64 << 20;
/// Changes read from the log at once while catching up.
const CATCH_UP_BATCH: i64 = 2000;
/// Longest word indexed, in bytes: longer ones are no words anyone types.
const MAX_WORD_BYTES: usize = 255;

/// The folding tokenizer: [`crate::text::fold`], then words between
/// spaces; or, `exact`, the words as [`super::words`] splits them (NFC,
/// lowercase, tone marks kept).
#[derive(Clone, Default)]
struct Folding {
    exact: bool,
    /// Index the first 1 to [`PREFIX_CHARS`] characters of every word instead.
    prefixes: bool,
    folded: String,
}

struct Words<'a> {
    text: &'a str,
    at: usize,
    token: Token,
    prefixes: bool,
    /// In prefix mode: the word being cut, and how many characters of it
    /// the last token held.
    word: (usize, usize),
    cut: usize,
}

impl Tokenizer for Folding {
    type TokenStream<'a> = Words<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Words<'a> {
        self.folded = if self.exact {
            super::words(text).join(" ")
        } else {
            crate::text::fold(text)
        };
        Words {
            text: &self.folded,
            at: 0,
            token: Token {
                position: usize::MAX,
                ..Token::default()
            },
            prefixes: self.prefixes,
            word: (0, 0),
            cut: PREFIX_CHARS,
        }
    }
}

impl Words<'_> {
    /// The next start of the current word, if it has one more.
    fn next_prefix(&mut self) -> bool {
        let (from, to) = self.word;
        if self.cut >= PREFIX_CHARS {
            return false;
        }
        let word = &self.text[from..to];
        let Some(end) = word.char_indices().nth(self.cut).map(|(i, c)| i + c.len_utf8()) else {
            return false;
        };
        self.cut += 1;
        self.token.offset_from = from;
        self.token.offset_to = from + end;
        self.token.text.clear();
        self.token.text.push_str(&word[..end]);
        true
    }

    fn next_word(&mut self) -> bool {
        // Folded text is words of letters and digits, one space apart.
        while self.at < self.text.len() {
            let rest = &self.text[self.at..];
            let len = rest.find(' ').unwrap_or(rest.len());
            let (from, to) = (self.at, self.at + len);
            self.at = to + 1;
            if len == 0 {
                continue;
            }
            self.token.position = self.token.position.wrapping_add(1);
            if len > MAX_WORD_BYTES {
                continue;
            }
            self.token.offset_from = from;
            self.token.offset_to = to;
            self.token.text.clear();
            self.token.text.push_str(&self.text[from..to]);
            return true;
        }
        false
    }
}

impl TokenStream for Words<'_> {
    fn advance(&mut self) -> bool {
        if !self.prefixes {
            return self.next_word();
        }
        loop {
            if self.next_prefix() {
                return true;
            }
            if !self.next_word() {
                return false;
            }
            self.word = (self.token.offset_from, self.token.offset_to);
            self.cut = 0;
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[derive(Clone, Copy)]
struct Fields {
    key: Field,
    id: Field,
    title: Field,
    summary: Field,
    everything: Field,
    exact: Field,
    /// The starts of the words of each of the above.
    title_prefix: Field,
    summary_prefix: Field,
    everything_prefix: Field,
    exact_prefix: Field,
    /// Fast columns (see [`DATE`]).
    kind: Field,
    date: Field,
    visible_from: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let words = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let exact = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(EXACT_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let starts = |tokenizer| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::Basic),
        )
    };
    let fields = Fields {
        key: b.add_text_field("key", STRING),
        id: b.add_u64_field("id", NumericOptions::default().set_indexed().set_fast()),
        title: b.add_text_field("title", words.clone()),
        summary: b.add_text_field("summary", words.clone()),
        everything: b.add_text_field("everything", words),
        exact: b.add_text_field("exact", exact),
        title_prefix: b.add_text_field("title_prefix", starts(PREFIX_TOKENIZER)),
        summary_prefix: b.add_text_field("summary_prefix", starts(PREFIX_TOKENIZER)),
        everything_prefix: b.add_text_field("everything_prefix", starts(PREFIX_TOKENIZER)),
        exact_prefix: b.add_text_field("exact_prefix", starts(EXACT_PREFIX_TOKENIZER)),
        kind: b.add_u64_field(KIND, NumericOptions::default().set_fast()),
        date: b.add_i64_field(DATE, NumericOptions::default().set_fast()),
        visible_from: b.add_i64_field(VISIBLE_FROM, NumericOptions::default().set_fast()),
    };
    (b.build(), fields)
}

/// Fast columns: the date an item ranks by (seconds; none: `i64::MIN`),
/// and from when the public may see it (`i64::MAX`: not now).
const DATE: &str = "date";
const VISIBLE_FROM: &str = "visible_from";
/// Fast column: the kind of item ([`Kind::code`]).
const KIND: &str = "kind";
pub const ALWAYS: i64 = i64::MIN;
pub const NEVER: i64 = i64::MAX;

/// One item as the index sees it.
pub struct Document {
    pub kind: Kind,
    pub id: i64,
    /// Publication or start, for recency.
    pub date: Option<chrono::NaiveDateTime>,
    /// From when readers may see it, in seconds ([`ALWAYS`], [`NEVER`]).
    pub visible_from: i64,
    pub title: String,
    pub summary: String,
    /// Every other text: each is a separate value (a phrase does not run
    /// from one into the next).
    pub texts: Vec<String>,
}

/// Where the index stands: the generation of the content and the last
/// change applied (`None`: nothing trustworthy, rebuild).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mark {
    generation: i64,
    applied: i64,
}

impl Mark {
    fn payload(self) -> String {
        format!("{FORMAT} {} {}", self.generation, self.applied)
    }

    fn parse(payload: &str) -> Option<Mark> {
        let mut parts = payload.split(' ');
        if parts.next()? != FORMAT {
            return None;
        }
        Some(Mark {
            generation: parts.next()?.parse().ok()?,
            applied: parts.next()?.parse().ok()?,
        })
    }
}

/// Where the database's change log stands.
#[derive(Debug, Clone, Copy, QueryableByName)]
struct LogState {
    #[diesel(sql_type = BigInt)]
    position: i64,
    #[diesel(sql_type = BigInt)]
    purged: i64,
    #[diesel(sql_type = BigInt)]
    generation: i64,
}

fn log_state(conn: &mut Conn) -> StoreResult<LogState> {
    let sql = format!(
        "SELECT COALESCE((SELECT MAX(seq) FROM changes), 0) AS position, \
         COALESCE((SELECT value FROM site_counters WHERE name = '{}'), 0) AS purged, \
         COALESCE((SELECT value FROM site_counters WHERE name = '{}'), 0) AS generation",
        crate::changes::store::PURGED_THROUGH,
        GENERATION,
    );
    let mut state: LogState = crate::on_engine!(conn, c => diesel::sql_query(&sql).get_result(c))?;
    state.position = state.position.max(state.purged);
    Ok(state)
}

/// The `site_counters` row naming the generation of the content: set anew
/// by every import, so that every instance's index is rebuilt. (Older
/// exports carry it as the old FTS index's version; imports leave it out.)
pub const GENERATION: &str = "search_index";

/// Starts a new generation (after an import, inside its transaction).
pub fn new_generation(conn: &mut Conn) -> StoreResult<()> {
    use crate::db::schema::site_counters;
    let generation = (rand::random::<u32>() as i64).max(1);
    crate::on_engine!(conn, c => diesel::insert_into(site_counters::table)
        .values((site_counters::name.eq(GENERATION), site_counters::value.eq(generation)))
        .on_conflict(site_counters::name)
        .do_update()
        .set(site_counters::value.eq(generation))
        .execute(c))?;
    Ok(())
}

fn failed(what: &str) -> impl Fn(tantivy::TantivyError) -> StoreError + '_ {
    move |e| {
        tracing::error!(error = %e, "search index: {what}");
        StoreError::Internal
    }
}

struct Writer {
    /// `None` only while a rebuild holds its own.
    writer: Option<IndexWriter>,
    mark: Option<Mark>,
}

/// The index of one process.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    writer: Mutex<Writer>,
    /// The mark's parts, readable without the lock (-1: none).
    applied: AtomicI64,
    generation: AtomicI64,
    dir: PathBuf,
    /// Which segments hold their items newest first.
    order: Mutex<std::collections::HashMap<tantivy::index::SegmentId, bool>>,
    /// Held while the process runs: one process per index.
    _lock: std::fs::File,
}

/// Processes on one machine that may share a data directory.
const MAX_PROCESSES: usize = 16;

impl SearchIndex {
    /// Opens the index in `dir`, or when another process on this machine
    /// holds it (two instances sharing a data directory), the first free
    /// one of `dir-2`, `dir-3`… (kept for the next start: it is caught up
    /// from the log, not rebuilt).
    pub fn open(dir: &Path) -> anyhow::Result<SearchIndex> {
        for n in 1..=MAX_PROCESSES {
            let candidate = match n {
                1 => dir.to_path_buf(),
                n => PathBuf::from(format!("{}-{n}", dir.display())),
            };
            if let Some(index) = Self::open_if_free(&candidate)? {
                if n > 1 {
                    tracing::info!(dir = %candidate.display(), "search index: {} is in use by another process", dir.display());
                }
                return Ok(index);
            }
        }
        anyhow::bail!(
            "{MAX_PROCESSES} bantin processes already use search indexes at {}: give this one its own BANTIN_SEARCH_DIR",
            dir.display()
        )
    }

    /// Opens the index in `dir` itself; fails when another process holds it.
    pub fn open_exactly(dir: &Path) -> anyhow::Result<SearchIndex> {
        Self::open_if_free(dir)?.ok_or_else(|| {
            anyhow::anyhow!(
                "the search index at {} is in use by a running bantin, which keeps it current itself; stop it first",
                dir.display()
            )
        })
    }

    /// Opens (creating it when missing or of another version) the index in
    /// `dir` when no other process holds it.
    fn open_if_free(dir: &Path) -> anyhow::Result<Option<SearchIndex>> {
        use anyhow::Context;
        if let Some(parent) = dir.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        let lock_path = PathBuf::from(format!("{}.lock", dir.display()));
        let lock = std::fs::File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .with_context(|| format!("opening {}", lock_path.display()))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(anyhow::Error::new(e).context(format!("locking {}", lock_path.display())))
            }
        }
        std::fs::create_dir_all(dir).with_context(|| format!("creating the search index at {}", dir.display()))?;
        let (schema, fields) = schema();
        let open = || -> tantivy::Result<Index> {
            let directory = MmapDirectory::open(dir)?;
            if Index::exists(&directory)? {
                let index = Index::open(directory)?;
                if index.schema() == schema {
                    return Ok(index);
                }
            }
            Err(tantivy::TantivyError::SchemaError("another version".into()))
        };
        let index = match open() {
            Ok(index) => index,
            Err(e) => {
                if std::fs::read_dir(dir)?.next().is_some() {
                    tracing::info!(reason = %e, dir = %dir.display(), "search index: starting afresh");
                }
                std::fs::remove_dir_all(dir).ok();
                std::fs::create_dir_all(dir)?;
                Index::create_in_dir(dir, schema).context("creating the search index")?
            }
        };
        index.tokenizers().register(TOKENIZER, Folding::default());
        for (name, exact, prefixes) in [
            (EXACT_TOKENIZER, true, false),
            (PREFIX_TOKENIZER, false, true),
            (EXACT_PREFIX_TOKENIZER, true, true),
        ] {
            index.tokenizers().register(
                name,
                Folding {
                    exact,
                    prefixes,
                    ..Folding::default()
                },
            );
        }
        let mark = index.load_metas()?.payload.as_deref().and_then(Mark::parse);
        let writer = follower(&index).context("opening the search index")?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .context("reading the search index")?;
        let (applied, generation) = mark.map_or((-1, -1), |m| (m.applied, m.generation));
        Ok(Some(SearchIndex {
            index,
            reader,
            fields,
            writer: Mutex::new(Writer {
                writer: Some(writer),
                mark,
            }),
            applied: AtomicI64::new(applied),
            generation: AtomicI64::new(generation),
            dir: dir.to_path_buf(),
            order: Mutex::default(),
            _lock: lock,
        }))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Brings the index up to where the database's log stands; how many
    /// items were written (a rebuild counts every item).
    pub fn sync(&self, conn: &mut Conn) -> StoreResult<usize> {
        let log = log_state(conn)?;
        if self.applied.load(Ordering::Acquire) == log.position
            && self.generation.load(Ordering::Acquire) == log.generation
        {
            return Ok(0);
        }
        let mut w = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        // Read again under the lock: another thread may have caught up.
        let log = log_state(conn)?;
        let written = match w.mark {
            Some(m) if m.generation == log.generation && m.applied == log.position => return Ok(0),
            Some(m) if m.generation == log.generation && m.applied >= log.purged && m.applied < log.position => {
                self.catch_up(conn, &mut w, m, log.position)?
            }
            _ => {
                // The server's own rebuild (a new index, or a new generation):
                // a log line every few seconds when it is a long one.
                let progress = Progress::logged("search index rebuild", Unit::Items("items"), None);
                self.rebuild_locked(conn, &mut w, log, &progress)?
            }
        };
        Ok(written)
    }

    /// Rebuilds the whole index from the database, counting the items
    /// written in `progress`.
    pub fn rebuild(&self, conn: &mut Conn, progress: &Progress) -> StoreResult<usize> {
        let mut w = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let log = log_state(conn)?;
        self.rebuild_locked(conn, &mut w, log, progress)
    }

    fn commit(&self, writer: &mut IndexWriter, w_mark: &mut Option<Mark>, mark: Mark) -> StoreResult<()> {
        let mut prepared = writer.prepare_commit().map_err(failed("preparing a commit"))?;
        prepared.set_payload(&mark.payload());
        prepared.commit().map_err(failed("committing"))?;
        self.reader.reload().map_err(failed("reloading"))?;
        *w_mark = Some(mark);
        self.applied.store(mark.applied, Ordering::Release);
        self.generation.store(mark.generation, Ordering::Release);
        Ok(())
    }

    fn catch_up(&self, conn: &mut Conn, w: &mut Writer, from: Mark, to: i64) -> StoreResult<usize> {
        use crate::db::schema::changes;
        let mut after = from.applied;
        let mut written = 0;
        let writer = w.writer.as_mut().ok_or(StoreError::Internal)?;
        while after < to {
            let rows: Vec<(i64, String, i64)> = changes::table
                .select((changes::seq, changes::kind, changes::resource_id))
                .filter(changes::seq.gt(after))
                .filter(changes::seq.le(to))
                .order(changes::seq.asc())
                .limit(CATCH_UP_BATCH)
                .load(conn)?;
            let Some(last) = rows.last() else { break };
            after = last.0;
            let mut touched: Vec<(Kind, i64)> = rows
                .iter()
                .filter_map(|(_, kind, id)| Some((Kind::from_name(kind)?, *id)))
                .collect();
            touched.sort_by_key(|(k, id)| (k.name(), *id));
            touched.dedup();
            for kind in Kind::ALL {
                let ids: Vec<i64> = touched.iter().filter(|(k, _)| *k == kind).map(|(_, id)| *id).collect();
                if ids.is_empty() {
                    continue;
                }
                for id in &ids {
                    writer.delete_term(Term::from_field_text(self.fields.key, &key(kind, *id)));
                }
                for doc in documents(conn, kind, Some(&ids), 0, ids.len() as i64)? {
                    writer.add_document(self.document(&doc)).map_err(failed("adding"))?;
                    written += 1;
                }
            }
        }
        self.commit(
            writer,
            &mut w.mark,
            Mark {
                generation: from.generation,
                applied: to,
            },
        )?;
        Ok(written)
    }

    fn follower(&self) -> tantivy::Result<IndexWriter> {
        follower(&self.index)
    }

    fn rebuild_locked(
        &self,
        conn: &mut Conn,
        w: &mut Writer,
        log: LogState,
        progress: &Progress,
    ) -> StoreResult<usize> {
        let started = std::time::Instant::now();
        let mut total = 0;
        for kind in Kind::ALL {
            total += count(conn, kind)?;
        }
        progress.set_total(total as u64);
        // The follower's writer goes (one writer at a time); a larger one builds.
        if let Some(old) = w.writer.take() {
            drop(old);
        }
        let result = (|| {
            // One thread, no merging while it writes: segments that follow
            // each other in the order written, merged in that order below.
            let mut writer: IndexWriter = self
                .index
                .writer_with_num_threads(1, REBUILD_BUDGET)
                .map_err(failed("opening a writer"))?;
            writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
            writer.delete_all_documents().map_err(failed("clearing"))?;
            let mut written = 0;
            // Newest first: see `newest`.
            for kind in Kind::ALL {
                let mut before = i64::MAX;
                loop {
                    let batch = documents(conn, kind, None, before, 1000)?;
                    let Some(last) = batch.last() else { break };
                    before = last.id;
                    for doc in &batch {
                        writer.add_document(self.document(doc)).map_err(failed("adding"))?;
                    }
                    written += batch.len();
                    progress.inc(batch.len() as u64);
                }
            }
            self.commit(
                &mut writer,
                &mut w.mark,
                Mark {
                    generation: log.generation,
                    applied: log.position,
                },
            )?;
            // One segment, newest first: where a segment starts tells where
            // it was written (articles, then events, then officials, each
            // newest first).
            let searcher = self.reader.searcher();
            let mut order: Vec<((u64, Reverse<u64>), tantivy::index::SegmentId)> = searcher
                .segment_readers()
                .iter()
                .filter(|segment| segment.max_doc() > 0)
                .filter_map(|segment| {
                    let columns = Columns::of(segment)?;
                    Some((
                        (columns.kinds.get_val(0), Reverse(columns.ids.get_val(0))),
                        segment.segment_id(),
                    ))
                })
                .collect();
            order.sort();
            if order.len() > 1 {
                let ids: Vec<_> = order.into_iter().map(|(_, id)| id).collect();
                writer.merge(&ids).wait().map_err(failed("merging"))?;
            }
            writer.wait_merging_threads().map_err(failed("merging"))?;
            self.reader.reload().map_err(failed("reloading"))?;
            Ok(written)
        })();
        w.writer = Some(self.follower().map_err(failed("opening a writer"))?);
        progress.finish();
        if let Ok(written) = &result {
            tracing::info!(
                items = written,
                seconds = started.elapsed().as_secs_f64(),
                "search index rebuilt"
            );
        }
        result
    }

    fn document(&self, doc: &Document) -> TantivyDocument {
        let f = self.fields;
        let mut d = TantivyDocument::default();
        d.add_text(f.key, key(doc.kind, doc.id));
        d.add_u64(f.kind, doc.kind.code());
        d.add_u64(f.id, doc.id as u64);
        for (field, prefix) in [(f.title, f.title_prefix), (f.everything, f.everything_prefix)] {
            d.add_text(field, &doc.title);
            d.add_text(prefix, &doc.title);
        }
        for (field, prefix) in [(f.summary, f.summary_prefix), (f.everything, f.everything_prefix)] {
            d.add_text(field, &doc.summary);
            d.add_text(prefix, &doc.summary);
        }
        for text in &doc.texts {
            d.add_text(f.everything, text);
            d.add_text(f.everything_prefix, text);
        }
        for text in [&doc.title, &doc.summary] {
            d.add_text(f.exact, text);
            d.add_text(f.exact_prefix, text);
        }
        let seconds = |at: Option<chrono::NaiveDateTime>, none| at.map_or(none, |at| at.and_utc().timestamp());
        d.add_i64(f.date, seconds(doc.date, i64::MIN));
        d.add_i64(f.visible_from, doc.visible_from);
        d
    }

    /// Every term of `query` (the words folded, or as written) in `field`
    /// (whose starts of words are in `starts`).
    fn matching(&self, (field, starts): (Field, Field), query: &Query, exact: bool) -> StoreResult<BooleanQuery> {
        let word = |w: &str| Term::from_field_text(field, w);
        let mut clauses: Vec<(Occur, Box<dyn tantivy::query::Query>)> = Vec::new();
        for term in &query.terms {
            let clause: Box<dyn tantivy::query::Query> = match term {
                QueryTerm::Word {
                    folded,
                    exact: written,
                    prefix: true,
                } => {
                    let start = if exact { written } else { folded };
                    if start.chars().count() <= PREFIX_CHARS {
                        Box::new(TermQuery::new(
                            Term::from_field_text(starts, start),
                            IndexRecordOption::Basic,
                        ))
                    } else {
                        Box::new(
                            RegexQuery::from_pattern(&format!("{}.*", regex_literal(start)), field)
                                .map_err(failed("a prefix"))?,
                        )
                    }
                }
                QueryTerm::Word {
                    folded, exact: written, ..
                } => Box::new(TermQuery::new(
                    word(if exact { written } else { folded }),
                    IndexRecordOption::Basic,
                )),
                QueryTerm::Phrase { folded, exact: written } => {
                    let words = if exact { written } else { folded };
                    Box::new(PhraseQuery::new(words.iter().map(|w| word(w)).collect()))
                }
            };
            clauses.push((Occur::Must, clause));
        }
        Ok(BooleanQuery::new(clauses))
    }

    /// Matches of `kind` in relevance order: the words as written first,
    /// then where they are (title, summary, elsewhere), then the newest.
    /// Each field gives its newest `wanted` matches (that readers may see
    /// at `now`, with `public_only`), so a query matching most of the
    /// corpus costs about what a rare one costs.
    pub fn rank(
        &self,
        kind: Kind,
        query: &Query,
        public_only: bool,
        now: chrono::NaiveDateTime,
        wanted: usize,
    ) -> StoreResult<Vec<Ranked>> {
        let parts: &[(Part, u8)] = match kind {
            Kind::Articles => &[(Part::Title, 3), (Part::Summary, 2), (Part::Everything, 1)],
            _ => &[(Part::Title, 3), (Part::Everything, 1)],
        };
        let now = now.and_utc().timestamp();
        let searcher = self.reader.searcher();
        let mut found: std::collections::HashMap<DocAddress, Ranked> = std::collections::HashMap::new();
        for (part, tier) in parts {
            let f = self.fields;
            let fields = match part {
                Part::Title => (f.title, f.title_prefix),
                Part::Summary => (f.summary, f.summary_prefix),
                Part::Everything => (f.everything, f.everything_prefix),
            };
            let top = self.newest(
                &searcher,
                &self.matching(fields, query, false)?,
                kind,
                public_only,
                now,
                wanted,
            )?;
            for (id, address) in top {
                let hit = found.entry(address).or_insert(Ranked {
                    id: id as i64,
                    tier: *tier,
                    exact: false,
                    date: i64::MIN,
                });
                hit.tier = hit.tier.max(*tier);
            }
        }
        if found.is_empty() {
            return Ok(Vec::new());
        }
        // Which of them hold the words as written (in the title or summary).
        let ids: Vec<Term> = found
            .values()
            .map(|h| Term::from_field_u64(self.fields.id, h.id as u64))
            .collect();
        let exact = BooleanQuery::new(vec![
            (Occur::Must, Box::new(TermSetQuery::new(ids))),
            (
                Occur::Must,
                Box::new(self.matching((self.fields.exact, self.fields.exact_prefix), query, true)?),
            ),
        ]);
        for address in searcher.search(&exact, &DocSetCollector).map_err(failed("searching"))? {
            if let Some(hit) = found.get_mut(&address) {
                hit.exact = true;
            }
        }
        for (address, hit) in found.iter_mut() {
            let dates = searcher
                .segment_reader(address.segment_ord)
                .fast_fields()
                .i64(DATE)
                .map_err(failed("reading dates"))?;
            hit.date = dates.first(address.doc_id).unwrap_or(i64::MIN);
        }
        let mut ranked: Vec<Ranked> = found.into_values().collect();
        ranked.sort_by(|a, b| {
            b.exact
                .cmp(&a.exact)
                .then(b.tier.cmp(&a.tier))
                .then(b.date.cmp(&a.date))
                .then(b.id.cmp(&a.id))
        });
        Ok(ranked)
    }
}

impl SearchIndex {
    /// The newest `wanted` items of `kind` matching `query` (that readers
    /// may see at `now`, with `public_only`), as (id, address).
    ///
    /// A rebuild writes items newest first, so in its segments the first
    /// matches are the newest and the scan stops after `wanted` of them:
    /// a word found in every article costs what a rare one costs. Other
    /// segments (what the log added since, merges) are read to the end.
    fn newest(
        &self,
        searcher: &Searcher,
        query: &dyn tantivy::query::Query,
        kind: Kind,
        public_only: bool,
        now: i64,
        wanted: usize,
    ) -> StoreResult<Vec<(u64, DocAddress)>> {
        let wanted = wanted.max(1);
        let weight = query
            .weight(tantivy::query::EnableScoring::disabled_from_searcher(searcher))
            .map_err(failed("searching"))?;
        let mut top: std::collections::BinaryHeap<Reverse<(u64, DocAddress)>> = std::collections::BinaryHeap::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let Some(columns) = Columns::of(segment) else { continue };
            let descending = self.descending(segment, &columns);
            let alive = segment.alive_bitset();
            let mut scorer = weight.scorer(segment, 1.0).map_err(failed("searching"))?;
            let mut taken = 0usize;
            let mut doc = scorer.doc();
            while doc != tantivy::TERMINATED {
                let visible = alive.is_none_or(|a| a.is_alive(doc))
                    && columns.kinds.get_val(doc) == kind.code()
                    && (!public_only || columns.visible_from.get_val(doc) <= now);
                if visible {
                    let id = columns.ids.get_val(doc);
                    let entry = Reverse((id, DocAddress::new(ord as u32, doc)));
                    if top.len() < wanted {
                        top.push(entry);
                    } else if top.peek().is_some_and(|least| entry < *least) {
                        top.pop();
                        top.push(entry);
                    }
                    taken += 1;
                    if descending && taken >= wanted {
                        break;
                    }
                }
                doc = scorer.advance();
            }
        }
        let mut found: Vec<(u64, DocAddress)> = top.into_iter().map(|Reverse(e)| e).collect();
        found.sort_by_key(|e| Reverse(e.0));
        Ok(found)
    }

    /// Whether, for each kind, the ids of `segment` fall from its first
    /// document to its last (checked once per segment: segments never change).
    fn descending(&self, segment: &SegmentReader, columns: &Columns) -> bool {
        let id = segment.segment_id();
        let mut known = self.order.lock().unwrap_or_else(|p| p.into_inner());
        *known.entry(id).or_insert_with(|| {
            let mut last: std::collections::HashMap<u64, u64> = std::collections::HashMap::new();
            (0..segment.max_doc()).all(|doc| {
                let (kind, id) = (columns.kinds.get_val(doc), columns.ids.get_val(doc));
                let before = last.insert(kind, id);
                before.is_none_or(|before| before > id)
            })
        })
    }
}

/// The fast columns of a segment, each with one value per document.
struct Columns {
    ids: std::sync::Arc<dyn tantivy::columnar::ColumnValues<u64>>,
    kinds: std::sync::Arc<dyn tantivy::columnar::ColumnValues<u64>>,
    visible_from: std::sync::Arc<dyn tantivy::columnar::ColumnValues<i64>>,
}

impl Columns {
    fn of(segment: &SegmentReader) -> Option<Columns> {
        use tantivy::columnar::Cardinality;
        let fast = segment.fast_fields();
        let u64s = |name: &str| {
            fast.u64(name)
                .ok()
                .filter(|c| c.get_cardinality() == Cardinality::Full)
                .map(|c| c.values)
        };
        Some(Columns {
            ids: u64s("id")?,
            kinds: u64s(KIND)?,
            visible_from: fast
                .i64(VISIBLE_FROM)
                .ok()
                .filter(|c| c.get_cardinality() == Cardinality::Full)?
                .values,
        })
    }
}

/// A match, and what ranks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ranked {
    pub id: i64,
    /// Where the words were found: 3 title, 2 summary, 1 elsewhere.
    pub tier: u8,
    /// The words as written (tone marks in the same places) are in the
    /// title or summary.
    pub exact: bool,
    date: i64,
}

/// A word as a regex that matches only itself. Words are letters and
/// digits (and, lowercased, the odd combining mark): nothing is syntax, but
/// anything else is escaped all the same.
fn regex_literal(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if !c.is_alphanumeric() && c.is_ascii() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The writer that follows the log. What it adds is merged among itself,
/// never into a rebuilt segment (which would lose its newest-first order).
fn follower(index: &Index) -> tantivy::Result<IndexWriter> {
    let writer = index.writer_with_num_threads(1, FOLLOW_BUDGET)?;
    let mut policy = tantivy::indexer::LogMergePolicy::default();
    policy.set_max_docs_before_merge(FOLLOWED_SEGMENT_DOCS);
    writer.set_merge_policy(Box::new(policy));
    Ok(writer)
}

/// Segments the follower merges stay below this many items.
const FOLLOWED_SEGMENT_DOCS: usize = 20_000;

fn key(kind: Kind, id: i64) -> String {
    format!("{}:{id}", kind.name())
}

/// How many items of `kind` a rebuild writes: every row of its table.
fn count(conn: &mut Conn, kind: Kind) -> StoreResult<i64> {
    use crate::db::schema::{articles, documents, events, officials};
    Ok(match kind {
        Kind::Articles => articles::table.count().get_result(conn)?,
        Kind::Events => events::table.count().get_result(conn)?,
        Kind::Officials => officials::table.count().get_result(conn)?,
        Kind::Documents => documents::table.count().get_result(conn)?,
    })
}

/// Items as the index sees them: those in `ids`, or else those with an id
/// below `before`; at most `limit`, newest (highest id) first.
fn documents(conn: &mut Conn, kind: Kind, ids: Option<&[i64]>, before: i64, limit: i64) -> StoreResult<Vec<Document>> {
    use crate::db::schema::{articles, documents, events, officials, positions};
    Ok(match kind {
        Kind::Articles => {
            let mut q = articles::table
                .select((
                    articles::id,
                    articles::title,
                    articles::summary,
                    articles::body,
                    articles::status,
                    articles::published_at,
                ))
                .order(articles::id.desc())
                .limit(limit)
                .into_boxed::<crate::db::Backend>();
            q = match ids {
                Some(ids) => q.filter(articles::id.eq_any(ids.to_vec())),
                None => q.filter(articles::id.lt(before)),
            };
            type Row = (
                i64,
                String,
                Option<String>,
                String,
                String,
                Option<chrono::NaiveDateTime>,
            );
            q.load::<Row>(conn)?
                .into_iter()
                .map(|(id, title, summary, body, status, published_at)| Document {
                    kind,
                    id,
                    date: published_at,
                    visible_from: match published_at {
                        Some(at) if crate::articles::model::VISIBLE_STATUSES.contains(&status.as_str()) => {
                            at.and_utc().timestamp()
                        }
                        _ => NEVER,
                    },
                    title,
                    summary: summary.unwrap_or_default(),
                    texts: vec![crate::text::html::plain_text(&body)],
                })
                .collect()
        }
        Kind::Events => {
            let mut q = events::table
                .select((
                    events::id,
                    events::title,
                    events::title_en,
                    events::description,
                    events::location,
                    events::starts_at,
                ))
                .order(events::id.desc())
                .limit(limit)
                .into_boxed::<crate::db::Backend>();
            q = match ids {
                Some(ids) => q.filter(events::id.eq_any(ids.to_vec())),
                None => q.filter(events::id.lt(before)),
            };
            type Row = (
                i64,
                String,
                Option<String>,
                Option<String>,
                Option<String>,
                chrono::NaiveDateTime,
            );
            q.load::<Row>(conn)?
                .into_iter()
                .map(|(id, title, title_en, description, location, starts_at)| Document {
                    kind,
                    id,
                    date: Some(starts_at),
                    visible_from: ALWAYS,
                    title: event_titles(&title, title_en.as_deref()),
                    summary: String::new(),
                    texts: vec![event_text(description.as_deref(), location.as_deref())],
                })
                .collect()
        }
        Kind::Officials => {
            let mut q = officials::table
                .select((officials::id, officials::full_name))
                .order(officials::id.desc())
                .limit(limit)
                .into_boxed::<crate::db::Backend>();
            q = match ids {
                Some(ids) => q.filter(officials::id.eq_any(ids.to_vec())),
                None => q.filter(officials::id.lt(before)),
            };
            let people: Vec<(i64, String)> = q.load(conn)?;
            let ids: Vec<i64> = people.iter().map(|(id, _)| *id).collect();
            let titles: Vec<(i64, String)> = positions::table
                .filter(positions::official_id.eq_any(&ids))
                .select((positions::official_id, positions::title))
                .order((positions::official_id, positions::id))
                .load(conn)?;
            people
                .into_iter()
                .map(|(id, name)| Document {
                    kind,
                    id,
                    date: None,
                    visible_from: ALWAYS,
                    title: name,
                    summary: String::new(),
                    texts: vec![titles
                        .iter()
                        .filter(|(o, _)| *o == id)
                        .map(|(_, t)| t.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")],
                })
                .collect()
        }
        Kind::Documents => {
            let mut q = documents::table
                .select((
                    documents::id,
                    documents::number,
                    documents::summary,
                    documents::field,
                    documents::issuer_name,
                    documents::signer_name,
                    documents::issued_on,
                ))
                .order(documents::id.desc())
                .limit(limit)
                .into_boxed::<crate::db::Backend>();
            q = match ids {
                Some(ids) => q.filter(documents::id.eq_any(ids.to_vec())),
                None => q.filter(documents::id.lt(before)),
            };
            type Row = (
                i64,
                String,
                String,
                Option<String>,
                Option<String>,
                Option<String>,
                chrono::NaiveDate,
            );
            q.load::<Row>(conn)?
                .into_iter()
                .map(|(id, number, abstract_, field, issuer, signer, issued_on)| Document {
                    kind,
                    id,
                    date: issued_on.and_hms_opt(0, 0, 0),
                    visible_from: ALWAYS,
                    title: document_title(&number, &abstract_),
                    summary: String::new(),
                    texts: vec![[field, issuer, signer]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" ")],
                })
                .collect()
        }
    })
}

/// A document's title as indexed: its number (however typed, the words
/// match) and its abstract, which is what a document is called.
pub fn document_title(number: &str, abstract_: &str) -> String {
    format!("{number} {abstract_}")
}

/// The text an event's titles are indexed under (Vietnamese and English).
pub fn event_titles(title: &str, title_en: Option<&str>) -> String {
    format!("{title} {}", title_en.unwrap_or(""))
}

pub fn event_text(description: Option<&str>, location: Option<&str>) -> String {
    format!("{} {}", description.unwrap_or(""), location.unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<(String, usize)> {
        tokens_of(Folding::default(), text)
    }

    fn tokens_of(mut t: Folding, text: &str) -> Vec<(String, usize)> {
        let mut stream = t.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push((stream.token().text.clone(), stream.token().position));
        }
        out
    }

    #[test]
    fn folds_then_splits_into_words_with_positions() {
        assert_eq!(
            tokens("Đường  Nguyễn-Du, số 5"),
            vec![
                ("duong".to_string(), 0),
                ("nguyen".to_string(), 1),
                ("du".to_string(), 2),
                ("so".to_string(), 3),
                ("5".to_string(), 4)
            ]
        );
        let long = "a".repeat(MAX_WORD_BYTES + 1);
        assert_eq!(tokens(&format!("x {long} y")), vec![("x".into(), 0), ("y".into(), 2)]);
        assert!(tokens("  !! ").is_empty());
    }

    #[test]
    fn prefix_tokens_are_the_starts_of_every_word() {
        let prefixes = |exact| Folding {
            exact,
            prefixes: true,
            ..Folding::default()
        };
        let texts = |t: Vec<(String, usize)>| t.into_iter().map(|(w, _)| w).collect::<Vec<_>>();
        assert_eq!(
            texts(tokens_of(prefixes(false), "Đà Nẵng")),
            ["d", "da", "n", "na", "nan"]
        );
        assert_eq!(
            texts(tokens_of(prefixes(true), "Đà Nẵng")),
            ["đ", "đà", "n", "nẵ", "nẵn"]
        );
        assert!(tokens_of(prefixes(false), " , ").is_empty());
    }

    fn article(id: i64, title: &str, visible: bool) -> Document {
        Document {
            kind: Kind::Articles,
            id,
            date: None,
            visible_from: if visible { ALWAYS } else { NEVER },
            title: title.into(),
            summary: String::new(),
            texts: vec![],
        }
    }

    #[test]
    fn the_newest_matches_come_first_from_every_segment() {
        let dir = tempfile::tempdir().unwrap();
        let index = SearchIndex::open(&dir.path().join("i")).unwrap();
        let mut w = index.writer.lock().unwrap();
        let mark = Mark {
            generation: 1,
            applied: 1,
        };
        // A rebuilt segment, newest first (every fifth one hidden), then
        // what the log added later, oldest first, and an edit of an old one.
        let writer = w.writer.as_mut().unwrap();
        for id in (1..=300).rev() {
            writer
                .add_document(index.document(&article(id, "Hội nghị", id % 5 != 0)))
                .unwrap();
        }
        let Writer { writer, mark: at } = &mut *w;
        index.commit(writer.as_mut().unwrap(), at, mark).unwrap();
        let writer = w.writer.as_mut().unwrap();
        for id in 301..=303 {
            writer
                .add_document(index.document(&article(id, "Hội nghị", true)))
                .unwrap();
        }
        writer.delete_term(Term::from_field_text(index.fields.key, &key(Kind::Articles, 299)));
        writer
            .add_document(index.document(&article(299, "Hội nghị mới", true)))
            .unwrap();
        let Writer { writer, mark: at } = &mut *w;
        index.commit(writer.as_mut().unwrap(), at, mark).unwrap();
        drop(w);
        let query = Query::parse("hoi nghi ").unwrap();
        let now = chrono::Utc::now().naive_utc();
        let ids = |public_only| {
            index
                .rank(Kind::Articles, &query, public_only, now, 6)
                .unwrap()
                .iter()
                .map(|r| r.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(true), [303, 302, 301, 299, 298, 297]);
        assert_eq!(ids(false), [303, 302, 301, 300, 299, 298]);
    }

    #[test]
    fn a_second_process_takes_the_next_free_index() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("search-index");
        let first = SearchIndex::open(&base).unwrap();
        assert_eq!(first.dir(), base);
        let second = SearchIndex::open(&base).unwrap();
        assert_eq!(second.dir(), dir.path().join("search-index-2"));
        assert!(SearchIndex::open_exactly(&base).is_err());
        drop(first);
        assert_eq!(SearchIndex::open_exactly(&base).unwrap().dir(), base);
    }

    #[test]
    fn marks_round_trip_and_refuse_other_formats() {
        let m = Mark {
            generation: 7,
            applied: 42,
        };
        assert_eq!(Mark::parse(&m.payload()), Some(m));
        assert_eq!(Mark::parse("bantin-search-0 7 42"), None);
        assert_eq!(Mark::parse(""), None);
    }
}
