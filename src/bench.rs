//! `bantin bench-seed`: a synthetic portal for the load benchmark
//! (`bench/run.sh`) whose text reads statistically like Vietnamese: words
//! are syllables of a real list (Debian's `hunspell-vi`), drawn by a
//! Zipf–Mandelbrot law, so common words are common and rare ones rare, as
//! in news text. Articles have 3–5 KB bodies, a category, tags, and one a
//! minute going back from now. Besides the articles it writes the
//! benchmark's inputs: every slug (newest first), every category's slug,
//! and 2,000 search queries of the kinds people type.
//!
//! Rows go in with multi-row statements in large transactions, so a
//! million articles load in minutes.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use crate::articles::model::ArticleData;
use crate::changes::{Kind, Stamp, Touched};
use crate::db::schema::{article_tags, articles, categories, tags};
use crate::db::{write_tx, Conn};
use crate::progress::Progress;

/// The syllables of everyday Vietnamese news text, most frequent first (a
/// short head written out; the rest of the list follows in a fixed random
/// order).
const COMMON: &[&str] = &[
    "và",
    "của",
    "các",
    "là",
    "có",
    "được",
    "trong",
    "cho",
    "với",
    "người",
    "những",
    "không",
    "một",
    "đã",
    "này",
    "năm",
    "công",
    "tác",
    "thị",
    "xã",
    "nhân",
    "dân",
    "hội",
    "nghị",
    "đồng",
    "chí",
    "tỉnh",
    "phát",
    "triển",
    "kinh",
    "tế",
    "ban",
    "đảng",
    "ủy",
    "tổ",
    "chức",
    "thực",
    "hiện",
    "quản",
    "lý",
    "nhà",
    "nước",
    "xây",
    "dựng",
    "chính",
    "quyền",
    "tại",
    "về",
    "đến",
    "từ",
    "theo",
    "khi",
    "lãnh",
    "đạo",
    "cán",
    "bộ",
    "hoạt",
    "động",
    "sản",
    "xuất",
    "trường",
    "học",
    "sinh",
    "giáo",
    "dục",
    "văn",
    "hóa",
    "thể",
    "thao",
    "du",
    "lịch",
    "y",
    "dịch",
    "vụ",
    "kế",
    "hoạch",
    "tuyên",
    "truyền",
    "phường",
    "tháng",
    "ngày",
    "giao",
    "thông",
    "nông",
    "thôn",
    "mới",
    "đô",
    "môi",
];

/// Zipf–Mandelbrot: the k-th most frequent word has weight 1/(k + Q)^S.
const S: f64 = 1.07;
const Q: f64 = 2.7;

/// The vocabulary and its cumulative weights.
pub struct Corpus {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Corpus {
    /// Reads a hunspell dictionary (`vi_VN.dic`): one word a line, after a
    /// count; only lowercase syllables are kept.
    pub fn load(path: &Path, rng: &mut StdRng) -> anyhow::Result<Corpus> {
        let text = std::fs::read_to_string(path).with_context(|| {
            format!(
                "reading {} (the syllables of Debian's hunspell-vi: apt-get install hunspell-vi)",
                path.display()
            )
        })?;
        let mut rest: Vec<String> = text
            .lines()
            .skip(1)
            .map(|l| l.split('/').next().unwrap_or_default().trim().to_string())
            .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_alphabetic() && !c.is_uppercase()))
            .filter(|w| !COMMON.contains(&w.as_str()))
            .collect();
        if rest.len() < 1000 {
            bail!("{} holds only {} syllables", path.display(), rest.len());
        }
        rest.sort();
        rest.dedup();
        rest.shuffle(rng);
        let mut words: Vec<String> = COMMON.iter().map(|w| w.to_string()).collect();
        words.extend(rest);
        let mut total = 0.0;
        let cumulative = (0..words.len())
            .map(|k| {
                total += 1.0 / (k as f64 + 1.0 + Q).powf(S);
                total
            })
            .collect();
        Ok(Corpus { words, cumulative })
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The word of rank `k` (0 is the most frequent).
    pub fn ranked(&self, k: usize) -> &str {
        &self.words[k.min(self.words.len() - 1)]
    }

