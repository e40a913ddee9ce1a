//! sendband: a rules engine for SEND funding bands and thresholds.
//! Rule sets are data, loaded and checked once; each case becomes a decision that explains itself.
//!
//! ```
//! use sendband::{Date, RuleSet};
//! let rules = RuleSet::embedded().unwrap();
//! let on: Date = "2024-09-01".parse().unwrap();
//! let decision = rules
//!     .evaluate_json(r#"{"case_id": "HF-1", "assessment_points": 12, "funded_hours": 30}"#, on)
//!     .unwrap();
//! let tariff = decision.family("tariff").unwrap();
//! assert_eq!(tariff.output("group").unwrap().to_text(), "A1");
//! assert_eq!(tariff.output("per_term").unwrap().to_text(), "251.00");
//! ```

pub mod date;
pub mod decision;
mod embedded;
pub mod explain;
pub mod expr;
pub mod family;
pub mod input;
pub mod money;
pub mod profile;
pub mod ruleset;
pub mod schema;
pub mod steps;
pub mod suggest;
pub mod testing;

pub use date::Date;
pub use decision::{Decision, FamilyResult, Status};
pub use profile::{Facts, ProfileErrors};
pub use ruleset::error::LoadError;
pub use ruleset::RuleSet;
