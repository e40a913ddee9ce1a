//! The finance officers' commands: `batch` (every row of a file decided, accounted for and
//! summed) and `synth` (synthetic profiles to try it on).

use crate::cli::out;
use crate::{Outcome, RulesOn};
use clap::Args;
use sendband::{batch, explain};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct BatchArgs {
    #[command(flatten)]
    pub rules: RulesOn,
    /// The profiles: .csv or .xlsx (a header row of input names such as needs.semh; an empty
    /// cell takes the input's default) or .jsonl/.ndjson (one JSON profile per line); - reads
    /// CSV from standard input.
    #[arg(long, short)]
    pub input: PathBuf,
    /// The decisions, one row per profile in input order: .csv, .jsonl/.ndjson or .xlsx;
    /// - writes CSV to standard output. Written under a temporary name, renamed when complete.
    #[arg(long, short)]
    pub output: PathBuf,
    /// Write rejected rows here as CSV (row,case_id,field,message; one line per field error;
    /// row counts data rows from 1, not the header). Default: print them on standard error.
    #[arg(long)]
    pub rejects: Option<PathBuf>,
    /// Write the summary here as JSON: rows in, out and rejected, and the totals of every
    /// money output by family, band and setting.
    #[arg(long)]
    pub summary: Option<PathBuf>,
    /// Worker threads (default: one per core). The output is the same for any number.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Each family's reason column gives every reason of the decision, applied families too
    /// (slower). Without it: why a family is error, ineligible or not_applicable, and why an
    /// applied family raised its flags.
    #[arg(long)]
    pub reasons: bool,
    /// Also total the money amounts by this input's values (a school identifier, say), in the
    /// summary JSON and table. Repeat it to total by each combination of several inputs.
    #[arg(long = "group-by", value_name = "INPUT")]
    pub group_by: Vec<String>,
    /// Progress on standard error: auto (a bar on a terminal, else a line every
    /// --progress-every seconds for a log), always (lines even on a terminal), or never.
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    pub progress: batch::ShowProgress,
    /// Seconds between lines of progress in a log.
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0)]
    pub progress_every: f64,
    /// No progress and no summary table on standard error (unless --progress always).
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args)]
pub struct SynthArgs {
    #[command(flatten)]
    pub rules: RulesOn,
    /// How many profiles to write.
    #[arg(long)]
    pub n: u64,
    /// The seed: the same seed, rules and date give the same profiles.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Where to write them (default: standard output). A file is written under a temporary
    /// name and renamed when complete.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Also write profiles that some family cannot decide (status `error`, such as a panel
    /// override of a band the setting has no value for), as a real extract may have. Without
    /// it, such a draw is drawn again.
    #[arg(long)]
    pub allow_errors: bool,
    /// Also write, after the N profiles, plain ones that reach every table row, range and
    /// lookup cell these rules (and --rules) can reach, each valid under all of them, with case
    /// ids COVER-1, COVER-2 and on: a cohort that exercises a change, for `diff`. Repeatable.
    #[arg(long, value_name = "RULES")]
    pub cover: Vec<PathBuf>,
}

/// Cases each family is explored at for `synth --cover` (lint explores up to 200,000).
const COVER_CASES: u64 = 20_000;

/// `sendband batch`: every row of a file decided, accounted for and summed.
pub fn batch(args: &BatchArgs) -> Outcome {
    let (rules, on) = match args.rules.load() {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    if let Some(w) = explain::provenance_warning(rules.manifest()) {
        eprintln!("sendband: {w}");
    }
    let options = batch::Options {
        rejects: args.rejects.clone(),
        summary: args.summary.clone(),
        threads: args.threads.map(usize::from),
        progress: match (args.quiet, args.progress) {
            (true, batch::ShowProgress::Auto) => batch::ShowProgress::Never,
            (_, show) => show,
        },
        progress_every: match std::time::Duration::try_from_secs_f64(args.progress_every) {
            Ok(d) => d,
            Err(_) => {
                eprintln!("sendband: --progress-every takes a number of seconds, 0 or more");
                return Outcome::Usage;
            }
        },
        reasons: args.reasons,
        group_by: args.group_by.clone(),
        ..batch::Options::new(&args.input, &args.output)
    };
    let summary = match batch::run(&rules, on, &options) {
        Ok(s) => s,
        // `-o -` read by `head`: no output is lost that anyone was reading.
        Err(batch::BatchError::Write {
            ref file,
            ref source,
        }) if args.output == Path::new("-") && *file == "-" && out::closed(source) => {
            return Outcome::Closed;
        }
        Err(e) => {
            eprintln!("sendband: batch stopped: {e}");
            if args.output != Path::new("-") {
                // Files are renamed into place only when a run completes.
                eprintln!("sendband: no output file was written");
            }
            return Outcome::Usage;
        }
    };
    if !args.quiet {
        eprint!("{}", summary.table());
    }
    for total in summary.too_large() {
        eprintln!(
            "sendband: the total of {total} is too large to add up exactly; every row is in \
             the output"
        );
    }
    if args.quiet && summary.failed() {
        eprintln!(
            "sendband: {} of {} rows rejected, {} with a family error",
            summary.rows_rejected, summary.rows_in, summary.rows_with_error
        );
    }
    if summary.failed() {
        Outcome::Failed
    } else {
        Outcome::Ok
    }
}

/// `sendband synth`: synthetic profiles the rules can decide.
pub fn synth(args: &SynthArgs) -> Outcome {
    let (rules, on) = match args.rules.load() {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    let mut covers = Vec::new();
    for path in &args.cover {
        match sendband::ruleset::describe(Some(path), on) {
            Ok(r) => covers.push(r),
            Err(e) => return crate::load_error(&e),
        }
    }
    let mut covering = String::new();
    if !covers.is_empty() {
        let all: Vec<&sendband::RuleSet> = std::iter::once(&rules).chain(&covers).collect();
        let mut seen = std::collections::BTreeSet::new();
        let mut n = 0;
        for set in &all {
            for line in sendband::lint::covering(set, on, COVER_CASES, &all, &mut seen, n + 1) {
                n += 1;
                covering.push_str(&line);
                covering.push('\n');
            }
        }
    }
    let mut generator = sendband::synth::Generator::new(&rules, args.seed, on);
    generator.keep_errors = args.allow_errors;
    let written = match &args.output {
        None => {
            let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
            sendband::synth::write_profiles(&mut generator, args.n, &mut stdout)
                .and_then(|undecided| stdout.write_all(covering.as_bytes()).map(|()| undecided))
                .and_then(|undecided| stdout.flush().map(|()| undecided))
                .map_err(|e| out::failed(&e))
        }
        Some(path) => batch::write_whole(path, |out| {
            let mut out = std::io::BufWriter::new(out);
            let undecided = sendband::synth::write_profiles(&mut generator, args.n, &mut out)?;
            out.write_all(covering.as_bytes())?;
            out.flush().map(|()| undecided)
        })
        .map_err(|e| {
            eprintln!("sendband: {e}");
            Outcome::Usage
        }),
    };
    match written {
        Ok(0) => Outcome::Ok,
        Ok(undecided) => {
            // Written all the same: the rules, not the generator, are what most likely needs a look.
            eprintln!(
                "sendband: warning: {undecided} of {} profiles could not be drawn so that every family decides them ({} draws each); they are in the output and give status error",
                args.n,
                sendband::synth::DRAWS
            );
            Outcome::Ok
        }
        // Already said, if there was anything to say (a closed pipe is not).
        Err(outcome) => outcome,
    }
}
