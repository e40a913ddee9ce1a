//! Writing a batch's files: the output (CSV, JSON Lines or xlsx), the rejects and the summary,
//! each under a temporary name in its folder, renamed only when the run is complete.

use super::encode::{csv_field, Cell, Layout, Piece, Reject};
use super::{BatchError, Format};
use std::io::{BufWriter, Stdout, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// The most data rows an xlsx sheet holds under its header row.
const XLSX_MAX_ROWS: u32 = 1_048_575;

/// A file written under a temporary name in its own folder, and renamed to its real name only
/// when complete, so an interrupted run never leaves a file that looks finished.
pub(crate) struct OutFile {
    path: PathBuf,
    temp: BufWriter<Early>,
}

impl OutFile {
    pub fn create(path: &Path) -> Result<OutFile, BatchError> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".partial");
        // A temporary file is private (0600) by default; the result should get the usual
        // permissions of a new file (0666 less the umask), as if written directly.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let temp = builder
            .tempfile_in(dir)
            .map_err(|e| BatchError::write(path, e))?;
        Ok(OutFile {
            path: path.to_path_buf(),
            temp: BufWriter::with_capacity(
                1 << 16,
                Early {
                    file: temp,
                    written: 0,
                    handed: 0,
                },
            ),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flush and sync to disk, ready to be renamed.
    pub fn complete(self) -> Result<Complete, BatchError> {
        let path = self.path;
        let temp = self
            .temp
            .into_inner()
            .map_err(|e| BatchError::write(&path, e.into_error()))?
            .file;
        temp.as_file()
            .sync_all()
            .map_err(|e| BatchError::write(&path, e))?;
        Ok(Complete { path, temp })
    }
}

/// Bytes written before the disk is asked to start writing them out.
const EARLY_WRITE_OUT: u64 = 8 << 20;

/// A temporary file whose bytes the disk starts writing out every [`EARLY_WRITE_OUT`] bytes,
/// while the run goes on: the sync before the rename then waits for the last few megabytes,
/// not the whole output (40 ms of a 200,000-row run on the benchmark's machine).
struct Early {
    file: NamedTempFile,
    written: u64,
    handed: u64,
}

impl Write for Early {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        if self.written - self.handed >= EARLY_WRITE_OUT {
            start_write_out(self.file.as_file(), self.handed, self.written - self.handed);
            self.handed = self.written;
        }
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Ask the disk to start writing `len` bytes from `from` out, without waiting for them. A hint
/// only: whether the bytes reached the disk is what the sync before the rename checks.
#[cfg(target_os = "linux")]
fn start_write_out(file: &std::fs::File, from: u64, len: u64) {
    use std::os::fd::AsRawFd;
    let (Ok(from), Ok(len)) = (i64::try_from(from), i64::try_from(len)) else {
        return;
    };
    // SAFETY: the descriptor is the open file's own, and sync_file_range reads no memory.
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), from, len, libc::SYNC_FILE_RANGE_WRITE);
    }
}

#[cfg(not(target_os = "linux"))]
fn start_write_out(_file: &std::fs::File, _from: u64, _len: u64) {}

/// A file written in full under its temporary name. Dropped without [`Complete::rename`], the
/// temporary file is deleted.
pub(crate) struct Complete {
    path: PathBuf,
    temp: NamedTempFile,
}

impl Complete {
    /// Give the file its real name, replacing any file there in one step.
    pub fn rename(self) -> Result<(), BatchError> {
        let path = self.path;
        self.temp
            .persist(&path)
            .map_err(|e| BatchError::write(&path, e.error))?;
        Ok(())
    }
}

impl Write for OutFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.temp.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.temp.flush()
    }
}

/// Where the output rows go.
pub(crate) enum Sink {
    /// Standard output, with the header line held back until there is a row or the run ends,
    /// so a run stopped by a bad input header prints nothing.
    Stdout {
        out: BufWriter<Stdout>,
        header: Option<Vec<u8>>,
    },
    Text(OutFile),
    Xlsx(Box<XlsxSink>),
    /// CSV held in memory ([`super::run_in_memory`]).
    Memory(Vec<u8>),
}

/// A workbook being written, one sheet in constant-memory mode (rows go to a temporary file
/// as they are written, in order).
pub(crate) struct XlsxSink {
    file: OutFile,
    book: rust_xlsxwriter::Workbook,
    money: rust_xlsxwriter::Format,
    /// The last sheet row written (0 is the header).
    row: u32,
}

