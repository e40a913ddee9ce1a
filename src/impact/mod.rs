//! The impact of a rule change: a cohort evaluated under a base and a proposed rule set, case by
//! case, summed into the cost under each, who gains and who loses, band transitions and movers.
//!
//! Totals are exact (`rust_decimal`) and are the sums of the per-case changes, so a report and
//! its list of changes always agree.
//!
//! A cohort is read as a batch reads its input (`crate::batch::read`): the same formats, the
//! same row limit and row numbers, and a row that cannot be read is refused and counted, never
//! a stop.

mod attribute;
mod calibrate;
mod case;
mod charts;
use case::CaseCx;
mod html;
mod text;

pub use attribute::{attribute, attribute_changes, words, Attribution};
pub use calibrate::{calibrate, Calibrated, Free, Target, FACTOR_PLACES};
pub use html::{figures, report, ReportTitle};
pub(crate) use html::{money, signed};
pub use text::{change_row, rule_changes_text, CHANGES_HEADER};

use crate::batch::read::{CsvRows, JsonlRows};
use crate::batch::{xlsx, BatchError, Format};
use crate::decision::Status;
use crate::format::OutputFormat;
use crate::{Date, RuleSet};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// How many of the largest movers each family keeps.
pub const MOVERS: usize = 10;
/// How many refused rows the text and the HTML report show, with row number and reason (all
/// are counted).
pub const REFUSALS_SHOWN: usize = 5;
/// Rows evaluated per parallel chunk.
const CHUNK: usize = 8192;

/// One family's result for one case, as the impact sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    pub status: Status,
    /// The `band` output (or `outcome`), as text; `None` when it has no value.
    pub band: Option<String>,
    /// The first money output; `None` when it has no value.
    pub amount: Option<Decimal>,
}

/// A family whose result differs between the two rule sets for one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The row of the cohort file (1 is the first profile).
    pub row: u64,
    pub case_id: Option<String>,
    pub family: String,
    pub base: Side,
    pub proposed: Side,
}

impl Change {
    /// Proposed amount less base amount, an amount with no value counting as zero.
    pub fn delta(&self) -> Decimal {
        self.proposed.amount.unwrap_or_default() - self.base.amount.unwrap_or_default()
    }
}

/// The impact on one family.
#[derive(Debug, Clone, Default)]
pub struct FamilyImpact {
    pub family: String,
    /// The family's title, as the proposal gives it (`Element 3 top-up band`).
    pub title: String,
    /// Whether the family has a money output (else only bands and statuses are compared).
    pub has_amount: bool,
    pub cost_base: Decimal,
    pub cost_proposed: Decimal,
    /// Cases whose amount rises, falls, or stays the same.
    pub gain: u64,
    pub lose: u64,
    pub stay: u64,
    /// The sum of the rises, and of the falls (as a positive amount).
    pub gained: Decimal,
    pub lost: Decimal,
    /// Cases by (base band, proposed band); `-` for no band.
    pub transitions: BTreeMap<(String, String), u64>,
    /// Cost under each rule set by (band, setting), the band being each case's own under each.
    pub by_band_setting: BTreeMap<(String, String), (Decimal, Decimal)>,
    /// The largest changes of amount, largest first (ties in cohort order).
    pub movers: Vec<Change>,
    /// Money outputs that are not amounts paid (rates, caps, counts), as `name (kind)`: never
    /// a cost, so never added up.
    pub not_added: Vec<String>,
    /// How many cases changed by each amount (no change left out): the distribution of gains
    /// and losses.
    pub deltas: BTreeMap<Decimal, u64>,
    /// Cost under each rule set by the values of the `--group-by` inputs (a school, say), as
    /// people read them (an enum value by its label, a boolean as yes or no), joined by ` / `;
    /// empty when no input groups.
    pub by_group: BTreeMap<String, (Decimal, Decimal)>,
}

