//! Counts kept in memory and added to the database in batches (article
//! views, visits): no write per request. A failed write gives the counts
//! back for the next flush.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

pub struct Pending<K> {
    counts: Mutex<HashMap<K, i64>>,
}

impl<K: Eq + Hash> Default for Pending<K> {
    fn default() -> Self {
        Pending {
            counts: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash> Pending<K> {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, i64>> {
        self.counts.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn record(&self, key: K) {
        *self.lock().entry(key).or_insert(0) += 1;
    }

    /// Everything counted and not yet written.
    pub fn total(&self) -> i64 {
        self.lock().values().sum()
    }

    /// Takes the counts to write, leaving none pending.
    pub fn take(&self) -> HashMap<K, i64> {
        std::mem::take(&mut *self.lock())
    }

    /// Puts back counts that could not be written.
    pub fn give_back(&self, counts: HashMap<K, i64>) {
        let mut pending = self.lock();
        for (key, n) in counts {
            *pending.entry(key).or_insert(0) += n;
        }
    }

    /// Writes the pending counts with `write`; on failure they stay pending.
    /// How many keys were written. Blocking.
    pub fn flush<E: std::fmt::Debug>(
        &self,
        what: &str,
        write: impl FnOnce(&HashMap<K, i64>) -> Result<(), E>,
    ) -> usize {
        let counts = self.take();
        if counts.is_empty() {
            return 0;
        }
        match write(&counts) {
            Ok(()) => counts.len(),
            Err(error) => {
                tracing::warn!(?error, what, keys = counts.len(), "flushing counts failed; will retry");
                self.give_back(counts);
                0
            }
        }
    }
}
