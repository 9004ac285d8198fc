//! Progress of long work (`bantin export`, `import`, `backup`, the search
//! rebuild, `bench-seed`): a bar with rate and time left when standard error
//! is a terminal (`indicatif`), and a plain log line every ten seconds when
//! it is not (a pipe, a systemd journal, CI). The server's own rebuild only
//! logs: its output is a log.
//!
//! The work reports what it has done with [`Progress::inc`] or
//! [`Progress::set`]; a [`Progress::hidden`] one (the tests, the library
//! called from elsewhere) shows nothing and counts nothing.

use std::io::{BufRead, IsTerminal, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// How often a log line is written when there is no bar.
const LOG_EVERY: Duration = Duration::from_secs(10);

/// What is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Things, named in the plural ("rows", "articles").
    Items(&'static str),
    /// Bytes, shown as kB/MB/GB.
    Bytes,
}

/// A handle on one piece of long work's progress; cheap to clone and to
/// share between threads.
#[derive(Clone)]
pub struct Progress {
    inner: Option<Arc<Inner>>,
}

struct Inner {
    what: String,
    unit: Unit,
    /// 0 while unknown.
    total: AtomicU64,
    done: AtomicU64,
    started: Instant,
    shown: Shown,
}

enum Shown {
    Bar(ProgressBar),
    Log { last: Mutex<Instant> },
}

impl Progress {
    /// Shows nothing.
    pub fn hidden() -> Progress {
        Progress { inner: None }
    }

    /// A bar on a terminal, log lines otherwise. `total` is how much there
    /// is to do, when known (else a spinner, and no time left).
    pub fn start(what: &str, unit: Unit, total: Option<u64>) -> Progress {
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
            bar.set_style(style(unit, total.is_some()));
            bar.set_message(what.to_string());
            bar.enable_steady_tick(Duration::from_millis(200));
            Progress::with(what, unit, total, Shown::Bar(bar))
        } else {
            Progress::logged(what, unit, total)
        }
    }

    /// Log lines only, wherever standard error goes.
    pub fn logged(what: &str, unit: Unit, total: Option<u64>) -> Progress {
        Progress::with(
            what,
            unit,
            total,
            Shown::Log {
                last: Mutex::new(Instant::now()),
            },
        )
    }

    fn with(what: &str, unit: Unit, total: Option<u64>, shown: Shown) -> Progress {
        Progress {
            inner: Some(Arc::new(Inner {
                what: what.to_string(),
                unit,
                total: AtomicU64::new(total.unwrap_or(0)),
                done: AtomicU64::new(0),
                started: Instant::now(),
                shown,
            })),
        }
    }

    /// Says how much there is to do, once it is known.
    pub fn set_total(&self, total: u64) {
        let Some(inner) = &self.inner else { return };
        inner.total.store(total, Ordering::Relaxed);
        if let Shown::Bar(bar) = &inner.shown {
            if bar.length().is_none() {
                bar.set_style(style(inner.unit, true));
            }
            bar.set_length(total);
        }
    }

    /// `n` more done.
    pub fn inc(&self, n: u64) {
        let Some(inner) = &self.inner else { return };
        let done = inner.done.fetch_add(n, Ordering::Relaxed) + n;
        inner.show(done);
    }

    /// `done` done in all (for work measured from outside, such as the size
    /// of a file being written).
    pub fn set(&self, done: u64) {
        let Some(inner) = &self.inner else { return };
        inner.done.store(done, Ordering::Relaxed);
        inner.show(done);
    }

    /// How much has been reported done.
    pub fn done(&self) -> u64 {
        self.inner.as_ref().map_or(0, |i| i.done.load(Ordering::Relaxed))
    }

    /// The work is over: the bar goes (the command then says what it did).
    pub fn finish(&self) {
        if let Some(Inner {
            shown: Shown::Bar(bar), ..
        }) = self.inner.as_deref()
        {
            bar.finish_and_clear();
        }
    }

    /// `reader`, counting the bytes read from it.
    pub fn reader<R>(&self, reader: R) -> Reading<R> {
        Reading {
            reader,
            progress: self.clone(),
        }
    }
}

