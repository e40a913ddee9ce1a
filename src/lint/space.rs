//! The profiles lint explores for one family: for each input the family reads, the values where
//! a case's path can turn; every combination when there are few enough, else a seeded search.

use crate::expr::Value;
use crate::format::InputKind;
use crate::input::Input;
use crate::synth::SplitMix64;
use crate::Date;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::sync::Arc;

/// Ages, in whole months on the evaluation date, that date inputs take: around the edges of
/// early years (2 to 5) and into school age.
const AGES_IN_MONTHS: [i64; 11] = [12, 23, 24, 30, 36, 42, 48, 54, 59, 60, 96];

/// An integer input with at most this many values is explored at every one.
const SMALL_DOMAIN: i64 = 12;

/// One input the family reads, and the values it is explored at (in increasing order for
/// numbers, so that the next value is a raise).
#[derive(Debug, Clone)]
pub(super) struct Axis {
    /// Index of the input in the rule set's inputs (its slot).
    pub input: usize,
    pub values: Vec<Value>,
}

/// What a family is explored over: a base profile, and the axes that vary it. Need levels
/// (inputs weighed by a score, or placed directly in ranges) come first.
#[derive(Debug, Clone)]
pub(super) struct Space<'a> {
    pub inputs: &'a [Input],
    pub base: Vec<Value>,
    pub axes: Vec<Axis>,
    /// How many of `axes`, from the start, are need levels.
    pub levels: usize,
}

/// The numbers each input is compared with anywhere in the rule set.
pub(crate) type Turns = BTreeMap<Arc<str>, BTreeSet<Decimal>>;

impl<'a> Space<'a> {
    /// The space of one family: `reads` are the names it reads, `levels` the rule set's need
    /// level inputs, `turns` the numbers inputs are compared with (for a date input, ages in
    /// months), `on` the date explored and `anchors` the dates the rules write.
    pub fn new(
        inputs: &'a [Input],
        reads: &BTreeSet<Arc<str>>,
        levels: &BTreeSet<Arc<str>>,
        turns: &Turns,
        on: Date,
        anchors: &[Date],
    ) -> Space<'a> {
        let required_by: BTreeSet<&str> = inputs
            .iter()
            .flat_map(|i| i.requires.iter().map(|r| &**r))
            .collect();
        let base = inputs.iter().map(|i| stand_in(i, on)).collect();
        let mut level_axes = Vec::new();
        let mut axes = Vec::new();
        for (index, input) in inputs.iter().enumerate() {
            if !reads.contains(&input.name) {
                continue;
            }
            let no = BTreeSet::new();
            let at = turns.get(&input.name).unwrap_or(&no);
            let values = explored(input, at, required_by.contains(&*input.name), on, anchors);
            let axis = Axis {
                input: index,
                values,
            };
            if levels.contains(&input.name) {
                level_axes.push(axis);
            } else {
                axes.push(axis);
            }
        }
        let levels = level_axes.len();
        level_axes.extend(axes);
        Space {
            inputs,
            base,
            axes: level_axes,
            levels,
        }
    }

    /// Each profile explored with at most `budget` cases: every combination of the axes when
    /// there are that few, else a search seeded with `seed`. `f` sees each in turn.
    pub fn explore(&self, budget: u64, seed: u64, mut f: impl FnMut(&[Value])) {
        let size = self.size(&self.axes);
        let mut rng = SplitMix64(seed);
        let mut profile = self.base.clone();
        for i in 0..size.min(budget) {
            if size <= budget {
                self.combination(&self.axes, i, &mut profile);
            } else {
                self.random(&self.axes, &mut rng, &mut profile);
            }
            f(&profile);
        }
    }

    /// How many profiles every combination makes (saturating).
    pub fn size(&self, axes: &[Axis]) -> u64 {
        axes.iter()
            .fold(1u64, |n, a| n.saturating_mul(a.values.len() as u64))
    }

    /// Set `profile` to combination `index` of `axes` (the first axis varies slowest).
    pub fn combination(&self, axes: &[Axis], mut index: u64, profile: &mut [Value]) {
        for a in axes.iter().rev() {
            let n = a.values.len() as u64;
            if let (Some(v), Some(place)) = (
                a.values.get((index % n.max(1)) as usize),
                profile.get_mut(a.input),
            ) {
                *place = v.clone();
            }
            index /= n.max(1);
        }
    }

    /// Set `profile` to a random combination of `axes`. Each input keeps its base value a
    /// little more often than it takes any other, so the cases found are plainer to read.
    pub fn random(&self, axes: &[Axis], rng: &mut SplitMix64, profile: &mut [Value]) {
        for a in axes {
            let n = a.values.len() as u64;
            let pick = rng.next() % (n + 1);
            let value = match a.values.get(pick as usize) {
                Some(v) => v,
                None => match self.base.get(a.input) {
                    Some(v) => v,
                    None => continue,
                },
            };
            if let Some(place) = profile.get_mut(a.input) {
                *place = value.clone();
            }
        }
    }

    /// The inputs shown for a profile: the axes given and not at their default, and the
    /// required ones; a text (such as an override's reason) only when an input shown needs it.
    fn shown(&self, profile: &[Value]) -> Vec<usize> {
        let mut shown: Vec<usize> = self
            .axes
            .iter()
            .map(|a| a.input)
            .filter(|&i| match (self.inputs.get(i), profile.get(i)) {
                (Some(input), Some(v)) => {
                    !v.is_null()
                        && (input.required || *v != input.default)
                        && input.kind != InputKind::String
                }
                _ => false,
            })
            .collect();
        let needed: Vec<usize> = self
            .axes
            .iter()
            .map(|a| a.input)
            .filter(|&i| {
                self.inputs.get(i).is_some_and(|input| {
                    input.kind == InputKind::String
                        && profile.get(i).is_some_and(|v| !v.is_null())
                        && shown
                            .iter()
                            .any(|&s| self.inputs[s].requires.contains(&input.name))
                })
            })
            .collect();
        shown.extend(needed);
        shown
    }

    /// How far a profile is from the plainest case: the number of inputs shown.
    pub fn weight(&self, profile: &[Value]) -> usize {
        self.shown(profile).len()
    }

    /// A profile as JSON a person can read and pass to `sendband evaluate`.
    pub fn show(&self, profile: &[Value]) -> String {
        let mut t = String::from("{");
        for i in self.shown(profile) {
            if t.len() > 1 {
                t.push_str(", ");
            }
            let _ = write!(t, "{:?}: {}", &*self.inputs[i].name, json(&profile[i]));
        }
        t.push('}');
        t
    }
}