impl Sink {
    /// CSV in memory, its header row written.
    pub fn memory(layout: &Layout) -> Sink {
        let mut out = Vec::new();
        csv_header(&mut out, layout);
        Sink::Memory(out)
    }

    /// The CSV written to a memory sink (nothing for the others).
    pub fn into_bytes(self) -> Vec<u8> {
        match self {
            Sink::Memory(out) => out,
            _ => Vec::new(),
        }
    }

    /// Open the output and write its header row; `-` is standard output (CSV).
    pub fn create(path: &Path, layout: &Layout) -> Result<Sink, BatchError> {
        let mut sink = if path == Path::new("-") {
            Sink::Stdout {
                out: BufWriter::with_capacity(1 << 16, std::io::stdout()),
                header: None,
            }
        } else if layout.format == Format::Xlsx {
            let mut book = rust_xlsxwriter::Workbook::new();
            let bold = rust_xlsxwriter::Format::new().set_bold();
            let sheet = book.add_worksheet_with_constant_memory();
            for (c, name) in layout.header.iter().enumerate() {
                let c = u16::try_from(c).map_err(|_| xlsx_error(path, "too many columns"))?;
                sheet
                    .write_string_with_format(0, c, name, &bold)
                    .map_err(|e| xlsx_error(path, e))?;
            }
            return Ok(Sink::Xlsx(Box::new(XlsxSink {
                file: OutFile::create(path)?,
                book,
                money: rust_xlsxwriter::Format::new().set_num_format("0.00"),
                row: 0,
            })));
        } else {
            Sink::Text(OutFile::create(path)?)
        };
        if layout.format == Format::Csv {
            let mut line = Vec::new();
            csv_header(&mut line, layout);
            match &mut sink {
                Sink::Stdout { header, .. } => *header = Some(line),
                _ => sink.write_bytes(path, &line)?,
            }
        }
        Ok(sink)
    }

    fn write_bytes(&mut self, path: &Path, bytes: &[u8]) -> Result<(), BatchError> {
        let result = match self {
            Sink::Stdout { out, header } => match header.take() {
                Some(h) => out.write_all(&h).and_then(|()| out.write_all(bytes)),
                None => out.write_all(bytes),
            },
            Sink::Text(f) => f.write_all(bytes),
            Sink::Memory(out) => {
                out.extend_from_slice(bytes);
                Ok(())
            }
            Sink::Xlsx(_) => Ok(()),
        };
        result.map_err(|e| BatchError::write(path, e))
    }

    /// Write one piece's rows.
    pub fn write(&mut self, path: &Path, piece: &Piece, columns: usize) -> Result<(), BatchError> {
        let Sink::Xlsx(x) = self else {
            return self.write_bytes(path, &piece.out);
        };
        let XlsxSink {
            book, money, row, ..
        } = &mut **x;
        let sheet = book
            .worksheet_from_index(0)
            .map_err(|e| xlsx_error(path, e))?;
        for cells in piece.cells.chunks(columns.max(1)) {
            if *row >= XLSX_MAX_ROWS {
                return Err(xlsx_error(
                    path,
                    "an xlsx sheet holds at most 1,048,575 rows under its header; \
                     write .csv or .jsonl for more",
                ));
            }
            *row += 1;
            for (c, cell) in cells.iter().enumerate() {
                let c = u16::try_from(c).map_err(|_| xlsx_error(path, "too many columns"))?;
                // A spreadsheet stores every number as a binary float: the amount converted
                // here is only for the sheet. Totals are added up from the exact decimals.
                let done = match cell {
                    Cell::Empty => continue,
                    Cell::Text(t) => sheet.write_string(*row, c, t),
                    Cell::Number(n) => match n.parse::<f64>() {
                        Ok(x) => sheet.write_number(*row, c, x),
                        Err(_) => sheet.write_string(*row, c, n),
                    },
                    Cell::Money(n) => match n.parse::<f64>() {
                        Ok(x) => sheet.write_number_with_format(*row, c, x, money),
                        Err(_) => sheet.write_string(*row, c, n),
                    },
                };
                done.map_err(|e| xlsx_error(path, e))?;
            }
        }
        Ok(())
    }

