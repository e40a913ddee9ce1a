//! Row sources for a batch (CSV and JSON Lines here, xlsx in `xlsx.rs`), read in chunks of
//! numbered raw rows. Reading only splits rows; checking and evaluating them is for the workers.

use super::{BatchError, MAX_ROW_BYTES};
use crate::profile::{FieldError, CASE_ID};
use crate::ruleset::RuleSet;
use crate::suggest::did_you_mean;
use std::io::{BufRead, Read};
use std::sync::Arc;

/// One input row as read, before validation.
#[derive(Debug)]
pub(crate) enum RawRow {
    /// A JSON Lines line without its line ending, where it lies in its chunk's
    /// [`Rows::text`]; `complete` is false for a last line with no newline (a file cut short
    /// ends that way).
    Json {
        span: std::ops::Range<usize>,
        complete: bool,
    },
    /// CSV or xlsx cells, one per header column, and what was wrong with any cell as read.
    Cells {
        cells: csv::ByteRecord,
        problems: Vec<FieldError>,
    },
    /// A row that cannot be a profile at all (e.g. the wrong number of CSV fields).
    Broken {
        case_id: Option<String>,
        errors: Vec<FieldError>,
    },
}

/// A raw row and its number: the 1-based data row, not counting a header.
#[derive(Debug)]
pub(crate) struct Row {
    pub number: u64,
    pub raw: RawRow,
}

/// A chunk of rows as read. The text of its JSON Lines rows lies in one buffer, one line after
/// another: a buffer per row was an allocation and a copy more per row.
#[derive(Debug, Default)]
pub(crate) struct Rows {
    pub rows: Vec<Row>,
    /// The text that the rows' [`RawRow::Json`] spans are in.
    pub text: Vec<u8>,
}

impl Rows {
    pub fn with_capacity(rows: usize) -> Rows {
        Rows {
            rows: Vec::with_capacity(rows),
            text: Vec::new(),
        }
    }

