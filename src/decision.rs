//! The decision for one case: per family a status, outputs, flags, reasons and a trace, stamped
//! with the rule set that made it. Its JSON shape is a contract (see DESIGN.md and the README).

use crate::expr::Value;
pub use crate::format::Status;
use crate::format::{OutputFormat, Provenance};
use crate::Date;
use rust_decimal::Decimal;
use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};
use std::sync::Arc;

/// Which rule set made a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleSetStamp {
    pub id: String,
    pub version: String,
    pub provenance: Provenance,
    /// `sha256:` and the hex digest of the rule set's canonical JSON.
    pub digest: String,
}

/// The decision for one case.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub case_id: Option<String>,
    pub on: Date,
    /// Shared by every decision of one rule set: made once, at load.
    pub ruleset: Arc<RuleSetStamp>,
    /// One result per family, in the rule set's order.
    pub results: Vec<FamilyResult>,
}

impl Decision {
    /// The result of the family with this name.
    pub fn family(&self, name: &str) -> Option<&FamilyResult> {
        self.results.iter().find(|r| &*r.family == name)
    }

    /// True when any family ended with status `error`.
    pub fn has_error(&self) -> bool {
        self.results.iter().any(|r| r.status == Status::Error)
    }

    /// The decision as pretty JSON (what `sendband evaluate` prints).
    pub fn to_json_pretty(&self) -> String {
        // Serialising these types cannot fail: every map key is a string.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl Serialize for Decision {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Results<'a>(&'a [FamilyResult]);
        impl Serialize for Results<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(self.0.len()))?;
                for r in self.0 {
                    m.serialize_entry(&*r.family, r)?;
                }
                m.end()
            }
        }
        let mut st = s.serialize_struct("Decision", 4)?;
        st.serialize_field("case_id", &self.case_id)?;
        st.serialize_field("on", &self.on)?;
        st.serialize_field("ruleset", &self.ruleset)?;
        st.serialize_field("results", &Results(&self.results))?;
        st.end()
    }
}

/// One family's result.
#[derive(Debug, Clone, PartialEq)]
pub struct FamilyResult {
    pub family: Arc<str>,
    pub status: Status,
    /// In the family's declared order; every declared output is present (null when none).
    pub outputs: Vec<Output>,
    pub flags: Vec<String>,
    pub reasons: Vec<String>,
    pub trace: Vec<TraceEntry>,
}

impl FamilyResult {
    /// The output with this name.
    pub fn output(&self, name: &str) -> Option<&Output> {
        self.outputs.iter().find(|o| &*o.name == name)
    }
}

/// A family's outputs as the decision JSON writes them: an object of values by output name.
pub(crate) struct Outputs<'a>(pub &'a [Output]);

impl Serialize for Outputs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for o in self.0 {
            m.serialize_entry(&*o.name, &o.to_json())?;
        }
        m.end()
    }
}

impl Serialize for FamilyResult {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("FamilyResult", 5)?;
        st.serialize_field("status", &self.status)?;
        st.serialize_field("outputs", &Outputs(&self.outputs))?;
        st.serialize_field("flags", &self.flags)?;
        st.serialize_field("reasons", &self.reasons)?;
        st.serialize_field("trace", &self.trace)?;
        st.end()
    }
}

/// One output value and how it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub name: Arc<str>,
    pub value: Value,
    pub format: OutputFormat,
}

impl Output {
    /// The value as the decision JSON writes it (money as `"4000.00"`).
    pub fn to_json(&self) -> serde_json::Value {
        output_json(&self.value, self.format)
    }

    /// The value as text for a CSV cell or a test: money with two decimals, null as empty.
    pub fn to_text(&self) -> String {
        output_text(&self.value, self.format)
    }
}

/// An output's value as the decision JSON writes it in its format (money as `"4000.00"`).
pub fn output_json(value: &Value, format: OutputFormat) -> serde_json::Value {
    match (value, format) {
        (Value::Number(n), OutputFormat::Money) => crate::money::to_pence_string(*n)
            .map_or_else(|| value_to_json(value), serde_json::Value::String),
        (Value::Number(n), OutputFormat::Decimal) => {
            serde_json::Value::String(n.normalize().to_string())
        }
        (v, _) => value_to_json(v),
    }
}

/// An output's value as text in its format: money with two decimals, null as empty.
pub fn output_text(value: &Value, format: OutputFormat) -> String {
    let mut text = String::new();
    write_output_text(value, format, &mut text);
    text
}

