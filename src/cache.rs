//! The store of the response cache (see [`crate::web::response_cache`] for
//! what it keeps and when): entries bounded by bytes, a generation that a
//! public change moves, and the encodings answers are kept in.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use actix_web::http::header::{HeaderName, HeaderValue};
use bytes::Bytes;

/// How long an entry may be served: what the counters pages embed may lag.
pub const TIME_TO_LIVE: Duration = Duration::from_secs(5);

/// An article detail counts a view for anonymous readers, cached or not:
/// the handler says which article a response shows.
#[derive(Debug, Clone, Copy)]
pub struct CountsView(pub i64);

/// A stored answer.
pub struct Entry {
    pub generation: u64,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub etag: Option<HeaderValue>,
    pub body: Bytes,
    pub view: Option<i64>,
}

/// The cache: entries, and the generation they belong to (a public change
/// starts a new one).
pub struct ResponseCache {
    entries: moka::sync::Cache<String, Arc<Entry>>,
    generation: AtomicU64,
    /// The last public change of this process taken in.
    seen_local: AtomicU64,
    signal: Arc<crate::db::signal::Signal>,
    /// Where the log of public changes stood when last read (-1: not read
    /// yet, and nothing is kept until it is: a change made elsewhere before
    /// would go unseen).
    followed: std::sync::atomic::AtomicI64,
    pub hits: AtomicU64,
    pub misses: AtomicU64,
}

impl ResponseCache {
    /// A cache of at most `megabytes` MiB, or `None` for none.
    pub fn new(megabytes: u64, signal: Arc<crate::db::signal::Signal>) -> Option<ResponseCache> {
        (megabytes > 0).then(|| ResponseCache {
            entries: moka::sync::Cache::builder()
                .max_capacity(megabytes * 1024 * 1024)
                .weigher(|key: &String, entry: &Arc<Entry>| {
                    let headers: usize = entry.headers.iter().map(|(n, v)| n.as_str().len() + v.len()).sum();
                    (key.len() + entry.body.len() + headers + 256).min(u32::MAX as usize) as u32
                })
                .time_to_live(TIME_TO_LIVE)
                .build(),
            generation: AtomicU64::new(0),
            seen_local: AtomicU64::new(signal.public_seq()),
            signal,
            followed: std::sync::atomic::AtomicI64::new(-1),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        })
    }

    /// Hits, misses, and the bytes held now (for `/metrics`).
    pub fn stats(&self) -> (u64, u64, u64) {
        self.entries.run_pending_tasks();
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
            self.entries.weighted_size(),
        )
    }

    /// Forgets every entry: the public content changed.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.entries.invalidate_all();
    }

    /// The current generation, after taking in this process's own writes.
    pub fn generation(&self) -> u64 {
        let local = self.signal.public_seq();
        if self.seen_local.swap(local, Ordering::SeqCst) != local {
            self.invalidate();
        }
        self.generation.load(Ordering::SeqCst)
    }

    pub fn get(&self, key: &str) -> Option<Arc<Entry>> {
        let generation = self.generation();
        self.entries.get(key).filter(|e| e.generation == generation)
    }

    pub fn put(&self, key: String, entry: Arc<Entry>) {
        // Not if the content changed while this answer was being made.
        if self.followed.load(Ordering::SeqCst) >= 0 && entry.generation == self.generation() {
            self.entries.insert(key, entry);
        }
    }

    /// Takes in where the log of public changes stands (at start, then as
    /// [`follow`] reads it): when it moved past what this process knows,
    /// every entry goes.
    pub fn followed(&self, position: i64) {
        let known = self
            .followed
            .load(Ordering::SeqCst)
            .max(self.signal.public_seq() as i64);
        let first = self.followed.load(Ordering::SeqCst) < 0;
        if !first && position > known {
            self.invalidate();
        }
        self.followed.fetch_max(position, Ordering::SeqCst);
    }

    /// (hits, misses) since start.
    pub fn counts(&self) -> (u64, u64) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }
}

