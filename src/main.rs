//! The `sendband` command: evaluate, explain, batch, synth, test, bundle and schema.
//! Results go to stdout, diagnostics to stderr; exit 0 ok, 1 a case or test failed, 2 bad usage or rules.

mod cli;

use clap::{Args, Parser, Subcommand};
use cli::calibrate;
use cli::finance::{self, BatchArgs, SynthArgs};
use cli::out;
use cli::policy::{self, DiffArgs};
use sendband::{explain, testing, Date, LoadError, RuleSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// SEND funding bands and thresholds, from rules written as data.
#[derive(Parser)]
#[command(name = "sendband", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate one case profile and print the decision as JSON.
    Evaluate(CaseArgs),
    /// Evaluate one case profile and explain the decision in plain English.
    Explain(CaseArgs),
    /// Evaluate every row of a CSV, JSON Lines or xlsx file into an output file, accounting for
    /// every row; exit 1 if any row was rejected or a family could not decide a row.
    Batch(BatchArgs),
    /// Write synthetic case profiles (no real data) as JSON Lines, e.g. to try `batch`.
    Synth(SynthArgs),
    /// Compare a cohort under a base and a proposed rule set: cost under each, who gains and
    /// who loses, band transitions, largest movers; exit 1 if any profile was refused.
    Diff(DiffArgs),
    /// Fit a proposal to a budget: the factor on one lookup's values (the base's times it,
    /// rounded as declared), or one uplift's times or plus, whose cohort cost comes closest to
    /// a target; writes the calibrated proposal as a bundle.
    Calibrate(calibrate::CalibrateArgs),
    /// Check a rule set for what loading accepts but is probably wrong (range gaps, rows that
    /// never fire, missing lookup cells, monotonicity, overlapping versions, unused names,
    /// empty texts); exit 1 on any error, 0 with only warnings.
    Lint {
        /// A rule-set folder, an authority folder (every version, and whether they overlap)
        /// or a bundle.
        rules: PathBuf,
        /// The date cases are explored on (default: each rule set's first day in force).
        #[arg(long)]
        on: Option<Date>,
        /// Cases run through each family to see which rows and cells they reach: every
        /// combination when there are at most this many, else a seeded search of this many.
        #[arg(long, default_value_t = 200_000)]
        cases: u64,
        /// `text` (default) or `json`.
        #[arg(long, default_value = "text", value_parser = ["text", "json"])]
        format: String,
    },
    /// Run the tests written inside rule sets; exit 1 if any fails.
    Test {
        /// Rule-set folders, authority folders, bundles, or folders holding them
        /// (default: the built-in rule set).
        rules: Vec<PathBuf>,
    },
    /// Write a rule set as one self-contained JSON bundle.
    Bundle {
        /// The rule-set folder (or authority folder, with --on).
        rules: PathBuf,
        /// The version in force on this date, for an authority folder (default: today).
        #[arg(long)]
        on: Option<Date>,
        /// Where to write the bundle (default: stdout).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Print the JSON Schemas of the rule-set format, or write them to a folder; with
    /// --profile, print the JSON Schema of a case profile for a rule set.
    Schema {
        /// Write every schema file into this folder (as under rules/schema/).
        #[arg(long, conflicts_with = "profile")]
        out_dir: Option<PathBuf>,
        /// Print the schema of a profile for this rule set (a folder, an authority folder with
        /// --on, or a bundle) instead.
        #[arg(long, value_name = "RULES")]
        profile: Option<PathBuf>,
        /// The date that picks the version in an authority folder (default: today).
        #[arg(long, requires = "profile")]
        on: Option<Date>,
    },
}

#[derive(Args)]
struct CaseArgs {
    /// A rule-set folder, an authority folder (the version in force on --on) or a bundle file.
    /// Without it, the version in force of the rule sets built into sendband (rules/haringey).
    #[arg(long)]
    rules: Option<PathBuf>,
    /// The evaluation date, YYYY-MM-DD: picks the rule-set version and is the date ages are
    /// computed at (default: today).
    #[arg(long)]
    on: Option<Date>,
    /// The case profile, a JSON file, or - for standard input.
    case: PathBuf,
    /// evaluate: also say what would change the result, the smallest sets of changes to the
    /// answers that give each family another band or outcome (a "what_if" member). explain
    /// says it anyway.
    #[arg(long)]
    what_if: bool,
    /// explain: leave out what would change the result.
    #[arg(long, conflicts_with = "what_if")]
    no_what_if: bool,
    /// Also try changes to this input, which the rule set keeps out of what would change the
    /// result (a fact of the case such as the setting, or a panel override). Repeatable.
    #[arg(
        long = "what-if-also",
        value_name = "INPUT",
        conflicts_with = "no_what_if"
    )]
    what_if_also: Vec<String>,
}

