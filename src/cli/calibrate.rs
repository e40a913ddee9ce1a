//! `sendband calibrate`: fit a proposal to a cost target by one number (a factor on one
//! lookup's values, or one uplift of a version written as changes), and say how close it came.

use crate::cli::{out, policy::Compared};
use crate::{load_error, Outcome};
use clap::Args;
use rust_decimal::Decimal;
use sendband::impact::{self, Calibrated, Cohort, Free, Target};
use sendband::money::for_people;
use sendband::{batch, RuleSet};
use std::path::PathBuf;

#[derive(Args)]
#[command(group(clap::ArgGroup::new("free_values").required(true).args(["free", "free_uplift"])))]
pub struct CalibrateArgs {
    /// The base keeps its cost under a cost-neutral proposal; the proposal is calibrated.
    #[command(flatten)]
    pub compared: Compared,
    /// The free values: FAMILY/STEP, a lookup step of the proposal. Each value becomes the
    /// base's (or, where the base has no such lookup, the proposal's) times one factor.
    #[arg(long, value_name = "FAMILY/STEP")]
    pub free: Option<String>,
    /// The free values: those of the uplift that is change N (counting from 1) of a proposal
    /// written as changes to the base; its `times` (to 6 places) or `plus` (to the penny) is
    /// searched, its other changes kept, and the values rounded as it declares.
    #[arg(long, value_name = "N", conflicts_with_all = ["places", "rounding"])]
    pub free_uplift: Option<usize>,
    /// Decimal places the free values of a lookup are rounded to (default 2).
    #[arg(long)]
    pub places: Option<u32>,
    /// How the free values of a lookup are rounded (half_away_from_zero, the default,
    /// half_even, down, up, ...).
    #[arg(long)]
    pub rounding: Option<String>,
    /// Keep the base's cost.
    #[arg(long, conflicts_with_all = ["total", "change"])]
    pub cost_neutral: bool,
    /// Meet this total cost of amounts paid (pounds, e.g. 1250000.00).
    #[arg(long, conflicts_with = "change")]
    pub total: Option<Decimal>,
    /// Change the base's cost by this percentage (-5 for a 5% saving).
    #[arg(long, allow_hyphen_values = true)]
    pub change: Option<Decimal>,
    /// Write the calibrated proposal here as a bundle.
    #[arg(long, short)]
    pub output: PathBuf,
    /// Write the impact of the calibrated proposal as an HTML report, as `diff --report`.
    #[arg(long)]
    pub report: Option<PathBuf>,
}