/// A value as it is written in a profile.
pub(super) fn json(v: &Value) -> String {
    match v {
        Value::Text(s) => format!("{:?}", &**s),
        Value::Date(d) => format!("\"{d}\""),
        other => other.to_string(),
    }
}

/// What an input holds when it is not an axis: its default, or a valid stand-in when it is
/// required (a case id, a date of birth eight years back, the first value of an enum).
fn stand_in(input: &Input, on: Date) -> Value {
    if !input.default.is_null() || !input.required {
        return input.default.clone();
    }
    match input.kind {
        InputKind::String => Value::text("lint"),
        InputKind::Date => months_before(on, 96).map_or(Value::Null, Value::Date),
        InputKind::Enum => input.labels().first().cloned().unwrap_or(Value::Null),
        InputKind::Boolean => Value::Bool(false),
        InputKind::Integer | InputKind::Decimal | InputKind::Money => {
            let n = input
                .one_of
                .first()
                .copied()
                .or(input.min)
                .unwrap_or(Decimal::ZERO);
            Value::Number(n)
        }
    }
}

/// The values an input can turn a case's path at: every level, choice or truth value, and for
/// other numbers its limits, its default and each number in `turns` with its neighbours.
pub(crate) fn explored_values(input: &Input, turns: &BTreeSet<Decimal>) -> Vec<Value> {
    match input.kind {
        InputKind::Enum => input.labels().to_vec(),
        InputKind::Boolean => vec![Value::Bool(false), Value::Bool(true)],
        InputKind::Integer | InputKind::Decimal | InputKind::Money => numbers(input, turns)
            .into_iter()
            .map(Value::Number)
            .collect(),
        InputKind::String | InputKind::Date => Vec::new(),
    }
}

/// The values an input is explored at.
fn explored(
    input: &Input,
    turns: &BTreeSet<Decimal>,
    required_by: bool,
    on: Date,
    anchors: &[Date],
) -> Vec<Value> {
    let mut values = Vec::new();
    // An optional input with no default can be left out, and that is a path of its own.
    if !input.required && input.default.is_null() && !required_by {
        values.push(Value::Null);
    }
    match input.kind {
        InputKind::String => values.push(Value::text("lint")),
        InputKind::Date => values.extend(dates(turns, on, anchors).into_iter().map(Value::Date)),
        _ => values.extend(explored_values(input, turns)),
    }
    values
}