/// The impact on a cohort.
#[derive(Debug, Clone, Default)]
pub struct Impact {
    /// Rows read (numbered as a batch numbers them: data rows from 1).
    pub rows: u64,
    /// Profiles valid under both rule sets, and so compared.
    pub compared: u64,
    /// Cases with at least one family changed.
    pub changed: u64,
    /// (row, case id, why) for each row refused, in cohort order: a row that is no profile (a
    /// CSV record with the wrong number of fields, a row over
    /// [`MAX_ROW_BYTES`](crate::batch::MAX_ROW_BYTES), an empty line, text that is not UTF-8),
    /// or a profile either rule set finds invalid. None is in any other figure.
    pub rejected: Vec<(u64, Option<String>, String)>,
    pub families: Vec<FamilyImpact>,
    /// The labels of the `setting` input's values (`mainstream_school`: `Mainstream school`),
    /// for people reading costs by setting.
    pub setting_labels: BTreeMap<String, String>,
    /// The labels of the inputs costs are grouped by (see [`compare_grouped`]).
    pub group_by: Vec<String>,
}

impl Impact {
    /// The cost of amounts paid under the base rule set, every family added up.
    pub fn cost_base(&self) -> Decimal {
        self.families
            .iter()
            .filter(|f| f.has_amount)
            .map(|f| f.cost_base)
            .sum()
    }

    /// The cost of amounts paid under the proposed rule set, every family added up.
    pub fn cost_proposed(&self) -> Decimal {
        self.families
            .iter()
            .filter(|f| f.has_amount)
            .map(|f| f.cost_proposed)
            .sum()
    }

    /// The change in the cost of amounts paid, every family added up.
    pub fn cost_change(&self) -> Decimal {
        self.cost_proposed() - self.cost_base()
    }
}

/// Rules made from a bundle built in memory (the base with some changes, a calibrated
/// proposal), compiled by the one loader; `what` names them in an error.
pub(crate) fn compiled(bundle: &crate::format::Bundle, what: &str) -> Result<RuleSet, ImpactError> {
    let text = serde_json::to_string(bundle).map_err(|e| ImpactError::Write(e.to_string()))?;
    RuleSet::from_bundle(what, &text)
        .map_err(|e| ImpactError::Write(format!("{what} does not load: {e}")))
}

/// What can stop a comparison. A bad row never does: it is refused and counted.
#[derive(Debug, thiserror::Error)]
pub enum ImpactError {
    /// The changes file could not be written.
    #[error("{file}: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
    /// The cohort is not a file of a format a cohort can have, or its header does not fit the
    /// proposed rule set.
    #[error("{file}: {message}")]
    Cohort { file: String, message: String },
    /// The cohort could not be opened or read, or its header does not fit the base rule set
    /// (the same errors as a batch's input).
    #[error("{0}")]
    Read(#[from] BatchError),
    #[error("the two rule sets have no family in common")]
    NoCommonFamily,
    #[error("amounts too large to add up")]
    Overflow,
    #[error("{0}")]
    Write(String),
}

/// Why a file is not read as a cohort: its name says no format a cohort can have.
pub(crate) const NOT_A_COHORT: &str = "a cohort is a .csv, .jsonl, .ndjson or .xlsx file";

/// A cohort's profiles, in any format a batch reads.
pub enum Cohort<R> {
    /// JSON Lines: one JSON profile per line.
    Jsonl(R),
    /// CSV with a header row of input names such as `needs.semh`.
    Csv(R),
    /// The first worksheet of this xlsx workbook, with a header row as CSV has.
    Xlsx(PathBuf),
    /// The first worksheet of an xlsx workbook read whole (a file a browser page was given).
    Workbook(Vec<u8>),
}

impl Cohort<BufReader<std::fs::File>> {
    /// The cohort file at `path`, its format by extension as for a batch's input: `.csv`,
    /// `.jsonl` or `.ndjson`, or `.xlsx`.
    pub fn open(path: &Path) -> Result<Self, ImpactError> {
        let file = path.display().to_string();
        let format = match Format::of(path) {
            // `-` is standard input to a batch; a cohort is a file.
            Ok(f) if path != Path::new("-") => f,
            _ => {
                return Err(ImpactError::Cohort {
                    file,
                    message: NOT_A_COHORT.to_string(),
                })
            }
        };
        if format == Format::Xlsx {
            return Ok(Cohort::Xlsx(path.to_path_buf()));
        }
        let f = std::fs::File::open(path).map_err(|source| BatchError::Read { file, source })?;
        let reader = BufReader::with_capacity(1 << 16, f);
        Ok(match format {
            Format::Jsonl => Cohort::Jsonl(reader),
            _ => Cohort::Csv(reader),
        })
    }
}

/// Where a family's band and amount are among its outputs, and the family's place.
#[derive(Debug, Clone, Copy)]
struct Reading {
    /// The family's index in its rule set.
    family: usize,
    band: Option<(usize, OutputFormat)>,
    amount: Option<usize>,
}

/// The money outputs of family `name` under either rule set that are not amounts paid.
/// An enum input's labels by value (`mainstream_school`: `Mainstream school`).
fn choice_labels(values: &[crate::format::Choice]) -> BTreeMap<String, String> {
    values
        .iter()
        .map(|c| (c.value.clone(), c.label.clone()))
        .collect()
}

fn not_added(name: &str, base: &RuleSet, proposed: &RuleSet) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for rules in [base, proposed] {
        let Some(f) = rules.families().iter().find(|f| &*f.name == name) else {
            continue;
        };
        for (output, kind) in f.output_names().zip(f.output_kinds()) {
            let Some(kind) = kind.filter(|k| *k != crate::format::OutputKind::Amount) else {
                continue;
            };
            let line = format!("{output} ({})", kind.as_str());
            if !out.contains(&line) {
                out.push(line);
            }
        }
    }
    out
}

