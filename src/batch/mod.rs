//! Batch mode: every row of a CSV, JSON Lines or xlsx file evaluated, in bounded memory and in
//! parallel, to an output file in input order, with every row accounted for (output or rejected).
//!
//! Rows are read in chunks on the calling thread; a second thread has each chunk checked,
//! evaluated and encoded by a rayon pool, a piece of consecutive rows per task; a third writes
//! the pieces in order. With one worker thread, all of it runs in line on the calling thread.
//! At most a few chunks are in flight, so memory does not grow with the input (xlsx input: see
//! [`Options::input`]). Each row is encoded on its own, so the output is byte-identical
//! whatever the number of threads.

// Without `native_batch` (the playground's WASM module), only the row reading and checking
// that `impact` uses is called; the rest of a batch row's path is compiled but unused.
#![cfg_attr(not(native_batch), allow(dead_code))]

mod encode;
#[cfg(native_batch)]
mod memory;
#[cfg(native_batch)]
mod progress;
// The row reader and row checking are also how `impact` reads a cohort.
pub(crate) mod read;
pub(crate) mod row;
#[cfg(native_batch)]
mod run;
mod summary;
mod table;
#[cfg(native_batch)]
mod write;
pub(crate) mod xlsx;

pub(crate) use encode::csv_field;
#[cfg(native_batch)]
pub use memory::{run_in_memory, InMemory};
#[cfg(native_batch)]
pub use progress::ShowProgress;
#[cfg(native_batch)]
pub use run::{run, Options};
pub use summary::{GroupLine, RangeLine, Summary, Total, TotalLine};
#[cfg(native_batch)]
pub use write::write_whole;

use std::path::Path;

/// Rows per chunk read before handing them to the workers.
pub const DEFAULT_CHUNK_ROWS: usize = 8192;
/// The longest input row read: a JSON Lines line (without its line ending), or the fields of a
/// CSV record taken together, of at most 1 MiB. A profile is a few hundred bytes; a longer row
/// is rejected (with its row number), and the rest of the file is still read. A JSON Lines line
/// is never held in memory past this.
pub const MAX_ROW_BYTES: usize = 1024 * 1024;
/// Rows per task: small enough to share a chunk across cores, large enough to be cheap.
const PIECE_ROWS: usize = 256;

/// A file format, chosen by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.csv`, and `-` (standard input or output).
    Csv,
    /// `.jsonl` or `.ndjson`: one JSON object per line.
    Jsonl,
    /// `.xlsx`: the first worksheet, with a header row.
    Xlsx,
}

impl Format {
    /// The format of a path by its extension; `-` is CSV.
    pub fn of(path: &Path) -> Result<Format, BatchError> {
        if path == Path::new("-") {
            return Ok(Format::Csv);
        }
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("csv") => Ok(Format::Csv),
            Some("jsonl" | "ndjson") => Ok(Format::Jsonl),
            Some("xlsx") => Ok(Format::Xlsx),
            _ => Err(BatchError::Usage(format!(
                "{}: cannot tell the format from the extension (use .csv, .jsonl, .ndjson or \
                 .xlsx, or - for CSV on standard input or output)",
                path.display()
            ))),
        }
    }
}

/// Why a batch could not run or complete. Nothing is written under an output's real name then.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// Bad usage, e.g. a file extension that names no format.
    #[error("{0}")]
    Usage(String),
    /// The input could not be opened or read.
    #[error("cannot read {file}: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    /// A header that does not fit the rule set (an unknown column, for instance).
    #[error("{file}: {message}")]
    Header { file: String, message: String },
    /// The xlsx input is not a workbook calamine can read.
    #[error("cannot read the workbook {0}")]
    Xlsx(String),
    /// An output could not be created or written (or holds no more rows, for xlsx).
    #[error("cannot write {file}: {source}")]
    Write {
        file: String,
        source: std::io::Error,
    },
    /// Never expected: the run's own check that no row was lost.
    #[error("rows do not add up: {rows_in} read, {rows_out} output, {rows_rejected} rejected")]
    Unaccounted {
        rows_in: u64,
        rows_out: u64,
        rows_rejected: u64,
    },
    /// The worker threads could not be started, or one stopped unexpectedly.
    #[error("{0}")]
    Threads(String),
}

impl BatchError {
    pub(crate) fn write(path: &Path, source: std::io::Error) -> BatchError {
        BatchError::Write {
            file: path.display().to_string(),
            source,
        }
    }
}
