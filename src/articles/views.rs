//! View counting without a database write per request: views are counted in
//! memory and added to the database in one transaction per flush interval
//! (and once more on graceful shutdown).

use std::collections::HashMap;
use std::sync::Mutex;

use crate::db::DbPool;

#[derive(Default)]
pub struct ViewCounter {
    pending: Mutex<HashMap<i64, i64>>,
}

impl ViewCounter {
    pub fn record(&self, article_id: i64) {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        *pending.entry(article_id).or_insert(0) += 1;
    }

    pub fn pending_total(&self) -> i64 {
        self.pending.lock().unwrap_or_else(|p| p.into_inner()).values().sum()
    }

    fn take(&self) -> HashMap<i64, i64> {
        std::mem::take(&mut *self.pending.lock().unwrap_or_else(|p| p.into_inner()))
    }

    fn give_back(&self, counts: HashMap<i64, i64>) {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        for (id, n) in counts {
            *pending.entry(id).or_insert(0) += n;
        }
    }

    /// Writes the pending counts; on failure they are kept for the next flush.
    /// Blocking: call from a blocking context.
    pub fn flush(&self, pool: &DbPool) -> usize {
        let counts = self.take();
        if counts.is_empty() {
            return 0;
        }
        let result = pool
            .get()
            .map_err(|e| e.to_string())
            .and_then(|mut conn| super::store::add_views(&mut conn, &counts).map_err(|e| e.to_string()));
        match result {
            Ok(()) => counts.len(),
            Err(error) => {
                tracing::warn!(%error, articles = counts.len(), "flushing view counts failed; will retry");
                self.give_back(counts);
                0
            }
        }
    }
}
