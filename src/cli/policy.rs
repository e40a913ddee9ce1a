//! The policy officers' commands: `diff` (the impact of a rule change on a cohort), `lint`
//! (what loads but is probably a mistake) and `schema --profile` (a profile's JSON Schema).

use crate::cli::out;
use crate::{load_error, Outcome, RulesOn};
use clap::Args;
use sendband::{batch, Date};
use std::path::{Path, PathBuf};

/// What a comparison compares: two rule sets, a cohort and the date every case is evaluated on.
#[derive(Args)]
pub struct Compared {
    /// The rule set in force: a version folder, an authority folder (the version in force on
    /// --on) or a bundle.
    #[arg(long)]
    pub base: PathBuf,
    /// The proposed rule set, usually a draft version folder; it need not be in force on --on.
    #[arg(long)]
    pub proposed: PathBuf,
    /// The profiles: .jsonl/.ndjson (one JSON profile per line), or .csv or .xlsx (a header row
    /// of input names), read as `batch` reads its input: a row it cannot read is refused and
    /// counted, and the rest are compared.
    #[arg(long)]
    pub cohort: PathBuf,
    /// The date both rule sets evaluate every case on, so only the rules differ (default: today).
    #[arg(long)]
    pub on: Option<Date>,
}

impl Compared {
    /// The date, the base (in force on it) and the proposal, or the outcome of a load error.
    pub(crate) fn load(&self) -> Result<(Date, sendband::RuleSet, sendband::RuleSet), Outcome> {
        let on = self.on.unwrap_or_else(Date::today);
        let base = sendband::ruleset::load(Some(&self.base), on).map_err(|e| load_error(&e))?;
        let proposed =
            sendband::ruleset::describe(Some(&self.proposed), on).map_err(|e| load_error(&e))?;
        Ok((on, base, proposed))
    }
}

#[derive(Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub compared: Compared,
    /// Write every case whose result changed to this CSV file (one row per changed family).
    #[arg(long)]
    pub changes: Option<PathBuf>,
    /// Write the impact as one self-contained HTML page with charts.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Also total each family's cost by this input's values (a school identifier, say), as
    /// `batch --group-by` does. Repeat it to total by each combination of several inputs.
    #[arg(long = "group-by", value_name = "INPUT")]
    pub group_by: Vec<String>,
}

pub fn lint(path: &Path, options: sendband::lint::Options, format: &str) -> Outcome {
    let reports = match sendband::lint::lint_path(path, options) {
        Ok(r) => r,
        Err(e) => return load_error(&e),
    };
    if format == "json" {
        let json = match reports.as_slice() {
            [one] => serde_json::to_value(one),
            many => serde_json::to_value(many),
        };
        let text = json
            .and_then(|j| serde_json::to_string_pretty(&j))
            .unwrap_or_default();
        if let Err(ended) = out::print(&format!("{text}\n")) {
            return ended;
        }
    } else {
        for r in &reports {
            if let Err(ended) = out::print(&sendband::lint::to_text(r)) {
                return ended;
            }
        }
    }
    let failed = reports
        .iter()
        .flat_map(|r| &r.findings)
        .any(|f| f.severity == sendband::lint::Severity::Error);
    if failed {
        Outcome::Failed
    } else {
        Outcome::Ok
    }
}

pub fn diff(args: &DiffArgs) -> Outcome {
    use sendband::impact::{self, Cohort};
    let (on, base, proposed) = match args.compared.load() {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let cohort_path = &args.compared.cohort;
    let (b, p) = (base.manifest(), proposed.manifest());
    let file = cohort_path.display().to_string();
    let title = impact::ReportTitle::of(b, p, on, &file);
    // A closed standard output does not stop the comparison: the changes file and the report
    // are still written, and the exit code is still the comparison's.
    let mut shown = out::print(&format!(
        "Impact of {} against {}, every case evaluated on {on}\n",
        title.proposed, title.base
    ));
    let cohort = match Cohort::open(cohort_path) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("sendband: {e}");
            return Outcome::Usage;
        }
    };
    let result = impact::compare_with_changes(
        &base,
        &proposed,
        on,
        cohort,
        &file,
        args.changes.as_deref(),
        &args.group_by,
    );
    match result {
        Ok(impact) => {
            if shown.is_ok() {
                shown = out::print(&impact.to_text());
            }
            // Each rule change costed alone, in order, on the same cohort.
            let mut open = || Cohort::open(cohort_path);
            let changes = match impact::attribute(&base, &proposed, on, &mut open, &file) {
                Ok(changes) => changes,
                Err(e) => {
                    eprintln!("sendband: diff stopped: {e}");
                    return Outcome::Usage;
                }
            };
            if shown.is_ok() {
                shown = out::print(&impact::rule_changes_text(&changes));
            }
            if let Some(path) = &args.report {
                let html = impact::report(&impact, &title, &changes);
                if let Err(e) = batch::write_whole(path, |out| out.write_all(html.as_bytes())) {
                    eprintln!("sendband: {e}");
                    return Outcome::Usage;
                }
            }
            match shown {
                Err(Outcome::Closed) | Ok(()) => {}
                Err(outcome) => return outcome,
            }
            if impact.rejected.is_empty() {
                Outcome::Ok
            } else {
                Outcome::Failed
            }
        }
        Err(e) => {
            eprintln!("sendband: diff stopped: {e}");
            Outcome::Usage
        }
    }
}

pub fn profile_schema(rules: RulesOn) -> Outcome {
    let on = rules.on.unwrap_or_else(Date::today);
    let rules = match sendband::ruleset::describe(rules.rules.as_deref(), on) {
        Ok(r) => r,
        Err(e) => return load_error(&e),
    };
    let text = sendband::schema::to_file_text(&sendband::schema::profile_schema(&rules));
    match out::print(&text) {
        Ok(()) => Outcome::Ok,
        Err(ended) => ended,
    }
}
