//! Active keys by the hash of their secret, each as found less than a
//! second ago: a revoked key stops working everywhere within a second (on
//! the instance that revoked it, at once), and reads with a key cost no
//! database work.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::model::Grant;
use crate::db::{DbPool, StoreResult};

/// How long a key found (or not found) is believed.
const FRESH_FOR: Duration = Duration::from_secs(1);
/// Keys remembered at most; past that the memory starts over.
const REMEMBERED: usize = 10_000;

/// Active keys by the hash of their secret, each as found less than a second ago.
#[derive(Default)]
pub struct Keyring {
    known: Mutex<HashMap<String, (Option<Grant>, Instant)>>,
}

impl Keyring {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Option<Grant>, Instant)>> {
        self.known.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// What the key with this secret grants, if it is active at `now`.
    pub async fn grant(&self, pool: &DbPool, secret: &str, now: chrono::NaiveDateTime) -> StoreResult<Option<Grant>> {
        let hash = super::hash(secret);
        if let Some((grant, at)) = self.lock().get(&hash) {
            if at.elapsed() < FRESH_FOR {
                return Ok(grant.clone());
            }
        }
        let lookup = hash.clone();
        let key = crate::db::run(pool, move |conn| super::store::find_by_hash(conn, &lookup)).await?;
        let grant = key.filter(|k| k.is_active(now)).map(|k| k.grant());
        let mut known = self.lock();
        if known.len() >= REMEMBERED {
            known.clear();
        }
        known.insert(hash, (grant.clone(), Instant::now()));
        Ok(grant)
    }

    /// Forgets every key (one was changed or revoked here).
    pub fn forget(&self) {
        self.lock().clear();
    }
}