/// [`output_text`], appended to `out` (a buffer kept from cell to cell).
pub(crate) fn write_output_text(value: &Value, format: OutputFormat, out: &mut String) {
    use std::fmt::Write;
    match output_json(value, format) {
        serde_json::Value::Null => {}
        serde_json::Value::String(s) => out.push_str(&s),
        // Writing into a String cannot fail.
        other => {
            let _ = write!(out, "{other}");
        }
    }
}

/// A value as JSON: whole numbers as JSON numbers, other decimals as exact strings.
pub fn value_to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Number(n) => number_to_json(*n),
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Text(t) => serde_json::Value::String(t.to_string()),
        Value::Date(d) => serde_json::Value::String(d.to_string()),
        Value::List(items) => serde_json::Value::Array(items.iter().map(value_to_json).collect()),
    }
}

fn number_to_json(n: Decimal) -> serde_json::Value {
    let n = n.normalize();
    match i64::try_from(n) {
        Ok(i) if n.scale() == 0 => serde_json::Value::from(i),
        _ => serde_json::Value::String(n.to_string()),
    }
}

/// What one step did for a case, for the trace.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceEntry {
    pub step: Arc<str>,
    /// `let`, `score`, `ranges`, `table`, `lookup`, `money` or `stop`.
    pub kind: &'static str,
    pub value: Value,
    pub detail: Detail,
}

/// Step-specific facts in a trace entry.
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    None,
    /// The step's `when` did not hold, so it did not run.
    Skipped,
    /// The weight each input's level contributed.
    Score(Vec<ScorePart>),
    /// The range that held the value, e.g. `18-27`.
    Range(Arc<str>),
    /// The rows (1-based) that matched (for FIRST, only the first), and the row that
    /// decided for a single-hit policy (none when the default was used).
    Rows {
        matched: Vec<usize>,
        decided: Option<usize>,
    },
    /// The labels a lookup used.
    Keys(Vec<Value>),
    /// How a money step built its amount.
    Money(Box<MoneyWorking>),
    /// Whether a stop step's condition held.
    Held(bool),
}

/// One input's contribution to a score.
#[derive(Debug, Clone, PartialEq)]
pub struct ScorePart {
    pub input: Arc<str>,
    pub level: Value,
    pub weight: Decimal,
    /// False when `sum_of_top` or `max` left this weight out.
    pub counted: bool,
}

/// The working of a money step.
#[derive(Debug, Clone, PartialEq)]
pub struct MoneyWorking {
    pub rate: Decimal,
    /// The multiplier from the basis (terms, months, hours x weeks...).
    pub quantity: Decimal,
    /// Pro-rating as part and whole (days 95 of 190), or the summed period weights over 1.
    pub prorate: Option<(Decimal, Decimal)>,
    /// The cap, when it applied.
    pub capped_at: Option<Decimal>,
    /// The amount before rounding.
    pub exact: Decimal,
}

impl Serialize for TraceEntry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("step", &*self.step)?;
        m.serialize_entry("kind", self.kind)?;
        m.serialize_entry("value", &value_to_json(&self.value))?;
        match &self.detail {
            Detail::None => {}
            Detail::Skipped => m.serialize_entry("skipped", &true)?,
            Detail::Score(parts) => {
                /// In reading order: which input, at which level, for what weight.
                #[derive(Serialize)]
                struct Part<'a> {
                    input: &'a str,
                    level: serde_json::Value,
                    weight: serde_json::Value,
                    counted: bool,
                }
                let parts: Vec<Part> = parts
                    .iter()
                    .map(|p| Part {
                        input: &p.input,
                        level: value_to_json(&p.level),
                        weight: number_to_json(p.weight),
                        counted: p.counted,
                    })
                    .collect();
                m.serialize_entry("parts", &parts)?;
            }
            Detail::Range(r) => m.serialize_entry("range", &**r)?,
            Detail::Rows { matched, decided } => {
                m.serialize_entry("rows", matched)?;
                if let Some(row) = decided {
                    m.serialize_entry("decided", row)?;
                }
            }
            Detail::Keys(keys) => {
                let keys: Vec<_> = keys.iter().map(value_to_json).collect();
                m.serialize_entry("keys", &keys)?;
            }
            Detail::Money(w) => {
                m.serialize_entry("rate", &number_to_json(w.rate))?;
                m.serialize_entry("quantity", &number_to_json(w.quantity))?;
                if let Some((part, whole)) = w.prorate {
                    m.serialize_entry("prorate", &[number_to_json(part), number_to_json(whole)])?;
                }
                if let Some(cap) = w.capped_at {
                    m.serialize_entry("capped_at", &number_to_json(cap))?;
                }
                m.serialize_entry("exact", &number_to_json(w.exact))?;
            }
            Detail::Held(h) => m.serialize_entry("held", h)?,
        }
        m.end()
    }
}
