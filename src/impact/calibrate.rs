//! Fitting a proposal to a budget: one number sets the free values (a factor on one lookup's
//! values, or one uplift's `times` or `plus`), searched for the cohort cost closest to a target.

use super::{compare, Cohort, Impact, ImpactError};
use crate::format::{BuiltOn, Bundle, Change, Dec, LookupSpec, RoundSpec};
use crate::money::for_people;
use crate::ruleset::changes;
use crate::{Date, RuleSet};
use rust_decimal::Decimal;
use std::io::BufRead;

/// Factors are searched to this many decimal places.
pub const FACTOR_PLACES: u32 = 6;
/// The largest factor tried: twenty times the base's values.
const MOST: i64 = 20_000_000;
/// Sums added are searched to the penny.
const PLUS_PLACES: u32 = 2;

/// What the cohort's cost must come to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// The base's cost: a cost-neutral proposal.
    Neutral,
    /// This total cost of amounts paid.
    Total(Decimal),
    /// The base's cost changed by this percentage (`-5` is 5% less).
    Percent(Decimal),
}

/// The free values, and the one number that sets them.
#[derive(Debug, Clone)]
pub enum Free {
    /// Lookup step `step` of family `family`: each cell the base's value (or the proposal's,
    /// where the base has no such step) times one factor, rounded by `round`.
    Lookup {
        family: String,
        step: String,
        round: RoundSpec,
    },
    /// The `times` (to [`FACTOR_PLACES`]) or `plus` (to the penny) of the uplift that is
    /// change `change` (counting from 0) of a proposal written as changes to the base; its
    /// other changes stay, and the values are rounded as the uplift declares.
    Uplift { change: usize },
}

/// A calibrated proposal and how close it came.
#[derive(Debug)]
pub struct Calibrated {
    /// The cost to meet, and the base's.
    pub target: Decimal,
    pub base_cost: Decimal,
    /// The number chosen: the factor on the lookup's values, or the uplift's `times` or `plus`.
    pub value: Decimal,
    /// The proposal with the free values it gives. With an uplift free, it is built on the
    /// base by the proposal's changes, that uplift calibrated, so a report lists them by title.
    pub bundle: Bundle,
    pub rules: RuleSet,
    /// The cohort under the base and the calibrated proposal.
    pub impact: Impact,
    /// The number one step to the other side of the target, and the cost it gives: no number
    /// between the two gives a cost between theirs.
    pub other_side: Option<(Decimal, Decimal)>,
    /// What stops it coming closer, in words.
    pub binding: Vec<String>,
}

impl Calibrated {
    /// The calibrated cost less the target.
    pub fn gap(&self) -> Decimal {
        self.cost() - self.target
    }

    /// The cohort's cost under the calibrated proposal.
    pub fn cost(&self) -> Decimal {
        self.impact.cost_proposed()
    }
}

/// One try: the number, the proposal it gives, and that proposal's impact.
type Try = (Decimal, Bundle, RuleSet, Impact);

