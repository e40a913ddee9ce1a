//! Monotonicity: raising one need level, all else equal, must never give a lower band or a
//! lower amount. Every point of the level grid when it is small enough, else a seeded search.

use super::space::{json, Axis, Space};
use super::{Finding, Severity};
use crate::decision::{output_text, Status};
use crate::expr::Value;
use crate::family::Family;
use crate::fast::LeanBuf;
use crate::format::OutputFormat;
use crate::steps::Kind;
use crate::synth::SplitMix64;
use crate::{Date, RuleSet};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A level grid this size or smaller is walked whole, in every context explored.
const WHOLE_GRID: u64 = 50_000;
/// Points of a larger grid drawn at random, each compared with its raises.
const SEARCH_POINTS: u64 = 2_000;
/// Combinations of the other inputs ("all else") each grid is walked in, at most.
const CONTEXTS: u64 = 64;

/// An output that has an order: a money amount, or labels in the order of a ranges step.
struct Ordered {
    output: usize,
    labels: Option<Vec<Value>>,
}

impl Ordered {
    /// The place of a value in the order; `None` when it has none (null, or not a label).
    fn rank(&self, v: &Value) -> Option<Decimal> {
        match &self.labels {
            None => v.as_number(),
            Some(labels) => labels.iter().position(|l| l == v).map(Decimal::from),
        }
    }
}

/// One way raising a level lowered an output: how often, and the first pair found.
#[derive(Default)]
struct Drop {
    count: u64,
    example: Option<(Vec<Value>, Value, Value, Value, Value)>,
}

/// What running one profile gives: each ordered output's value, when the family applied.
type Seen = Option<Vec<Value>>;

/// Runs one family for profiles of its space.
pub(super) struct Monotone<'a> {
    rules: &'a RuleSet,
    /// The family's place in the rule set.
    k: usize,
    family: &'a Family,
    space: &'a Space<'a>,
    buf: LeanBuf,
    on: Date,
    ordered: Vec<Ordered>,
    budget: u64,
    drops: BTreeMap<(usize, usize), Drop>,
    pub evaluated: u64,
}