    /// A word drawn by its frequency.
    pub fn word(&self, rng: &mut StdRng) -> &str {
        let total = *self.cumulative.last().unwrap_or(&1.0);
        let x = rng.random::<f64>() * total;
        let k = self.cumulative.partition_point(|c| *c < x);
        self.ranked(k)
    }

    /// `n` words, the first capitalised.
    pub fn sentence(&self, rng: &mut StdRng, n: usize) -> String {
        let mut s = String::with_capacity(n * 7);
        for i in 0..n {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(self.word(rng));
        }
        capitalise(&s)
    }

    /// Paragraphs of sentences, about `bytes` long, as article HTML.
    pub fn body(&self, rng: &mut StdRng, bytes: usize) -> String {
        let mut html = String::with_capacity(bytes + 400);
        while html.len() < bytes {
            html.push_str("<p>");
            for _ in 0..rng.random_range(3..7) {
                let n = rng.random_range(10..24);
                html.push_str(&self.sentence(rng, n));
                html.push_str(". ");
            }
            html.push_str("</p>");
        }
        html
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The portal's sections, most used first.
const CATEGORIES: &[&str] = &[
    "Tin tức - Sự kiện",
    "Chính trị",
    "Kinh tế",
    "Văn hóa - Xã hội",
    "Thông báo",
    "Quốc phòng - An ninh",
    "Chuyển đổi số",
    "Gương người tốt việc tốt",
];

/// Where the benchmark's inputs go.
pub struct Outputs<'a> {
    pub slugs: &'a mut dyn Write,
    pub categories: &'a mut dyn Write,
    pub queries: &'a mut dyn Write,
}

/// What a query-writer keeps of the titles it has seen.
struct Titles {
    kept: Vec<Vec<String>>,
}

impl Titles {
    fn keep(&mut self, rng: &mut StdRng, title: &str, seen: usize) {
        let words: Vec<String> = title.split(' ').map(str::to_lowercase).collect();
        // Reservoir sampling: every title has the same chance to be asked of.
        if self.kept.len() < 4000 {
            self.kept.push(words);
        } else {
            let i = rng.random_range(0..=seen);
            if i < self.kept.len() {
                self.kept[i] = words;
            }
        }
    }
}

/// 2,000 queries of five kinds, 400 each, URL-encoded, one a line: one
/// frequent word; one rare word; two words without tone marks; an exact
/// phrase in quotes; two words and the start of a third (still typing).
fn write_queries(out: &mut dyn Write, corpus: &Corpus, titles: &Titles, rng: &mut StdRng) -> anyhow::Result<()> {
    let encode = |q: &str| serde_urlencoded::to_string([("q", q)]).unwrap_or_default();
    let pick = |rng: &mut StdRng| -> Vec<String> {
        loop {
            let t = &titles.kept[rng.random_range(0..titles.kept.len())];
            if t.len() >= 4 {
                return t.clone();
            }
        }
    };
    for i in 0..2000 {
        let q = match i % 5 {
            0 => corpus.ranked(rng.random_range(0..40)).to_string(),
            1 => corpus.ranked(rng.random_range(1500..corpus.len())).to_string(),
            2 => {
                let t = pick(rng);
                let at = rng.random_range(0..t.len() - 1);
                crate::text::fold(&format!("{} {}", t[at], t[at + 1]))
            }
            3 => {
                let t = pick(rng);
                let at = rng.random_range(0..t.len() - 1);
                format!("\"{} {}\"", t[at], t[at + 1])
            }
            _ => {
                let t = pick(rng);
                let at = rng.random_range(0..t.len() - 2);
                let typed: String = t[at + 2].chars().take(rng.random_range(1..=3)).collect();
                format!("{} {} {typed}", t[at], t[at + 1])
            }
        };
        writeln!(out, "{}", encode(&q))?;
    }
    Ok(())
}

/// Inserts `count` published articles, one a minute going back from `now`,
/// with the portal's categories and a vocabulary of tags; writes the
/// benchmark's inputs to `out`, counting the articles in `progress`.
pub fn seed(
    conn: &mut Conn,
    dictionary: &Path,
    count: usize,
    now: NaiveDateTime,
    out: Outputs<'_>,
    progress: &Progress,
) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(20_220_719);
    let corpus = Corpus::load(dictionary, &mut rng)?;
    let stamp = Stamp::system(now);
    let (category_ids, tag_ids) = write_tx(conn, |conn| seed_terms(conn, &corpus, &mut rng, &stamp))
        .map_err(|e| anyhow::anyhow!("seeding the categories and tags: {e:?}"))?;
    for category in CATEGORIES {
        writeln!(out.categories, "{}", crate::text::slugify(category, 100))?;
    }

