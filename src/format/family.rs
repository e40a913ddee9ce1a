//! The format of `families/<name>.json`: a family's steps (one struct per step kind), its
//! outputs, flags and reasons.

use super::Dec;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
    /// PRIORITY and OUTPUT ORDER: the output values, highest priority first. A list orders the
    /// first output; an object gives a list per output, and ties on one output are broken by
    /// the next output that has a list (DMN's output value order).
    #[serde(default, skip_serializing_if = "Priority::is_empty")]
    pub priority: Priority,
    pub rows: Vec<RowSpec>,
    /// Outputs when no row matches; without it (and without `no_match`), no match is an error
    /// for the case (COLLECT, RULE ORDER and OUTPUT ORDER give empty lists, COLLECT SUM and
    /// COUNT give 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<BTreeMap<String, String>>,
    /// What no matching row gives, declared for the table: `error` (whatever the hit policy)
    /// or `null` (every output has no value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_match: Option<NoMatch>,
}

/// What a table gives when no row matches, when declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoMatch {
    /// An error for the case, whatever the hit policy (a sum of no rows is not 0).
    Error,
    /// Every output has no value (null), as DMN's tables give.
    Null,
}

/// The output value order of a PRIORITY or OUTPUT ORDER table.
// Deserialize: by hand in `shapes.rs`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Priority {
    /// The first output's values, highest priority first.
    First(Vec<PriorityValue>),
    /// Per output, its values highest priority first.
    ByOutput(BTreeMap<String, Vec<PriorityValue>>),
}

impl Default for Priority {
    fn default() -> Priority {
        Priority::First(Vec::new())
    }
}

impl Priority {
    /// True when no order is declared.
    pub fn is_empty(&self) -> bool {
        match self {
            Priority::First(v) => v.is_empty(),
            Priority::ByOutput(m) => m.values().all(Vec::is_empty),
        }
    }
}

/// One value in a priority list: a label, a whole number, or a decimal written as a string.
// Deserialize: by hand in `shapes.rs`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum PriorityValue {
    Whole(i64),
    Text(String),
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
    /// The matching row whose outputs come first in `priority`.
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
    /// Every matching row, as lists, in the order of `priority` (highest first).
    #[serde(rename = "OUTPUT ORDER")]
    OutputOrder,
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

impl HitPolicy {
    /// True when the table gives every matching row's outputs, as lists.
    pub fn lists(self) -> bool {
        matches!(
            self,
            HitPolicy::RuleOrder | HitPolicy::Collect | HitPolicy::OutputOrder
        )
    }
}

/// One row: a condition and the outputs it gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RowSpec {
    /// A boolean expression, or one cell per table input: `-` (anything), a value (`'issued'`),
    /// a comparison (`>= 2`), `in [...]` / `not in [...]`, an interval (`[15..30)`, `(0..5]`,
    /// `]0..5[`), tests of which any may hold (`< 18, >= 60`), or `not(...)` of tests.
    pub when: When,
    /// Output name to expression.
    pub then: BTreeMap<String, String>,
    /// A reason (with `{expression}` holes) added when this row decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A row condition: one expression, or one cell per table input. A condition must be true or
/// false (`null` is refused), and a value in a cell must be one its input can have.
// Deserialize: by hand in `shapes.rs`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
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
    /// Nested objects, one level per key, ending in decimals (strings or whole numbers). Each
    /// label must be a value its key can have (an enum input's value, a number in an input's
    /// range) and appear once (`"2"` and `"2.0"` are one key): otherwise the rule set does not load.
    pub values: serde_json::Value,
}

/// An amount of money from a rate and a basis, pro-rated, capped and rounded as declared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoneySpec {
    /// The rate, an expression (e.g. `annual_value` or `2.50`).
    pub rate: String,
    /// What the rate is per: a basis (`per_year`, `per_term`, `per_month`, `per_week`,
    /// `per_hour`, `one_off`), or an expression of the case that gives one
    /// (`if band == '1a' then 'one_off' else 'per_term'`).
    pub basis: String,
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
    pub status: super::Status,
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
    /// What a money output is: `amount` (paid, the default), `rate`, `cap` or `count`. Batch
    /// summaries and `diff` add up amounts only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<OutputKind>,
}

/// What a money output is, so that only payments are added up.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum OutputKind {
    /// An amount paid for the case (a top-up for the year, a termly payment): totals add it up.
    Amount,
    /// A rate, such as an hourly rate: reported with its range, never added up.
    Rate,
    /// A cap or maximum, such as a maximum top-up: reported with its range, never added up.
    Cap,
    /// A number of units written as money (hours, sessions): reported, never added as money.
    Count,
}

impl OutputKind {
    /// The kind's name as a rule file writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            OutputKind::Amount => "amount",
            OutputKind::Rate => "rate",
            OutputKind::Cap => "cap",
            OutputKind::Count => "count",
        }
    }
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