impl Reading {
    /// Found once per family: a result holds every declared output, in declared order.
    fn of(family: usize, f: &crate::family::Family) -> Reading {
        let band = ["band", "outcome"].iter().find_map(|n| {
            let i = f.outputs.iter().position(|o| &*o.name == *n)?;
            Some((i, f.outputs.get(i)?.format))
        });
        // The first amount paid: a rate, cap or count is never a cost.
        let amount = f
            .output_kinds()
            .position(|k| k == Some(crate::format::OutputKind::Amount));
        Reading {
            family,
            band,
            amount,
        }
    }

    /// The family's side of a lean result, read in place.
    fn side(&self, lean: &crate::fast::Lean) -> Side {
        use crate::fast::OutRef;
        let k = self.family;
        let band = self.band.and_then(|(i, format)| {
            let text = match lean.output(k, i) {
                OutRef::Text(t) => t.to_string(),
                OutRef::Value(v) => crate::decision::output_text(v, format),
                OutRef::Owned(v) => crate::decision::output_text(&v, format),
            };
            Some(text).filter(|t| !t.is_empty())
        });
        let amount = self.amount.and_then(|i| match lean.output(k, i) {
            OutRef::Value(crate::expr::Value::Number(n)) => Some(*n),
            OutRef::Owned(crate::expr::Value::Number(n)) => Some(n),
            _ => None,
        });
        Side {
            status: lean.status(k),
            band,
            amount,
        }
    }
}

/// A family both rule sets have: its name, and where each reads its band and amount.
struct Pair {
    name: String,
    base: Reading,
    proposed: Reading,
}

/// One compared case: each common family's two sides.
type Compared = (Option<String>, String, Option<String>, Vec<(Side, Side)>);
/// A profile refused by either rule set: its case id (when known) and why.
type Refusal = (Option<String>, String);

/// Compare a cohort under `base` and `proposed`, both evaluated on `on` (so that everything but
/// the rules is equal). `each` sees every change in cohort order (for a list of changes).
pub fn compare<R: BufRead>(
    base: &RuleSet,
    proposed: &RuleSet,
    on: Date,
    cohort: Cohort<R>,
    file: &str,
    each: &mut dyn FnMut(&Change) -> Result<(), ImpactError>,
) -> Result<Impact, ImpactError> {
    compare_grouped(base, proposed, on, cohort, file, &[], each)
}