/// Find the number for `free` in `proposed` whose cost on the cohort (which `open` gives,
/// opened once a try) comes closest to `target`, every case evaluated on `on`.
pub fn calibrate<R: BufRead>(
    base: &RuleSet,
    proposed: &RuleSet,
    free: &Free,
    target: Target,
    on: Date,
    open: &mut dyn FnMut() -> Result<Cohort<R>, ImpactError>,
    file: &str,
) -> Result<Calibrated, ImpactError> {
    let knob = Knob::new(base, proposed, free)?;
    let mut try_at = |k: i64| -> Result<Try, ImpactError> {
        let bundle = knob.bundle_at(k)?;
        let rules = super::compiled(&bundle, "the calibrated proposal")?;
        let impact = compare(base, &rules, on, open()?, file, &mut |_| Ok(()))?;
        Ok((knob.number(k), bundle, rules, impact))
    };
    let cost = Impact::cost_proposed;
    let (mut lo_k, first_hi, most) = knob.bounds()?;
    let mut lo = try_at(lo_k)?;
    let base_cost = lo.3.cost_base();
    let goal = match target {
        Target::Neutral => base_cost,
        Target::Total(t) => t,
        Target::Percent(p) => base_cost + base_cost * p / Decimal::ONE_HUNDRED,
    };
    // The cost rises with the number (values are amounts, and amounts rise with them), so
    // it is found by halving: lo's cost is at most the goal, hi's at least.
    if cost(&lo.3) > goal {
        let why = format!(
            "{} the cost is £{}, above the target",
            knob.at_least(lo_k),
            for_people(cost(&lo.3))
        );
        return knob.finish(lo, None, goal, base_cost, why);
    }
    let mut hi_k = first_hi.max(lo_k + 1).min(most);
    let mut hi = try_at(hi_k)?;
    while cost(&hi.3) < goal {
        if hi_k >= most {
            let why = format!(
                "{} the cost is £{}, below the target",
                knob.at_most(most),
                for_people(cost(&hi.3))
            );
            return knob.finish(hi, None, goal, base_cost, why);
        }
        let span = hi_k - lo_k;
        lo_k = hi_k;
        lo = hi;
        hi_k = lo_k.saturating_add(span.saturating_mul(2)).min(most);
        hi = try_at(hi_k)?;
    }
    while hi_k - lo_k > 1 {
        let mid_k = lo_k + (hi_k - lo_k) / 2;
        let mid = try_at(mid_k)?;
        if cost(&mid.3) < goal {
            lo_k = mid_k;
            lo = mid;
        } else {
            hi_k = mid_k;
            hi = mid;
        }
    }
    let why = format!(
        "{}: no {} to {} places gives a cost between £{} and £{}",
        knob.rounding(),
        knob.noun(),
        knob.places(),
        for_people(cost(&lo.3)),
        for_people(cost(&hi.3))
    );
    // The closer of the two sides; on a tie, the one within budget.
    let (below, above) = (goal - cost(&lo.3), cost(&hi.3) - goal);
    if above < below {
        let other = (lo.0, cost(&lo.3));
        knob.finish(hi, Some(other), goal, base_cost, why)
    } else {
        let other = (hi.0, cost(&hi.3));
        knob.finish(lo, Some(other), goal, base_cost, why)
    }
}

/// How the search's whole number `k` sets the free values.
enum Knob<'a> {
    /// A factor of `k` millionths on the lookup's `cells`.
    Lookup {
        family: &'a str,
        step: &'a str,
        round: RoundSpec,
        cells: Cells,
        proposed: &'a Bundle,
    },
    /// Change `index` of the proposal's changes, an uplift: `k` millionths times, or `k`
    /// pence plus.
    Uplift {
        built_on: BuiltOn,
        index: usize,
        plus: bool,
        /// Its number as the proposal gives it, in steps.
        now: i64,
        base: &'a Bundle,
        proposed: &'a Bundle,
    },
}

impl<'a> Knob<'a> {
    fn new(base: &'a RuleSet, proposed: &'a RuleSet, free: &'a Free) -> Result<Self, ImpactError> {
        match free {
            Free::Lookup {
                family,
                step,
                round,
            } => Ok(Knob::Lookup {
                family,
                step,
                round: *round,
                cells: free_cells(base, proposed, family, step)?,
                proposed: proposed.bundle(),
            }),
            Free::Uplift { change } => uplift_knob(base, proposed, *change),
        }
    }

    /// Decimal places of the number searched: a factor's, or a sum of money's.
    fn places(&self) -> u32 {
        match self {
            Knob::Uplift { plus: true, .. } => PLUS_PLACES,
            _ => FACTOR_PLACES,
        }
    }

    /// The number step `k` stands for.
    fn number(&self, k: i64) -> Decimal {
        Decimal::new(k, self.places())
    }

    /// The lowest step, the first upper step tried, and the highest.
    fn bounds(&self) -> Result<(i64, i64, i64), ImpactError> {
        let one = 10i64.pow(FACTOR_PLACES);
        match self {
            Knob::Uplift {
                plus: true, now, ..
            } => {
                let (lowest, highest) = self.plus_range()?;
                Ok((lowest, (*now).max(lowest + 100), highest))
            }
            _ => Ok((0, one, MOST)),
        }
    }