    let mut titles = Titles { kept: Vec::new() };
    let batch = 500;
    let mut done = 0;
    while done < count {
        let n = batch.min(count - done);
        let (rows, links) = article_batch(
            &mut rng,
            &corpus,
            &mut titles,
            done..done + n,
            now,
            &category_ids,
            &tag_ids,
            &mut *out.slugs,
        )?;
        write_tx(conn, |conn| insert_batch(conn, &rows, &links, &stamp))
            .map_err(|e| anyhow::anyhow!("seeding: {e:?}"))?;
        done += n;
        progress.inc(n as u64);
    }
    progress.finish();
    write_queries(out.queries, &corpus, &titles, &mut rng)?;
    Ok(())
}

/// The sections and 300 tags of two words each, as the change log knows them.
fn seed_terms(
    conn: &mut Conn,
    corpus: &Corpus,
    rng: &mut StdRng,
    stamp: &Stamp,
) -> crate::db::StoreResult<(Vec<i64>, Vec<i64>)> {
    let now = stamp.at;
    let mut category_ids = Vec::new();
    for (i, name) in CATEGORIES.iter().enumerate() {
        let slug = crate::text::slugify(name, 100);
        let id: i64 = diesel::insert_into(categories::table)
            .values((
                categories::slug.eq(&slug),
                categories::name.eq(*name),
                categories::created_at.eq(now),
                categories::updated_at.eq(now),
            ))
            .returning(categories::id)
            .get_result(conn)?;
        category_ids.push(id);
        crate::changes::store::record_one(
            conn,
            stamp,
            Kind::Categories,
            Touched::upsert(id, Some(slug), false, true),
        )?;
        let _ = i;
    }
    let mut tag_ids = Vec::new();
    let mut taken = std::collections::HashSet::new();
    while tag_ids.len() < 300 {
        let name = capitalise(&format!("{} {}", corpus.word(rng), corpus.word(rng)));
        let slug = crate::text::slugify(&name, 100);
        if slug.is_empty() || !taken.insert(slug.clone()) {
            continue;
        }
        let id: i64 = diesel::insert_into(tags::table)
            .values((
                tags::slug.eq(&slug),
                tags::name.eq(&name),
                tags::created_at.eq(now),
                tags::updated_at.eq(now),
            ))
            .returning(tags::id)
            .get_result(conn)?;
        tag_ids.push(id);
        crate::changes::store::record_one(conn, stamp, Kind::Tags, Touched::upsert(id, Some(slug), false, true))?;
    }
    Ok((category_ids, tag_ids))
}

/// The article row `seed` inserts, with its creation time.
type SeedRow = (ArticleData, diesel::dsl::Eq<articles::created_at, NaiveDateTime>);

