//! The rule-set format as it is written in JSON files: manifest, declared inputs, families,
//! steps and tests. Plain serde types; meaning is checked when a rule set is compiled.

use crate::Date;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

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
                Decimal::from_str(v.trim())
                    .map(Dec)
                    .map_err(|_| E::custom(format!("{v:?} is not a decimal number")))
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
            "description": "An exact decimal: a string such as \"125.50\" or a whole number.",
            "anyOf": [
                { "type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$" },
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
    pub families: Vec<String>,
    /// Named numbers any expression can use, e.g. `{"school_days": 190}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub constants: BTreeMap<String, Dec>,
    /// Choices made where the source is silent, in words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
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
    /// The allowed values of an `enum` input.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<Choice>,
    /// Descriptor levels of a need area (an `integer` input): what each level means.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<Level>,
    /// Longest text allowed (`string` inputs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
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

/// `families/<name>.json`: one decision (e.g. `topup`), an ordered pipeline of steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FamilySpec {
    /// Must match the file name and the manifest's `families` entry.
    pub name: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub steps: Vec<StepSpec>,
    /// What the decision reports, in this order.
    pub outputs: Vec<OutputSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<FlagSpec>,
    /// Reasons added after the steps when their condition holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<ReasonSpec>,
}

/// One named step. Exactly one of `let`, `score`, `ranges`, `table`, `lookup`, `money`, `stop`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepSpec {
    /// The name later steps and outputs use for this step's value.
    pub name: String,
    /// Run the step only when this holds; otherwise its value is null.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// A reason (with `{expression}` holes) added when the step runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For people reading the rule file; not used by the engine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A value from an expression.
    #[serde(default, rename = "let", skip_serializing_if = "Option::is_none")]
    pub let_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<ScoreSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ranges: Option<RangesSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<TableSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lookup: Option<LookupSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub money: Option<MoneySpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<StopSpec>,
}

/// Weights by input and level, combined into one score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreSpec {
    pub combine: Combine,
    pub weights: Vec<WeightRow>,
}

/// How a score combines its weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Combine {
    Sum,
    Max,
    /// The sum of the N largest weights.
    SumOfTop(u32),
}

/// The weight of each level of one input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeightRow {
    pub input: String,
    /// Level (as written in the profile) to weight, e.g. `{"0": 0, "1": 2, "2": 6}`.
    pub levels: BTreeMap<String, Dec>,
}

/// Numeric ranges to labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RangesSpec {
    /// The number to place, e.g. `score`.
    pub of: String,
    pub ranges: Vec<RangeSpec>,
    /// Gaps between ranges are intended (a value in a gap then counts as outside).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_gaps: bool,
    /// Overlaps are intended; the first range in the list that holds the value wins.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_overlaps: bool,
    /// What a value outside every range gives: `error` (the default) or `no_value` (null).
    #[serde(default, skip_serializing_if = "Outside::is_error")]
    pub outside: Outside,
}

/// One labelled range: `min` to `max` inclusive, or `min` up to but not including `below`;
/// neither `max` nor `below` means no upper limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RangeSpec {
    pub label: String,
    pub min: Dec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Dec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<Dec>,
}

/// What a value outside every range gives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outside {
    #[default]
    Error,
    NoValue,
}

impl Outside {
    fn is_error(&self) -> bool {
        *self == Outside::Error
    }
}

/// A decision table: rows of conditions giving outputs, with a DMN hit policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    pub hit_policy: HitPolicy,
    /// Expressions tested by the cells of rows written as lists.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<String>,
    /// Output names; each is `<step>.<output>`, and a single output is also `<step>`.
    pub outputs: Vec<String>,
    /// PRIORITY: values of the first output, highest priority first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub priority: Vec<String>,
    pub rows: Vec<RowSpec>,
    /// Outputs when no row matches; without it, no match is an error for the case
    /// (COLLECT and RULE ORDER give empty lists, COLLECT SUM and COUNT give 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<BTreeMap<String, String>>,
}

