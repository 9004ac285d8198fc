//! "Something changed": stores raise it while they write the change log;
//! it goes off when the write transaction commits, waking whoever follows
//! the log in this process (webhook deliveries, caches). Other instances
//! on the same database notice by polling.

use std::cell::Cell;
use std::sync::OnceLock;

use tokio::sync::watch;

thread_local! {
    /// Whether the transaction running on this thread recorded a change.
    static RAISED: Cell<bool> = const { Cell::new(false) };
}

fn channel() -> &'static watch::Sender<u64> {
    static CHANNEL: OnceLock<watch::Sender<u64>> = OnceLock::new();
    CHANNEL.get_or_init(|| watch::channel(0).0)
}

/// Called by the change log when it records, inside the transaction.
pub fn changed() {
    RAISED.with(|r| r.set(true));
}

/// Called when the outermost write transaction ends: wakes the followers
/// if it committed a change.
pub(crate) fn transaction_ended(committed: bool) {
    if RAISED.with(|r| r.replace(false)) && committed {
        channel().send_modify(|n| *n = n.wrapping_add(1));
    }
}

/// A receiver that wakes when a change commits in this process.
pub fn subscribe() -> watch::Receiver<u64> {
    channel().subscribe()
}