    /// An added sum's range, in pence: from the least that leaves no value it changes below
    /// zero, to twenty times the largest value it changes.
    fn plus_range(&self) -> Result<(i64, i64), ImpactError> {
        let (before, one) = self.uplift_alone()?;
        let mut largest = Decimal::ZERO;
        for (_, v) in cells_of(changed_lookup(&before, &one))? {
            largest = largest.max(v.abs());
        }
        let pence =
            |d: Decimal| i64::try_from((d * Decimal::ONE_HUNDRED).ceil()).unwrap_or(i64::MAX / 64);
        let highest = pence(largest).saturating_mul(20).max(100);
        if self.below_zero(0)? {
            return Ok((0, highest));
        }
        // Adding nothing leaves every value where it is; taking more than the largest away
        // takes some value below zero. Halve between the two.
        let (mut bad, mut good) = (-pence(largest) - 1, 0i64);
        while good - bad > 1 {
            let mid = bad + (good - bad) / 2;
            if self.below_zero(mid)? {
                bad = mid;
            } else {
                good = mid;
            }
        }
        Ok((good, highest))
    }

    /// The rules before the free uplift, and the uplift.
    fn uplift_alone(&self) -> Result<(Bundle, Change), ImpactError> {
        match self {
            Knob::Uplift {
                built_on,
                index,
                base,
                ..
            } => {
                let changes = &built_on.changes;
                Ok((apply(base, &changes[..*index])?, changes[*index].clone()))
            }
            Knob::Lookup { .. } => Err(ImpactError::Write("no uplift is free".to_string())),
        }
    }

    /// Whether adding `k` pence takes a value the uplift changes from zero or more to below.
    fn below_zero(&self, k: i64) -> Result<bool, ImpactError> {
        let (before, mut one) = self.uplift_alone()?;
        set_number(&mut one, true, k);
        let after = apply(&before, std::slice::from_ref(&one))?;
        let was = cells_of(changed_lookup(&before, &one))?;
        let now = cells_of(changed_lookup(&after, &one))?;
        Ok(was
            .iter()
            .zip(&now)
            .any(|((_, w), (_, n))| !w.is_sign_negative() && n.is_sign_negative() && !n.is_zero()))
    }

    /// The proposal with the free values step `k` gives.
    fn bundle_at(&self, k: i64) -> Result<Bundle, ImpactError> {
        match self {
            Knob::Lookup {
                family,
                step,
                round,
                cells,
                proposed,
            } => with_factor(proposed, family, step, *round, cells, self.number(k)),
            Knob::Uplift {
                built_on,
                base,
                proposed,
                ..
            } => {
                let changes = self.changes_at(k);
                let mut b = with_rules_of(proposed, apply(base, &changes)?);
                let built_on = BuiltOn {
                    changes,
                    ..built_on.clone()
                };
                b.built_on = Some(
                    built_on
                        .raw()
                        .map_err(|e| ImpactError::Write(e.to_string()))?,
                );
                Ok(b)
            }
        }
    }

    /// The proposal's changes with the free uplift at step `k` (none for a lookup).
    fn changes_at(&self, k: i64) -> Vec<Change> {
        match self {
            Knob::Uplift {
                built_on,
                index,
                plus,
                ..
            } => {
                let mut changes = built_on.changes.clone();
                set_number(&mut changes[*index], *plus, k);
                changes
            }
            Knob::Lookup { .. } => Vec::new(),
        }
    }