/// The rule set and the date, for commands that work on many cases.
#[derive(Args)]
struct RulesOn {
    /// A rule-set folder, an authority folder (the version in force on --on) or a bundle file.
    /// Without it, the version in force of the rule sets built into sendband (rules/haringey).
    #[arg(long)]
    rules: Option<PathBuf>,
    /// The date, YYYY-MM-DD: picks the rule-set version, and is the date every case is
    /// evaluated on and ages are computed at (default: today).
    #[arg(long)]
    on: Option<Date>,
}

impl RulesOn {
    /// The rule set in force on the date, or the exit after saying why there is none.
    fn load(&self) -> Result<(RuleSet, Date), Outcome> {
        let on = self.on.unwrap_or_else(Date::today);
        match sendband::ruleset::load(self.rules.as_deref(), on) {
            Ok(r) => Ok((r, on)),
            Err(e) => Err(load_error(&e)),
        }
    }
}

/// How a command ended, mapped to the exit code.
enum Outcome {
    Ok,
    /// A case or test failed.
    Failed,
    /// Bad usage or an invalid rule set.
    Usage,
    /// Standard output was closed by its reader (`| head`): the command stopped writing, and
    /// ends quietly with success.
    Closed,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Evaluate(args) => case(&args, false),
        Command::Explain(args) => case(&args, true),
        Command::Batch(args) => finance::batch(&args),
        Command::Synth(args) => finance::synth(&args),
        Command::Diff(args) => policy::diff(&args),
        Command::Calibrate(args) => calibrate::calibrate(&args),
        Command::Lint {
            rules,
            on,
            cases,
            format,
        } => policy::lint(&rules, sendband::lint::Options { on, cases }, &format),
        Command::Test { rules } => test(&rules),
        Command::Bundle { rules, on, output } => bundle(&rules, on, output.as_deref()),
        Command::Schema {
            profile: Some(rules),
            on,
            ..
        } => policy::profile_schema(RulesOn {
            rules: Some(rules),
            on,
        }),
        Command::Schema { out_dir, .. } => schema(out_dir.as_deref()),
    };
    match outcome {
        Outcome::Ok | Outcome::Closed => ExitCode::SUCCESS,
        Outcome::Failed => ExitCode::from(1),
        Outcome::Usage => ExitCode::from(2),
    }
}

fn load_error(e: &LoadError) -> Outcome {
    match e {
        LoadError::NotInForce { .. } => {
            eprintln!("sendband: no rule set for that date: {e}");
            eprintln!(
                "hint: give --on a date in that period, or --rules a version in force on that date"
            );
        }
        LoadError::Versions { .. } => eprintln!("sendband: no rule set for that date: {e}"),
        _ => eprintln!("sendband: invalid rule set: {e}"),
    }
    Outcome::Usage
}

fn read_case(path: &Path) -> Result<String, String> {
    let mut text = String::new();
    if path == Path::new("-") {
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("standard input: {e}"))?;
    } else {
        text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(text)
}

fn case(args: &CaseArgs, in_words: bool) -> Outcome {
    let on = args.on.unwrap_or_else(Date::today);
    let rules = match sendband::ruleset::load(args.rules.as_deref(), on) {
        Ok(r) => r,
        Err(e) => return load_error(&e),
    };
    let text = match read_case(&args.case) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("sendband: cannot read the case: {e}");
            return Outcome::Usage;
        }
    };
    let facts = match rules.facts_from_json(&text) {
        Ok(f) => f,
        Err(errors) => {
            eprintln!("sendband: invalid profile:");
            for line in errors.to_string().lines() {
                eprintln!("  {line}");
            }
            return Outcome::Failed;
        }
    };
    let decision = rules.evaluate(&facts, on);
    let wanted = match in_words {
        true => !args.no_what_if,
        false => args.what_if || !args.what_if_also.is_empty(),
    };
    let also: Vec<&str> = args.what_if_also.iter().map(String::as_str).collect();
    if let Err(e) = sendband::what_if::check_also(&rules, &also) {
        eprintln!("sendband: --what-if-also: {e}");
        return Outcome::Usage;
    }
    let what_if = wanted.then(|| sendband::what_if::what_if_also(&rules, &facts, on, &also));
    if in_words {
        if let Err(ended) = out::print(&explain::explain(&decision, &rules, what_if.as_ref())) {
            return ended;
        }
    } else {
        let text = match &what_if {
            Some(w) => sendband::what_if::decision_json(&decision, w),
            None => decision.to_json_pretty(),
        };
        if let Err(ended) = out::print(&format!("{text}\n")) {
            return ended;
        }
        // The JSON is for machines; the person running the command is told here.
        if let Some(w) = explain::provenance_warning(rules.manifest()) {
            eprintln!("sendband: {w}");
        }
    }
    if decision.has_error() {
        for r in decision
            .results
            .iter()
            .filter(|r| r.status == sendband::Status::Error)
        {
            eprintln!(
                "sendband: {} could not be decided: {}",
                r.family,
                r.reasons.join("; ")
            );
        }
        return Outcome::Failed;
    }
    Outcome::Ok
}

