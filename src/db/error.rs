//! What a store can answer besides its result: the domain's refusals (not
//! found, a slug in use, a reference to nothing, …) and the database's own
//! failures, classified once here for both engines. Stores return
//! [`StoreError`]; the HTTP layer only renders it.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// An input field that names another record, and where in the input it is:
/// `chairs` item 2, or `positions` item 0's `organization_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub field: &'static str,
    pub index: Option<usize>,
    pub member: Option<&'static str>,
}

impl Reference {
    pub fn field(field: &'static str) -> Self {
        Reference {
            field,
            index: None,
            member: None,
        }
    }

    pub fn item(field: &'static str, index: usize) -> Self {
        Reference {
            field,
            index: Some(index),
            member: None,
        }
    }

    pub fn member(field: &'static str, index: usize, member: &'static str) -> Self {
        Reference {
            field,
            index: Some(index),
            member: Some(member),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("slug taken: {0}")]
    SlugTaken(String),
    #[error("username taken")]
    UsernameTaken,
    /// Other records still refer to this one.
    #[error("still referenced")]
    InUse,
    /// A media item others still show: who (`articles/12`, `playlists/2`).
    #[error("media in use by {0:?}")]
    MediaInUse(Vec<String>),
    /// A media item of the wrong kind where the input names one.
    #[error("media of the wrong kind: {0:?}")]
    MediaKind(Reference, &'static str),
    /// Records named in the input that do not exist.
    #[error("unknown references: {0:?}")]
    UnknownReferences(Vec<Reference>),
    /// A reference that exists but may not be made (a parent that would close a cycle).
    #[error("reference not allowed: {0:?}")]
    ForbiddenReference(Reference),
    #[error("last admin")]
    LastAdmin,
    #[error("duplicate comment")]
    DuplicateComment,
    #[error("invalid refresh token")]
    InvalidRefreshToken,
    /// Changed by someone else since the caller read it.
    #[error("changed since read")]
    Stale,
    /// Another unique value is already used.
    #[error("conflict")]
    Conflict,
    /// Text with a NUL character, which PostgreSQL refuses to store.
    #[error("text contains NUL")]
    NulInText,
    /// The database is unreachable, busy or locked for too long.
    #[error("database unavailable")]
    Unavailable,
    /// A fault of ours; logged where it was classified.
    #[error("internal error")]
    Internal,
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// One unknown reference.
    pub fn unknown(reference: Reference) -> Self {
        StoreError::UnknownReferences(vec![reference])
    }
}

/// How a database error is classified, whatever the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    NotFound,
    UniqueViolation,
    ForeignKeyViolation,
    /// PostgreSQL refuses NUL in text (SQLite would store it).
    NulInText,
    /// Busy, locked, a lock not granted in time, a lost connection, a
    /// serialization failure: worth retrying later.
    Unavailable,
    Other,
}

pub fn classify(err: &DieselError) -> Failure {
    match err {
        DieselError::NotFound => Failure::NotFound,
        DieselError::DatabaseError(kind, info) => {
            let message = info.message();
            match kind {
                DatabaseErrorKind::UniqueViolation => Failure::UniqueViolation,
                DatabaseErrorKind::ForeignKeyViolation => Failure::ForeignKeyViolation,
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::SerializationFailure => Failure::Unavailable,
                // SQLite reports some constraint failures without their kind.
                _ if message.contains("FOREIGN KEY constraint failed") => Failure::ForeignKeyViolation,
                _ if message.contains("UNIQUE constraint failed") => Failure::UniqueViolation,
                _ if message.contains("0x00") => Failure::NulInText,
                _ if is_busy(message) => Failure::Unavailable,
                _ => Failure::Other,
            }
        }
        _ => Failure::Other,
    }
}

fn is_busy(message: &str) -> bool {
    message.contains("database is locked")
        || message.contains("database is busy")
        // PostgreSQL: the write lock was not granted within `lock_timeout`.
        || message.contains("lock timeout")
        || message.contains("terminating connection")
        || message.contains("server closed the connection")
        || message.contains("no connection to the server")
        || message.contains("connection to server")
        || message.contains("could not receive data from server")
        || message.contains("SSL SYSCALL error")
}

impl From<DieselError> for StoreError {
    fn from(err: DieselError) -> Self {
        match classify(&err) {
            Failure::NotFound => StoreError::NotFound,
            Failure::UniqueViolation => StoreError::Conflict,
            Failure::ForeignKeyViolation => StoreError::InUse,
            Failure::NulInText => StoreError::NulInText,
            Failure::Unavailable => {
                tracing::warn!(error = %err, "database unavailable");
                StoreError::Unavailable
            }
            Failure::Other => {
                tracing::error!(error = %err, "database error");
                StoreError::Internal
            }
        }
    }
}

/// Maps a unique-constraint violation to a specific conflict (`slug_taken`,
/// `username_taken`, …) and any other database error as usual.
pub fn unique_as(conflict: impl FnOnce() -> StoreError) -> impl FnOnce(DieselError) -> StoreError {
    move |err| match classify(&err) {
        Failure::UniqueViolation => conflict(),
        _ => err.into(),
    }
}