/// [`compare`], with each family's cost also totalled by the values of the inputs `group_by`
/// (by the base rule set's reading of each case), as `batch --group-by` totals.
pub fn compare_grouped<R: BufRead>(
    base: &RuleSet,
    proposed: &RuleSet,
    on: Date,
    cohort: Cohort<R>,
    file: &str,
    group_by: &[String],
    each: &mut dyn FnMut(&Change) -> Result<(), ImpactError>,
) -> Result<Impact, ImpactError> {
    let mut group = Vec::new();
    let mut group_labels = Vec::new();
    for name in group_by {
        let slot = base
            .input_slot(name)
            .map_err(|message| ImpactError::Cohort {
                file: file.to_string(),
                message: format!("--group-by: {message}"),
            })?;
        let spec = base.bundle().inputs.iter().find(|i| &i.name == name);
        group_labels.push(spec.map_or_else(|| name.clone(), |i| i.label.clone()));
        group.push(case::Grouping {
            slot,
            labels: spec.map(|i| choice_labels(&i.values)).unwrap_or_default(),
        });
    }
    let common: Vec<Pair> = base
        .families()
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let (j, g) = proposed
                .families()
                .iter()
                .enumerate()
                .find(|(_, g)| g.name == f.name)?;
            Some(Pair {
                name: f.name.to_string(),
                base: Reading::of(i, f),
                proposed: Reading::of(j, g),
            })
        })
        .collect();
    if common.is_empty() {
        return Err(ImpactError::NoCommonFamily);
    }
    let mut impact = Impact {
        families: common
            .iter()
            .map(|f| FamilyImpact {
                family: f.name.clone(),
                title: proposed
                    .bundle()
                    .families
                    .iter()
                    .find(|g| g.name == f.name)
                    .map_or_else(|| f.name.clone(), |g| g.title.clone()),
                not_added: not_added(&f.name, base, proposed),
                ..FamilyImpact::default()
            })
            .collect(),
        setting_labels: base
            .bundle()
            .inputs
            .iter()
            .find(|i| i.name == "setting")
            .map(|i| choice_labels(&i.values))
            .unwrap_or_default(),
        group_by: group_labels,
        ..Impact::default()
    };
    let mut cx = CaseCx {
        base,
        proposed,
        on,
        common: &common,
        setting: base.inputs().iter().position(|i| &*i.name == "setting"),
        same_inputs: base.bundle().inputs == proposed.bundle().inputs,
        group: &group,
        columns: (Vec::new(), Vec::new()),
    };
    match cohort {
        Cohort::Jsonl(reader) => {
            let mut rows = JsonlRows::new(reader, file);
            cx.run(&mut rows, &mut impact, each)?;
        }
        Cohort::Csv(reader) => {
            let mut rows = CsvRows::new(base, reader, file)?;
            cx.columns = cx.header(&rows.columns(), file)?;
            cx.run(&mut rows, &mut impact, each)?;
        }
        Cohort::Xlsx(path) => {
            cx.sheet(&mut xlsx::open(&path, file)?, file, &mut impact, each)?;
        }
        Cohort::Workbook(bytes) => {
            cx.sheet(&mut xlsx::from_bytes(bytes, file)?, file, &mut impact, each)?;
        }
    }
    Ok(impact)
}

#[cfg(native_batch)]
/// [`compare`], with every change written to a CSV file at `changes` when given. The file
/// appears only when the comparison completes (it is written aside and renamed).
pub fn compare_with_changes<R: BufRead>(
    base: &RuleSet,
    proposed: &RuleSet,
    on: Date,
    cohort: Cohort<R>,
    file: &str,
    changes: Option<&std::path::Path>,
    group_by: &[String],
) -> Result<Impact, ImpactError> {
    let Some(path) = changes else {
        return compare_grouped(base, proposed, on, cohort, file, group_by, &mut |_| Ok(()));
    };
    let mut outcome = None;
    let written = crate::batch::write_whole(path, |out| {
        out.write_all(CHANGES_HEADER.as_bytes())?;
        let mut each = |c: &Change| {
            out.write_all(change_row(c).as_bytes())
                .map_err(|source| ImpactError::Io {
                    file: path.display().to_string(),
                    source,
                })
        };
        let result = compare_grouped(base, proposed, on, cohort, file, group_by, &mut each);
        let stopped = result.is_err();
        outcome = Some(result);
        if stopped {
            // Nothing is renamed into place: the reason is in `outcome`.
            return Err(std::io::Error::other("the comparison stopped"));
        }
        Ok(())
    });
    match (outcome, written) {
        (Some(Err(e)), _) => Err(e),
        (_, Err(e)) => Err(ImpactError::Write(e.to_string())),
        (Some(Ok(impact)), Ok(())) => Ok(impact),
        (None, Ok(())) => Err(ImpactError::Write("nothing was compared".to_string())),
    }
}
