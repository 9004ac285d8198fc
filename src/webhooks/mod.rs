//! Webhooks: signed HTTP deliveries of what changed, for portals that
//! embed the town's content and for CDNs to purge. The change log is the
//! outbox (a committed change is a delivery owed; a rolled-back write sends
//! nothing); [`store`] turns it into deliveries and hands each to exactly
//! one sender; [`send`] signs and sends; [`guard`] keeps them off private
//! addresses.

pub mod api;
pub mod guard;
pub mod input;
pub mod model;
pub mod send;
pub mod store;
pub mod views;
