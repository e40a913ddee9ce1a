//! One batch row from raw text to its place in the output: checked into facts (or rejected with
//! every field error), evaluated, and encoded. Runs on the worker threads, a piece at a time.

use super::encode::{Layout, Piece, Reject};
use super::read::{RawRow, Row};
use super::{BatchError, PIECE_ROWS};
use crate::expr::Value;
use crate::profile::{Column, Decoder, Facts, FieldError, ProfileErrors};
use crate::ruleset::RuleSet;
use crate::Date;
use rayon::prelude::*;

/// What every worker needs, shared read-only.
pub(crate) struct Context<'a> {
    pub rules: &'a RuleSet,
    pub on: Date,
    /// The header of CSV or xlsx input, each column with its input.
    pub columns: Option<Vec<Column>>,
    /// Where the declared input `setting` is among the facts, when there is one.
    pub setting: Option<usize>,
    pub layout: &'a Layout,
    /// False to measure everything but evaluation (see `Options::evaluate`).
    pub evaluate: bool,
    /// Without evaluation, the decision every valid row is given: the first row's.
    pub stand_in: std::sync::OnceLock<crate::Decision>,
}

impl<'a> Context<'a> {
    /// The context of a run of `rules` on `on`, writing `layout` (columns set by the reader).
    pub fn new(rules: &'a RuleSet, on: Date, layout: &'a Layout, evaluate: bool) -> Context<'a> {
        Context {
            rules,
            on,
            columns: None,
            setting: rules.inputs().iter().position(|i| &*i.name == "setting"),
            layout,
            evaluate,
            stand_in: std::sync::OnceLock::new(),
        }
    }

    /// Check, evaluate and encode a chunk of rows on `pool`, a piece of consecutive rows per
    /// task, the pieces in input order.
    pub fn pieces(&self, rows: &[Row], pool: &rayon::ThreadPool) -> Result<Vec<Piece>, BatchError> {
        pool.install(|| rows.par_chunks(PIECE_ROWS).map(|p| self.piece(p)).collect())
    }

    /// Check, evaluate and encode consecutive rows.
    pub fn piece(&self, rows: &[Row]) -> Result<Piece, BatchError> {
        let mut piece = Piece::default();
        let mut buf = crate::fast::LeanBuf::default();
        let mut decoder = self.rules.decoder();
        for row in rows {
            match self.facts(&mut decoder, row) {
                Ok(facts) => {
                    let setting = match self.setting.and_then(|i| facts.values.get(i)) {
                        Some(Value::Text(t)) => t,
                        _ => "",
                    };
                    let case_id = facts.case_id.as_deref();
                    if self.evaluate {
                        // The output has no reasons or trace; lean evaluation gives the same rest.
                        let lean = self.rules.evaluate_into(facts, self.on, &mut buf);
                        self.layout.encode(&lean, case_id, setting, &mut piece)?;
                    } else {
                        let decision = self
                            .stand_in
                            .get_or_init(|| self.rules.evaluate_lean(facts, self.on));
                        self.layout.encode(decision, case_id, setting, &mut piece)?;
                    }
                }
                Err(e) => reject(&mut piece, row.number, e),
            }
        }
        Ok(piece)
    }

    fn facts<'d>(
        &self,
        decoder: &'d mut Decoder<'_>,
        row: &Row,
    ) -> Result<&'d Facts, ProfileErrors> {
        decode(decoder, self.columns.as_deref().unwrap_or(&[]), &row.raw)
    }
}

/// Check a raw row into facts with `decoder`; `columns` are the header's (CSV or xlsx) for the
/// decoder's rule set. A batch and a diff both read their rows so.
pub(crate) fn decode<'d>(
    decoder: &'d mut Decoder<'_>,
    columns: &[Column],
    raw: &RawRow,
) -> Result<&'d Facts, ProfileErrors> {
    match raw {
        RawRow::Json { line, complete } => json(decoder, line, *complete),
        RawRow::Cells { cells, problems } => {
            // A problem found reading a cell (xlsx) is its column's one error; one in a
            // column with no header is the row's.
            let stray = problems
                .iter()
                .filter(|p| !columns.iter().any(|c| *c.name == *p.field));
            let cells = columns.iter().zip(cells.iter()).map(|(column, cell)| {
                match problems.iter().find(|p| *p.field == *column.name) {
                    Some(problem) => Err(problem.clone()),
                    None => std::str::from_utf8(cell).map_err(|_| FieldError {
                        field: column.name.to_string(),
                        message: "not valid UTF-8 text".to_string(),
                    }),
                }
            });
            decoder.cells(stray.cloned(), columns, cells)
        }
        RawRow::Broken { case_id, errors } => Err(ProfileErrors {
            case_id: case_id.clone(),
            errors: errors.clone(),
        }),
    }
}

/// Decode a JSON Lines row; `complete` is false for a last line with no newline.
fn json<'d>(
    decoder: &'d mut Decoder<'_>,
    line: &[u8],
    complete: bool,
) -> Result<&'d Facts, ProfileErrors> {
    let whole = |message: &str| ProfileErrors {
        case_id: None,
        errors: vec![FieldError {
            field: "(row)".to_string(),
            message: message.to_string(),
        }],
    };
    let text = std::str::from_utf8(line).map_err(|_| whole("not valid UTF-8 text"))?;
    if text.trim().is_empty() {
        return Err(whole("empty line"));
    }
    decoder.json(text).map_err(|mut e| {
        if !complete {
            // Only a profile that does not parse is blamed on a cut: a complete object on a
            // last line without a newline is an ordinary row.
            for err in &mut e.errors {
                if err.field == "(profile)" && err.message.starts_with("not valid JSON") {
                    err.message = format!(
                        "the last line has no newline and is {}: the file may be cut short",
                        err.message
                    );
                }
            }
        }
        e
    })
}

/// Count a rejected row and keep one reject line per field error.
fn reject(piece: &mut Piece, row: u64, e: ProfileErrors) {
    piece.rows_rejected += 1;
    let mut errors = e.errors;
    if errors.is_empty() {
        // Not expected from validation, but a rejected row must never leave no trace.
        errors.push(FieldError {
            field: "(row)".to_string(),
            message: "rejected".to_string(),
        });
    }
    for err in errors {
        piece.rejects.push(Reject {
            row,
            case_id: e.case_id.clone(),
            field: err.field,
            message: err.message,
        });
    }
}
