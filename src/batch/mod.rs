//! Batch mode: every row of a CSV, JSON Lines or xlsx file evaluated, in bounded memory and in
//! parallel, to an output file in input order, with every row accounted for (output or rejected).
//!
//! Rows are read in chunks on the calling thread; a second thread has each chunk checked,
//! evaluated and encoded by a rayon pool, a piece of consecutive rows per task; a third writes
//! the pieces in order. With one worker thread, all of it runs in line on the calling thread.
//! At most a few chunks are in flight, so memory does not grow with the input (xlsx input: see
//! [`Options::input`]). Each row is encoded on its own, so the output is byte-identical
//! whatever the number of threads.

mod encode;
mod memory;
mod progress;
// The row reader and row checking are also how `impact` reads a cohort.
pub(crate) mod read;
pub(crate) mod row;
mod summary;
mod table;
mod write;
pub(crate) mod xlsx;

pub(crate) use encode::csv_field;
pub use memory::{run_in_memory, InMemory};
pub use progress::ShowProgress;
pub use summary::{GroupLine, RangeLine, Summary, Total, TotalLine};
pub use write::write_whole;

use crate::profile::Column;
use crate::{Date, RuleSet};
use encode::{Layout, Piece};
use progress::Progress;
use read::{RowSource, Rows};
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;
use write::{OutFile, RejectSink, Sink};

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

/// What to read and where to write.
#[derive(Debug, Clone)]
pub struct Options {
    /// CSV, JSON Lines or xlsx by extension; `-` is CSV on standard input. CSV and JSON Lines
    /// are streamed. xlsx is read cell by cell from its first worksheet, but its table of
    /// shared strings (every distinct text in the workbook) is held in memory, and a sheet
    /// holds at most 1,048,576 rows anyway.
    pub input: PathBuf,
    /// CSV, JSON Lines or xlsx by extension; `-` is CSV on standard output.
    pub output: PathBuf,
    /// A CSV file `row,case_id,field,message`, one line per field error of a rejected row.
    /// `row` is the data row from 1: the header is not counted, nor (in CSV) blank lines, which
    /// are not records; in xlsx, sheet row n + 1 under a header on row 1. `None`: each is
    /// printed on standard error instead.
    pub rejects: Option<PathBuf>,
    /// Where to write the summary as JSON.
    pub summary: Option<PathBuf>,
    /// Worker threads; `None` uses every core.
    pub threads: Option<usize>,
    /// Rows per chunk read (at least 1).
    pub chunk_rows: usize,
    /// Progress on standard error: a bar on a terminal, lines for a log, or nothing.
    pub progress: ShowProgress,
    /// How often a line of progress is written for a log (not the bar).
    pub progress_every: std::time::Duration,
    /// Every family's `reason` column gives every reason of the decision (as `explain` does),
    /// joined by "; ", applied families included. Without it, only why a family is `error`,
    /// `ineligible` or `not_applicable`, and why an applied family raised its flags.
    pub reasons: bool,
    /// Declared inputs whose values the summary also totals amounts by (a school identifier,
    /// say), together: one line per combination of their values.
    pub group_by: Vec<String>,
}

