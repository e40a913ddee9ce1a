//! What a batch run accounts for: rows in, out and rejected, and exact totals of every money
//! output by family, band and setting; written as JSON (`--summary`) and as a table for people.

use super::BatchError;
use crate::decision::RuleSetStamp;
use crate::money::{for_people, to_pence_string};
use crate::Date;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Which money output of which family, for which band and setting. Families and outputs are
/// indexes in rule-set order, so totals sort the way the rule set lists them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct TotalKey {
    pub family: usize,
    pub output: usize,
    pub band: String,
    pub setting: String,
}

/// How many rows gave a value, and the exact sum of the values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Total {
    /// Rows with a value.
    pub count: u64,
    /// Their exact sum.
    pub sum: Decimal,
}

/// Totals gathered by one worker, then merged in input order.
#[derive(Debug, Default)]
pub(crate) struct Totals(BTreeMap<TotalKey, Total>);

impl Totals {
    /// Count one value. A sum that no longer fits a decimal is an error, never a wrong total.
    pub fn add(&mut self, key: TotalKey, amount: Decimal) -> Result<(), BatchError> {
        let total = self.0.entry(key).or_default();
        total.count += 1;
        total.sum = total.sum.checked_add(amount).ok_or(BatchError::Overflow)?;
        Ok(())
    }

    /// Add another worker's totals into these.
    pub fn merge(&mut self, other: Totals) -> Result<(), BatchError> {
        for (key, t) in other.0 {
            let total = self.0.entry(key).or_default();
            total.count += t.count;
            total.sum = total.sum.checked_add(t.sum).ok_or(BatchError::Overflow)?;
        }
        Ok(())
    }

    /// The totals in order, with family and output names.
    pub fn lines(self, families: &[(String, Vec<String>)]) -> Vec<TotalLine> {
        self.0
            .into_iter()
            .map(|(k, t)| {
                let (family, outputs) = &families[k.family];
                TotalLine {
                    family: family.clone(),
                    output: outputs[k.output].clone(),
                    band: k.band,
                    setting: k.setting,
                    count: t.count,
                    total: t.sum,
                }
            })
            .collect()
    }
}

/// The total of one money output for one family, band and setting.
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
    /// The exact sum of those values.
    pub total: Decimal,
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
    /// In rule-set order of family and output, then by band and setting.
    pub totals: Vec<TotalLine>,
}

impl Summary {
    /// True when a row was rejected or a family could not decide a row (exit code 1).
    pub fn failed(&self) -> bool {
        self.rows_rejected > 0 || self.rows_with_error > 0
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
    /// a fixed order: counts as numbers, totals as exact strings ("1234.00").
    pub fn to_json_pretty(&self) -> String {
        #[derive(serde::Serialize)]
        struct Line<'a> {
            family: &'a str,
            output: &'a str,
            band: &'a str,
            setting: &'a str,
            count: u64,
            total: String,
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
                    total: money_text(t.total),
                })
                .collect(),
        };
        // Serialising plain structs of strings and numbers cannot fail. (Not via
        // serde_json::Value, whose objects would sort the keys.)
        let mut text = serde_json::to_string_pretty(&json).unwrap_or_default();
        text.push('\n');
        text
    }

    /// A table for people: the row counts, then one line per total with a subtotal for each
    /// family's money output.
    pub fn table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "rows in: {}, out: {} ({} with a family error), rejected: {}",
            self.rows_in, self.rows_out, self.rows_with_error, self.rows_rejected
        );
        if self.totals.is_empty() {
            return s;
        }
        let mut rows: Vec<[String; 6]> = vec![[
            "family".into(),
            "output".into(),
            "band".into(),
            "setting".into(),
            "rows".into(),
            "total".into(),
        ]];
        let mut i = 0;
        while i < self.totals.len() {
            let (family, output) = (&self.totals[i].family, &self.totals[i].output);
            let group: Vec<&TotalLine> = self.totals[i..]
                .iter()
                .take_while(|t| &t.family == family && &t.output == output)
                .collect();
            let (mut count, mut sum) = (0u64, Some(Decimal::ZERO));
            for t in &group {
                rows.push([
                    t.family.clone(),
                    t.output.clone(),
                    dash(&t.band),
                    dash(&t.setting),
                    t.count.to_string(),
                    for_people(t.total),
                ]);
                count += t.count;
                sum = sum.and_then(|s| s.checked_add(t.total));
            }
            rows.push([
                family.clone(),
                output.clone(),
                "all".into(),
                "all".into(),
                count.to_string(),
                // Each total fits a decimal; only this subtotal for people could not.
                sum.map_or_else(|| "too large to show".to_string(), for_people),
            ]);
            i += group.len();
        }
        let widths: Vec<usize> = (0..6)
            .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
            .collect();
        for r in &rows {
            let mut line = String::new();
            for (c, cell) in r.iter().enumerate() {
                let pad = widths[c] - cell.chars().count();
                // Counts and amounts line up on the right, names on the left.
                if c >= 4 {
                    line.push_str(&" ".repeat(pad));
                    line.push_str(cell);
                } else {
                    line.push_str(cell);
                    line.push_str(&" ".repeat(pad));
                }
                line.push_str("  ");
            }
            s.push_str(line.trim_end());
            s.push('\n');
        }
        s
    }
}

fn dash(s: &str) -> String {
    if s.is_empty() {
        "-".to_string()
    } else {
        s.to_string()
    }
}

/// An amount as "1234.00"; an amount with fractions of a penny (not from money outputs, which
/// are whole pence) keeps its exact digits.
pub(crate) fn money_text(d: Decimal) -> String {
    to_pence_string(d).unwrap_or_else(|| d.normalize().to_string())
}
