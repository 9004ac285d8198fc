//! Active keys by the hash of their secret, each as found less than a
//! second ago: a revoked key stops working everywhere within a second (on
//! the instance that revoked it, at once), and reads with a key cost no
//! database work.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::model::Grant;
use crate::db::{DbPool, StoreResult};
use crate::http::error::KeyRefusal;

/// What a secret opens: a grant, or why not.
pub type Verdict = Result<Grant, KeyRefusal>;

/// How long a key found (or not found) is believed.
const FRESH_FOR: Duration = Duration::from_secs(1);
/// Keys remembered at most; past that the memory starts over.
const REMEMBERED: usize = 10_000;

/// Active keys by the hash of their secret, each as found less than a second ago.
#[derive(Default)]
pub struct Keyring {
    known: Mutex<HashMap<String, (Verdict, Instant)>>,
}

impl Keyring {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Verdict, Instant)>> {
        self.known.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// What the key with this secret grants at `now`, or why it grants nothing.
    pub async fn grant(&self, pool: &DbPool, secret: &str, now: chrono::NaiveDateTime) -> StoreResult<Verdict> {
        let hash = super::hash(secret);
        if let Some((verdict, at)) = self.lock().get(&hash) {
            if at.elapsed() < FRESH_FOR {
                return Ok(match verdict {
                    Ok(grant) if grant.expires_at.is_some_and(|e| e <= now) => Err(KeyRefusal::Expired),
                    other => other.clone(),
                });
            }
        }
        let lookup = hash.clone();
        let key = crate::db::run(pool, move |conn| super::store::find_by_hash(conn, &lookup)).await?;
        let verdict = match key {
            None => Err(KeyRefusal::Unknown),
            Some(k) if k.revoked_at.is_some() => Err(KeyRefusal::Revoked),
            Some(k) if !k.is_active(now) => Err(KeyRefusal::Expired),
            Some(k) => Ok(k.grant()),
        };
        self.remember(hash, verdict.clone());
        Ok(verdict)
    }

    fn remember(&self, hash: String, verdict: Verdict) {
        let mut known = self.lock();
        if known.len() >= REMEMBERED {
            known.clear();
        }
        known.insert(hash, (verdict, Instant::now()));
    }

    /// Learns of a key made here, so that it works at once on this instance
    /// (a secret tried just before would otherwise be believed unknown for
    /// up to a second).
    pub fn learn(&self, key: &super::model::ApiKey) {
        self.remember(key.secret_hash.clone(), Ok(key.grant()));
    }

    /// Forgets every key (one was changed or revoked here).
    pub fn forget(&self) {
        self.lock().clear();
    }
}