impl Options {
    /// Options for `input` to `output` with the defaults: rejects on standard error, no
    /// summary file, every core, no progress shown.
    pub fn new(input: impl Into<PathBuf>, output: impl Into<PathBuf>) -> Options {
        Options {
            input: input.into(),
            output: output.into(),
            rejects: None,
            summary: None,
            threads: None,
            chunk_rows: DEFAULT_CHUNK_ROWS,
            progress: ShowProgress::Never,
            progress_every: std::time::Duration::from_secs(5),
            reasons: false,
            group_by: Vec::new(),
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

/// Evaluate every row of `options.input` on `on` and write the outputs. Returns the summary
/// (also written to `options.summary`); [`Summary::failed`] tells whether any row was rejected
/// or had a family with status `error`.
pub fn run(rules: &RuleSet, on: Date, options: &Options) -> Result<Summary, BatchError> {
    let in_format = Format::of(&options.input)?;
    let out_format = Format::of(&options.output)?;
    let layout = Layout::new(rules, out_format);
    // Every output is opened first, so a bad path stops the run before any work.
    let sink = Sink::create(&options.output, &layout)?;
    let rejects = RejectSink::create(options.rejects.as_deref())?;
    let summary_file = options
        .summary
        .as_deref()
        .map(OutFile::create)
        .transpose()?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.unwrap_or(0))
        .build()
        .map_err(|e| BatchError::Threads(e.to_string()))?;
    let outputs = Outputs {
        sink,
        rejects,
        path: options.output.clone(),
    };
    let stdin = options.input == Path::new("-");
    let file = if stdin {
        "standard input".to_string()
    } else {
        options.input.display().to_string()
    };
    let read_error = |source| BatchError::Read {
        file: file.clone(),
        source,
    };
    let mut ctx = row::Context::new(rules, on, &layout, options.reasons);
    ctx.group_by = group_inputs(rules, &options.group_by)?;
    let size = if stdin {
        None
    } else {
        std::fs::metadata(&options.input).ok().map(|m| m.len())
    };
    let progress = Progress::new(
        options.progress,
        options.progress_every,
        size.filter(|_| in_format != Format::Xlsx),
    );
    let chunk = options.chunk_rows.max(1);
    let (summary, outputs) = match in_format {
        Format::Csv if stdin => {
            let mut src = read::CsvRows::new(rules, std::io::stdin().lock(), &file)?;
            ctx.columns = Some(Column::of(&src.columns(), rules.names()));
            pipeline(&mut src, &ctx, &pool, outputs, &progress, chunk)
        }
        Format::Csv => {
            let f = std::fs::File::open(&options.input).map_err(read_error)?;
            let mut src = read::CsvRows::new(rules, BufReader::with_capacity(1 << 16, f), &file)?;
            ctx.columns = Some(Column::of(&src.columns(), rules.names()));
            pipeline(&mut src, &ctx, &pool, outputs, &progress, chunk)
        }
        Format::Jsonl => {
            let f = std::fs::File::open(&options.input).map_err(read_error)?;
            let mut src = read::JsonlRows::new(BufReader::with_capacity(1 << 16, f), &file);
            pipeline(&mut src, &ctx, &pool, outputs, &progress, chunk)
        }
        Format::Xlsx => {
            let mut book = xlsx::open(&options.input, &file)?;
            let cells = xlsx::first_sheet(&mut book, &file)?;
            let mut src = xlsx::XlsxRows::new(rules, cells, &file)?;
            ctx.columns = Some(Column::of(&src.columns(), rules.names()));
            pipeline(&mut src, &ctx, &pool, outputs, &progress, chunk)
        }
    }?;
    progress.finish(summary.rows_in);
    let summary = summary.into_summary(rules, on, &layout, &options.group_by);
    summary.check()?;
    // Only a complete run gives files under their real names: all are written in full first,
    // then renamed, so a failure leaves none of them (short of a failing rename).
    let mut complete = vec![
        outputs.sink.finish(&options.output)?,
        outputs.rejects.finish()?,
    ];
    if let Some(mut f) = summary_file {
        let path = f.path().to_path_buf();
        std::io::Write::write_all(&mut f, summary.to_json_pretty().as_bytes())
            .map_err(|e| BatchError::write(&path, e))?;
        complete.push(Some(f.complete()?));
    }
    for file in complete.into_iter().flatten() {
        file.rename()?;
    }
    Ok(summary)
}

/// Where each `--group-by` input is among a profile's facts: a declared input, or bad usage.
fn group_inputs(rules: &RuleSet, names: &[String]) -> Result<Vec<usize>, BatchError> {
    names
        .iter()
        .map(|name| {
            rules
                .input_slot(name)
                .map_err(|e| BatchError::Usage(format!("--group-by {name}: {e}")))
        })
        .collect()
}

/// The output and rejects, owned by the writing thread while rows flow.
struct Outputs {
    sink: Sink,
    rejects: RejectSink,
    path: PathBuf,
}

impl Outputs {
    /// Write one piece's rows and rejects, and count them.
    fn write(
        &mut self,
        piece: Piece,
        ctx: &row::Context<'_>,
        tally: &mut Tally,
        show: &dyn Fn(&str),
    ) -> Result<(), BatchError> {
        self.sink
            .write(&self.path, &piece, ctx.layout.header.len())?;
        for r in &piece.rejects {
            self.rejects.write(r, show)?;
        }
        tally.rows_out += piece.rows_out;
        tally.rows_rejected += piece.rows_rejected;
        tally.rows_with_error += piece.rows_with_error;
        tally.reject_lines += piece.rejects.len() as u64;
        tally.totals.merge(piece.totals);
        Ok(())
    }
}

/// Counts and totals as the pieces are written.
#[derive(Default)]
struct Tally {
    rows_in: u64,
    rows_out: u64,
    rows_rejected: u64,
    rows_with_error: u64,
    reject_lines: u64,
    totals: summary::Totals,
}

impl Tally {
    fn into_summary(
        self,
        rules: &RuleSet,
        on: Date,
        layout: &Layout,
        group_by: &[String],
    ) -> Summary {
        let names = summary::Names {
            families: layout
                .families
                .iter()
                .map(|f| {
                    let outputs = f
                        .outputs
                        .iter()
                        .enumerate()
                        .map(|(i, (n, _))| {
                            let kind = f.money.iter().find(|(m, _)| *m == i).map(|(_, k)| *k);
                            (n.clone(), kind)
                        })
                        .collect();
                    (f.name.clone(), outputs)
                })
                .collect(),
            group_by: group_by.to_vec(),
        };
        let (totals, not_added, groups) = self.totals.lines(&names);
        Summary {
            ruleset: rules.stamp(),
            on,
            rows_in: self.rows_in,
            rows_out: self.rows_out,
            rows_rejected: self.rows_rejected,
            rows_with_error: self.rows_with_error,
            reject_lines: self.reject_lines,
            totals,
            not_added,
            group_by: names.group_by,
            groups,
        }
    }
}

/// Read, evaluate and write every row. The reader runs here; evaluation and writing run on
/// two scoped threads joined by bounded channels, so at most a few chunks are held at once.
fn pipeline(
    src: &mut dyn RowSource,
    ctx: &row::Context<'_>,
    pool: &rayon::ThreadPool,
    mut outputs: Outputs,
    progress: &Progress,
    chunk: usize,
) -> Result<(Tally, Outputs), BatchError> {
    if pool.current_num_threads() == 1 {
        return in_line(src, ctx, outputs, progress, chunk);
    }
    std::thread::scope(|s| {
        // Each chunk travels with how far into the input it ends, for progress.
        let (rows_tx, rows_rx) = sync_channel::<(Rows, Option<u64>)>(1);
        let (pieces_tx, pieces_rx) = sync_channel::<(Vec<Piece>, Option<u64>)>(1);
        let evaluator = s.spawn(move || {
            for (rows, at) in rows_rx {
                if pieces_tx.send((ctx.pieces(&rows, pool), at)).is_err() {
                    break;
                }
            }
        });
        let writer = s.spawn(move || -> Result<(Tally, Outputs), BatchError> {
            let mut tally = Tally::default();
            let show = |line: &str| progress.bar.suspend(|| eprintln!("{line}"));
            for (pieces, at) in pieces_rx {
                for piece in pieces {
                    outputs.write(piece, ctx, &mut tally, &show)?;
                }
                // Rows written, not read: the reader runs a few chunks ahead.
                progress.update(tally.rows_out + tally.rows_rejected, at);
            }
            Ok((tally, outputs))
        });
        let mut read = Ok(());
        let mut rows_in = 0u64;
        loop {
            let mut rows = Rows::with_capacity(chunk);
            if let Err(e) = src.read_chunk(&mut rows, chunk) {
                read = Err(e);
                break;
            }
            if rows.is_empty() {
                break;
            }
            rows_in += rows.len() as u64;
            // A send fails only when the writer has stopped on an error, reported below.
            if rows_tx.send((rows, src.position())).is_err() {
                break;
            }
        }
        drop(rows_tx);
        let stopped = || BatchError::Threads("a batch thread stopped unexpectedly".to_string());
        evaluator.join().map_err(|_| stopped())?;
        let (mut tally, outputs) = writer.join().map_err(|_| stopped())??;
        read?;
        tally.rows_in = rows_in;
        Ok((tally, outputs))
    })
}

/// [`pipeline`] on one thread: each chunk read, checked, evaluated, encoded and written on the
/// calling thread. With one worker, handing rows between threads costs more than it overlaps.
fn in_line(
    src: &mut dyn RowSource,
    ctx: &row::Context<'_>,
    mut outputs: Outputs,
    progress: &Progress,
    chunk: usize,
) -> Result<(Tally, Outputs), BatchError> {
    let mut tally = Tally::default();
    let show = |line: &str| progress.bar.suspend(|| eprintln!("{line}"));
    let mut rows = Rows::with_capacity(chunk);
    loop {
        rows.clear();
        src.read_chunk(&mut rows, chunk)?;
        if rows.is_empty() {
            break;
        }
        tally.rows_in += rows.len() as u64;
        for piece in rows.rows.chunks(PIECE_ROWS) {
            outputs.write(ctx.piece(piece, &rows.text), ctx, &mut tally, &show)?;
        }
        progress.update(tally.rows_out + tally.rows_rejected, src.position());
    }
    Ok((tally, outputs))
}
