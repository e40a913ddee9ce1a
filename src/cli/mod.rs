//! The command line's commands, grouped by who uses them (the rest are in `main.rs`).

pub mod policy;
