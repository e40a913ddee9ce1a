//! sendband: a rules engine for SEND funding bands and thresholds.
//! Rule sets are data, loaded and checked once; each case becomes a decision that explains itself.
//!
//! ```
//! use sendband::{Date, RuleSet};
//! let on: Date = "2024-09-01".parse().unwrap();
//! let rules = RuleSet::embedded(on).unwrap();
//! let profile = r#"{"case_id": "HG-1", "date_of_birth": "2015-03-01", "setting": "special_school",
//!                   "ehcp": "issued", "needs": {"cognition_learning": 4, "sensory_physical": 4,
//!                   "medical_personal_care": 3}, "attendance": {"days_on_roll": 95}}"#;
//! let decision = rules.evaluate_json(profile, on).unwrap();
//! let topup = decision.family("topup").unwrap();
//! assert_eq!(topup.output("band").unwrap().to_text(), "F");
//! assert_eq!(topup.output("amount").unwrap().to_text(), "8750.00");
//! ```

pub mod api;
#[cfg(feature = "cohort")]
pub mod batch;
pub mod date;
pub mod decision;
mod embedded;
pub mod error;
pub mod explain;
pub mod expr;
pub(crate) mod family;
pub(crate) mod fast;
pub mod format;
#[cfg(feature = "cohort")]
pub mod impact;
pub mod input;
pub mod lint;
pub mod money;
pub mod number;
#[cfg(feature = "cohort")]
pub mod playground;
pub mod profile;
pub mod ruleset;
pub mod schema;
pub(crate) mod steps;
pub(crate) mod suggest;
pub mod synth;
pub mod testing;
pub mod what_if;

pub use date::Date;
pub use decision::{Decision, FamilyResult, Status};
pub use error::LoadError;
pub use family::Family;
pub use fast::{Lean, LeanBuf, OutRef};
pub use profile::{Facts, ProfileErrors};
pub use ruleset::RuleSet;
