//! Reading xlsx input: the first worksheet, cell by cell (only its shared strings are held
//! whole), turned into rows of cell texts as a CSV file would give them.

use super::read::{check_header, RawRow, Row, RowSource, Rows};
use super::BatchError;
use crate::profile::FieldError;
use crate::ruleset::RuleSet;
use calamine::{DataRef, Reader, Xlsx};
use std::io::{Read, Seek};
use std::sync::Arc;

/// Open the workbook at `path`, named `file` in messages.
pub(crate) fn open(
    path: &std::path::Path,
    file: &str,
) -> Result<Xlsx<std::io::BufReader<std::fs::File>>, BatchError> {
    calamine::open_workbook(path).map_err(|e| match e {
        calamine::XlsxError::Io(source) => BatchError::Read {
            file: file.to_string(),
            source,
        },
        other => BatchError::Xlsx(format!("{file}: {other}")),
    })
}

/// The workbook whose bytes are `bytes`, named `file` in messages.
pub(crate) fn from_bytes(
    bytes: Vec<u8>,
    file: &str,
) -> Result<Xlsx<std::io::Cursor<Vec<u8>>>, BatchError> {
    Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| BatchError::Xlsx(format!("{file}: {e}")))
}

/// A cell with a value as read from a sheet: row, column, text, and a problem with it.
type SheetCell = (u32, u32, String, Option<String>);

/// The cells with a value of the first worksheet, in order, one at a time.
pub(crate) fn first_sheet<'a, RS: Read + Seek>(
    book: &'a mut Xlsx<RS>,
    file: &str,
) -> Result<impl FnMut() -> Result<Option<SheetCell>, BatchError> + 'a, BatchError> {
    let name = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| BatchError::Header {
            file: file.to_string(),
            message: "the workbook has no worksheet".to_string(),
        })?;
    let file = file.to_string();
    let mut reader = book
        .worksheet_cells_reader(&name)
        .map_err(|e| BatchError::Xlsx(format!("{file}: {e}")))?;
    // The reader fails if asked again after the end of the sheet, so the end is remembered.
    let mut ended = false;
    Ok(move || loop {
        if ended {
            return Ok(None);
        }
        let Some(cell) = reader
            .next_cell()
            .map_err(|e| BatchError::Xlsx(format!("{file}: {e}")))?
        else {
            ended = true;
            return Ok(None);
        };
        let (row, col) = cell.get_position();
        let (text, problem) = cell_text(cell.get_value());
        // Formatting can leave cells without a value: they are not there.
        if !text.is_empty() || problem.is_some() {
            return Ok(Some((row, col, text, problem)));
        }
    })
}

/// The first worksheet of an xlsx workbook, row by row. The header is its first row with any
/// value; a row number counts sheet rows after the header (sheet row 2 is row 1 when the header
/// is on row 1). Empty rows between data rows are rows, rejected as empty; empty rows after the
/// last value are not rows.
pub(crate) struct XlsxRows<F> {
    cells: F,
    columns: Arc<[String]>,
    header_row: u32,
    /// A cell read past the end of the previous row.
    next: Option<SheetCell>,
    /// Sheet row number of the last row handed out.
    last_row: u32,
    done: bool,
}

impl<F: FnMut() -> Result<Option<SheetCell>, BatchError>> XlsxRows<F> {
    /// Read and check the header row.
    pub fn new(rules: &RuleSet, cells: F, file: &str) -> Result<Self, BatchError> {
        let mut rows = XlsxRows {
            cells,
            columns: Arc::from(Vec::new()),
            header_row: 0,
            next: None,
            last_row: 0,
            done: false,
        };
        let Some((row, cells)) = rows.next_row()? else {
            return Err(BatchError::Header {
                file: file.to_string(),
                message: "the first worksheet is empty".to_string(),
            });
        };
        let width = cells.iter().map(|c| c.0 as usize + 1).max().unwrap_or(0);
        let mut columns = vec![String::new(); width];
        for (col, text, problem) in cells {
            if problem.is_some() {
                return Err(BatchError::Header {
                    file: file.to_string(),
                    message: format!("column {} has no name", col + 1),
                });
            }
            columns[col as usize] = text.trim().to_string();
        }
        rows.columns = check_header(rules, &columns, file)?;
        rows.header_row = row;
        rows.last_row = row;
        Ok(rows)
    }

    /// The header's column names, in order.
    pub fn columns(&self) -> Arc<[String]> {
        self.columns.clone()
    }