/// How a body is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Gzip,
    Brotli,
    Zstd,
}

impl Encoding {
    pub fn name(self) -> Option<&'static str> {
        match self {
            Encoding::Identity => None,
            Encoding::Gzip => Some("gzip"),
            Encoding::Brotli => Some("br"),
            Encoding::Zstd => Some("zstd"),
        }
    }

    /// What an `ETag` gets for this encoding: each representation its own.
    pub fn tag(self) -> &'static str {
        match self {
            Encoding::Identity => "",
            Encoding::Gzip => ".gz",
            Encoding::Brotli => ".br",
            Encoding::Zstd => ".zst",
        }
    }

    /// The encoding `Accept-Encoding` prefers among ours: brotli, then
    /// zstd, then gzip (ties by that order), none for `q=0` or nothing.
    pub fn negotiate(accept: Option<&str>) -> Encoding {
        let Some(accept) = accept else {
            return Encoding::Identity;
        };
        let mut best = (0.0f32, 0u8, Encoding::Identity);
        for part in accept.split(',') {
            let mut pieces = part.split(';');
            let name = pieces.next().unwrap_or_default().trim().to_ascii_lowercase();
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let (encoding, rank) = match name.as_str() {
                "br" => (Encoding::Brotli, 3),
                "zstd" => (Encoding::Zstd, 2),
                "gzip" | "x-gzip" => (Encoding::Gzip, 1),
                _ => continue,
            };
            if q > 0.0 && (q, rank) > (best.0, best.1) {
                best = (q, rank, encoding);
            }
        }
        best.2
    }

    pub fn compress(self, body: &[u8]) -> Option<Vec<u8>> {
        match self {
            Encoding::Identity => None,
            Encoding::Gzip => {
                let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
                encoder.write_all(body).ok()?;
                encoder.finish().ok()
            }
            Encoding::Brotli => {
                let mut out = Vec::new();
                let params = brotli::enc::BrotliEncoderParams {
                    quality: 5,
                    lgwin: 22,
                    ..Default::default()
                };
                brotli::BrotliCompress(&mut &body[..], &mut out, &params).ok()?;
                Some(out)
            }
            Encoding::Zstd => zstd::bulk::compress(body, 3).ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_chosen_by_quality_then_ours() {
        assert_eq!(Encoding::negotiate(None), Encoding::Identity);
        assert_eq!(Encoding::negotiate(Some("gzip, deflate, br")), Encoding::Brotli);
        assert_eq!(Encoding::negotiate(Some("gzip;q=1, br;q=0.5")), Encoding::Gzip);
        assert_eq!(Encoding::negotiate(Some("br;q=0, gzip")), Encoding::Gzip);
        assert_eq!(Encoding::negotiate(Some("zstd, gzip")), Encoding::Zstd);
        assert_eq!(Encoding::negotiate(Some("identity")), Encoding::Identity);
        assert_eq!(Encoding::negotiate(Some("*")), Encoding::Identity);
    }

    #[test]
    fn every_encoding_round_trips() {
        let body = "Hội nghị giao ban 6 tháng đầu năm 2022 ".repeat(100);
        for encoding in [Encoding::Gzip, Encoding::Brotli, Encoding::Zstd] {
            let packed = encoding.compress(body.as_bytes()).unwrap();
            assert!(packed.len() < body.len() / 5, "{encoding:?}: {}", packed.len());
            let unpacked = match encoding {
                Encoding::Gzip => {
                    let mut out = Vec::new();
                    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&packed[..]), &mut out).unwrap();
                    out
                }
                Encoding::Brotli => {
                    let mut out = Vec::new();
                    brotli::BrotliDecompress(&mut &packed[..], &mut out).unwrap();
                    out
                }
                _ => zstd::bulk::decompress(&packed, body.len()).unwrap(),
            };
            assert_eq!(unpacked, body.as_bytes());
        }
    }
}
