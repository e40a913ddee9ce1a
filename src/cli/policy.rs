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
    fn load(&self) -> Result<(Date, sendband::RuleSet, sendband::RuleSet), Outcome> {
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
    // A closed standard output does not stop the comparison: the changes file and the report
    // are still written, and the exit code is still the comparison's.
    let mut shown = out::print(&format!(
        "Impact of {} {} ({}) against {} {} ({}), every case evaluated on {on}\n",
        p.id, p.version, p.provenance, b.id, b.version, b.provenance
    ));
    let file = cohort_path.display().to_string();
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
                let title = impact::ReportTitle::of(b, p, on, &file);
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

#[derive(Args)]
pub struct CalibrateArgs {
    /// The base keeps its cost under a cost-neutral proposal; the proposal is calibrated.
    #[command(flatten)]
    pub compared: Compared,
    /// The free values: FAMILY/STEP, a lookup step of the proposal. Each value becomes the
    /// base's (or, where the base has no such lookup, the proposal's) times one factor.
    #[arg(long, value_name = "FAMILY/STEP")]
    pub free: String,
    /// Decimal places the free values are rounded to.
    #[arg(long, default_value_t = 2)]
    pub places: u32,
    /// How the free values are rounded (half_away_from_zero, half_even, down, up, ...).
    #[arg(long, default_value = "half_away_from_zero")]
    pub rounding: String,
    /// Keep the base's cost.
    #[arg(long, conflicts_with_all = ["total", "change"])]
    pub cost_neutral: bool,
    /// Meet this total cost of amounts paid (pounds, e.g. 1250000.00).
    #[arg(long, conflicts_with = "change")]
    pub total: Option<rust_decimal::Decimal>,
    /// Change the base's cost by this percentage (-5 for a 5% saving).
    #[arg(long, allow_hyphen_values = true)]
    pub change: Option<rust_decimal::Decimal>,
    /// Write the calibrated proposal here as a bundle.
    #[arg(long, short)]
    pub output: PathBuf,
    /// Write the impact of the calibrated proposal as an HTML report, as `diff --report`.
    #[arg(long)]
    pub report: Option<PathBuf>,
}

/// `sendband calibrate`: the factor on one lookup's values that meets a cost target.
pub fn calibrate(args: &CalibrateArgs) -> Outcome {
    use sendband::impact::{self, Cohort, Free, Target};
    use sendband::money::for_people;
    let (on, base, proposed) = match args.compared.load() {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let cohort_path = &args.compared.cohort;
    let Some((family, step)) = args.free.split_once('/') else {
        eprintln!("sendband: --free is FAMILY/STEP, such as topup/annual_value");
        return Outcome::Usage;
    };
    let Some(mode) = sendband::money::RoundingMode::from_name(&args.rounding) else {
        eprintln!(
            "sendband: --rounding {:?} is not a rounding mode",
            args.rounding
        );
        return Outcome::Usage;
    };
    if args.places > 10 {
        eprintln!("sendband: --places is at most 10");
        return Outcome::Usage;
    }
    let target = match (args.cost_neutral, args.total, args.change) {
        (true, None, None) => Target::Neutral,
        (false, Some(t), None) => Target::Total(t),
        (false, None, Some(p)) => Target::Percent(p),
        _ => {
            eprintln!("sendband: give one target: --cost-neutral, --total or --change");
            return Outcome::Usage;
        }
    };
    let free = Free {
        family: family.to_string(),
        step: step.to_string(),
        round: sendband::format::RoundSpec {
            mode,
            places: args.places,
        },
    };
    let file = cohort_path.display().to_string();
    let mut open = || Cohort::open(cohort_path);
    let c = match impact::calibrate(&base, &proposed, &free, target, on, &mut open, &file) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("sendband: calibrate stopped: {e}");
            return Outcome::Usage;
        }
    };
    let mut bundle = c.bundle.clone();
    let m = &mut bundle.manifest;
    m.version = format!("{}-calibrated", m.version);
    m.title = format!(
        "{} (calibrated: {} values x {})",
        m.title, args.free, c.factor
    );
    m.provenance = sendband::format::Provenance::Draft;
    let text = match serde_json::to_string_pretty(&bundle) {
        Ok(t) => t + "\n",
        Err(e) => {
            eprintln!("sendband: cannot write the bundle: {e}");
            return Outcome::Usage;
        }
    };
    let calibrated = match sendband::RuleSet::from_bundle(&args.output.display().to_string(), &text)
    {
        Ok(r) => r,
        Err(e) => return load_error(&e),
    };
    if let Err(e) = batch::write_whole(&args.output, |out| out.write_all(text.as_bytes())) {
        eprintln!("sendband: {e}");
        return Outcome::Usage;
    }
    let pounds = |a: rust_decimal::Decimal| format!("£{}", for_people(a));
    let signed = |a: rust_decimal::Decimal| {
        let sign = if a.is_sign_negative() && !a.is_zero() {
            "-"
        } else {
            "+"
        };
        format!("{sign}£{}", for_people(a.abs()))
    };
    let (b, p) = (base.manifest(), proposed.manifest());
    let family_title = proposed
        .bundle()
        .families
        .iter()
        .find(|f| f.name == free.family)
        .map_or(free.family.as_str(), |f| f.title.as_str());
    let mut t = format!(
        "Calibrating {} {} against {} {}, every case evaluated on {on}\n\
         Free: {family_title}: the values of {}, the base's times one factor (to {} places), rounded {} to {} places\n\
         Target: {} (the base's cost is {})\n\
         Factor: {}\n\
         Cost: {}, {} from the target\n",
        p.id,
        p.version,
        b.id,
        b.version,
        free.step,
        sendband::impact::FACTOR_PLACES,
        mode.name().replace('_', " "),
        args.places,
        pounds(c.target),
        pounds(c.base_cost),
        c.factor,
        pounds(c.cost()),
        signed(c.gap()),
    );
    if let Some((factor, cost)) = c.other_side {
        t.push_str(&format!(
            "  the next factor, {}, gives {} ({} from the target)\n",
            factor.normalize(),
            pounds(cost),
            signed(cost - c.target)
        ));
    }
    for why in &c.binding {
        t.push_str(&format!("What binds: {why}\n"));
    }
    t.push_str(&format!(
        "Wrote {} ({}, version {})\n",
        args.output.display(),
        calibrated.digest(),
        bundle.manifest.version
    ));
    let mut shown = out::print(&t);
    if let Some(path) = &args.report {
        let mut open = || Cohort::open(cohort_path);
        let changes = match impact::attribute(&base, &calibrated, on, &mut open, &file) {
            Ok(changes) => changes,
            Err(e) => {
                eprintln!("sendband: calibrate stopped: {e}");
                return Outcome::Usage;
            }
        };
        let title = impact::ReportTitle {
            base: format!("{} ({}, {})", b.title, b.version, b.provenance),
            proposed: format!(
                "{} ({}, draft)",
                bundle.manifest.title, bundle.manifest.version
            ),
            on: on.to_string(),
            cohort: file.clone(),
        };
        let html = impact::report(&c.impact, &title, &changes);
        if let Err(e) = batch::write_whole(path, |out| out.write_all(html.as_bytes())) {
            eprintln!("sendband: {e}");
            return Outcome::Usage;
        }
        if shown.is_ok() {
            shown = out::print(&format!("Wrote {}\n", path.display()));
        }
    }
    match shown {
        Err(Outcome::Closed) | Ok(()) => Outcome::Ok,
        Err(outcome) => outcome,
    }
}