    /// Finish the output: flush standard output, or complete the file (not yet renamed).
    pub fn finish(self, path: &Path) -> Result<Option<Complete>, BatchError> {
        match self {
            Sink::Stdout { mut out, header } => {
                out.write_all(&header.unwrap_or_default())
                    .and_then(|()| out.flush())
                    .map_err(|e| BatchError::write(path, e))?;
                Ok(None)
            }
            Sink::Text(f) => f.complete().map(Some),
            Sink::Memory(_) => Ok(None),
            Sink::Xlsx(x) => {
                let XlsxSink {
                    mut file, mut book, ..
                } = *x;
                book.save_to_writer(&mut file)
                    .map_err(|e| xlsx_error(path, e))?;
                file.complete().map(Some)
            }
        }
    }
}

/// The CSV header line of `layout`.
fn csv_header(line: &mut Vec<u8>, layout: &Layout) {
    for (i, name) in layout.header.iter().enumerate() {
        if i > 0 {
            line.push(b',');
        }
        csv_field(line, name);
    }
    line.push(b'\n');
}

fn xlsx_error(path: &Path, e: impl std::fmt::Display) -> BatchError {
    BatchError::write(path, std::io::Error::other(e.to_string()))
}

/// Where rejected rows go: a CSV file `row,case_id,field,message`, or standard error.
pub(crate) enum RejectSink {
    File(Box<csv::Writer<OutFile>>),
    Stderr,
    /// The same CSV held in memory ([`super::run_in_memory`]).
    Memory(Box<csv::Writer<Vec<u8>>>),
}

const REJECTS_HEADER: [&str; 4] = ["row", "case_id", "field", "message"];

impl RejectSink {
    pub fn create(path: Option<&Path>) -> Result<RejectSink, BatchError> {
        let Some(path) = path else {
            return Ok(RejectSink::Stderr);
        };
        let mut w = csv::Writer::from_writer(OutFile::create(path)?);
        w.write_record(REJECTS_HEADER)
            .map_err(|e| BatchError::write(path, e.into()))?;
        Ok(RejectSink::File(Box::new(w)))
    }

    /// Rejects as CSV in memory, header written.
    pub fn memory() -> RejectSink {
        let mut w = csv::Writer::from_writer(Vec::new());
        // Writing to a Vec cannot fail.
        let _ = w.write_record(REJECTS_HEADER);
        RejectSink::Memory(Box::new(w))
    }

    /// The CSV written to a memory sink (nothing for the others).
    pub fn into_bytes(self) -> Vec<u8> {
        match self {
            // Flushing into a Vec cannot fail.
            RejectSink::Memory(w) => (*w).into_inner().unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// Write one field error; `show` prints a line on standard error (above a progress bar).
    pub fn write(&mut self, r: &Reject, show: &dyn Fn(&str)) -> Result<(), BatchError> {
        let row = r.row.to_string();
        let record = [
            row.as_str(),
            r.case_id.as_deref().unwrap_or(""),
            &r.field,
            &r.message,
        ];
        match self {
            RejectSink::File(w) => w.write_record(record).map_err(|e| {
                let path = w.get_ref().path().to_path_buf();
                BatchError::write(&path, e.into())
            }),
            RejectSink::Memory(w) => w
                .write_record(record)
                .map_err(|e| BatchError::write(Path::new("(memory)"), e.into())),
            RejectSink::Stderr => {
                let case = r
                    .case_id
                    .as_ref()
                    .map(|c| format!(" (case {c:?})"))
                    .unwrap_or_default();
                show(&format!(
                    "sendband: row {}{case} rejected: {}: {}",
                    r.row, r.field, r.message
                ));
                Ok(())
            }
        }
    }

    /// Complete the rejects file (not yet renamed).
    pub fn finish(self) -> Result<Option<Complete>, BatchError> {
        match self {
            RejectSink::File(w) => match (*w).into_inner() {
                Ok(f) => f.complete().map(Some),
                Err(e) => {
                    let error = std::io::Error::new(e.error().kind(), e.error().to_string());
                    let path = e.into_inner().get_ref().path().to_path_buf();
                    Err(BatchError::write(&path, error))
                }
            },
            RejectSink::Stderr | RejectSink::Memory(_) => Ok(None),
        }
    }
}

/// Write a file through `write` under a temporary name in its folder, renamed to `path` only
/// when `write` succeeds, so a run that stops part way never leaves a file that looks finished.
pub fn write_whole<T>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<T>,
) -> Result<T, BatchError> {
    let mut file = OutFile::create(path)?;
    let written = write(&mut file).map_err(|e| BatchError::write(path, e))?;
    file.complete()?.rename()?;
    Ok(written)
}
