//! `bantin backup FILE` and `bantin restore FILE`: a consistent copy of a
//! live SQLite database, made while the service runs, and bringing one back.
//!
//! The copy is SQLite's `VACUUM INTO`: one read transaction, so it is the
//! database as of one moment (every write committed before it began, none
//! half-made), compacted, with writers going on meanwhile (WAL mode). On
//! PostgreSQL the tool made for it is `pg_dump`: bantin runs it when it is
//! on the `PATH`, and says how otherwise. Media files are not in the
//! database: back up `$BANTIN_DATA_DIR/media` (or the bucket) beside it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{bail, Context};
use diesel::connection::SimpleConnection;
use diesel::Connection;

use crate::config::Config;
use crate::db::Engine;
use crate::progress::Progress;

/// What a backup made.
#[derive(Debug)]
pub struct Made {
    pub file: PathBuf,
    pub bytes: u64,
    pub seconds: f64,
}

/// Copies the database `config` names into `file`, which must not exist,
/// reporting the bytes written to `progress` (for SQLite, out of the size
/// of the database's pages in use; pg_dump's output has no known size).
pub fn backup(config: &Config, file: &Path, progress: &Progress) -> anyhow::Result<Made> {
    if file.exists() {
        bail!("{} exists: bantin never overwrites a backup", file.display());
    }
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        bail!(
            "the directory {} does not exist: create it first (mkdir -p {})",
            dir.display(),
            dir.display()
        );
    }
    let started = std::time::Instant::now();
    let copied = watching(file, progress, || copy(config, file, progress));
    progress.finish();
    copied?;
    restrict(file)?;
    Ok(Made {
        file: file.to_path_buf(),
        bytes: std::fs::metadata(file)?.len(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Runs `work` while a thread reports the size of `file` to `progress`
/// four times a second.
fn watching<T>(file: &Path, progress: &Progress, work: impl FnOnce() -> T) -> T {
    let over = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let watcher = scope.spawn(|| {
            while !over.load(Ordering::Relaxed) {
                if let Ok(meta) = std::fs::metadata(file) {
                    progress.set(meta.len());
                }
                std::thread::park_timeout(Duration::from_millis(250));
            }
        });
        let result = work();
        over.store(true, Ordering::Relaxed);
        watcher.thread().unpark();
        result
    })
}

fn copy(config: &Config, file: &Path, progress: &Progress) -> anyhow::Result<()> {
    match crate::db::parse_url(&config.database_url)? {
        Engine::Sqlite { path } => {
            if !Path::new(&path).exists() {
                bail!("no database at {path}");
            }
            let mut conn = diesel::SqliteConnection::establish(&path).with_context(|| format!("opening {path}"))?;
            // Writers hold the lock for milliseconds; wait for them rather than fail.
            conn.batch_execute("PRAGMA busy_timeout = 30000;")?;
            progress.set_total(pages_in_use(&mut conn)?);
            let target = file.to_string_lossy().replace('\'', "''");
            conn.batch_execute(&format!("VACUUM INTO '{target}'"))
                .with_context(|| format!("copying {path} into {}", file.display()))?;
        }
        Engine::Postgres { url } => {
            let status = std::process::Command::new("pg_dump")
                .args(["--format=custom", "--no-owner", "--file"])
                .arg(file)
                .arg(&url)
                .status();
            match status {
                Ok(s) if s.success() => {}
                Ok(s) => bail!("pg_dump failed ({s})"),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
                    "on PostgreSQL, back up with pg_dump (not found on the PATH): \
                     pg_dump --format=custom --file {} \"$BANTIN_DATABASE_URL\"; restore with pg_restore",
                    file.display()
                ),
                Err(e) => bail!("running pg_dump: {e}"),
            }
        }
    }
    Ok(())
}

/// The bytes of a SQLite database's pages in use: about what `VACUUM INTO`
/// writes.
fn pages_in_use(conn: &mut diesel::SqliteConnection) -> anyhow::Result<u64> {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Size {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        bytes: i64,
    }
    let size: Size = diesel::sql_query(
        "SELECT (page_count - freelist_count) * page_size AS bytes \
         FROM pragma_page_count(), pragma_freelist_count(), pragma_page_size()",
    )
    .get_result(conn)?;
    Ok(size.bytes.max(0) as u64)
}

/// A backup holds password hashes and commenters' addresses: its owner only.
fn restrict(file: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// The file every server on a SQLite database holds a shared lock on while
/// it runs ([`hold`]); a restore takes it exclusively.
pub fn lock_path(database: &str) -> String {
    format!("{database}.lock")
}

/// Taken by a server at start, for as long as it runs: a restore then
/// refuses to replace the database under it.
pub fn hold(database: &str) -> anyhow::Result<std::fs::File> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock_path(database))
        .with_context(|| format!("opening {}", lock_path(database)))?;
    match file.try_lock_shared() {
        Ok(()) => Ok(file),
        Err(_) => bail!("{database} is being restored: start the service when the restore is done"),
    }
}

/// Puts a SQLite backup in place of the database `config` names (stop the
/// service first). The backup is checked (`PRAGMA integrity_check`) before
/// anything is touched; the database it replaces is kept beside it as
/// `<name>.before-restore`; the search index is dropped, to be rebuilt from
/// the restored database at the next start.
pub fn restore(config: &Config, file: &Path) -> anyhow::Result<PathBuf> {
    let Engine::Sqlite { path } = crate::db::parse_url(&config.database_url)? else {
        bail!("on PostgreSQL, restore a pg_dump backup with pg_restore --clean --dbname \"$BANTIN_DATABASE_URL\" FILE");
    };
    let mut header = [0u8; 16];
    std::fs::File::open(file)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut header))
        .with_context(|| format!("reading {}", file.display()))?;
    if &header != b"SQLite format 3\0" {
        bail!("{} is not a SQLite database", file.display());
    }
    {
        let source = file.to_string_lossy();
        let mut check = diesel::SqliteConnection::establish(&source).with_context(|| format!("opening {source}"))?;
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Text)]
            integrity_check: String,
        }
        let rows: Vec<Row> = diesel::sql_query("PRAGMA integrity_check").load(&mut check)?;
        if rows.len() != 1 || rows[0].integrity_check != "ok" {
            bail!("{} is not a sound SQLite database", file.display());
        }
    }
    let target = PathBuf::from(&path);
    // Refuse while a server holds the database (its WAL would be lost), and
    // keep servers from starting until the restore is done.
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock_path(&path))?;
    if lock.try_lock().is_err() {
        bail!("{path} is in use: stop the service before restoring");
    }
    if target.exists() {
        let kept = PathBuf::from(format!("{path}.before-restore"));
        std::fs::rename(&target, &kept).with_context(|| format!("moving {path} aside"))?;
    }
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
    std::fs::copy(file, &target).with_context(|| format!("copying {} to {path}", file.display()))?;
    restrict(&target)?;
    // The log goes back to the backup's moment and its numbers will be
    // drawn again: a new epoch, so that every sync token from before is
    // answered 410 instead of silently missing what comes next.
    {
        let pool = crate::db::connect(&path, 1, std::time::Duration::from_secs(30))
            .with_context(|| format!("opening the restored {path}"))?;
        let mut conn = pool.get()?;
        crate::changes::store::new_epoch(&mut conn)
            .map_err(|e| anyhow::anyhow!("starting a new epoch of the change log: {e:?}"))?;
    }
    drop(lock);
    if config.search_dir.exists() {
        std::fs::remove_dir_all(&config.search_dir)
            .with_context(|| format!("removing the search index {}", config.search_dir.display()))?;
    }
    Ok(target)
}
