//! How an answer reads: the spec's presentation applied to a tool's structured
//! result. [`cap`] bounds a result in bytes, [`summary`] writes its opening line and
//! text, [`render`] its compact tables, and [`rollup`] how a roll-up's periods, groups
//! and totals read. Nothing here sends a request or knows a transport.

pub mod cap;
pub mod render;
pub mod rollup;
pub mod summary;
