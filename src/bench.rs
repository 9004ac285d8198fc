//! `bantin bench-seed`: synthetic articles for the load benchmark
//! (`bench/run.sh`). Vietnamese-looking titles and 3–5 KB bodies, written in
//! large transactions so that 100,000 articles load in minutes.

use crate::changes::{Kind, Stamp, Touched};
use std::io::Write;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::articles::model::ArticleData;
use crate::db::schema::articles;
use crate::db::{write_tx, Conn};

const WORDS: &[&str] = &[
    "hội nghị",
    "giao ban",
    "thị xã",
    "Hồng Lĩnh",
    "Thường trực",
    "Thị ủy",
    "Mặt trận",
    "Tổ quốc",
    "đoàn thể",
    "nhân dân",
    "phong trào",
    "thi đua",
    "yêu nước",
    "an sinh",
    "xã hội",
    "nông thôn mới",
    "đô thị",
    "văn minh",
    "kinh tế",
    "đầu tư",
    "hạ tầng",
    "giáo dục",
    "y tế",
    "phòng chống",
    "dịch bệnh",
    "cán bộ",
    "đảng viên",
    "chính quyền",
    "nghị quyết",
    "triển khai",
    "nhiệm vụ",
    "kết quả",
    "tháng đầu năm",
    "kế hoạch",
    "tuyên truyền",
    "vận động",
    "công trình",
    "phần việc",
    "kỷ niệm",
    "thành lập",
    "Hà Tĩnh",
    "phường",
    "Bắc Hồng",
    "Nam Hồng",
    "Đức Thuận",
    "Trung Lương",
    "Đậu Liêu",
    "Thuận Lộc",
    "lễ hội",
    "văn hóa",
];

fn sentence(rng: &mut StdRng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(WORDS[rng.random_range(0..WORDS.len())]);
    }
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => s,
    }
}

fn body(rng: &mut StdRng) -> String {
    let target = rng.random_range(3000..5000);
    let mut html = String::with_capacity(target + 200);
    while html.len() < target {
        html.push_str("<p>");
        for _ in 0..rng.random_range(3..6) {
            let n = rng.random_range(8..16);
            html.push_str(&sentence(rng, n));
            html.push_str(". ");
        }
        html.push_str("</p>");
    }
    html
}

/// Inserts `count` published articles, one a minute going back from `now`,
/// and writes their slugs (one a line) to `slugs_out`.
pub fn seed(conn: &mut Conn, count: usize, now: NaiveDateTime, slugs_out: &mut dyn Write) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(20_220_719);
    let batch = 1000;
    let mut done = 0;
    while done < count {
        let n = batch.min(count - done);
        let mut rows = Vec::with_capacity(n);
        for i in done..done + n {
            let words = rng.random_range(6..14);
            let title = sentence(&mut rng, words);
            let slug = format!("{}-{}", crate::text::slugify(&title, 100), i + 1);
            let published_at = now - Duration::minutes(i as i64 + 1);
            writeln!(slugs_out, "{slug}")?;
            let data = ArticleData {
                slug,
                title,
                summary: Some(sentence(&mut rng, 25)),
                body: body(&mut rng),
                cover_image: None,
                images: "[]".into(),
                byline: Some("Ban biên tập".into()),
                category_id: None,
                status: "published".into(),
                published_at: Some(published_at),
                comments_enabled: true,
                updated_at: published_at,
            };
            rows.push((data, articles::created_at.eq(published_at)));
        }
        write_tx(conn, |conn| -> crate::db::StoreResult<()> {
            let mut touched = Vec::with_capacity(rows.len());
            for (data, created_at) in &rows {
                let id: i64 = diesel::insert_into(articles::table)
                    .values((data, *created_at))
                    .returning(articles::id)
                    .get_result(conn)?;
                crate::search::store::index_article(conn, id, &data.title, data.summary.as_deref(), &data.body)?;
                touched.push(Touched::upsert(id, Some(data.slug.clone()), false, true));
            }
            crate::changes::store::record(conn, &Stamp::system(now), Kind::Articles, &touched)
        })
        .map_err(|e| anyhow::anyhow!("seeding: {e:?}"))?;
        done += n;
    }
    Ok(())
}
