//! Organizations (Thị ủy, HĐND, UBND, UBMTTQ, đoàn thể, phòng ban): the
//! structure a portal must publish, in Vietnamese and English.

pub mod api;
pub mod input;
pub mod model;
pub mod store;
pub mod views;