/// Rule sets named by a path: itself when it is one, otherwise every rule set below it.
fn rule_sets_in(path: &Path) -> Result<Vec<RuleSet>, LoadError> {
    if path.is_file() {
        return Ok(vec![RuleSet::from_bundle_file(path)?]);
    }
    if path.join("ruleset.json").is_file() {
        return Ok(vec![RuleSet::from_folder(path)?]);
    }
    let mut found = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|source| LoadError::Io {
            path: path.display().to_string(),
            source,
        })?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        found.extend(rule_sets_in(&dir)?);
    }
    // An authority folder must not hold overlapping versions.
    if !found.is_empty() {
        sendband::ruleset::versions_in(path)?;
    }
    Ok(found)
}

fn test(paths: &[PathBuf]) -> Outcome {
    let mut sets = Vec::new();
    if paths.is_empty() {
        match RuleSet::embedded_versions() {
            Ok(r) => sets.extend(r),
            Err(e) => return load_error(&e),
        }
    }
    for p in paths {
        match rule_sets_in(p) {
            Ok(found) if found.is_empty() => {
                eprintln!("sendband: {}: no rule set here", p.display());
                return Outcome::Usage;
            }
            Ok(found) => sets.extend(found),
            Err(e) => return load_error(&e),
        }
    }
    use std::fmt::Write as _;
    let (mut passed, mut failed) = (0, 0);
    for rules in &sets {
        let m = rules.manifest();
        let report = testing::run(rules);
        // Writing to a String cannot fail.
        let mut text = String::new();
        let _ = writeln!(
            text,
            "{} {}: {} passed, {} failed",
            m.id,
            m.version,
            report.passed,
            report.failures.len()
        );
        for f in &report.failures {
            let _ = writeln!(text, "  FAILED {:?} ({})", f.name, f.at);
            for p in &f.problems {
                let _ = writeln!(text, "    {p}");
            }
        }
        // Each rule set's result is shown as soon as it is known.
        if let Err(ended) = out::print(&text) {
            return ended;
        }
        passed += report.passed;
        failed += report.failures.len();
    }
    if let Err(ended) = out::print(&format!("{passed} passed, {failed} failed\n")) {
        return ended;
    }
    if failed > 0 {
        Outcome::Failed
    } else {
        Outcome::Ok
    }
}

fn bundle(path: &Path, on: Option<Date>, output: Option<&Path>) -> Outcome {
    let rules = match sendband::ruleset::load_path(path, on.unwrap_or_else(Date::today)) {
        Ok(r) => r,
        Err(e) => return load_error(&e),
    };
    let mut text = match serde_json::to_string_pretty(rules.bundle()) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("sendband: cannot write the bundle: {e}");
            return Outcome::Usage;
        }
    };
    text.push('\n');
    match output {
        None => {
            if let Err(ended) = out::print(&text) {
                return ended;
            }
        }
        Some(out) => {
            if let Err(e) = std::fs::write(out, text) {
                eprintln!("sendband: {}: {e}", out.display());
                return Outcome::Usage;
            }
            eprintln!("sendband: wrote {} ({})", out.display(), rules.digest());
        }
    }
    Outcome::Ok
}

fn schema(out_dir: Option<&Path>) -> Outcome {
    let schemas = sendband::schema::rule_file_schemas();
    match out_dir {
        None => {
            let all: serde_json::Map<String, serde_json::Value> = schemas
                .into_iter()
                .map(|(name, s)| (name.to_string(), s))
                .collect();
            let text = sendband::schema::to_file_text(&serde_json::Value::Object(all));
            if let Err(ended) = out::print(&text) {
                return ended;
            }
        }
        Some(dir) => {
            for (name, s) in schemas {
                let path = dir.join(name);
                if let Err(e) = std::fs::write(&path, sendband::schema::to_file_text(&s)) {
                    eprintln!("sendband: {}: {e}", path.display());
                    return Outcome::Usage;
                }
            }
        }
    }
    Outcome::Ok
}
