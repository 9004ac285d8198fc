//! The `bantin` command line: serve, migrate, manage users, print the
//! OpenAPI document, load demo content, seed benchmark data.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};

use bantin::clock::{Clock, SystemClock};
use bantin::config::Config;
use bantin::progress::{Progress, Unit};
use bantin::startup::Application;
use bantin::users::model::NewUser;
use bantin::users::model::Role;

#[derive(Parser)]
#[command(
    name = "bantin",
    version,
    about = "Headless JSON/REST content API for Vietnamese municipal news portals"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default). Creates and migrates the database if needed.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Print the OpenAPI document (as committed in openapi/openapi.json).
    Openapi,
    /// Load the demo portal (Hồng Lĩnh town news). Safe to run twice.
    Demo,
    /// Write the whole site (the database at BANTIN_DATABASE_URL) as versioned
    /// NDJSON, to move it to another engine. See `src/transfer/mod.rs` for the format.
    Export {
        /// Write here instead of standard output (created readable by its owner only).
        #[arg(long, short)]
        output: Option<String>,
        /// Replace the output file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Load an export into an empty database (BANTIN_DATABASE_URL), all or nothing.
    Import {
        /// The export file; `-` or nothing reads standard input.
        file: Option<String>,
    },
    /// Copy the live database into FILE while the service runs (SQLite:
    /// VACUUM INTO, one consistent moment; PostgreSQL: pg_dump). Media files
    /// are not in it: back up the media directory or bucket beside it.
    Backup {
        /// Where to write the copy (must not exist).
        file: std::path::PathBuf,
    },
    /// Put a SQLite backup in place of the database (stop the service
    /// first). The replaced database is kept as <name>.before-restore.
    Restore {
        /// A file `bantin backup` made.
        file: std::path::PathBuf,
    },
    /// The search index (BANTIN_SEARCH_DIR, by default <data dir>/search-index).
    Search {
        #[command(subcommand)]
        command: SearchCommand,
    },
    /// Insert N synthetic published articles for the load benchmark.
    BenchSeed {
        #[arg(long, default_value_t = 100_000)]
        articles: usize,
        /// Where to write the benchmark's inputs: `slugs.txt` (newest first),
        /// `categories.txt`, `queries.txt`.
        #[arg(long, default_value = "data/bench")]
        out_dir: String,
        /// The syllables words are drawn from (Debian's hunspell-vi).
        #[arg(long, default_value = "/usr/share/hunspell/vi_VN.dic")]
        dictionary: String,
    },
}

#[derive(Subcommand)]
enum SearchCommand {
    /// Build the index again from the database (stop the server first: one
    /// process holds an index). A running server catches up by itself.
    Rebuild,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user. The password is asked for, or read from standard input.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long, value_parser = ["admin", "editor", "moderator"])]
        role: String,
        #[arg(long)]
        display_name: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

fn main() -> anyhow::Result<()> {
    limit_malloc_arenas();
    let cli = Cli::parse();
    let mut config = Config::from_env()?;
    bantin::telemetry::init(&config.log, config.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            config.resolve_jwt_secret()?;
            serve(config)
        }
        Command::Migrate => {
            let pool = bantin::startup::open_database(&config, 1, Default::default())?;
            let applied = bantin::db::migrate(&pool)?;
            println!("database {} is up to date", bantin::db::redact(&config.database_url));
            drop(applied);
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Create {
                    username,
                    role,
                    display_name,
                    password_stdin,
                },
        } => create_user(&config, &username, &role, display_name, password_stdin),
        Command::Openapi => {
            print!("{}", bantin::openapi::document_json());
            Ok(())
        }
        Command::Demo => demo(&config),
        Command::Export { output, force } => export(&config, output, force),
        Command::Import { file } => import(&config, file),
        Command::Backup { file } => {
            let made = bantin::backup::backup(&config, &file, &Progress::start("backup", Unit::Bytes, None))?;
            println!(
                "backup written to {}: {:.1} MB in {:.1} s (back up {} too)",
                made.file.display(),
                made.bytes as f64 / 1e6,
                made.seconds,
                config.media.location
            );
            Ok(())
        }
        Command::Restore { file } => {
            let restored = bantin::backup::restore(&config, &file)?;
            println!(
                "{} restored from {}; the search index is rebuilt at the next start",
                restored.display(),
                file.display()
            );
            Ok(())
        }
        Command::Search {
            command: SearchCommand::Rebuild,
        } => rebuild_search(&config),
        Command::BenchSeed {
            articles,
            out_dir,
            dictionary,
        } => bench_seed(&config, articles, out_dir, dictionary),
    }
}

