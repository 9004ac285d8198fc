//! Every `BANTIN_*` setting, with defaults that run on a bare machine.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use rand::RngCore;

/// Minimum length of a configured JWT secret (HS256 wants at least 256 bits).
pub const MIN_JWT_SECRET_BYTES: usize = 32;

/// The default log filter (`BANTIN_LOG`): bantin's and its libraries'
/// information, but not the search engine's every commit and merge.
pub const DEFAULT_LOG: &str = "info,tantivy=warn";

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    /// A read replica for anonymous public reads (PostgreSQL streaming replica).
    pub database_read_url: Option<String>,
    pub data_dir: PathBuf,
    pub bind: String,
    /// Where clients reach the API (`BANTIN_PUBLIC_URL`); by default the
    /// address bantin listens on, found once it is bound.
    pub public_url: Option<String>,
    /// The public website that shows the content (`BANTIN_SITE_URL`).
    pub site_url: Option<String>,
    /// The portal's name, on print pages and feeds (`BANTIN_SITE_NAME`).
    pub site_name: String,
    /// Where an article is on the public site (`BANTIN_ARTICLE_URL`): a
    /// template with `{site}`, `{slug}` and `{id}` (see [`crate::http::site`]).
    pub article_url: Option<String>,
    /// The same for documents (`BANTIN_DOCUMENT_URL`, default `{site}/van-ban/{slug}`).
    pub document_url: Option<String>,
    pub jwt_secret: Vec<u8>,
    pub cors_origins: Vec<String>,
    pub trusted_proxies: Vec<IpAddr>,
    pub log: String,
    pub log_format: LogFormat,
    pub pool_size: u32,
    /// How long a request waits for a database connection before a 503.
    pub pool_timeout: std::time::Duration,
    pub login_attempts_per_minute: u32,
    /// Ratings and visit beacons, per client.
    pub writes_per_minute: u32,
    /// Comments, per client, per 10 minutes.
    pub comments_per_10_minutes: u32,
    /// Verification challenges, per client.
    pub challenges_per_minute: u32,
    pub view_flush_seconds: u64,
    /// How long commenters' e-mail addresses are kept (days).
    pub commenter_email_days: u32,
    pub max_body_bytes: usize,
    /// How long a request body may take to arrive.
    pub body_timeout: std::time::Duration,
    /// Connections a worker holds at once.
    pub max_connections: usize,
    pub workers: Option<usize>,
    /// How long the change log keeps changes (days); older sync tokens get 410.
    pub changes_retention_days: u32,
    /// Whether anonymous requests need a content key (as Ghost's Content API).
    pub require_content_key: bool,
    /// Requests per minute a new key may make unless its own limit says otherwise.
    pub key_requests_per_minute: u32,
    pub webhooks: WebhookSettings,
    /// The response cache for public reads, in MiB (`BANTIN_CACHE_MB`); 0: none.
    pub cache_mb: u64,
    /// Where the search index lives (`BANTIN_SEARCH_DIR`, by default
    /// `<data_dir>/search-index`): derived from the database, rebuilt when
    /// missing. One per process.
    pub search_dir: PathBuf,
    pub media: MediaSettings,
    /// `BANTIN_METRICS_TOKEN`: `/metrics` answers this bearer token from
    /// anywhere (and, without it, only direct loopback callers).
    pub metrics_token: Option<String>,
    /// `BANTIN_METRICS` (default true): `false` counts no request and
    /// answers `/metrics` with 404.
    pub metrics: bool,
}

/// Where uploads are posted: a body there may be as large as an upload
/// (the media handler and the idempotency layer both read it).
pub const UPLOAD_PATH: &str = "/api/v1/media";
/// What a form adds around the file (boundaries, headers, the text parts).
pub const FORM_OVERHEAD: usize = 64 * 1024;