    /// Empty, keeping the buffers for the next chunk.
    pub fn clear(&mut self) {
        self.rows.clear();
        self.text.clear();
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// Where rows come from.
pub(crate) trait RowSource {
    /// Append up to `max` rows to `out`; fewer (or none) only at the end of the input.
    fn read_chunk(&mut self, out: &mut Rows, max: usize) -> Result<(), BatchError>;
    /// How far through the input reading has got, in bytes, when that is known.
    fn position(&self) -> Option<u64>;
}

/// Check a header (CSV or xlsx) against the declared inputs. An unknown or repeated column is
/// an error for the whole file, since every row would be rejected for it; so is a missing column
/// for a required input.
pub(crate) fn check_header(
    rules: &RuleSet,
    columns: &[String],
    file: &str,
) -> Result<Arc<[String]>, BatchError> {
    let inputs = rules.inputs();
    let names = || {
        inputs
            .iter()
            .map(|i| &*i.name)
            .chain(std::iter::once(CASE_ID))
    };
    let bad = |message: String| BatchError::Header {
        file: file.to_string(),
        message,
    };
    for (i, col) in columns.iter().enumerate() {
        if col.is_empty() {
            return Err(bad(format!("column {} has no name", i + 1)));
        }
        if !names().any(|n| n == col) {
            let hint = did_you_mean(col, names())
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            return Err(bad(format!("unknown column {col:?}{hint}")));
        }
        if columns[..i].contains(col) {
            return Err(bad(format!("column {col:?} appears twice")));
        }
    }
    for input in inputs.iter().filter(|i| i.required) {
        if !columns.iter().any(|c| *c == *input.name) {
            return Err(bad(format!(
                "no column for the required input {:?}",
                input.name
            )));
        }
    }
    Ok(columns.into())
}

/// JSON Lines: one profile per line.
pub(crate) struct JsonlRows<R> {
    reader: R,
    file: String,
    number: u64,
    bytes: u64,
}

impl<R: BufRead> JsonlRows<R> {
    pub fn new(reader: R, file: &str) -> Self {
        JsonlRows {
            reader,
            file: file.to_string(),
            number: 0,
            bytes: 0,
        }
    }
}

/// Append the next line of `reader` to `out`, its newline too, reading no more than `cap`
/// bytes; the bytes read (0 at the end). What `take(cap).read_until(b'\n', out)` does, with
/// the newline found by `memchr`, which looks at 32 bytes at a time where the standard
/// library's search looks at 16: finding the ends of the lines cost more than a tenth of
/// reading a profile.
fn read_line<R: BufRead>(reader: &mut R, out: &mut Vec<u8>, cap: usize) -> std::io::Result<usize> {
    let mut read = 0;
    loop {
        let buf = match reader.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let buf = buf.get(..cap - read).unwrap_or(buf);
        let (ended, used) = match memchr::memchr(b'\n', buf) {
            Some(i) => (true, i + 1),
            None => (buf.is_empty(), buf.len()),
        };
        out.extend_from_slice(buf.get(..used).unwrap_or_default());
        reader.consume(used);
        read += used;
        if ended {
            return Ok(read);
        }
    }
}

/// A row past [`MAX_ROW_BYTES`], rejected whole.
fn too_long(case_id: Option<String>) -> RawRow {
    RawRow::Broken {
        case_id,
        errors: vec![FieldError {
            field: "(row)".to_string(),
            message: format!(
                "the row is longer than {MAX_ROW_BYTES} bytes (1 MiB), the most a row may be"
            ),
        }],
    }
}

fn read_error(file: &str, source: std::io::Error) -> BatchError {
    BatchError::Read {
        file: file.to_string(),
        source,
    }
}

impl<R: BufRead> RowSource for JsonlRows<R> {
    fn read_chunk(&mut self, out: &mut Rows, max: usize) -> Result<(), BatchError> {
        for _ in 0..max {
            // Each line is read onto the end of the chunk's text, where the row finds it.
            let start = out.text.len();
            // At most one byte past the limit (and the newline) is read into the line.
            let cap = MAX_ROW_BYTES + 2;
            let n = read_line(&mut self.reader, &mut out.text, cap)
                .map_err(|e| read_error(&self.file, e))?;
            if n == 0 {
                break;
            }
            let line = out.text.get(start..).unwrap_or_default();
            self.bytes += n as u64;
            self.number += 1;
            let body = line.strip_suffix(b"\n").unwrap_or(line);
            let body = body.strip_suffix(b"\r").unwrap_or(body).len();
            if body > MAX_ROW_BYTES {
                // Skip the rest of the line without keeping it.
                let cut = line.last() != Some(&b'\n');
                out.text.truncate(start);
                if cut {
                    self.bytes +=
                        self.reader
                            .skip_until(b'\n')
                            .map_err(|e| read_error(&self.file, e))? as u64;
                }
                out.rows.push(Row {
                    number: self.number,
                    raw: too_long(None),
                });
                continue;
            }
            let complete = line.last() == Some(&b'\n');
            let mut end = out.text.len();
            if complete {
                end -= 1;
                if end > start && out.text.get(end - 1) == Some(&b'\r') {
                    end -= 1;
                }
            }
            out.rows.push(Row {
                number: self.number,
                raw: RawRow::Json {
                    span: start..end,
                    complete,
                },
            });
        }
        Ok(())
    }

    fn position(&self) -> Option<u64> {
        Some(self.bytes)
    }
}

/// CSV with a header line. Fields are kept as bytes; workers check they are UTF-8.
pub(crate) struct CsvRows<R> {
    reader: csv::Reader<R>,
    file: String,
    columns: Arc<[String]>,
    case_id_column: Option<usize>,
    number: u64,
}

impl<R: Read> CsvRows<R> {
    /// Read and check the header.
    pub fn new(rules: &RuleSet, input: R, file: &str) -> Result<Self, BatchError> {
        // flexible: a record with the wrong number of fields is a row to reject, not a stop.
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(input);
        let header = reader
            .byte_headers()
            .map_err(|e| csv_error(file, e))?
            .clone();
        let mut columns = Vec::with_capacity(header.len());
        for (i, name) in header.iter().enumerate() {
            let name = std::str::from_utf8(name).map_err(|_| BatchError::Header {
                file: file.to_string(),
                message: format!("column {} has a name that is not UTF-8 text", i + 1),
            })?;
            columns.push(name.trim().to_string());
        }
        if columns.iter().all(String::is_empty) {
            return Err(BatchError::Header {
                file: file.to_string(),
                message: "no header line (the file is empty)".to_string(),
            });
        }
        let columns = check_header(rules, &columns, file)?;
        let case_id_column = columns.iter().position(|c| c == CASE_ID);
        Ok(CsvRows {
            reader,
            file: file.to_string(),
            columns,
            case_id_column,
            number: 0,
        })
    }

    /// The header's column names, in order.
    pub fn columns(&self) -> Arc<[String]> {
        self.columns.clone()
    }
}

fn csv_error(file: &str, e: csv::Error) -> BatchError {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => read_error(file, e),
        // With byte records and flexible lengths, only I/O can fail; anything else is said.
        other => read_error(file, std::io::Error::other(format!("{other:?}"))),
    }
}

impl<R: Read> RowSource for CsvRows<R> {
    fn read_chunk(&mut self, out: &mut Rows, max: usize) -> Result<(), BatchError> {
        for _ in 0..max {
            let mut record = csv::ByteRecord::new();
            let more = self
                .reader
                .read_byte_record(&mut record)
                .map_err(|e| csv_error(&self.file, e))?;
            if !more {
                break;
            }
            self.number += 1;
            // The case id, for a row rejected whole (a good row's is read by the workers).
            let case_id = |record: &csv::ByteRecord| {
                self.case_id_column
                    .and_then(|i| record.get(i))
                    .and_then(|b| std::str::from_utf8(b).ok())
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
            };
            let raw = if record.as_slice().len() > MAX_ROW_BYTES {
                too_long(case_id(&record))
            } else if record.len() == self.columns.len() {
                RawRow::Cells {
                    cells: record,
                    problems: Vec::new(),
                }
            } else {
                // A last record cut short by a truncated file lands here too.
                RawRow::Broken {
                    case_id: case_id(&record),
                    errors: vec![FieldError {
                        field: "(row)".to_string(),
                        message: format!(
                            "has {} fields, but the header has {}",
                            record.len(),
                            self.columns.len()
                        ),
                    }],
                }
            };
            out.rows.push(Row {
                number: self.number,
                raw,
            });
        }
        Ok(())
    }

    fn position(&self) -> Option<u64> {
        Some(self.reader.position().byte())
    }
}
