//! "Something changed": stores raise it while they write the change log;
//! it goes off when the write transaction commits, waking whoever follows
//! the log in this process (webhook deliveries) and moving the number of
//! the last public change, which the response cache compares on every read
//! so that a writer's next read never sees a stale page. One signal per
//! database (two apps in one process on two databases, as tests run, do
//! not disturb each other). Other instances notice by polling.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use tokio::sync::watch;

/// The signal of one database.
pub struct Signal {
    public_seq: AtomicU64,
    committed: watch::Sender<u64>,
}

impl Signal {
    /// A receiver that wakes when a change commits in this process.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.committed.subscribe()
    }

    /// The number of the last change the public saw that this process
    /// committed (0: none yet). Changes commit in number order, so a
    /// follower that has seen this far has seen every public change at or
    /// below it.
    pub fn public_seq(&self) -> u64 {
        self.public_seq.load(Ordering::SeqCst)
    }
}

/// The signal of the database at `url`.
pub fn for_database(url: &str) -> Arc<Signal> {
    static SIGNALS: OnceLock<Mutex<HashMap<String, Arc<Signal>>>> = OnceLock::new();
    let mut signals = SIGNALS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    signals
        .entry(url.to_string())
        .or_insert_with(|| {
            Arc::new(Signal {
                public_seq: AtomicU64::new(0),
                committed: watch::channel(0).0,
            })
        })
        .clone()
}

thread_local! {
    /// The signal of the database whose transaction runs on this thread.
    static CURRENT: RefCell<Option<Arc<Signal>>> = const { RefCell::new(None) };
    /// Whether the transaction running on this thread recorded a change,
    /// and the number of the last one the public saw (0: none).
    static RAISED: Cell<(bool, u64)> = const { Cell::new((false, 0)) };
}

/// Called when a connection of `signal`'s database begins a transaction.
pub(crate) fn transaction_began(signal: &Arc<Signal>) {
    CURRENT.with(|c| *c.borrow_mut() = Some(signal.clone()));
    RAISED.with(|r| r.set((false, 0)));
}

/// Called by the change log when it records, inside the transaction;
/// `public_seq`, the number of the last change recorded that the public saw.
pub fn changed(public_seq: Option<i64>) {
    RAISED.with(|r| {
        let (_, seq) = r.get();
        r.set((true, seq.max(public_seq.unwrap_or(0).max(0) as u64)));
    });
}

/// Called when the outermost write transaction has ended: wakes the
/// followers if it committed a change.
pub(crate) fn transaction_ended(committed: bool) {
    let (raised, public_seq) = RAISED.with(|r| r.replace((false, 0)));
    let Some(signal) = CURRENT.with(|c| c.borrow_mut().take()) else {
        return;
    };
    if raised && committed {
        if public_seq > 0 {
            signal.public_seq.fetch_max(public_seq, Ordering::SeqCst);
        }
        signal.committed.send_modify(|n| *n = n.wrapping_add(1));
    }
}