    /// The number searched, in words.
    fn noun(&self) -> &'static str {
        match self {
            Knob::Lookup { .. } => "factor",
            Knob::Uplift { plus: false, .. } => "uplift factor",
            Knob::Uplift { plus: true, .. } => "sum added",
        }
    }

    /// What rounds the free values, in words.
    fn rounding(&self) -> String {
        match self {
            Knob::Lookup { round, .. } => {
                format!("the rounding of the free values to {} places", round.places)
            }
            Knob::Uplift {
                built_on,
                index,
                plus,
                ..
            } => match built_on.changes[*index]
                .uplift
                .as_ref()
                .and_then(|u| u.round)
            {
                Some(r) => format!("the uplift's rounding of values to {} places", r.places),
                // Values are kept exact, so only the number's own step is left.
                None if *plus => "the sum added, a penny at a time".to_string(),
                None => "the uplift factor, a millionth at a time".to_string(),
            },
        }
    }

    /// The lowest number `lowest`, in words, before "the cost is".
    fn at_least(&self, lowest: i64) -> String {
        match self {
            Knob::Lookup { .. } => "even with every free value at zero".to_string(),
            Knob::Uplift { plus: false, .. } => {
                "even with the uplift at times 0 (every value it changes at zero)".to_string()
            }
            Knob::Uplift { .. } => format!(
                "even taking £{} from each value it changes (any more takes one below zero)",
                for_people(-self.number(lowest))
            ),
        }
    }

    /// The highest number `most`, in words, before "the cost is".
    fn at_most(&self, most: i64) -> String {
        match self {
            Knob::Uplift { plus: true, .. } => format!(
                "even adding £{} (twenty times the largest value it changes)",
                for_people(self.number(most))
            ),
            _ => format!(
                "even at {} times the base's values",
                self.number(most).normalize()
            ),
        }
    }

    fn finish(
        &self,
        chosen: Try,
        other_side: Option<(Decimal, Decimal)>,
        target: Decimal,
        base_cost: Decimal,
        binding: String,
    ) -> Result<Calibrated, ImpactError> {
        let (value, bundle, rules, impact) = chosen;
        Ok(Calibrated {
            target,
            base_cost,
            value: value.normalize(),
            bundle,
            rules,
            impact,
            other_side: other_side.map(|(v, c)| (v.normalize(), c)),
            binding: vec![binding],
        })
    }
}

/// The knob for change `index` of `proposed`, an uplift, with `proposed` written as changes to
/// `base`; refused, saying why, otherwise.
fn uplift_knob<'a>(
    base: &'a RuleSet,
    proposed: &'a RuleSet,
    index: usize,
) -> Result<Knob<'a>, ImpactError> {
    let refuse = |m: String| Err(ImpactError::Write(m));
    let Some(built_on) = proposed.built_on() else {
        return refuse(format!(
            "{} is not written as changes to another version, so it has no uplift to calibrate",
            proposed.manifest().version
        ));
    };
    if built_on.digest != base.digest() {
        // Labels may match where the rules differ (a copy edited), so the digests say which.
        let short = |d: &str| format!("{}…", d.get(..15).unwrap_or(d));
        return refuse(format!(
            "{} is written as changes to {} ({}): calibrating its uplift needs that version as \
             the base, not {} ({})",
            proposed.manifest().version,
            built_on.version,
            short(&built_on.digest),
            base.manifest().version,
            short(base.digest())
        ));
    }
    let Some(change) = built_on.changes.get(index) else {
        return refuse(format!(
            "{} lists {} changes, so it has no change {}",
            proposed.manifest().version,
            built_on.changes.len(),
            index + 1
        ));
    };
    let title = change
        .title
        .as_ref()
        .map(|t| format!(" ({t:?})"))
        .unwrap_or_default();
    let Some(u) = &change.uplift else {
        return refuse(format!("change {}{title} is not an uplift", index + 1));
    };
    let plus = u.plus.is_some();
    let number = u.plus.or(u.times).map_or(Decimal::ZERO, |d| d.0);
    let places = if plus { PLUS_PLACES } else { FACTOR_PLACES };
    let now = i64::try_from((number * Decimal::from(10i64.pow(places))).round()).unwrap_or(0);
    Ok(Knob::Uplift {
        built_on: built_on.clone(),
        index,
        plus,
        now,
        base: base.bundle(),
        proposed: proposed.bundle(),
    })
}

/// An uplift's number set to step `k`: pence added, or a factor in millionths.
fn set_number(c: &mut Change, plus: bool, k: i64) {
    if let Some(u) = c.uplift.as_mut() {
        if plus {
            u.plus = Some(Dec(Decimal::new(k, PLUS_PLACES)));
        } else {
            u.times = Some(Dec(Decimal::new(k, FACTOR_PLACES).normalize()));
        }
    }
}

/// `base` with `list` applied, by the loader's one implementation of changes.
fn apply(base: &Bundle, list: &[Change]) -> Result<Bundle, ImpactError> {
    changes::apply_all(base, list)
        .map(|(after, _)| after)
        .map_err(|e| ImpactError::Write(format!("the proposal's changes do not apply: {e}")))
}

