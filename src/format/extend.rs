//! The format of a version that builds on another: its `ruleset.json` names the version it
//! extends and lists only what changes, each change one step a diff report can name and cost.

use super::{Dec, Provenance, RoundSpec, RowSpec, Source};
use crate::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// `ruleset.json` of a version written as changes to another version of the same scheme.
///
/// ```json
/// {
///   "extends": "2022-23",
///   "version": "2023-24",
///   "effective_from": "2023-04-01",
///   "effective_to": "2024-03-31",
///   "changes": [
///     {"title": "Special schools: £336 more a place", "family": "topup", "step": "place_value",
///      "uplift": {"plus": "336"}}
///   ]
/// }
/// ```
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Extension {
    /// The version this one builds on: a folder beside this one (`"2022-23"`), which may
    /// itself extend another.
    pub extends: String,
    /// This version's label; it must differ from the one it extends.
    pub version: String,
    /// The title; absent: the base's title, with this version's label after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// First day in force; absent: the base's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_from: Option<Date>,
    /// Last day in force, or `null` for open-ended; absent: the base's.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub effective_to: Option<Option<Date>>,
    /// Absent: the base's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    /// Absent: the base's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sources: Option<Vec<Source>>,
    /// Absent: the base's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<Vec<String>>,
    /// What changes, applied in this order.
    #[serde(default)]
    pub changes: Vec<Change>,
}

/// A field that may be given as `null`: `Some(None)`, where an absent one is `None`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// One change to the version extended. It names what it changes (a `constant`, or a `family`
/// and usually a `step`) and gives exactly one of the changes below, suited to that step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// The change in words, as reports name it (`"Band values up by a quarter"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The constant changed, with `to`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constant: Option<String>,
    /// The constant's new value: a decimal, or arithmetic on numbers (`"2240 / 3"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Dec>,
    /// The family changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// The step changed, in `family`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// A lookup step: the cells set, nested by key as the lookup writes them
    /// (`{"D": {"mainstream_school": "4120.00"}}`); each must be a cell the lookup has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<serde_json::Value>,
    /// A lookup step: every cell with a value (or those `only` picks) times or plus a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uplift: Option<Uplift>,
    /// A score step: new weights, by input and level (`{"needs.semh": {"4": 24}}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<BTreeMap<String, BTreeMap<String, Dec>>>,
    /// A ranges step: new bounds, by label (`{"C": {"max": 18}, "D": {"min": 19}}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ranges: Option<BTreeMap<String, Bounds>>,
    /// A table step: rows replaced whole, by their number counting from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<BTreeMap<String, RowSpec>>,
    /// A let step: its new expression.
    #[serde(default, rename = "let", skip_serializing_if = "Option::is_none")]
    pub let_: Option<String>,
    /// A step's new reason (a stop step's: the stop's reason).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The family's reasons (no `step`): new texts, by their number counting from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasons: Option<BTreeMap<String, String>>,
    /// The family's new description (no `step`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A uniform change to a lookup's values, written as data: `times` or `plus`, then rounded
/// when `round` says so (else kept exact, for a money step to round).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Uplift {
    /// Each value times this (`"1.25"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<Dec>,
    /// This added to each value (`"336"`, or `"-50"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plus: Option<Dec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round: Option<RoundSpec>,
    /// Only the cells whose keys have these labels, by key (`{"setting": ["special_school"]}`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub only: BTreeMap<String, Vec<String>>,
}

/// A range's new bounds: those given replace the old (a `max` replaces a `below`, and the
/// other way round).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bounds {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Dec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Dec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<Dec>,
}

/// What a flattened version was built from: kept in its manifest so a bundle still says
/// which version it extends and by which changes, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BuiltOn {
    /// The version extended.
    pub version: String,
    /// That version's digest.
    pub digest: String,
    pub changes: Vec<Change>,
}

impl BuiltOn {
    /// As a bundle keeps it ([`Bundle::built_on`](super::Bundle::built_on)).
    pub(crate) fn raw(&self) -> Result<Box<serde_json::value::RawValue>, serde_json::Error> {
        serde_json::value::to_raw_value(self)
    }
}