/// `bantin demo`.
fn demo(config: &Config) -> anyhow::Result<()> {
    let pool = bantin::startup::open_database(config, 1, Default::default())?;
    let mut conn = pool.get()?;
    let media = bantin::media::files::MediaFiles::open(&config.media.location, &config.media.s3)?;
    let loaded = bantin::demo::load_with_media(&mut conn, SystemClock.now(), Some(&media))?;
    println!(
        "demo content loaded: {} organizations, {} officials, {} events, {} categories, {} articles, \
             {} comments, {} ratings, {} pages, {} link groups, {} documents, {} playlists (existing items kept)",
        loaded.organizations,
        loaded.officials,
        loaded.events,
        loaded.categories,
        loaded.articles,
        loaded.comments,
        loaded.ratings,
        loaded.pages,
        loaded.link_groups,
        loaded.documents,
        loaded.playlists
    );
    Ok(())
}

/// `bantin export`.
fn export(config: &Config, output: Option<String>, force: bool) -> anyhow::Result<()> {
    let pool = bantin::startup::open_database(config, 1, Default::default())?;
    let mut conn = pool.get()?;
    let progress = Progress::start("export", Unit::Items("rows"), None);
    let summary = match output {
        Some(path) => {
            let mut out = std::io::BufWriter::new(
                bantin::config::create_private(std::path::Path::new(&path), force)
                    .with_context(|| format!("creating {path}"))?,
            );
            let summary = bantin::transfer::export(&mut conn, &mut out, SystemClock.now(), &progress)?;
            std::io::Write::flush(&mut out)?;
            summary
        }
        None => {
            refuse_public_stdout()?;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let summary = bantin::transfer::export(&mut conn, &mut out, SystemClock.now(), &progress)?;
            std::io::Write::flush(&mut out)?;
            summary
        }
    };
    eprintln!("{summary}");
    Ok(())
}

/// `bantin import`.
fn import(config: &Config, file: Option<String>) -> anyhow::Result<()> {
    let pool = bantin::startup::open_database(config, 1, Default::default())?;
    let mut conn = pool.get()?;
    let (input, size): (Box<dyn BufRead>, _) = match file.as_deref() {
        None | Some("-") => (Box::new(std::io::stdin().lock()), None),
        Some(path) => {
            let file = std::fs::File::open(path).with_context(|| format!("opening {path}"))?;
            let size = file.metadata()?.len();
            (Box::new(std::io::BufReader::new(file)), Some(size))
        }
    };
    let progress = Progress::start("import", Unit::Bytes, size);
    let summary = bantin::transfer::import(&mut conn, progress.reader(input))?;
    progress.finish();
    println!("{summary}");
    Ok(())
}

/// `bantin search rebuild`.
fn rebuild_search(config: &Config) -> anyhow::Result<()> {
    let pool = bantin::startup::open_database(config, 1, Default::default())?;
    let index = bantin::search::engine::SearchIndex::open_exactly(&config.search_dir)?;
    let started = std::time::Instant::now();
    let progress = Progress::start("search index", Unit::Items("items"), None);
    let written = index
        .rebuild(&mut *pool.get()?, &progress)
        .map_err(|e| anyhow::anyhow!("rebuilding the search index: {e:?}"))?;
    println!(
        "search index at {} rebuilt: {written} items in {:.1} s",
        config.search_dir.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `bantin bench-seed`.
fn bench_seed(config: &Config, articles: usize, out_dir: String, dictionary: String) -> anyhow::Result<()> {
    let pool = bantin::startup::open_database(config, 1, Default::default())?;
    let mut conn = pool.get()?;
    let dir = std::path::Path::new(&out_dir);
    std::fs::create_dir_all(dir).with_context(|| format!("creating {out_dir}"))?;
    let file = |name: &str| -> anyhow::Result<std::io::BufWriter<std::fs::File>> {
        let path = dir.join(name);
        Ok(std::io::BufWriter::new(
            std::fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?,
        ))
    };
    let (mut slugs, mut categories, mut queries) = (file("slugs.txt")?, file("categories.txt")?, file("queries.txt")?);
    let started = std::time::Instant::now();
    bantin::bench::seed(
        &mut conn,
        std::path::Path::new(&dictionary),
        articles,
        SystemClock.now(),
        bantin::bench::Outputs {
            slugs: &mut slugs,
            categories: &mut categories,
            queries: &mut queries,
        },
        &Progress::start("articles", Unit::Items("articles"), Some(articles as u64)),
    )?;
    for mut out in [slugs, categories, queries] {
        out.flush()?;
    }
    println!(
        "{articles} articles inserted in {:.1?}; slugs, categories and queries in {out_dir}",
        started.elapsed()
    );
    let started = std::time::Instant::now();
    let index = bantin::search::engine::SearchIndex::open_exactly(&config.search_dir)?;
    let written = index
        .rebuild(&mut conn, &Progress::start("search index", Unit::Items("items"), None))
        .map_err(|e| anyhow::anyhow!("building the search index: {e:?}"))?;
    println!(
        "search index at {}: {written} items in {:.1?}",
        config.search_dir.display(),
        started.elapsed()
    );
    Ok(())
}

/// glibc gives each thread that allocates under contention an arena of its
/// own, up to eight per core, and memory freed in one is not reused by
/// another: with actix's workers and the database threads, that is most
/// of the anonymous memory of a long run. Two arenas hold the same load
/// (`MALLOC_ARENA_MAX` in the environment still decides, when set).
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets a tunable of the allocator; called
        // first thing in main, before any other thread exists.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}

fn serve(config: Config) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async move {
        let bind = config.bind.clone();
        let database = bantin::db::redact(&config.database_url);
        let app = Application::build_with(config, Arc::new(SystemClock), challenge_kind())?;
        tracing::info!(%bind, port = app.port(), %database, "bantin is serving; API docs at /docs/");
        app.run_until_stopped().await?;
        Ok(())
    })
}