/// The proposal's own manifest, inputs and tests with the families and constants of `rules`
/// (what it is built on is the caller's to say).
fn with_rules_of(proposed: &Bundle, rules: Bundle) -> Bundle {
    let mut b = proposed.clone();
    b.families = rules.families;
    b.manifest.constants = rules.manifest.constants;
    b
}

/// The values of the lookup a change names, in `b` (none: JSON null).
fn changed_lookup<'b>(b: &'b Bundle, c: &Change) -> &'b serde_json::Value {
    const NONE: &serde_json::Value = &serde_json::Value::Null;
    let lookup: Option<&LookupSpec> = b
        .families
        .iter()
        .find(|f| Some(&f.name) == c.family.as_ref())
        .and_then(|f| f.steps.iter().find(|s| Some(&s.name) == c.step.as_ref()))
        .and_then(|s| s.lookup.as_ref());
    lookup.map_or(NONE, |l| &l.values)
}

/// Each free cell's path of labels and the value it scales (nulls are left as they are).
type Cells = Vec<(Vec<String>, Decimal)>;

fn free_cells(
    base: &RuleSet,
    proposed: &RuleSet,
    family: &str,
    step: &str,
) -> Result<Cells, ImpactError> {
    let lookup_of = |b: &Bundle| {
        b.families
            .iter()
            .find(|f| f.name == family)?
            .steps
            .iter()
            .find(|s| s.name == step)?
            .lookup
            .clone()
    };
    let Some(mine) = lookup_of(proposed.bundle()) else {
        return Err(ImpactError::Write(format!(
            "the proposal has no lookup step {family}/{step} to calibrate"
        )));
    };
    // The base's values where it has the same lookup, so the factor is an uplift on them.
    let from = lookup_of(base.bundle())
        .filter(|l| l.keys == mine.keys)
        .unwrap_or(mine);
    let cells = cells_of(&from.values)?;
    if cells.is_empty() {
        return Err(ImpactError::Write(format!(
            "the lookup {family}/{step} has no value to calibrate"
        )));
    }
    Ok(cells)
}

/// Every cell of a lookup's values with a value, in order.
fn cells_of(values: &serde_json::Value) -> Result<Cells, ImpactError> {
    let mut cells = Vec::new();
    walk(values, &mut Vec::new(), &mut cells)?;
    Ok(cells)
}

fn walk(v: &serde_json::Value, path: &mut Vec<String>, out: &mut Cells) -> Result<(), ImpactError> {
    if let Some(map) = v.as_object() {
        for (k, inner) in map {
            path.push(k.clone());
            walk(inner, path, out)?;
            path.pop();
        }
        return Ok(());
    }
    // Read as the lookup reads its cells.
    let at = crate::error::At::new("(the free values)", "$");
    if let Some(d) =
        crate::steps::lookup::leaf(v, &at).map_err(|e| ImpactError::Write(e.to_string()))?
    {
        out.push((path.clone(), d));
    }
    Ok(())
}

/// `proposed` with each free cell its value times `factor`, rounded as declared.
fn with_factor(
    proposed: &Bundle,
    family: &str,
    step: &str,
    round: RoundSpec,
    cells: &Cells,
    factor: Decimal,
) -> Result<Bundle, ImpactError> {
    let mut b = proposed.clone();
    // Changes the proposal declares no longer give these values: they are found by name.
    b.built_on = None;
    let lookup = b
        .families
        .iter_mut()
        .find(|f| f.name == family)
        .and_then(|f| f.steps.iter_mut().find(|s| s.name == step))
        .and_then(|s| s.lookup.as_mut())
        .ok_or_else(|| ImpactError::Write("the free lookup is gone".to_string()))?;
    for (path, value) in cells {
        let mut new = round.mode.round(
            value
                .checked_mul(factor)
                .ok_or_else(|| ImpactError::Write("a free value grew too large".to_string()))?,
            round.places,
        );
        new.rescale(round.places);
        let place = path
            .iter()
            .try_fold(&mut lookup.values, |v, k| v.get_mut(k.as_str()));
        // A cell the proposal leaves without a value stays so.
        if let Some(place) = place.filter(|p| !p.is_null()) {
            *place = serde_json::Value::String(new.to_string());
        }
    }
    Ok(b)
}
