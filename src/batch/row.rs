//! One batch row from raw text to its place in the output: checked into facts (or rejected with
//! every field error), evaluated, and encoded. Runs on the worker threads, a piece at a time.

use super::encode::{Layout, Piece, Reject};
use super::read::{RawRow, Row, Rows};
use super::PIECE_ROWS;
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
    /// Full decisions, for every reason in the output (see `Options::reasons`).
    pub reasons: bool,
    /// Where the `--group-by` inputs are among the facts, in order.
    pub group_by: Vec<usize>,
}

impl<'a> Context<'a> {
    /// The context of a run of `rules` on `on`, writing `layout` (columns set by the reader).
    pub fn new(rules: &'a RuleSet, on: Date, layout: &'a Layout, reasons: bool) -> Context<'a> {
        Context {
            rules,
            on,
            columns: None,
            setting: rules.inputs().iter().position(|i| &*i.name == "setting"),
            layout,
            reasons,
            group_by: Vec::new(),
        }
    }

    /// Check, evaluate and encode a chunk of rows on `pool`, a piece of consecutive rows per
    /// task, the pieces in input order.
    pub fn pieces(&self, rows: &Rows, pool: &rayon::ThreadPool) -> Vec<Piece> {
        let text = &rows.text;
        pool.install(|| {
            rows.rows
                .par_chunks(PIECE_ROWS)
                .map(|p| self.piece(p, text))
                .collect()
        })
    }

    /// Check, evaluate and encode consecutive rows of a chunk whose text is `text`.
    pub fn piece(&self, rows: &[Row], text: &[u8]) -> Piece {
        let mut piece = Piece::default();
        let mut buf = crate::fast::LeanBuf::default();
        let mut decoder = self.rules.decoder();
        let mut group: Vec<String> = Vec::new();
        let mut reserved = false;
        for row in rows {
            match self.facts(&mut decoder, row, text) {
                Ok(facts) => {
                    let setting = match self.setting.and_then(|i| facts.values.get(i)) {
                        Some(Value::Text(t)) => t,
                        _ => "",
                    };
                    let case_id = facts.case_id.as_deref();
                    let group = match self.group_by.is_empty() {
                        true => None,
                        false => {
                            group.clear();
                            group.extend(self.group_by.iter().map(
                                |&i| match facts.values.get(i) {
                                    Some(Value::Null) | None => String::new(),
                                    Some(v) => v.to_string(),
                                },
                            ));
                            Some(group.as_slice())
                        }
                    };
                    if self.reasons {
                        let decision = self.rules.evaluate(facts, self.on);
                        self.layout
                            .encode(&decision, case_id, setting, group, &mut piece);
                    } else {
                        // Lean evaluation says why a family did not apply, at a fraction of
                        // the cost of every reason and the trace.
                        let lean = self.rules.evaluate_into(facts, self.on, &mut buf);
                        self.layout
                            .encode(&lean, case_id, setting, group, &mut piece);
                    }
                }
                Err(e) => reject(&mut piece, row.number, e),
            }
            if !reserved && !piece.out.is_empty() {
                // Room for the rest of the piece at the first row's size: grown by doubling
                // from nothing, the piece's text was copied over about once more as it grew.
                reserved = true;
                piece.out.reserve(piece.out.len() * rows.len());
            }
        }
        piece
    }

    fn facts<'d>(
        &self,
        decoder: &'d mut Decoder<'_>,
        row: &Row,
        text: &[u8],
    ) -> Result<&'d Facts, ProfileErrors> {
        decode(
            decoder,
            self.columns.as_deref().unwrap_or(&[]),
            &row.raw,
            text,
        )
    }
}

/// Check a raw row into facts with `decoder`; `columns` are the header's (CSV or xlsx) for the
/// decoder's rule set, `text` its chunk's ([`Rows::text`]). A batch and a diff both read their
/// rows so.
pub(crate) fn decode<'d>(
    decoder: &'d mut Decoder<'_>,
    columns: &[Column],
    raw: &RawRow,
    text: &[u8],
) -> Result<&'d Facts, ProfileErrors> {
    match raw {
        RawRow::Json { span, complete } => json(
            decoder,
            text.get(span.clone()).unwrap_or_default(),
            *complete,
        ),
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
