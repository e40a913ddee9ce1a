//! The format of `tests/*.json` (rule-set tests) and of bundles, a whole rule set in one
//! JSON file, whose manifest, inputs and families also give the digest.

use super::{FamilySpec, InputSpec, Manifest};
use crate::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A rule-set test: a profile, a date and what each family must give.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestSpec {
    pub name: String,
    pub on: Date,
    /// The case profile, kept as written so its numbers stay exact.
    #[schemars(with = "serde_json::Value")]
    pub profile: Box<serde_json::value::RawValue>,
    /// Family to expectation; only what is written is checked.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub expect: BTreeMap<String, Expectation>,
    /// The profile must be refused with exactly these messages (field and words).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect_invalid: Option<Vec<String>>,
}

/// What one family must give in a test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<super::Status>,
    /// Output name to its value as written in the decision JSON.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub outputs: BTreeMap<String, serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags: Option<Vec<String>>,
    /// Each text must appear in at least one reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons_include: Vec<String>,
}

/// `tests/*.json`: a list of tests.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestFile {
    pub tests: Vec<TestSpec>,
}

/// A whole rule set in one JSON file (what the browser loads), and the shape whose canonical
/// JSON gives the digest.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    /// Always `1` for this format.
    pub sendband_bundle: u32,
    pub manifest: Manifest,
    pub inputs: Vec<InputSpec>,
    pub families: Vec<FamilySpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tests: Vec<TestSpec>,
    /// A version written as changes to another: that version and the changes, in order
    /// ([`BuiltOn`](super::BuiltOn)), so a diff of the bundle names and costs them as the
    /// version wrote them. Kept as written (read only where changes are listed) and, like the
    /// tests, outside the digest: it says how the rules were written, not what they decide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<super::BuiltOn>")]
    pub built_on: Option<Box<serde_json::value::RawValue>>,
}