impl<'a> Monotone<'a> {
    pub fn new(
        rules: &'a RuleSet,
        k: usize,
        space: &'a Space<'a>,
        on: Date,
        budget: u64,
    ) -> Option<Monotone<'a>> {
        let family = rules.families().get(k)?;
        // Bands come in the order of the family's first ranges step, lowest first.
        let labels = family.steps.iter().find_map(|s| match &s.kind {
            Kind::Ranges(r) => {
                let mut rs: Vec<_> = r.ranges.iter().collect();
                rs.sort_by_key(|x| x.min);
                Some(rs.into_iter().map(|x| x.label.clone()).collect::<Vec<_>>())
            }
            _ => None,
        });
        let ordered = family
            .outputs
            .iter()
            .enumerate()
            .filter_map(|(output, o)| match o.format {
                OutputFormat::Money => Some(Ordered {
                    output,
                    labels: None,
                }),
                OutputFormat::Text => labels.clone().map(|l| Ordered {
                    output,
                    labels: Some(l),
                }),
                _ => None,
            })
            .collect();
        Some(Monotone {
            rules,
            k,
            family,
            space,
            buf: LeanBuf::default(),
            on,
            ordered,
            budget,
            drops: BTreeMap::new(),
            evaluated: 0,
        })
    }

    fn run(&mut self, profile: &[Value]) -> Seen {
        self.evaluated += 1;
        let r = self
            .rules
            .program()
            .explore(self.k, profile, self.on, &mut self.buf, &mut ())?;
        (r.status == Status::Applied).then(|| {
            self.ordered
                .iter()
                .map(|o| {
                    r.outputs
                        .get(o.output)
                        .map_or(Value::Null, |x| x.value.clone())
                })
                .collect()
        })
    }

    /// Compare a profile with the same profile with level axis `k` raised one value.
    fn compare(&mut self, k: usize, low: &[Value], a: &Seen, b: &Seen) {
        let (Some(a), Some(b)) = (a, b) else { return };
        for (i, o) in self.ordered.iter().enumerate() {
            let (Some(x), Some(y)) = (o.rank(&a[i]), o.rank(&b[i])) else {
                continue;
            };
            if y < x {
                let axis = &self.space.axes[k];
                let d = self.drops.entry((i, k)).or_default();
                d.count += 1;
                if d.example.is_none() {
                    let from = low.get(axis.input).cloned().unwrap_or(Value::Null);
                    let to = raised(axis, &from).unwrap_or(Value::Null);
                    d.example = Some((low.to_vec(), from, to, a[i].clone(), b[i].clone()));
                }
            }
        }
    }

    /// Explore; returns how the profiles were chosen, in words.
    pub fn explore(&mut self) -> String {
        let space = self.space;
        let (levels, others) = space.axes.split_at(space.levels);
        if levels.is_empty() || self.ordered.is_empty() {
            return String::new();
        }
        let grid = space.size(levels);
        let all_contexts = space.size(others);
        let mut rng = SplitMix64(0x5EED);
        let mut profile = space.base.clone();
        let walk = if grid <= WHOLE_GRID {
            grid
        } else {
            SEARCH_POINTS * (1 + levels.len() as u64)
        };
        let most = (self.budget / walk.max(1)).clamp(1, CONTEXTS);
        let contexts = all_contexts.min(most);
        for c in 0..contexts {
            profile.clone_from(&space.base);
            if all_contexts <= most {
                space.combination(others, c, &mut profile);
            } else if c > 0 {
                // The first context is the defaults; the rest are drawn.
                space.random(others, &mut rng, &mut profile);
            }
            if grid <= WHOLE_GRID {
                self.whole_grid(levels, grid, &mut profile);
            } else {
                self.search(levels, &mut rng, &mut profile);
            }
        }
        let grid_words = if grid <= WHOLE_GRID {
            format!("every one of the {grid} combinations of need levels")
        } else {
            format!("{SEARCH_POINTS} seeded combinations of need levels and their raises")
        };
        format!("{grid_words}, in {contexts} of {all_contexts} combinations of the other inputs")
    }

    fn whole_grid(&mut self, levels: &[Axis], grid: u64, profile: &mut [Value]) {
        let mut seen = Vec::with_capacity(grid as usize);
        for i in 0..grid {
            self.space.combination(levels, i, profile);
            seen.push(self.run(profile));
        }
        // Strides of the mixed radix: the first axis varies slowest.
        let mut stride = vec![1u64; levels.len()];
        for k in (0..levels.len().saturating_sub(1)).rev() {
            stride[k] = stride[k + 1] * levels[k + 1].values.len() as u64;
        }
        for i in 0..grid {
            for (k, axis) in levels.iter().enumerate() {
                let digit = (i / stride[k]) % axis.values.len() as u64;
                if digit + 1 >= axis.values.len() as u64 {
                    continue;
                }
                let j = i + stride[k];
                let (a, b) = (&seen[i as usize], &seen[j as usize]);
                // Only a pair where both applied can drop; the profile is rebuilt for those.
                if a.is_some() && b.is_some() {
                    self.space.combination(levels, i, profile);
                    self.compare(k, profile, a, b);
                }
            }
        }
    }

    fn search(&mut self, levels: &[Axis], rng: &mut SplitMix64, profile: &mut [Value]) {
        for _ in 0..SEARCH_POINTS {
            self.space.random(levels, rng, profile);
            let a = self.run(profile);
            for (k, axis) in levels.iter().enumerate() {
                let Some(from) = profile.get(axis.input).cloned() else {
                    continue;
                };
                let Some(to) = raised(axis, &from) else {
                    continue;
                };
                // Raise this level in place, run, and put it back.
                profile[axis.input] = to;
                let b = self.run(profile);
                profile[axis.input] = from;
                self.compare(k, profile, &a, &b);
            }
        }
    }

    pub fn findings(&self, explored: &str, out: &mut Vec<Finding>) {
        for (&(i, k), d) in &self.drops {
            let Some((low, from, to, before, after)) = &d.example else {
                continue;
            };
            let (Some(o), Some(axis)) = (self.ordered.get(i), self.space.axes.get(k)) else {
                continue;
            };
            let def = &self.family.outputs[o.output];
            let name = &def.name;
            let shown = |v: &Value| match o.labels {
                None => output_text(v, def.format),
                Some(_) => json(v),
            };
            let input = &self.space.inputs[axis.input].name;
            out.push(Finding {
                severity: Severity::Error,
                check: "monotonicity",
                place: format!("families/{}.json: output {name:?}", self.family.name),
                message: format!(
                    "raising {input} from {} to {} lowers {name} from {} to {}, all else equal: \
                     the case {} gives {}, and the same case with {input} {} gives {} \
                     ({} such pairs in {explored})",
                    json(from),
                    json(to),
                    shown(before),
                    shown(after),
                    self.space.show(low),
                    shown(before),
                    json(to),
                    shown(after),
                    d.count
                ),
            });
        }
    }
}

/// The next value of an axis after `v`, if there is one.
fn raised(axis: &Axis, v: &Value) -> Option<Value> {
    let at = axis.values.iter().position(|x| x == v)?;
    axis.values.get(at + 1).cloned()
}