/// Where uploads go and what they may be.
#[derive(Debug, Clone)]
pub struct MediaSettings {
    /// `BANTIN_MEDIA_URL`: a directory (default `<data_dir>/media`) or
    /// `s3://bucket/prefix` for several instances.
    pub location: String,
    /// `BANTIN_S3_ENDPOINT`, `BANTIN_S3_REGION`, `BANTIN_S3_ACCESS_KEY_ID`,
    /// `BANTIN_S3_SECRET_ACCESS_KEY` (the usual `AWS_*` variables are read
    /// too).
    pub s3: crate::media::files::S3Settings,
    /// `BANTIN_MAX_UPLOAD_MB` (default 50): any upload.
    pub max_upload_bytes: usize,
    /// Photos: 20 MB, or the upload limit if lower.
    pub max_image_bytes: usize,
    /// `BANTIN_MAX_IMAGE_PIXELS` (default 50 million): larger photos
    /// (and decompression bombs) are refused before they are decoded.
    pub max_image_pixels: u64,
}

/// Where webhooks may go and how hard bantin tries.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// Deliver to loopback, private and link-local addresses too
    /// (`BANTIN_WEBHOOK_ALLOW_PRIVATE`: on-premise installs, tests).
    pub allow_private: bool,
    /// When not empty, the only hosts webhooks may go to
    /// (`BANTIN_WEBHOOK_ALLOWED_HOSTS`).
    pub allowed_hosts: Vec<String>,
    /// How long a receiver has to answer.
    pub timeout: std::time::Duration,
    /// The first retry's delay; each next one doubles it (with jitter).
    pub retry_base: std::time::Duration,
    /// How long a delivery is retried before it is given up.
    pub retry_window: std::time::Duration,
    /// How often each instance looks for deliveries owed (changes made by
    /// other instances, retries that came due).
    pub poll: std::time::Duration,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Where settings are read from: the environment, or (for tests and tools)
/// nothing at all, so every setting takes its default.
struct Settings<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
}

impl Settings<'_> {
    fn get(&self, name: &str) -> Option<String> {
        (self.lookup)(name)
    }

    fn parse<T: std::str::FromStr>(&self, name: &str, default: T) -> anyhow::Result<T>
    where
        T::Err: std::fmt::Display,
    {
        match self.get(name) {
            None => Ok(default),
            Some(raw) => raw
                .trim()
                .parse()
                .map_err(|e| anyhow::anyhow!("{name}={raw:?} is not valid: {e}")),
        }
    }
}

impl Config {
    /// Reads the environment. The JWT secret is resolved separately by
    /// [`Config::resolve_jwt_secret`] because it may need to touch the data directory.
    pub fn from_env() -> anyhow::Result<Self> {
        Self::read(&Settings { lookup: &var })
    }

    /// A configuration for tests and tools: every default, everything inside
    /// `data_dir`, a fixed signing secret, a random port and a quiet log.
    pub fn for_data_dir(data_dir: &Path) -> Self {
        let dir = data_dir.to_string_lossy().into_owned();
        let only_the_directory = move |name: &str| (name == "BANTIN_DATA_DIR").then(|| dir.clone());
        let mut config = Self::read(&Settings {
            lookup: &only_the_directory,
        })
        .expect("the defaults are valid");
        config.bind = "127.0.0.1:0".into();
        config.jwt_secret = vec![7u8; MIN_JWT_SECRET_BYTES];
        config.log = "warn".into();
        config.pool_size = 4;
        config.workers = Some(2);
        config
    }

