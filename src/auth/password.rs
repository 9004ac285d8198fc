//! argon2id password hashes (PHC strings).

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;

pub fn hash(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

pub fn verify(password: &str, phc: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), phc).is_ok()
}

/// Spends the same time as a real check, so that an unknown username cannot
/// be told from a wrong password by timing.
pub fn verify_against_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash("bantin-dummy-password").unwrap_or_default());
    let _ = verify(password, phc);
}

/// Password hashing off the async workers and outside the database pool,
/// a few at a time: argon2 takes ~100 ms of CPU, and a flood of logins must
/// not take every core (or every database connection) from the rest.
pub struct Hasher {
    permits: tokio::sync::Semaphore,
}

impl Hasher {
    /// As many at once as there are cores.
    pub fn new() -> Hasher {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Hasher {
            permits: tokio::sync::Semaphore::new(cores),
        }
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> anyhow::Result<T> {
        let _permit = self.permits.acquire().await?;
        Ok(actix_web::web::block(work).await?)
    }

    /// Whether `password` matches `phc`; with no hash (an unknown user),
    /// spends the same time and answers no.
    pub async fn verify(&self, password: String, phc: Option<String>) -> anyhow::Result<bool> {
        self.run(move || match phc {
            Some(phc) => verify(&password, &phc),
            None => {
                verify_against_dummy(&password);
                false
            }
        })
        .await
    }

    pub async fn hash(&self, password: String) -> anyhow::Result<String> {
        self.run(move || hash(&password)).await?
    }
}

impl Default for Hasher {
    fn default() -> Self {
        Hasher::new()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashes_verify_and_differ() {
        let a = super::hash("mật khẩu dài").unwrap();
        let b = super::hash("mật khẩu dài").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "each hash has its own salt");
        assert!(super::verify("mật khẩu dài", &a));
        assert!(!super::verify("mat khau dai", &a));
        assert!(!super::verify("x", "not a hash"));
    }
}
