//! sendband: a rules engine for SEND funding bands and thresholds.
//! Rule sets are data, loaded and checked once; each case becomes a decision that explains itself.

pub mod date;
pub mod expr;

pub use date::Date;