/// The image code; in a debug build, a known answer when
/// `BANTIN_TEST_CHALLENGE_ANSWER` is set (the crash tests drive the real
/// binary and cannot read images).
fn challenge_kind() -> Arc<dyn bantin::challenges::ChallengeKind> {
    #[cfg(debug_assertions)]
    if let Ok(answer) = std::env::var("BANTIN_TEST_CHALLENGE_ANSWER") {
        return Arc::new(bantin::challenges::FixedAnswer(answer));
    }
    Arc::new(bantin::challenges::ImageCode)
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let first = rpassword::prompt_password("Password: ")?;
    let second = rpassword::prompt_password("Repeat password: ")?;
    if first != second {
        bail!("the passwords differ");
    }
    Ok(first)
}

fn create_user(
    config: &Config,
    username: &str,
    role: &str,
    display_name: Option<String>,
    password_stdin: bool,
) -> anyhow::Result<()> {
    let role = Role::parse(role).ok_or_else(|| anyhow::anyhow!("unknown role {role}"))?;
    let password = read_password(password_stdin)?;
    if let Err(err) = bantin::users::input::validate_new_user(username, &password) {
        let problem = err.problem(bantin::http::lang::Lang::En);
        let details: Vec<String> = problem
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        bail!("invalid user: {}", details.join("; "));
    }
    let hash = bantin::auth::password::hash(&password)?;
    let pool = bantin::startup::open_database(config, 1, Default::default())?;
    let mut conn = pool.get()?;
    let now = SystemClock.now();
    let display_name = display_name.unwrap_or_else(|| username.to_string());
    let user = bantin::users::store::create(
        &mut conn,
        &NewUser {
            username,
            display_name: &display_name,
            password_hash: &hash,
            role: role.as_str(),
            created_at: now,
            updated_at: now,
        },
    )
    .map_err(|e| {
        anyhow::anyhow!(
            "creating the user failed: {}",
            bantin::http::ApiError::from(e)
                .problem(bantin::http::lang::Lang::En)
                .detail
        )
    })?;
    println!("created {} user {} (id {})", role, user.username, user.id);
    Ok(())
}

/// An export holds password hashes, key hashes, webhook secrets and
/// commenters' e-mail addresses: never onto a terminal, nor into a file
/// anyone may read (what `> site.ndjson` makes under the usual umask).
/// A pipe is fine: what it leads to is the reader's business.
fn refuse_public_stdout() -> anyhow::Result<()> {
    use std::io::IsTerminal;
    use std::os::fd::AsFd;
    use std::os::unix::fs::PermissionsExt;
    let stdout = std::io::stdout();
    if stdout.is_terminal() {
        anyhow::bail!(
            "an export holds password hashes and personal data: not onto a terminal; \
             write it with -o FILE (created 0600) or into a pipe"
        );
    }
    let file = std::fs::File::from(stdout.as_fd().try_clone_to_owned()?);
    let meta = file.metadata()?;
    if meta.is_file() && meta.permissions().mode() & 0o077 != 0 {
        anyhow::bail!(
            "an export holds password hashes and personal data, and standard output is a file \
             others may read (mode {:o}): write it with -o FILE (created 0600), or `(umask 077; bantin export > FILE)`",
            meta.permissions().mode() & 0o777
        );
    }
    Ok(())
}
