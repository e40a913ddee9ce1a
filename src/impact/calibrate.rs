//! Fitting a proposal to a budget: the values of one lookup, as the base's times one factor and
//! rounded as declared, searched for the factor whose cohort cost comes closest to a target.

use super::{compare, Cohort, Impact, ImpactError};
use crate::format::{Bundle, RoundSpec};
use crate::{Date, RuleSet};
use rust_decimal::Decimal;
use std::io::BufRead;

/// Factors are searched to this many decimal places.
pub const FACTOR_PLACES: u32 = 6;
/// The largest factor tried: twenty times the base's values.
const MOST: i64 = 20_000_000;

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

/// The free values: lookup step `step` of family `family`, each cell the base's value (or the
/// proposal's, where the base has no such step) times one factor, rounded by `round`.
#[derive(Debug, Clone)]
pub struct Free {
    pub family: String,
    pub step: String,
    pub round: RoundSpec,
}

/// A calibrated proposal and how close it came.
#[derive(Debug)]
pub struct Calibrated {
    /// The cost to meet, and the base's.
    pub target: Decimal,
    pub base_cost: Decimal,
    /// The factor chosen, and the proposal with the free values it gives.
    pub factor: Decimal,
    pub bundle: Bundle,
    pub rules: RuleSet,
    /// The cohort under the base and the calibrated proposal.
    pub impact: Impact,
    /// The cost with the factor one step (10^-6) to the other side of the target, and that
    /// factor: no factor gives a cost between the two.
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

/// Find the factor for `free` in `proposed` whose cost on the cohort (which `open` gives,
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
    let cells = free_cells(base, proposed, free)?;
    let mut try_factor = |k: i64| -> Result<(Decimal, Bundle, RuleSet, Impact), ImpactError> {
        let factor = Decimal::new(k, FACTOR_PLACES);
        let bundle = with_factor(proposed.bundle(), free, &cells, factor)?;
        let rules = super::compiled(&bundle, "the calibrated proposal")?;
        let impact = compare(base, &rules, on, open()?, file, &mut |_| Ok(()))?;
        Ok((factor, bundle, rules, impact))
    };
    let cost = Impact::cost_proposed;
    let mut lo = try_factor(0)?;
    let base_cost = lo.3.cost_base();
    let goal = match target {
        Target::Neutral => base_cost,
        Target::Total(t) => t,
        Target::Percent(p) => base_cost + base_cost * p / Decimal::ONE_HUNDRED,
    };
    // The cost rises with the factor (values are amounts, and amounts rise with them), so
    // the factor is found by halving: lo's cost is at most the goal, hi's at least.
    let mut binding = Vec::new();
    if cost(&lo.3) > goal {
        binding.push(format!(
            "even with every free value at zero the cost is £{}, above the target",
            crate::money::for_people(cost(&lo.3))
        ));
        return finish(lo, None, goal, base_cost, binding);
    }
    let (mut lo_k, mut hi_k) = (0i64, 10i64.pow(FACTOR_PLACES));
    let mut hi = try_factor(hi_k)?;
    while cost(&hi.3) < goal {
        if hi_k >= MOST {
            binding.push(format!(
                "even at {} times the base's values the cost is £{}, below the target",
                Decimal::new(MOST, FACTOR_PLACES).normalize(),
                crate::money::for_people(cost(&hi.3))
            ));
            return finish(hi, None, goal, base_cost, binding);
        }
        lo_k = hi_k;
        lo = hi;
        hi_k = (hi_k * 2).min(MOST);
        hi = try_factor(hi_k)?;
    }
    while hi_k - lo_k > 1 {
        let mid_k = lo_k + (hi_k - lo_k) / 2;
        let mid = try_factor(mid_k)?;
        if cost(&mid.3) < goal {
            lo_k = mid_k;
            lo = mid;
        } else {
            hi_k = mid_k;
            hi = mid;
        }
    }
    binding.push(format!(
        "the rounding of the free values to {} places: no factor to {FACTOR_PLACES} places gives \
         a cost between £{} and £{}",
        free.round.places,
        crate::money::for_people(cost(&lo.3)),
        crate::money::for_people(cost(&hi.3))
    ));
    // The closer of the two sides; on a tie, the one within budget.
    let (below, above) = (goal - cost(&lo.3), cost(&hi.3) - goal);
    if above < below {
        let other = (lo.0, cost(&lo.3));
        finish(hi, Some(other), goal, base_cost, binding)
    } else {
        let other = (hi.0, cost(&hi.3));
        finish(lo, Some(other), goal, base_cost, binding)
    }
}

fn finish(
    chosen: (Decimal, Bundle, RuleSet, Impact),
    other_side: Option<(Decimal, Decimal)>,
    target: Decimal,
    base_cost: Decimal,
    binding: Vec<String>,
) -> Result<Calibrated, ImpactError> {
    let (factor, bundle, rules, impact) = chosen;
    Ok(Calibrated {
        target,
        base_cost,
        factor: factor.normalize(),
        bundle,
        rules,
        impact,
        other_side,
        binding,
    })
}

/// Each free cell's path of labels and the value it scales (nulls are left as they are).
type Cells = Vec<(Vec<String>, Decimal)>;

fn free_cells(base: &RuleSet, proposed: &RuleSet, free: &Free) -> Result<Cells, ImpactError> {
    let lookup_of = |b: &Bundle| {
        b.families
            .iter()
            .find(|f| f.name == free.family)?
            .steps
            .iter()
            .find(|s| s.name == free.step)?
            .lookup
            .clone()
    };
    let Some(mine) = lookup_of(proposed.bundle()) else {
        return Err(ImpactError::Write(format!(
            "the proposal has no lookup step {}/{} to calibrate",
            free.family, free.step
        )));
    };
    // The base's values where it has the same lookup, so the factor is an uplift on them.
    let from = lookup_of(base.bundle())
        .filter(|l| l.keys == mine.keys)
        .unwrap_or(mine);
    let mut cells = Vec::new();
    walk(&from.values, &mut Vec::new(), &mut cells)?;
    if cells.is_empty() {
        return Err(ImpactError::Write(format!(
            "the lookup {}/{} has no value to calibrate",
            free.family, free.step
        )));
    }
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
    free: &Free,
    cells: &Cells,
    factor: Decimal,
) -> Result<Bundle, ImpactError> {
    let mut b = proposed.clone();
    let lookup = b
        .families
        .iter_mut()
        .find(|f| f.name == free.family)
        .and_then(|f| f.steps.iter_mut().find(|s| s.name == free.step))
        .and_then(|s| s.lookup.as_mut())
        .ok_or_else(|| ImpactError::Write("the free lookup is gone".to_string()))?;
    for (path, value) in cells {
        let mut new = free.round.mode.round(
            value
                .checked_mul(factor)
                .ok_or_else(|| ImpactError::Write("a free value grew too large".to_string()))?,
            free.round.places,
        );
        new.rescale(free.round.places);
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
