//! The rule-set format as it is written in JSON files: manifest, declared inputs, families,
//! steps and tests. Plain serde types; meaning is checked when a rule set is compiled.

mod bundle;
mod extend;
mod family;
mod shapes;

pub use bundle::{Bundle, Expectation, TestFile, TestSpec};
pub use extend::{Bounds, BuiltOn, Change, Extension, Uplift};
pub use family::*;

use crate::Date;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// An exact decimal written in a rule file as a string (`"125.50"`) or a whole number (`12`).
///
/// A JSON number with a fraction (`125.5`) is refused: most JSON tools read it as a binary
/// float, and money must never pass through a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dec(pub Decimal);

impl Serialize for Dec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match i64::try_from(self.0) {
            Ok(i) if self.0.scale() == 0 => s.serialize_i64(i),
            _ => s.collect_str(&self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Dec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Dec, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Dec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a decimal as a string such as \"125.50\", or a whole number")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Dec, E> {
                Ok(Dec(Decimal::from(v)))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Dec, E> {
                Ok(Dec(Decimal::from(v)))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Dec, E> {
                Err(E::custom(format!(
                    "write the number {v} as a string (\"{v}\") so that it stays exact"
                )))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Dec, E> {
                crate::expr::rule_number(v).map(Dec).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Dec {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Decimal".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An exact decimal: a string such as \"125.50\" or a whole number, or arithmetic on numbers such as \"2240 / 3\" (held to 28 significant digits).",
            "anyOf": [
                { "type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$" },
                { "type": "string", "pattern": "^[0-9.+*/() -]+$" },
                { "type": "integer" }
            ]
        })
    }
}

/// `ruleset.json`: who made the rule set, which version it is and when it is in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Stable identifier, e.g. `herefordshire-high-needs-matrix`.
    pub id: String,
    /// The local authority, e.g. `Herefordshire Council`.
    pub authority: String,
    pub title: String,
    /// Version label, e.g. `2024-25` or `2021-04`.
    pub version: String,
    /// First day in force.
    pub effective_from: Date,
    /// Last day in force (inclusive); absent when open-ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_to: Option<Date>,
    pub period_basis: PeriodBasis,
    /// ISO 4217 code, e.g. `GBP`.
    pub currency: String,
    pub provenance: Provenance,
    #[serde(default)]
    pub sources: Vec<Source>,
    /// The families, in the order they are evaluated and shown; each is `families/<name>.json`.
    /// A name is an identifier: an ASCII letter, then letters, digits or `_` (`early_years`).
    // The pattern is what `ruleset::source::is_family_name` checks at load.
    #[schemars(inner(regex(pattern = r"^[A-Za-z][A-Za-z0-9_]*$")))]
    pub families: Vec<String>,
    /// Named numbers any expression can use, e.g. `{"school_days": 190}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub constants: BTreeMap<String, Dec>,
    /// Choices made where the source is silent, in words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Manifest {
    /// Whether `on` falls within the version's dates (its start, and its end when it has one).
    pub fn in_force_on(&self, on: Date) -> bool {
        on >= self.effective_from && self.effective_to.is_none_or(|to| on <= to)
    }
}

/// Whether values are set per financial year (April-March) or academic year (September-August).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PeriodBasis {
    Financial,
    Academic,
}

/// Where the numbers come from: `published` (an authority's own figures), `illustrative`
/// (placeholders) or `draft` (a proposal, never picked by date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    Published,
    Illustrative,
    Draft,
}

impl fmt::Display for Provenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Provenance::Published => "published",
            Provenance::Illustrative => "illustrative",
            Provenance::Draft => "draft",
        })
    }
}

/// A document the rule set encodes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One declared input of a case profile (`inputs.json` holds a list of them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InputSpec {
    /// Dotted name, e.g. `needs.semh`; nested JSON objects and CSV columns use it.
    pub name: String,
    #[serde(rename = "type")]
    pub kind: InputKind,
    /// Short label for forms and explanations.
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// A profile without this input is invalid.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    /// The value taken when the profile leaves the input out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    /// Smallest allowed value (numbers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Dec>,
    /// Largest allowed value (numbers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Dec>,
    /// The only numbers allowed, when they are a short list (e.g. funded hours 15 or 30).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub one_of: Vec<Dec>,
    /// The allowed values of an `enum` input. They are a type: a value written in an expression,
    /// a table cell or a lookup key for this input must be one of them, or the rule set does
    /// not load.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<Choice>,
    /// Descriptor levels of a need area (an `integer` input): what each level means.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<Level>,
    /// The most decimal places a value may have (`money` and `decimal` inputs). A money input
    /// takes 2 (whole pence) unless it declares more, e.g. 4 for an hourly rate in hundredths of a
    /// penny; a value with more places is refused, never rounded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub places: Option<u32>,
    /// Longest text allowed (`string` inputs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// Other inputs a profile must give whenever it gives this one (e.g. an override's reason).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<String>,
    /// The heading of the form section this input is asked in; consecutive inputs with the
    /// same section are asked together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// Ask this input in a form only when each named enum or boolean input has one of the
    /// listed values, e.g. `{"setting": ["early_years_setting"]}`. Profiles may still give it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ask_when: BTreeMap<String, Vec<serde_json::Value>>,
    /// Whether "what would change the result" may suggest a change to this input (default
    /// true; dates and text are never changed). `false` for a fact of the case (a setting, days
    /// on roll) or a decision that is not the school's (a panel override).
    #[serde(default = "yes", skip_serializing_if = "is_yes")]
    pub what_if: bool,
    /// Asked only in the local authority's form, never in a school's: a decision that is the
    /// authority's to make, such as a panel override. Profiles may still give it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub authority_only: bool,
}

fn yes() -> bool {
    true
}

fn is_yes(b: &bool) -> bool {
    *b
}

/// The type of a declared input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    Integer,
    Decimal,
    Money,
    Enum,
    Boolean,
    Date,
    String,
}

/// One allowed value of an `enum` input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub value: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// One descriptor level of a need area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub level: i64,
    /// Short name, e.g. `Significant`.
    pub label: String,
    /// What a child at this level looks like, in plain English.
    pub descriptor: String,
}

/// How a family ended for a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The family applies and gave its outputs.
    Applied,
    /// The family does not concern this case (e.g. top-up for an early years setting).
    NotApplicable,
    /// The family concerns the case but the case does not qualify.
    Ineligible,
    /// The rules could not decide (e.g. a missing cell or input); see the reasons.
    Error,
}

impl Status {
    /// The status as written in JSON, e.g. `not_applicable`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Applied => "applied",
            Status::NotApplicable => "not_applicable",
            Status::Ineligible => "ineligible",
            Status::Error => "error",
        }
    }
}
