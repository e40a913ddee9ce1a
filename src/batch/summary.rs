//! What a batch run accounts for: rows in, out and rejected; exact totals of every money amount
//! by family, band and setting (and by `--group-by` inputs); the range of rates, caps and counts.

use super::BatchError;
use crate::decision::RuleSetStamp;
use crate::format::OutputKind;
use crate::money::to_pence_string;
use crate::Date;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Which money output of which family, for which band and setting. Families and outputs are
/// indexes in rule-set order, so totals sort the way the rule set lists them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct TotalKey {
    pub family: usize,
    pub output: usize,
    pub band: String,
    pub setting: String,
}

/// Which money amount of which family, for which values of the `--group-by` inputs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct GroupKey {
    family: usize,
    output: usize,
    values: Vec<String>,
}

/// How many rows gave a value, their exact sum, and the smallest and largest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Total {
    /// Rows with a value.
    pub count: u64,
    /// Their exact sum; `None` once it is too large for a decimal (about 7.9e28), never a
    /// rounded sum.
    pub sum: Option<Decimal>,
    /// The smallest value (`None` with no rows).
    pub min: Option<Decimal>,
    /// The largest value (`None` with no rows).
    pub max: Option<Decimal>,
}

impl Default for Total {
    fn default() -> Total {
        Total {
            count: 0,
            sum: Some(Decimal::ZERO),
            min: None,
            max: None,
        }
    }
}

impl Total {
    fn add(&mut self, value: Decimal) {
        self.count += 1;
        self.sum = self.sum.and_then(|s| s.checked_add(value));
        self.min = Some(self.min.map_or(value, |m| m.min(value)));
        self.max = Some(self.max.map_or(value, |m| m.max(value)));
    }

    fn merge(&mut self, other: Total) {
        self.count += other.count;
        self.sum = self.sum.zip(other.sum).and_then(|(a, b)| a.checked_add(b));
        self.min = match (self.min, other.min) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.max = match (self.max, other.max) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
}

/// Totals gathered by one worker, then merged in input order. A sum too large for a decimal
/// is kept as such and reported; it never stops the run.
#[derive(Debug, Default)]
pub(crate) struct Totals {
    /// Few keys (families' money outputs by band and setting), found by their borrowed parts
    /// so that a row allocates nothing; sorted only for the lines.
    by_band: Vec<(TotalKey, Total)>,
    by_group: BTreeMap<GroupKey, Total>,
}

/// An output's name, and what it is when it is money.
pub(crate) type NamedOutput = (String, Option<OutputKind>);

/// The names and kinds of each family's outputs, and the `--group-by` inputs, for the lines.
pub(crate) struct Names {
    pub families: Vec<(String, Vec<NamedOutput>)>,
    pub group_by: Vec<String>,
}

impl Totals {
    /// Count one value of money output `output` of family `family`.
    pub fn add(&mut self, family: usize, output: usize, band: &str, setting: &str, value: Decimal) {
        let found = self.by_band.iter_mut().find(|(k, _)| {
            k.family == family && k.output == output && k.band == band && k.setting == setting
        });
        match found {
            Some((_, total)) => total.add(value),
            None => {
                let key = TotalKey {
                    family,
                    output,
                    band: band.to_string(),
                    setting: setting.to_string(),
                };
                let mut total = Total::default();
                total.add(value);
                self.by_band.push((key, total));
            }
        }
    }

    /// Count one amount for its row's values of the `--group-by` inputs.
    pub fn add_to_group(
        &mut self,
        family: usize,
        output: usize,
        values: &[String],
        value: Decimal,
    ) {
        let key = GroupKey {
            family,
            output,
            values: values.to_vec(),
        };
        self.by_group.entry(key).or_default().add(value);
    }

    /// Add another worker's totals into these.
    pub fn merge(&mut self, other: Totals) {
        for (key, t) in other.by_band {
            match self.by_band.iter_mut().find(|(k, _)| *k == key) {
                Some((_, total)) => total.merge(t),
                None => self.by_band.push((key, t)),
            }
        }
        for (key, t) in other.by_group {
            self.by_group.entry(key).or_default().merge(t);
        }
    }