/// The dates a date input is explored at, earliest first: the ages around early years and
/// school age, and each age the rules compare with and its neighbours, in whole months on the
/// date explored; and the same ages on each date the rules write, for ages taken on that day.
fn dates(ages: &BTreeSet<Decimal>, on: Date, anchors: &[Date]) -> BTreeSet<Date> {
    let mut months: BTreeSet<i64> = AGES_IN_MONTHS.into();
    for age in ages {
        if let Ok(m) = i64::try_from(age.trunc()) {
            months.extend([m - 1, m, m + 1].into_iter().filter(|m| *m >= 0));
        }
    }
    let mut out = BTreeSet::new();
    for day in std::iter::once(on).chain(anchors.iter().copied()) {
        out.extend(months.iter().filter_map(|&m| months_before(day, m)));
    }
    out
}

/// The numbers explored: declared levels or allowed values, a small range whole, or else the
/// limits, the default, and each number the rules compare it with and its neighbours.
fn numbers(input: &Input, turns: &BTreeSet<Decimal>) -> Vec<Decimal> {
    if !input.levels.is_empty() {
        return input
            .levels
            .iter()
            .map(|l| Decimal::from(l.level))
            .collect();
    }
    if !input.one_of.is_empty() {
        let set: BTreeSet<Decimal> = input.one_of.iter().copied().collect();
        return set.into_iter().collect();
    }
    let whole = input.kind == InputKind::Integer;
    if let (true, Some(lo), Some(hi)) = (whole, input.min, input.max) {
        if hi - lo < Decimal::from(SMALL_DOMAIN) {
            let (lo, hi) = (lo.trunc(), hi.trunc());
            let mut n = lo;
            let mut all = Vec::new();
            while n <= hi {
                all.push(n);
                n += Decimal::ONE;
            }
            return all;
        }
    }
    let step = if whole {
        Decimal::ONE
    } else {
        Decimal::new(1, 2)
    };
    let mut set = BTreeSet::new();
    set.extend(input.min);
    set.extend(input.max);
    set.extend(input.default.as_number());
    for &t in turns {
        set.extend([t - step, t, t + step]);
    }
    if set.is_empty() {
        set.insert(Decimal::ZERO);
    }
    set.into_iter()
        .filter(|n| !whole || n.fract().is_zero())
        .filter(|n| input.min.is_none_or(|m| *n >= m) && input.max.is_none_or(|m| *n <= m))
        .map(|n| {
            if input.kind == InputKind::Money {
                money(n)
            } else {
                n
            }
        })
        .collect()
}

/// A money amount with its pence shown, as profiles hold it.
fn money(mut n: Decimal) -> Decimal {
    if n.scale() < 2 {
        n.rescale(2);
    }
    n
}

/// The date `months` whole months before `on` (day of month kept where it exists).
fn months_before(on: Date, months: i64) -> Option<Date> {
    let total = i64::from(on.year()) * 12 + i64::from(on.month()) - 1 - months;
    let year = i32::try_from(total.div_euclid(12)).ok()?;
    let month = u8::try_from(total.rem_euclid(12) + 1).ok()?;
    Date::new(year, month, on.day().min(28))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().expect("date")
    }

    #[test]
    fn months_before_keeps_whole_months_of_age() {
        let on = d("2025-01-15");
        assert_eq!(months_before(on, 24), Some(d("2023-01-15")));
        assert_eq!(months_before(on, 1), Some(d("2024-12-15")));
        assert_eq!(months_before(on, 13), Some(d("2023-12-15")));
        let day = months_before(d("2025-03-31"), 1).expect("date");
        // 31 February does not exist: the 28th keeps a whole month.
        assert_eq!(day, d("2025-02-28"));
        assert_eq!(day.whole_months_until(d("2025-03-31")), 1);
    }

    #[test]
    fn numbers_turn_at_each_compared_value_within_the_limits() {
        let spec: crate::format::InputSpec = serde_json::from_str(
            r#"{"name": "spend", "type": "money", "label": "Spend", "min": 0, "default": "0.00"}"#,
        )
        .expect("spec");
        let at = crate::error::At::new("inputs.json", "$[0]");
        let input = Input::compile(&spec, &at).expect("input");
        let turns: BTreeSet<Decimal> = [Decimal::new(600000, 2), Decimal::ZERO].into();
        let shown: Vec<String> = numbers(&input, &turns)
            .iter()
            .map(|n| n.to_string())
            .collect();
        // -0.01 is below the minimum; money keeps its pence.
        assert_eq!(shown, ["0.00", "0.01", "5999.99", "6000.00", "6000.01"]);
    }
}