/// The articles numbered `numbers` (their slugs written to `slugs`), and
/// the tags of each.
#[allow(clippy::too_many_arguments)]
fn article_batch(
    rng: &mut StdRng,
    corpus: &Corpus,
    titles: &mut Titles,
    numbers: std::ops::Range<usize>,
    now: NaiveDateTime,
    category_ids: &[i64],
    tag_ids: &[i64],
    slugs: &mut dyn Write,
) -> anyhow::Result<(Vec<SeedRow>, Vec<Vec<i64>>)> {
    let n = numbers.len();
    let mut rows = Vec::with_capacity(n);
    let mut links: Vec<Vec<i64>> = Vec::with_capacity(n);
    for i in numbers {
        let words = rng.random_range(8..16);
        let title = corpus.sentence(rng, words);
        titles.keep(rng, &title, i);
        let slug = format!("{}-{}", crate::text::slugify(&title, 80), i + 1);
        writeln!(slugs, "{slug}")?;
        let published_at = now - Duration::minutes(i as i64 + 1);
        // Categories and tags by rank too: the first sections and tags carry most.
        let category = category_ids[(rng.random::<f64>().powi(2) * category_ids.len() as f64) as usize];
        let mut article_tags: Vec<i64> = (0..rng.random_range(0..4))
            .map(|_| tag_ids[(rng.random::<f64>().powi(3) * tag_ids.len() as f64) as usize])
            .collect();
        let mut seen = std::collections::HashSet::new();
        article_tags.retain(|t| seen.insert(*t));
        links.push(article_tags);
        let words = rng.random_range(25..40);
        let summary = corpus.sentence(rng, words);
        let size = rng.random_range(3000..5000);
        let body = corpus.body(rng, size);
        rows.push((
            ArticleData {
                slug,
                title,
                summary: Some(summary),
                body,
                cover_image: None,
                images: "[]".into(),
                byline: Some("Ban biên tập".into()),
                category_id: Some(category),
                status: "published".into(),
                published_at: Some(published_at),
                comments_enabled: true,
                updated_at: published_at,
            },
            articles::created_at.eq(published_at),
        ));
    }
    Ok((rows, links))
}

/// Inserts a batch of articles with their tags, as the change log knows them.
fn insert_batch(conn: &mut Conn, rows: &[SeedRow], links: &[Vec<i64>], stamp: &Stamp) -> crate::db::StoreResult<()> {
    let ids: Vec<i64> = crate::on_engine!(conn, c => diesel::insert_into(articles::table)
        .values(rows)
        .returning(articles::id)
        .get_results(c))?;
    let mut pairs = Vec::new();
    let mut touched = Vec::with_capacity(ids.len());
    for ((id, tags), row) in ids.iter().zip(links).zip(rows) {
        for (position, tag) in tags.iter().enumerate() {
            pairs.push((
                article_tags::article_id.eq(*id),
                article_tags::tag_id.eq(*tag),
                article_tags::position.eq(position as i32),
            ));
        }
        touched.push(Touched::upsert(*id, Some(row.0.slug.clone()), false, true));
    }
    crate::on_engine!(conn, c => diesel::insert_into(article_tags::table).values(&pairs).execute(c))?;
    crate::changes::store::record(conn, stamp, Kind::Articles, &touched)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn common_words_are_common_and_rare_ones_rare() {
        let dir = tempfile::tempdir().unwrap();
        let dic = dir.path().join("vi.dic");
        let mut text = String::from("3000\n");
        for i in 0..3000 {
            text.push_str(&format!(
                "từ{}\n",
                char::from_u32(0x61 + (i % 26))
                    .unwrap()
                    .to_string()
                    .repeat(1 + i as usize / 26)
            ));
        }
        std::fs::write(&dic, text).unwrap();
        let mut rng = StdRng::seed_from_u64(1);
        let corpus = Corpus::load(&dic, &mut rng).unwrap();
        let mut counts: HashMap<String, usize> = HashMap::new();
        for _ in 0..100_000 {
            *counts.entry(corpus.word(&mut rng).to_string()).or_default() += 1;
        }
        let first = counts[corpus.ranked(0)];
        let hundredth = counts.get(corpus.ranked(100)).copied().unwrap_or(0);
        assert!(first > 20 * hundredth.max(1), "rank 1: {first}, rank 101: {hundredth}");
        assert!(counts.len() > 1500, "a long tail: {} distinct words", counts.len());
    }
}