    /// The lines of the summary, in order, with family and output names: the totals of
    /// amounts, the ranges of other money outputs, and the totals by group.
    pub fn lines(self, names: &Names) -> (Vec<TotalLine>, Vec<RangeLine>, Vec<GroupLine>) {
        let (mut totals, mut ranges) = (Vec::new(), Vec::new());
        let mut by_band = self.by_band;
        by_band.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let output = |f: usize, o: usize| {
            let (family, outputs) = &names.families[f];
            let (output, kind) = &outputs[o];
            (
                family.clone(),
                output.clone(),
                kind.unwrap_or(OutputKind::Amount),
            )
        };
        for (k, t) in by_band {
            let (family, output, kind) = output(k.family, k.output);
            if kind == OutputKind::Amount {
                totals.push(TotalLine {
                    family,
                    output,
                    band: k.band,
                    setting: k.setting,
                    count: t.count,
                    total: t.sum,
                });
            } else {
                ranges.push(RangeLine {
                    family,
                    output,
                    kind,
                    band: k.band,
                    setting: k.setting,
                    count: t.count,
                    min: t.min.unwrap_or_default(),
                    max: t.max.unwrap_or_default(),
                });
            }
        }
        let groups = self
            .by_group
            .into_iter()
            .map(|(k, t)| {
                let (family, output, _) = output(k.family, k.output);
                GroupLine {
                    family,
                    output,
                    values: k.values,
                    count: t.count,
                    total: t.sum,
                }
            })
            .collect();
        (totals, ranges, groups)
    }
}

/// The total of one money amount for one family, band and setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotalLine {
    /// The family's name, e.g. `topup`.
    pub family: String,
    /// The money output's name, e.g. `amount`.
    pub output: String,
    /// The family's `band` output (or first text output) on those rows; "" when it has none.
    pub band: String,
    /// The declared input `setting` on those rows; "" when the rule set declares none.
    pub setting: String,
    /// Rows with a value for this output (a null amount is not counted).
    pub count: u64,
    /// The exact sum of those values; `None` when it is too large to add up exactly.
    pub total: Option<Decimal>,
}

/// A money output that is not an amount paid (a rate, a cap, a count): never added up, but
/// how many rows gave it and its range, for one family, band and setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeLine {
    /// The family's name.
    pub family: String,
    /// The output's name, e.g. `hourly_rate`.
    pub output: String,
    /// What the output is, as its rule file declares.
    pub kind: OutputKind,
    /// As in [`TotalLine::band`].
    pub band: String,
    /// As in [`TotalLine::setting`].
    pub setting: String,
    /// Rows with a value.
    pub count: u64,
    /// The smallest value.
    pub min: Decimal,
    /// The largest value.
    pub max: Decimal,
}

/// The total of one money amount for one combination of the `--group-by` inputs' values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupLine {
    /// The family's name.
    pub family: String,
    /// The money output's name.
    pub output: String,
    /// The value of each `--group-by` input on those rows, in order ("" when it has none).
    pub values: Vec<String>,
    /// Rows with a value for this output.
    pub count: u64,
    /// The exact sum; `None` when it is too large to add up exactly.
    pub total: Option<Decimal>,
}

/// The account of a whole batch run.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// The rule set every row was decided by.
    pub ruleset: std::sync::Arc<RuleSetStamp>,
    /// The evaluation date of every row.
    pub on: Date,
    /// Every row read: `rows_in == rows_out + rows_rejected`, always.
    pub rows_in: u64,
    /// Rows in the output (with a family `error` or not).
    pub rows_out: u64,
    /// Rows in the rejects instead: invalid profiles, or rows that could not be read.
    pub rows_rejected: u64,
    /// Output rows where at least one family has status `error` (part of `rows_out`).
    pub rows_with_error: u64,
    /// Rejects lines written: one per field error, so a rejected row can have several.
    pub reject_lines: u64,
    /// Money amounts paid, in rule-set order of family and output, then by band and setting.
    pub totals: Vec<TotalLine>,
    /// Rates, caps and counts, in the same order: never added up.
    pub not_added: Vec<RangeLine>,
    /// The inputs of `--group-by`, in order.
    pub group_by: Vec<String>,
    /// Money amounts paid by the values of the `group_by` inputs (none without them).
    pub groups: Vec<GroupLine>,
}

impl Summary {
    /// True when a row was rejected, a family could not decide a row, or a total was too
    /// large to add up exactly (exit code 1).
    pub fn failed(&self) -> bool {
        self.rows_rejected > 0 || self.rows_with_error > 0 || self.too_large().next().is_some()
    }