impl Inner {
    fn show(&self, done: u64) {
        match &self.shown {
            Shown::Bar(bar) => bar.set_position(done),
            Shown::Log { last } => {
                let mut last = last.lock().unwrap_or_else(|p| p.into_inner());
                if last.elapsed() < LOG_EVERY {
                    return;
                }
                *last = Instant::now();
                let total = self.total.load(Ordering::Relaxed);
                let elapsed = self.started.elapsed();
                let line = describe(&self.what, self.unit, done, (total > 0).then_some(total), elapsed);
                let per_second = done as f64 / elapsed.as_secs_f64().max(1e-3);
                tracing::info!(target: "bantin::progress", what = %self.what, done, total, per_second, "{line}");
            }
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Shown::Bar(bar) = &self.shown {
            if !bar.is_finished() {
                bar.abandon();
            }
        }
    }
}

fn style(unit: Unit, known: bool) -> ProgressStyle {
    let template = match (unit, known) {
        (Unit::Items(name), true) => {
            format!(
                "{{msg}} [{{elapsed_precise}}] {{wide_bar}} {{human_pos}}/{{human_len}} {name}, {{rate}}, ETA {{eta}}"
            )
        }
        (Unit::Items(name), false) => {
            format!("{{spinner}} {{msg}} [{{elapsed_precise}}] {{human_pos}} {name}, {{rate}}")
        }
        (Unit::Bytes, true) => {
            "{msg} [{elapsed_precise}] {wide_bar} {decimal_bytes}/{decimal_total_bytes}, {decimal_bytes_per_sec}, ETA {eta}".to_string()
        }
        (Unit::Bytes, false) => "{spinner} {msg} [{elapsed_precise}] {decimal_bytes}, {decimal_bytes_per_sec}".to_string(),
    };
    // The templates above are constants of this file: a typo is a bug
    // the first run shows, and the bar falls back to the default style.
    ProgressStyle::with_template(&template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .with_key("rate", |state: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.0}/s", state.per_sec());
        })
}

/// One log line: "export: 120000 of 450000 rows (26%), 24000 rows/s, about
/// 14 s left".
pub fn describe(what: &str, unit: Unit, done: u64, total: Option<u64>, elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64().max(1e-3);
    let rate = done as f64 / seconds;
    let amount = |n: u64| match unit {
        Unit::Items(_) => n.to_string(),
        Unit::Bytes => bytes(n),
    };
    let (name, per) = match unit {
        Unit::Items(name) => (format!(" {name}"), format!("{rate:.0} {name}/s")),
        Unit::Bytes => (String::new(), format!("{}/s", bytes(rate as u64))),
    };
    match total {
        Some(total) if total > 0 => {
            let percent = (done.min(total) as f64 * 100.0 / total as f64).floor();
            let left = if done == 0 || done >= total {
                String::new()
            } else {
                let seconds_left = (total - done) as f64 / rate.max(1e-9);
                format!(", about {} left", duration(seconds_left))
            };
            format!(
                "{what}: {} of {}{name} ({percent:.0}%), {per}{left}",
                amount(done),
                amount(total)
            )
        }
        _ => format!("{what}: {}{name} so far, {per}", amount(done)),
    }
}

fn bytes(n: u64) -> String {
    match n {
        n if n >= 1_000_000_000 => format!("{:.1} GB", n as f64 / 1e9),
        n if n >= 1_000_000 => format!("{:.1} MB", n as f64 / 1e6),
        n if n >= 1_000 => format!("{:.1} kB", n as f64 / 1e3),
        n => format!("{n} B"),
    }
}

fn duration(seconds: f64) -> String {
    let s = seconds.round() as u64;
    match s {
        s if s >= 3600 => format!("{} h {} min", s / 3600, s % 3600 / 60),
        s if s >= 60 => format!("{} min {} s", s / 60, s % 60),
        s => format!("{s} s"),
    }
}

/// A reader that reports the bytes read through it ([`Progress::reader`]).
pub struct Reading<R> {
    reader: R,
    progress: Progress,
}

impl<R: Read> Read for Reading<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.reader.read(buf)?;
        self.progress.inc(n as u64);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Reading<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.reader.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        self.reader.consume(amt);
        self.progress.inc(amt as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_line_says_how_far_how_fast_and_how_long_is_left() {
        let line = describe(
            "export",
            Unit::Items("rows"),
            120_000,
            Some(480_000),
            Duration::from_secs(5),
        );
        assert_eq!(
            line,
            "export: 120000 of 480000 rows (25%), 24000 rows/s, about 15 s left"
        );
        let line = describe(
            "backup",
            Unit::Bytes,
            12_500_000,
            Some(50_000_000),
            Duration::from_secs(5),
        );
        assert_eq!(line, "backup: 12.5 MB of 50.0 MB (25%), 2.5 MB/s, about 15 s left");
        let line = describe("backup", Unit::Bytes, 2_500_000, None, Duration::from_secs(2));
        assert_eq!(line, "backup: 2.5 MB so far, 1.2 MB/s");
        let line = describe(
            "seed",
            Unit::Items("articles"),
            1_000,
            Some(1_000_000),
            Duration::from_secs(1),
        );
        assert_eq!(
            line,
            "seed: 1000 of 1000000 articles (0%), 1000 articles/s, about 16 min 39 s left"
        );
    }

    #[test]
    fn a_reader_counts_what_is_consumed() {
        let progress = Progress::logged("import", Unit::Bytes, Some(11));
        let mut lines = progress
            .reader(std::io::Cursor::new(b"one\ntwo\nthree".to_vec()))
            .lines();
        assert_eq!(lines.next().unwrap().unwrap(), "one");
        assert_eq!(progress.done(), 4);
        assert_eq!(lines.count(), 2);
        assert_eq!(progress.done(), 13);
        let hidden = Progress::hidden();
        hidden.inc(5);
        assert_eq!(hidden.done(), 0);
    }
}