/// `sendband calibrate`: the number that meets a cost target, the proposal it gives, and how
/// close it came; exit 1 when the free values cannot come within a step of the target, or
/// when a row of the cohort was refused.
pub fn calibrate(args: &CalibrateArgs) -> Outcome {
    let (on, base, proposed) = match args.compared.load() {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let (free, target) = match (free(args), target(args)) {
        (Ok(free), Ok(target)) => (free, target),
        (Err(message), _) | (_, Err(message)) => {
            eprintln!("sendband: {message}");
            return Outcome::Usage;
        }
    };
    let cohort_path = &args.compared.cohort;
    let file = cohort_path.display().to_string();
    let mut open = || Cohort::open(cohort_path);
    let c = match impact::calibrate(&base, &proposed, &free, target, on, &mut open, &file) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("sendband: calibrate stopped: {e}");
            return Outcome::Usage;
        }
    };
    let said = Said::of(&free, &proposed, &c);
    let mut bundle = c.bundle.clone();
    let m = &mut bundle.manifest;
    m.version = format!("{}-calibrated", m.version);
    m.title = format!("{} (calibrated: {})", m.title, said.short);
    m.provenance = sendband::format::Provenance::Draft;
    let text = match serde_json::to_string_pretty(&bundle) {
        Ok(t) => t + "\n",
        Err(e) => {
            eprintln!("sendband: cannot write the bundle: {e}");
            return Outcome::Usage;
        }
    };
    let calibrated = match RuleSet::from_bundle(&args.output.display().to_string(), &text) {
        Ok(r) => r,
        Err(e) => return load_error(&e),
    };
    if let Err(e) = batch::write_whole(&args.output, |out| out.write_all(text.as_bytes())) {
        eprintln!("sendband: {e}");
        return Outcome::Usage;
    }
    let (b, p) = (base.manifest(), proposed.manifest());
    let named = |m: &sendband::format::Manifest| format!("{} ({})", m.title, m.version);
    let mut t = format!(
        "Calibrating {} against {}, every case evaluated on {on}\n\
         {}\
         Free: {}\n\
         Target: {} (the base's cost is {})\n\
         {}\n\
         Cost: {}, {} from the target\n",
        named(p),
        named(b),
        c.impact.cohort_text(),
        said.free,
        pounds(c.target),
        pounds(c.base_cost),
        said.chosen,
        pounds(c.cost()),
        signed(c.gap()),
    );
    if let Some((value, cost)) = c.other_side {
        t.push_str(&format!(
            "  the next {}, {}, gives {} ({} from the target)\n",
            said.noun,
            said.number(value),
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
        // A calibrated uplift's proposal is built on the base by its own changes, which keep
        // their titles; otherwise the changes are found by name.
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
        // A bound of the free values, not their step, stopped it short of the target; or rows
        // were refused, and so left out of every cost, as `diff` fails for them.
        Err(Outcome::Closed) | Ok(())
            if c.other_side.is_none() || !c.impact.rejected.is_empty() =>
        {
            Outcome::Failed
        }
        Err(Outcome::Closed) | Ok(()) => Outcome::Ok,
        Err(outcome) => outcome,
    }
}

/// The free values the arguments name, or why they name none.
fn free(args: &CalibrateArgs) -> Result<Free, String> {
    if let Some(n) = args.free_uplift {
        return match n.checked_sub(1) {
            Some(change) => Ok(Free::Uplift { change }),
            None => Err("--free-uplift counts the changes from 1".to_string()),
        };
    }
    let free = args.free.as_deref().unwrap_or_default();
    let Some((family, step)) = free.split_once('/') else {
        return Err("--free is FAMILY/STEP, such as topup/annual_value".to_string());
    };
    let rounding = args.rounding.as_deref().unwrap_or("half_away_from_zero");
    let Some(mode) = sendband::money::RoundingMode::from_name(rounding) else {
        return Err(format!("--rounding {rounding:?} is not a rounding mode"));
    };
    let places = args.places.unwrap_or(2);
    if places > 10 {
        return Err("--places is at most 10".to_string());
    }
    Ok(Free::Lookup {
        family: family.to_string(),
        step: step.to_string(),
        round: sendband::format::RoundSpec { mode, places },
    })
}

/// The cost target the arguments give, or why they give none.
fn target(args: &CalibrateArgs) -> Result<Target, String> {
    match (args.cost_neutral, args.total, args.change) {
        (true, None, None) => Ok(Target::Neutral),
        (false, Some(t), None) => Ok(Target::Total(t)),
        (false, None, Some(p)) => Ok(Target::Percent(p)),
        _ => Err("give one target: --cost-neutral, --total or --change".to_string()),
    }
}

/// A sum of money as people write it: `£1,234.50`, `-£432.65`.
fn pounds(a: Decimal) -> String {
    let sign = if a.is_sign_negative() && !a.is_zero() {
        "-"
    } else {
        ""
    };
    format!("{sign}£{}", for_people(a.abs()))
}

fn signed(a: Decimal) -> String {
    let sign = if a.is_sign_negative() && !a.is_zero() {
        "-"
    } else {
        "+"
    };
    format!("{sign}£{}", for_people(a.abs()))
}

/// The free values and the number chosen, in words.
struct Said {
    /// What is free.
    free: String,
    /// The number chosen, as a line (`Factor: 0.998794`).
    chosen: String,
    /// The number's name (`factor`, `sum added`).
    noun: &'static str,
    /// For the calibrated version's title.
    short: String,
    /// Whether the number is a sum of money.
    money: bool,
}

impl Said {
    fn of(free: &Free, proposed: &RuleSet, c: &Calibrated) -> Said {
        match free {
            Free::Lookup {
                family,
                step,
                round,
            } => {
                let family_title = proposed
                    .bundle()
                    .families
                    .iter()
                    .find(|f| &f.name == family)
                    .map_or(family.as_str(), |f| f.title.as_str());
                Said {
                    free: format!(
                        "{family_title}: the values of {step}, the base's times one factor (to {} \
                         places), rounded {} to {} places",
                        impact::FACTOR_PLACES,
                        round.mode.name().replace('_', " "),
                        round.places
                    ),
                    chosen: format!("Factor: {}", c.value),
                    noun: "factor",
                    short: format!("{family}/{step} values x {}", c.value),
                    money: false,
                }
            }
            Free::Uplift { change } => {
                let declared = proposed.built_on().and_then(|b| b.changes.get(*change));
                let title = declared
                    .and_then(|d| d.title.clone())
                    .map(|t| format!(" ({t})"))
                    .unwrap_or_default();
                let plus = declared
                    .and_then(|d| d.uplift.as_ref())
                    .is_some_and(|u| u.plus.is_some());
                let n = change + 1;
                let (what, chosen, short) = if plus {
                    (
                        "the sum it adds (to the penny)",
                        format!("Uplift: plus {}", pounds(c.value)),
                        format!("change {n} plus {}", pounds(c.value)),
                    )
                } else {
                    (
                        "its factor (to 6 places)",
                        format!("Uplift: times {}", c.value),
                        format!("change {n} times {}", c.value),
                    )
                };
                Said {
                    free: format!(
                        "the uplift of change {n}{title}: {what}; its other changes kept, values \
                         rounded as it declares"
                    ),
                    chosen,
                    noun: if plus { "sum added" } else { "uplift factor" },
                    short,
                    money: plus,
                }
            }
        }
    }

    /// A number of the kind chosen, as written.
    fn number(&self, value: Decimal) -> String {
        if self.money {
            pounds(value)
        } else {
            value.to_string()
        }
    }
}
