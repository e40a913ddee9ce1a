//! A batch run to files: rows read in chunks, checked, evaluated and encoded (in parallel, or
//! in line on one thread), written in input order, with a summary that accounts for every row.

use super::encode::{Layout, Piece};
use super::progress::{Progress, ShowProgress};
use super::read::{RowSource, Rows};
use super::write::{OutFile, RejectSink, Sink};
use super::{read, row, summary, xlsx};
use super::{BatchError, Format, Summary, DEFAULT_CHUNK_ROWS, PIECE_ROWS};
use crate::profile::Column;
use crate::{Date, RuleSet};
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;

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
pub(super) struct Outputs {
    pub(super) sink: Sink,
    pub(super) rejects: RejectSink,
    pub(super) path: PathBuf,
}

impl Outputs {
    /// Write one piece's rows and rejects, and count them.
    pub(super) fn write(
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
pub(super) struct Tally {
    pub(super) rows_in: u64,
    rows_out: u64,
    rows_rejected: u64,
    rows_with_error: u64,
    reject_lines: u64,
    totals: summary::Totals,
}

impl Tally {
    pub(super) fn into_summary(
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
