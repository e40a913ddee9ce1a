//! The command line's commands, grouped by who uses them (the rest are in `main.rs`), and how
//! they write their results.

pub mod calibrate;
pub mod finance;
pub mod out;
pub mod policy;
