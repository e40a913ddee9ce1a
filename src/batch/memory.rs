//! A batch held in memory: rows from bytes, the output and rejects into bytes, on a thread pool
//! the caller keeps. What [`super::run`] does without files, for hosts with no file system and
//! for fuzzing, where opening, syncing and renaming files would be most of each run.

use super::encode::Layout;
use super::read::{CsvRows, JsonlRows, RowSource, Rows};
use super::row::Context;
use super::run::{Outputs, Tally};
use super::write::{RejectSink, Sink};
use super::{BatchError, Format, Summary};
use crate::{Date, RuleSet};
use std::path::PathBuf;

/// What a batch in memory gives: the output and rejects as the files [`super::run`] writes.
#[derive(Debug)]
pub struct InMemory {
    /// CSV: the header, then one line per row output, in input order.
    pub output: Vec<u8>,
    /// CSV `row,case_id,field,message`: the header, then one line per problem of a rejected row.
    pub rejects: Vec<u8>,
    pub summary: Summary,
}

/// Evaluate every row of `input` (CSV with a header row, or JSON Lines) on `on`, on `pool`,
/// reading `chunk_rows` rows at a time, as [`super::run`] does for files. The input is already
/// in memory, so chunks are read, evaluated and written in turn on the calling thread (the
/// evaluation on `pool`), with no threads started per run.
///
/// ```
/// use sendband::batch::{run_in_memory, Format};
/// use sendband::{Date, RuleSet};
/// let on: Date = "2024-09-01".parse().unwrap();
/// let rules = RuleSet::embedded(on).unwrap();
/// let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
/// let input = b"{\"case_id\": \"a\", \"setting\": \"mainstream_school\", \"ehcp\": \"issued\", \"date_of_birth\": \"2016-02-14\"}\nnot json\n";
/// let run = run_in_memory(&rules, on, Format::Jsonl, input, &pool, 8192).unwrap();
/// assert_eq!((run.summary.rows_in, run.summary.rows_out, run.summary.rows_rejected), (2, 1, 1));
/// assert!(String::from_utf8(run.output).unwrap().lines().nth(1).unwrap().starts_with("a,applied,"));
/// assert!(String::from_utf8(run.rejects).unwrap().lines().nth(1).unwrap().starts_with("2,,"));
/// ```
pub fn run_in_memory(
    rules: &RuleSet,
    on: Date,
    format: Format,
    input: &[u8],
    pool: &rayon::ThreadPool,
    chunk_rows: usize,
) -> Result<InMemory, BatchError> {
    let layout = Layout::new(rules, Format::Csv);
    let outputs = Outputs {
        sink: Sink::memory(&layout),
        rejects: RejectSink::memory(),
        path: PathBuf::from("(memory)"),
    };
    let mut ctx = Context::new(rules, on, &layout, false);
    let chunk = chunk_rows.max(1);
    let file = "(input)";
    let (tally, outputs) = match format {
        Format::Csv => {
            let mut src = CsvRows::new(rules, input, file)?;
            ctx.columns = Some(crate::profile::Column::of(&src.columns(), rules.names()));
            in_turn(&mut src, &ctx, pool, outputs, chunk)
        }
        Format::Jsonl => {
            let mut src = JsonlRows::new(input, file);
            in_turn(&mut src, &ctx, pool, outputs, chunk)
        }
        Format::Xlsx => {
            return Err(BatchError::Usage(
                "a batch in memory reads CSV or JSON Lines, not xlsx".to_string(),
            ))
        }
    }?;
    let summary = tally.into_summary(rules, on, &layout, &[]);
    summary.check()?;
    Ok(InMemory {
        output: outputs.sink.into_bytes(),
        rejects: outputs.rejects.into_bytes(),
        summary,
    })
}

/// Read, evaluate and write each chunk in turn, as the threads of [`super::run`] do side by side.
fn in_turn(
    src: &mut dyn RowSource,
    ctx: &Context<'_>,
    pool: &rayon::ThreadPool,
    mut outputs: Outputs,
    chunk: usize,
) -> Result<(Tally, Outputs), BatchError> {
    let mut tally = Tally::default();
    let show = |line: &str| eprintln!("{line}");
    loop {
        let mut rows = Rows::with_capacity(chunk);
        src.read_chunk(&mut rows, chunk)?;
        if rows.is_empty() {
            return Ok((tally, outputs));
        }
        tally.rows_in += rows.len() as u64;
        for piece in ctx.pieces(&rows, pool) {
            outputs.write(piece, ctx, &mut tally, &show)?;
        }
    }
}