    /// The next sheet row with any value: its number and cells (column, text, problem).
    #[allow(clippy::type_complexity)]
    fn next_row(
        &mut self,
    ) -> Result<Option<(u32, Vec<(u32, String, Option<String>)>)>, BatchError> {
        let first = match self.next.take() {
            Some(c) => c,
            None => match (self.cells)()? {
                Some(c) => c,
                None => return Ok(None),
            },
        };
        let (row, col, text, problem) = first;
        let mut cells = vec![(col, text, problem)];
        while let Some(c) = (self.cells)()? {
            if c.0 != row {
                self.next = Some(c);
                break;
            }
            cells.push((c.1, c.2, c.3));
        }
        Ok(Some((row, cells)))
    }
}

/// A cell's value as the text a CSV cell would hold, or a problem. Numbers are written in the
/// shortest form that reads back as the same number, so 6200.55 typed in Excel is "6200.55".
fn cell_text(value: &DataRef<'_>) -> (String, Option<String>) {
    match value {
        DataRef::Empty => (String::new(), None),
        DataRef::Int(i) => (i.to_string(), None),
        DataRef::Float(f) if f.is_finite() => (f.to_string(), None),
        DataRef::Float(f) => (String::new(), Some(format!("{f} is not a number"))),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => (s.clone(), None),
        DataRef::SharedString(s) => (s.to_string(), None),
        DataRef::Bool(b) => (b.to_string(), None),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, hh, mm, ss, ms) = dt.to_ymd_hms_milli();
            if (hh, mm, ss, ms) == (0, 0, 0, 0) {
                (format!("{y:04}-{m:02}-{d:02}"), None)
            } else {
                let text = format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}");
                (
                    text.clone(),
                    Some(format!("expected a date, found the time {text}")),
                )
            }
        }
        DataRef::DateTime(dt) => (
            String::new(),
            Some(format!(
                "expected a value, found a duration ({})",
                dt.as_f64()
            )),
        ),
        DataRef::Error(e) => (String::new(), Some(format!("the cell holds the error {e}"))),
    }
}

impl<F: FnMut() -> Result<Option<SheetCell>, BatchError>> RowSource for XlsxRows<F> {
    fn read_chunk(&mut self, out: &mut Rows, max: usize) -> Result<(), BatchError> {
        let mut added = 0;
        while added < max && !self.done {
            let Some((row, cells)) = self.next_row()? else {
                self.done = true;
                break;
            };
            // Sheet rows with no value between two data rows: nothing is lost, each is a row.
            for empty in self.last_row + 1..row {
                out.rows.push(Row {
                    number: u64::from(empty - self.header_row),
                    raw: RawRow::Broken {
                        case_id: None,
                        errors: vec![FieldError {
                            field: "(row)".to_string(),
                            message: "empty row".to_string(),
                        }],
                    },
                });
                added += 1;
            }
            self.last_row = row;
            let mut record = vec![String::new(); self.columns.len()];
            let mut problems = Vec::new();
            for (col, text, problem) in cells {
                match self.columns.get(col as usize) {
                    Some(name) => {
                        if let Some(message) = problem {
                            problems.push(FieldError {
                                field: name.clone(),
                                message,
                            });
                        }
                        record[col as usize] = text;
                    }
                    None => problems.push(FieldError {
                        field: format!("(column {})", col + 1),
                        message: format!("{text:?} is in a column with no header"),
                    }),
                }
            }
            out.rows.push(Row {
                number: u64::from(row - self.header_row),
                raw: RawRow::Cells {
                    cells: csv::ByteRecord::from(record),
                    problems,
                },
            });
            added += 1;
        }
        Ok(())
    }

    fn position(&self) -> Option<u64> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::cell_text;
    use calamine::{CellErrorType, DataRef, ExcelDateTime, ExcelDateTimeType};

    #[test]
    fn cells_read_as_the_text_a_csv_cell_would_hold() {
        let date = |serial| {
            DataRef::DateTime(ExcelDateTime::new(
                serial,
                ExcelDateTimeType::DateTime,
                false,
            ))
        };
        let text = |d: DataRef<'_>| cell_text(&d);
        assert_eq!(text(DataRef::Float(6200.55)), ("6200.55".to_string(), None));
        assert_eq!(text(DataRef::Float(3.0)), ("3".to_string(), None));
        assert_eq!(text(DataRef::Int(-2)), ("-2".to_string(), None));
        assert_eq!(text(DataRef::Bool(true)), ("true".to_string(), None));
        // 42414 is 2016-02-14 in Excel's 1900 date system.
        assert_eq!(text(date(42414.0)), ("2016-02-14".to_string(), None));
        assert_eq!(
            text(date(42414.5)).1.as_deref(),
            Some("expected a date, found the time 2016-02-14 12:00:00")
        );
        assert_eq!(
            text(DataRef::Error(CellErrorType::Div0)).1.as_deref(),
            Some("the cell holds the error #DIV/0!")
        );
    }
}
