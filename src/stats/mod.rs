//! Visitor statistics ("Thống kê", "Online"): a visit beacon counted in
//! memory and added to the database in batches (no write per beacon, see
//! [`crate::jobs`]), and how many distinct visitors were seen in the last
//! five minutes (kept where [`crate::db::shared::SharedState`] keeps it:
//! in memory with one process, in a shared table with several). Batched
//! visit totals add up across instances because each flush adds its own
//! pending count.

pub mod api;
pub mod store;
pub mod views;
