//! One case of a comparison: its profile read and checked for each rule set, both evaluated,
//! and what changed added into each family's impact (cost, gains and losses, movers).

use super::{Change, Compared, Impact, ImpactError, Pair, Refusal, Side, CHUNK, MOVERS};
use crate::batch::read::{check_header, RawRow, RowSource, Rows};
use crate::batch::{row::decode, xlsx, BatchError};
use crate::fast::LeanBuf;
use crate::profile::{Column, Decoder, ProfileErrors};
use crate::{Date, RuleSet};
use rayon::prelude::*;
use rust_decimal::Decimal;

/// What every case of a comparison shares.
pub(super) struct CaseCx<'a> {
    pub(super) base: &'a RuleSet,
    pub(super) proposed: &'a RuleSet,
    pub(super) on: Date,
    pub(super) common: &'a [Pair],
    pub(super) setting: Option<usize>,
    /// The two rule sets declare the very same inputs, so a profile is read and checked once.
    pub(super) same_inputs: bool,
    /// The header's columns (CSV, xlsx) with each rule set's inputs: base, proposed.
    pub(super) columns: (Vec<Column>, Vec<Column>),
    /// The inputs costs are grouped by.
    pub(super) group: &'a [Grouping],
}

/// An input costs are grouped by: its slot in the base's profile, and its enum values' labels.
pub(super) struct Grouping {
    pub(super) slot: usize,
    pub(super) labels: std::collections::BTreeMap<String, String>,
}

impl Grouping {
    /// The value in `values` as people read it: an enum value by its label, a boolean as yes
    /// or no, any other as written.
    fn shown(&self, values: &[crate::expr::Value]) -> String {
        use crate::expr::Value;
        match values.get(self.slot) {
            None | Some(Value::Null) => "not given".to_string(),
            Some(Value::Bool(b)) => if *b { "yes" } else { "no" }.to_string(),
            Some(Value::Text(t)) => self
                .labels
                .get(&**t)
                .map_or_else(|| t.to_string(), Clone::clone),
            Some(v) => v.to_string(),
        }
    }
}

/// One worker's reusable buffers: a result and a profile decoder for each rule set.
type Bufs<'r> = (LeanBuf, LeanBuf, Decoder<'r>, Decoder<'r>);

impl<'a> CaseCx<'a> {
    /// The columns of a header (already checked against the base rule set by its reader) for
    /// each rule set. A column the proposed rule set does not know would be dropped unseen, so
    /// it stops the comparison as it stops a batch.
    pub(super) fn header(
        &self,
        columns: &[String],
        file: &str,
    ) -> Result<(Vec<Column>, Vec<Column>), ImpactError> {
        if !self.same_inputs {
            check_header(self.proposed, columns, file).map_err(|e| match e {
                BatchError::Header { file, message } => ImpactError::Cohort {
                    file,
                    message: format!("for the proposed rule set, {message}"),
                },
                other => ImpactError::Read(other),
            })?;
        }
        Ok((
            Column::of(columns, self.base.names()),
            Column::of(columns, self.proposed.names()),
        ))
    }

    /// Compare every row of the first worksheet of `book`, its header read as a CSV's is.
    pub(super) fn sheet<RS: std::io::Read + std::io::Seek>(
        &mut self,
        book: &mut calamine::Xlsx<RS>,
        file: &str,
        impact: &mut Impact,
        each: &mut dyn FnMut(&Change) -> Result<(), ImpactError>,
    ) -> Result<(), ImpactError> {
        let cells = xlsx::first_sheet(book, file)?;
        let mut rows = xlsx::XlsxRows::new(self.base, cells, file)?;
        self.columns = self.header(&rows.columns(), file)?;
        self.run(&mut rows, impact, each)
    }