/// The DMN hit policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum HitPolicy {
    /// At most one row may match; two matching rows are an error for the case.
    #[serde(rename = "UNIQUE")]
    Unique,
    /// The first matching row, in order.
    #[serde(rename = "FIRST")]
    First,
    /// The matching row whose first output comes first in `priority`.
    #[serde(rename = "PRIORITY")]
    Priority,
    /// Several rows may match if they give the same outputs.
    #[serde(rename = "ANY")]
    Any,
    /// Every matching row, in row order, as lists.
    #[serde(rename = "RULE ORDER")]
    RuleOrder,
    /// Every matching row, as lists.
    #[serde(rename = "COLLECT")]
    Collect,
    #[serde(rename = "COLLECT SUM")]
    CollectSum,
    #[serde(rename = "COLLECT MIN")]
    CollectMin,
    #[serde(rename = "COLLECT MAX")]
    CollectMax,
    /// The number of matching rows.
    #[serde(rename = "COLLECT COUNT")]
    CollectCount,
}

/// One row: a condition and the outputs it gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RowSpec {
    /// A boolean expression, or one cell per table input: `-` (anything), a value (`'issued'`),
    /// a comparison (`>= 2`), or `in [...]` / `not in [...]`.
    pub when: When,
    /// Output name to expression.
    pub then: BTreeMap<String, String>,
    /// A reason (with `{expression}` holes) added when this row decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A row condition: one expression, or one cell per table input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum When {
    Expr(String),
    Cells(Vec<String>),
}

/// Values keyed by one or two labels (e.g. band x setting).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LookupSpec {
    /// One or two expressions giving the labels.
    pub keys: Vec<String>,
    /// Nested objects, one level per key, ending in decimals (strings or whole numbers).
    pub values: serde_json::Value,
}

/// An amount of money from a rate and a basis, pro-rated, capped and rounded as declared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoneySpec {
    /// The rate, an expression (e.g. `annual_value` or `2.50`).
    pub rate: String,
    pub basis: Basis,
    /// per_term: how many terms (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms: Option<String>,
    /// per_month: how many months (default 12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub months: Option<String>,
    /// per_week and per_hour: how many weeks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weeks: Option<String>,
    /// per_hour: hours per week.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prorate: Option<Prorate>,
    /// The most the amount may be (applied after pro-rating, before rounding).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<String>,
    /// Without it the amount is exact and must already be whole pence to be shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round: Option<RoundSpec>,
}

/// What the rate is per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    PerYear,
    PerTerm,
    PerMonth,
    PerWeek,
    /// rate x hours x weeks.
    PerHour,
    OneOff,
}

/// Pro-rating: the amount times `part / whole`, or times the summed weights of the periods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Prorate {
    pub by: ProrateBy,
    /// days or hours: the part, e.g. `attendance.days_on_roll`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    /// days or hours: the whole, e.g. `190`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub whole: Option<String>,
    /// periods: an expression giving the list of periods on roll.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub periods: Option<String>,
    /// periods: the weight of each period, e.g. `{"autumn": "0.4", "spring": "0.3"}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub weights: BTreeMap<String, Dec>,
}

/// What pro-rating counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProrateBy {
    Days,
    Hours,
    Periods,
}

/// Where and how to round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundSpec {
    pub mode: crate::money::RoundingMode,
    /// Decimal places, 0 to 10 (2 for pence).
    pub places: u32,
}

/// Stop the family with a status when a condition holds (e.g. `ineligible`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StopSpec {
    pub when: String,
    pub status: crate::decision::Status,
    pub reason: String,
}

/// One output of a family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutputSpec {
    pub name: String,
    /// An expression, usually a step's name.
    pub value: String,
    /// How it is written in a decision; inferred when absent (money steps give `money`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<OutputFormat>,
    /// Label for explanations, e.g. `Per term`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// How an output is written in a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutputFormat {
    /// A string with exactly two decimals, e.g. `"4000.00"`.
    Money,
    /// A JSON whole number.
    Integer,
    /// An exact decimal as a string.
    Decimal,
    Text,
    Boolean,
    Date,
    /// A JSON list (table RULE ORDER or COLLECT results).
    List,
}

/// A flag raised when a condition holds, with its reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlagSpec {
    pub flag: String,
    pub when: String,
    pub reason: String,
}

/// A reason added when a condition holds (always, without `when`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    pub text: String,
}

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
    pub status: Option<crate::decision::Status>,
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
}