    /// Every setting, with its default: the one place defaults are written.
    fn read(settings: &Settings<'_>) -> anyhow::Result<Self> {
        let var = |name: &str| settings.get(name);
        let parse_var = |name: &str, default| settings.parse::<u32>(name, default);
        let data_dir = PathBuf::from(var("BANTIN_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let database_url =
            var("BANTIN_DATABASE_URL").unwrap_or_else(|| data_dir.join("bantin.db").to_string_lossy().into_owned());
        let cors_origins = var("BANTIN_CORS_ORIGINS")
            .map(|v| {
                v.split(',')
                    .map(|o| o.trim().to_string())
                    .filter(|o| !o.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let trusted_proxies = match var("BANTIN_TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(v) => v
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    s.parse::<IpAddr>()
                        .with_context(|| format!("BANTIN_TRUSTED_PROXIES: {s:?} is not an IP address"))
                })
                .collect::<anyhow::Result<_>>()?,
        };
        let log_format = match var("BANTIN_LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => bail!("BANTIN_LOG_FORMAT={other:?}: expected text or json"),
        };
        let pool_size = parse_var("BANTIN_POOL_SIZE", 8)?;
        if pool_size == 0 {
            bail!("BANTIN_POOL_SIZE must be at least 1");
        }
        let database_read_url = var("BANTIN_DATABASE_READ_URL");
        if let Some(url) = &database_read_url {
            let (primary, replica) = (crate::db::parse_url(&database_url)?, crate::db::parse_url(url)?);
            if !primary.is_shared() || !replica.is_shared() {
                bail!("BANTIN_DATABASE_READ_URL needs PostgreSQL for both the primary and the replica");
            }
        }
        let search_dir = var("BANTIN_SEARCH_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| data_dir.join("search-index"));
        let max_upload_mb: usize = settings.parse("BANTIN_MAX_UPLOAD_MB", 50)?;
        if max_upload_mb == 0 {
            bail!("BANTIN_MAX_UPLOAD_MB must be at least 1");
        }
        let media = MediaSettings {
            location: var("BANTIN_MEDIA_URL").unwrap_or_else(|| data_dir.join("media").to_string_lossy().into_owned()),
            s3: crate::media::files::S3Settings {
                endpoint: var("BANTIN_S3_ENDPOINT"),
                region: var("BANTIN_S3_REGION"),
                access_key_id: var("BANTIN_S3_ACCESS_KEY_ID"),
                secret_access_key: var("BANTIN_S3_SECRET_ACCESS_KEY"),
            },
            max_upload_bytes: max_upload_mb << 20,
            max_image_bytes: max_upload_mb.min(20) << 20,
            max_image_pixels: settings.parse("BANTIN_MAX_IMAGE_PIXELS", 50_000_000)?,
        };
        Ok(Config {
            metrics_token: var("BANTIN_METRICS_TOKEN"),
            metrics: settings.parse("BANTIN_METRICS", true)?,
            media,
            search_dir,
            database_url,
            database_read_url,
            data_dir,
            bind: var("BANTIN_BIND").unwrap_or_else(|| "127.0.0.1:8080".into()),
            public_url: absolute_url("BANTIN_PUBLIC_URL", var("BANTIN_PUBLIC_URL"))?,
            site_url: absolute_url("BANTIN_SITE_URL", var("BANTIN_SITE_URL"))?,
            site_name: var("BANTIN_SITE_NAME").unwrap_or_else(|| "Cổng thông tin điện tử".into()),
            article_url: var("BANTIN_ARTICLE_URL"),
            document_url: var("BANTIN_DOCUMENT_URL"),
            jwt_secret: Vec::new(),
            cors_origins,
            trusted_proxies,
            log: var("BANTIN_LOG").unwrap_or_else(|| DEFAULT_LOG.into()),
            log_format,
            pool_size,
            pool_timeout: std::time::Duration::from_secs(settings.parse("BANTIN_POOL_TIMEOUT_SECONDS", 5)?.max(1)),
            login_attempts_per_minute: parse_var("BANTIN_LOGIN_ATTEMPTS_PER_MINUTE", 10)?,
            writes_per_minute: parse_var("BANTIN_WRITES_PER_MINUTE", 120)?,
            comments_per_10_minutes: parse_var("BANTIN_COMMENTS_PER_10_MINUTES", 20)?,
            challenges_per_minute: parse_var("BANTIN_CHALLENGES_PER_MINUTE", 20)?,
            view_flush_seconds: settings.parse("BANTIN_VIEW_FLUSH_SECONDS", 5)?.max(1),
            commenter_email_days: parse_var("BANTIN_COMMENTER_EMAIL_DAYS", 180)?,
            max_body_bytes: settings.parse("BANTIN_MAX_BODY_BYTES", 1024 * 1024)?,
            body_timeout: std::time::Duration::from_secs(settings.parse("BANTIN_BODY_TIMEOUT_SECONDS", 30)?.max(1)),
            max_connections: settings.parse("BANTIN_MAX_CONNECTIONS", 10_000)?,
            workers: var("BANTIN_WORKERS")
                .map(|w| w.parse())
                .transpose()
                .context("BANTIN_WORKERS")?,
            changes_retention_days: parse_var("BANTIN_CHANGES_RETENTION_DAYS", 90)?.max(1),
            require_content_key: settings.parse("BANTIN_REQUIRE_CONTENT_KEY", false)?,
            key_requests_per_minute: parse_var("BANTIN_KEY_REQUESTS_PER_MINUTE", 600)?.max(1),
            cache_mb: settings.parse("BANTIN_CACHE_MB", 64)?,
            webhooks: WebhookSettings {
                allow_private: settings.parse("BANTIN_WEBHOOK_ALLOW_PRIVATE", false)?,
                allowed_hosts: var("BANTIN_WEBHOOK_ALLOWED_HOSTS")
                    .map(|v| {
                        v.split(',')
                            .map(|h| h.trim().to_ascii_lowercase())
                            .filter(|h| !h.is_empty())
                            .collect()
                    })
                    .unwrap_or_default(),
                timeout: seconds(
                    settings.parse("BANTIN_WEBHOOK_TIMEOUT_SECONDS", 10.0)?,
                    "BANTIN_WEBHOOK_TIMEOUT_SECONDS",
                )?,
                retry_base: seconds(
                    settings.parse("BANTIN_WEBHOOK_RETRY_SECONDS", 30.0)?,
                    "BANTIN_WEBHOOK_RETRY_SECONDS",
                )?,
                retry_window: seconds(
                    settings.parse("BANTIN_WEBHOOK_RETRY_HOURS", 24.0)? * 3600.0,
                    "BANTIN_WEBHOOK_RETRY_HOURS",
                )?,
                poll: std::time::Duration::from_millis(500),
            },
        })
    }

    /// Uses `BANTIN_JWT_SECRET` when set (refusing one shorter than 32 bytes);
    /// otherwise reads, or creates on first start, `<data_dir>/jwt-secret` so
    /// that restarts keep issued tokens valid. On PostgreSQL, where every
    /// instance must sign and verify with the same secret, it is left empty
    /// here and kept in the database instead (see `db::shared_secret`).
    pub fn resolve_jwt_secret(&mut self) -> anyhow::Result<()> {
        if let Some(secret) = var("BANTIN_JWT_SECRET") {
            if secret.len() < MIN_JWT_SECRET_BYTES {
                bail!(
                    "BANTIN_JWT_SECRET is {} bytes; it must be at least {MIN_JWT_SECRET_BYTES}",
                    secret.len()
                );
            }
            self.jwt_secret = secret.into_bytes();
            return Ok(());
        }
        if crate::db::parse_url(&self.database_url)?.is_shared() {
            return Ok(());
        }
        let path = self.data_dir.join("jwt-secret");
        if let Ok(existing) = std::fs::read_to_string(&path) {
            let existing = existing.trim();
            if existing.len() >= MIN_JWT_SECRET_BYTES {
                self.jwt_secret = existing.as_bytes().to_vec();
                return Ok(());
            }
            bail!(
                "{} holds a secret shorter than {MIN_JWT_SECRET_BYTES} bytes",
                path.display()
            );
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating data directory {}", self.data_dir.display()))?;
        let mut bytes = [0u8; 48];
        rand::rng().fill_bytes(&mut bytes);
        let secret = hex::encode(bytes);
        write_private(&path, &secret).with_context(|| format!("writing {}", path.display()))?;
        self.jwt_secret = secret.into_bytes();
        Ok(())
    }
}

/// Creates a file only its owner can read (an export, a backup: they hold
/// password hashes and personal data), refusing to replace one unless
/// `replace` says so.
pub fn create_private(path: &Path, replace: bool) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if replace {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // An existing file keeps its mode when opened: set it.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}

/// A positive number of seconds (fractions allowed, for tests).
fn seconds(value: f64, name: &str) -> anyhow::Result<std::time::Duration> {
    if !(value.is_finite() && value > 0.0 && value < 1e9) {
        bail!("{name}={value}: expected a positive number of seconds");
    }
    Ok(std::time::Duration::from_secs_f64(value))
}

/// An `http(s)://` base URL setting, without its trailing slash.
fn absolute_url(name: &str, value: Option<String>) -> anyhow::Result<Option<String>> {
    let Some(value) = value.map(|v| v.trim().trim_end_matches('/').to_string()) else {
        return Ok(None);
    };
    if !(value.starts_with("http://") || value.starts_with("https://")) || value.contains(char::is_whitespace) {
        bail!("{name}={value:?} must be an http:// or https:// URL");
    }
    Ok(Some(value))
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}