    /// Compare every row of `src`, a chunk at a time, each chunk's cases in parallel.
    pub(super) fn run(
        &self,
        src: &mut dyn RowSource,
        impact: &mut Impact,
        each: &mut dyn FnMut(&Change) -> Result<(), ImpactError>,
    ) -> Result<(), ImpactError> {
        let mut chunk = Rows::with_capacity(CHUNK);
        loop {
            chunk.clear();
            src.read_chunk(&mut chunk, CHUNK)?;
            if chunk.is_empty() {
                return Ok(());
            }
            let text = &chunk.text;
            let results: Vec<(u64, Result<Compared, Refusal>)> = chunk
                .rows
                .par_iter()
                .map_init(
                    || -> Bufs<'a> {
                        (
                            LeanBuf::default(),
                            LeanBuf::default(),
                            self.base.decoder(),
                            self.proposed.decoder(),
                        )
                    },
                    |bufs, row| (row.number, self.one_case(&row.raw, text, bufs)),
                )
                .collect();
            for (row, result) in results {
                impact.rows += 1;
                match result {
                    Ok(case) => add(impact, row, case, each)?,
                    Err((case_id, why)) => impact.rejected.push((row, case_id, why)),
                }
            }
        }
    }

    fn one_case(
        &self,
        raw: &RawRow,
        text: &[u8],
        bufs: &mut Bufs<'_>,
    ) -> Result<Compared, Refusal> {
        let refused = |which: &str, e: ProfileErrors| {
            let why = e
                .errors
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; ");
            // A row that is no profile at all (too long, too few fields, empty) is so for
            // either rule set: neither is named.
            if e.errors.iter().all(|f| f.field == "(row)") {
                (e.case_id, why)
            } else {
                (e.case_id, format!("{which} rule set: {why}"))
            }
        };
        let (buf_b, buf_p, decoder_b, decoder_p) = bufs;
        let facts_b =
            decode(decoder_b, &self.columns.0, raw, text).map_err(|e| refused("base", e))?;
        let facts_p = if self.same_inputs {
            facts_b
        } else {
            decode(decoder_p, &self.columns.1, raw, text).map_err(|e| refused("proposed", e))?
        };
        let place = self
            .setting
            .and_then(|i| facts_b.values.get(i))
            .and_then(|v| v.as_text())
            .unwrap_or_default()
            .to_string();
        let group = (!self.group.is_empty()).then(|| {
            let values: Vec<String> = self
                .group
                .iter()
                .map(|g| g.shown(&facts_b.values))
                .collect();
            values.join(" / ")
        });
        let lean_b = self.base.evaluate_into(facts_b, self.on, buf_b);
        let lean_p = self.proposed.evaluate_into(facts_p, self.on, buf_p);
        let sides = self
            .common
            .iter()
            .map(|f| (f.base.side(&lean_b), f.proposed.side(&lean_p)))
            .collect();
        Ok((facts_b.case_id.clone(), place, group, sides))
    }
}

fn add(
    impact: &mut Impact,
    row: u64,
    (case_id, setting, group, sides): Compared,
    each: &mut dyn FnMut(&Change) -> Result<(), ImpactError>,
) -> Result<(), ImpactError> {
    impact.compared += 1;
    let mut changed = false;
    for (fi, (base, proposed)) in impact.families.iter_mut().zip(sides) {
        let zero = Decimal::ZERO;
        let (a0, a1) = (base.amount.unwrap_or(zero), proposed.amount.unwrap_or(zero));
        fi.has_amount |= base.amount.is_some() || proposed.amount.is_some();
        fi.cost_base = fi.cost_base.checked_add(a0).ok_or(ImpactError::Overflow)?;
        fi.cost_proposed = fi
            .cost_proposed
            .checked_add(a1)
            .ok_or(ImpactError::Overflow)?;
        let band = |s: &Side| s.band.clone().unwrap_or_else(|| "-".to_string());
        *fi.transitions
            .entry((band(&base), band(&proposed)))
            .or_default() += 1;
        for (side, amount, is_base) in [(&base, a0, true), (&proposed, a1, false)] {
            let cell = fi
                .by_band_setting
                .entry((band(side), setting.clone()))
                .or_default();
            let total = if is_base { &mut cell.0 } else { &mut cell.1 };
            *total = total.checked_add(amount).ok_or(ImpactError::Overflow)?;
        }
        if let Some(g) = &group {
            let cell = fi.by_group.entry(g.clone()).or_default();
            cell.0 = cell.0.checked_add(a0).ok_or(ImpactError::Overflow)?;
            cell.1 = cell.1.checked_add(a1).ok_or(ImpactError::Overflow)?;
        }
        match a1.cmp(&a0) {
            std::cmp::Ordering::Greater => {
                fi.gain += 1;
                fi.gained += a1 - a0;
            }
            std::cmp::Ordering::Less => {
                fi.lose += 1;
                fi.lost += a0 - a1;
            }
            std::cmp::Ordering::Equal => fi.stay += 1,
        }
        if a1 != a0 {
            *fi.deltas.entry((a1 - a0).normalize()).or_default() += 1;
        }
        if base != proposed {
            changed = true;
            let change = Change {
                row,
                case_id: case_id.clone(),
                family: fi.family.clone(),
                base,
                proposed,
            };
            each(&change)?;
            keep_mover(&mut fi.movers, change);
        }
    }
    impact.changed += u64::from(changed);
    Ok(())
}

/// Keep the `MOVERS` largest changes of amount (by size), earlier rows first among equals.
fn keep_mover(movers: &mut Vec<Change>, c: Change) {
    let size = c.delta().abs();
    if size.is_zero() {
        return;
    }
    let at = movers.partition_point(|m| m.delta().abs() >= size);
    if at < MOVERS {
        movers.insert(at, c);
        movers.truncate(MOVERS);
    }
}
