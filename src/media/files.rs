//! Where media bytes are kept: a directory (`$BANTIN_DATA_DIR/media` by
//! default) or an S3-compatible bucket (`BANTIN_MEDIA_URL=s3://bucket/prefix`),
//! both through `object_store`. Objects are named by the content's hash, so
//! instances sharing a bucket write the same object for the same upload and
//! serve each other's.
//!
//! The store runs on a small runtime of its own: its HTTP client keeps
//! connections on the runtime that opened them, and actix's workers each
//! run their own.

use std::ops::Range;
use std::sync::Arc;

use bytes::Bytes;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

/// A failure of the store (logged where it happens; callers answer 503).
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("not found")]
    NotFound,
    #[error("media store: {0}")]
    Store(String),
}

impl From<object_store::Error> for FileError {
    fn from(e: object_store::Error) -> Self {
        match e {
            object_store::Error::NotFound { .. } => FileError::NotFound,
            other => FileError::Store(other.to_string()),
        }
    }
}

#[derive(Clone)]
pub struct MediaFiles {
    store: Arc<dyn ObjectStore>,
    prefix: Option<Path>,
    runtime: Arc<OwnRuntime>,
    /// What the configuration named, for logs.
    pub location: String,
}

/// How to reach an S3-compatible store besides the bucket's URL.
#[derive(Debug, Clone, Default)]
pub struct S3Settings {
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
}

impl MediaFiles {
    /// `location`: `s3://bucket[/prefix]`, or a directory (created if need be).
    pub fn open(location: &str, s3: &S3Settings) -> anyhow::Result<MediaFiles> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("bantin-media")
            .enable_all()
            .build()?;
        let (store, prefix): (Arc<dyn ObjectStore>, Option<Path>) = match location.strip_prefix("s3://") {
            Some(rest) => {
                let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
                anyhow::ensure!(!bucket.is_empty(), "BANTIN_MEDIA_URL names no bucket: {location}");
                let mut builder = object_store::aws::AmazonS3Builder::from_env().with_bucket_name(bucket);
                if let Some(endpoint) = &s3.endpoint {
                    builder = builder
                        .with_endpoint(endpoint)
                        .with_allow_http(endpoint.starts_with("http://"))
                        .with_virtual_hosted_style_request(false);
                }
                if let Some(region) = &s3.region {
                    builder = builder.with_region(region);
                }
                if let Some(id) = &s3.access_key_id {
                    builder = builder.with_access_key_id(id);
                }
                if let Some(secret) = &s3.secret_access_key {
                    builder = builder.with_secret_access_key(secret);
                }
                let prefix = prefix.trim_matches('/');
                (
                    Arc::new(builder.build()?),
                    (!prefix.is_empty()).then(|| Path::from(prefix)),
                )
            }
            None => {
                let dir = location.strip_prefix("file://").unwrap_or(location);
                std::fs::create_dir_all(dir)?;
                let local = object_store::local::LocalFileSystem::new_with_prefix(dir)?;
                (Arc::new(local), None)
            }
        };
        Ok(MediaFiles {
            store,
            prefix,
            runtime: Arc::new(OwnRuntime(Some(runtime))),
            location: location.to_string(),
        })
    }

    fn path(&self, key: &str) -> Path {
        match &self.prefix {
            Some(prefix) => prefix.parts().chain(Path::from(key).parts()).collect(),
            None => Path::from(key),
        }
    }

    /// Runs `work` on the store's runtime and waits for it from any other.
    async fn on_runtime<T: Send + 'static>(
        &self,
        work: impl std::future::Future<Output = Result<T, FileError>> + Send + 'static,
    ) -> Result<T, FileError> {
        let runtime = self
            .runtime
            .0
            .as_ref()
            .ok_or(FileError::Store("the media runtime is gone".into()))?;
        runtime
            .spawn(work)
            .await
            .map_err(|e| FileError::Store(format!("media task failed: {e}")))?
    }

    /// [`MediaFiles::put`] from code that is not async (the CLI, the demo),
    /// wherever it runs: on a thread of its own, which waits for the store.
    pub fn put_blocking(&self, key: &str, bytes: Vec<u8>) -> Result<(), FileError> {
        let runtime = self
            .runtime
            .0
            .as_ref()
            .ok_or(FileError::Store("the media runtime is gone".into()))?;
        let (store, path) = (self.store.clone(), self.path(key));
        let handle = runtime.handle().clone();
        std::thread::scope(|scope| {
            scope
                .spawn(move || {
                    handle.block_on(async move {
                        store.put(&path, PutPayload::from(bytes)).await?;
                        Ok(())
                    })
                })
                .join()
                .unwrap_or_else(|_| Err(FileError::Store("writing a media file panicked".into())))
        })
    }

    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), FileError> {
        let (store, path) = (self.store.clone(), self.path(key));
        self.on_runtime(async move {
            store.put(&path, PutPayload::from(bytes)).await?;
            Ok(())
        })
        .await
    }

    /// The bytes in `range` (all of them for `None`).
    pub async fn get(&self, key: &str, range: Option<Range<u64>>) -> Result<Bytes, FileError> {
        let (store, path) = (self.store.clone(), self.path(key));
        self.on_runtime(async move {
            Ok(match range {
                Some(range) => store.get_range(&path, range).await?,
                None => store.get(&path).await?.bytes().await?,
            })
        })
        .await
    }

    pub async fn delete(&self, key: &str) -> Result<(), FileError> {
        let (store, path) = (self.store.clone(), self.path(key));
        self.on_runtime(async move {
            match store.delete(&path).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(e.into()),
            }
        })
        .await
    }
}

/// The store's runtime, let go without waiting when the last handle goes
/// (which may be on an async worker, where a blocking shutdown panics).
struct OwnRuntime(Option<tokio::runtime::Runtime>);

impl Drop for OwnRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}