    /// The totals too large to add up exactly, as `family output (band, setting)`.
    pub fn too_large(&self) -> impl Iterator<Item = String> + '_ {
        let by_band = self.totals.iter().filter(|t| t.total.is_none()).map(|t| {
            format!(
                "{} {} (band {}, setting {})",
                t.family,
                t.output,
                dash(&t.band),
                dash(&t.setting)
            )
        });
        let by_group = self.groups.iter().filter(|g| g.total.is_none()).map(|g| {
            let values: Vec<String> = self
                .group_by
                .iter()
                .zip(&g.values)
                .map(|(n, v)| format!("{n} {}", dash(v)))
                .collect();
            format!("{} {} ({})", g.family, g.output, values.join(", "))
        });
        by_band.chain(by_group)
    }

    /// Check the one invariant a batch promises: every row read was output or rejected.
    pub(crate) fn check(&self) -> Result<(), BatchError> {
        if self.rows_in == self.rows_out + self.rows_rejected {
            Ok(())
        } else {
            Err(BatchError::Unaccounted {
                rows_in: self.rows_in,
                rows_out: self.rows_out,
                rows_rejected: self.rows_rejected,
            })
        }
    }

    /// The summary as pretty JSON with a final newline (what `--summary` writes), fields in
    /// a fixed order: counts as numbers, money as exact strings ("1234.00"). A total too large
    /// to add up is `null`, with `"too_large": true`.
    pub fn to_json_pretty(&self) -> String {
        #[derive(serde::Serialize)]
        struct Line<'a> {
            family: &'a str,
            output: &'a str,
            band: &'a str,
            setting: &'a str,
            count: u64,
            total: Option<String>,
            #[serde(skip_serializing_if = "std::ops::Not::not")]
            too_large: bool,
        }
        #[derive(serde::Serialize)]
        struct Range<'a> {
            family: &'a str,
            output: &'a str,
            kind: OutputKind,
            band: &'a str,
            setting: &'a str,
            count: u64,
            min: String,
            max: String,
        }
        #[derive(serde::Serialize)]
        struct Group<'a> {
            family: &'a str,
            output: &'a str,
            values: BTreeMap<&'a str, &'a str>,
            count: u64,
            total: Option<String>,
            #[serde(skip_serializing_if = "std::ops::Not::not")]
            too_large: bool,
        }
        #[derive(serde::Serialize)]
        struct Json<'a> {
            ruleset: &'a RuleSetStamp,
            on: Date,
            rows_in: u64,
            rows_out: u64,
            rows_rejected: u64,
            rows_with_error: u64,
            reject_lines: u64,
            totals: Vec<Line<'a>>,
            not_added: Vec<Range<'a>>,
            #[serde(skip_serializing_if = "<[_]>::is_empty")]
            group_by: &'a [String],
            #[serde(skip_serializing_if = "Vec::is_empty")]
            groups: Vec<Group<'a>>,
        }
        let json = Json {
            ruleset: &self.ruleset,
            on: self.on,
            rows_in: self.rows_in,
            rows_out: self.rows_out,
            rows_rejected: self.rows_rejected,
            rows_with_error: self.rows_with_error,
            reject_lines: self.reject_lines,
            totals: self
                .totals
                .iter()
                .map(|t| Line {
                    family: &t.family,
                    output: &t.output,
                    band: &t.band,
                    setting: &t.setting,
                    count: t.count,
                    total: t.total.map(money_text),
                    too_large: t.total.is_none(),
                })
                .collect(),
            not_added: self
                .not_added
                .iter()
                .map(|r| Range {
                    family: &r.family,
                    output: &r.output,
                    kind: r.kind,
                    band: &r.band,
                    setting: &r.setting,
                    count: r.count,
                    min: money_text(r.min),
                    max: money_text(r.max),
                })
                .collect(),
            group_by: &self.group_by,
            groups: self
                .groups
                .iter()
                .map(|g| Group {
                    family: &g.family,
                    output: &g.output,
                    values: self
                        .group_by
                        .iter()
                        .map(String::as_str)
                        .zip(g.values.iter().map(String::as_str))
                        .collect(),
                    count: g.count,
                    total: g.total.map(money_text),
                    too_large: g.total.is_none(),
                })
                .collect(),
        };
        // Serialising plain structs of strings and numbers cannot fail. (Not via
        // serde_json::Value, whose objects would sort the keys.)
        let mut text = serde_json::to_string_pretty(&json).unwrap_or_default();
        text.push('\n');
        text
    }
}

pub(crate) fn dash(s: &str) -> &str {
    if s.is_empty() {
        "-"
    } else {
        s
    }
}

/// An amount as "1234.00"; an amount with fractions of a penny (not from money outputs, which
/// are whole pence) keeps its exact digits.
pub(crate) fn money_text(d: Decimal) -> String {
    to_pence_string(d).unwrap_or_else(|| d.normalize().to_string())
}
