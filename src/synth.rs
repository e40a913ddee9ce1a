//! Synthetic case profiles for any rule set, driven only by its declared inputs: seeded,
//! reproducible, always valid, decidable by the rules, and spread so that every band and status
//! turns up. No real data.

use crate::expr::Value;
use crate::format::InputKind;
use crate::input::{parse_decimal, Input};
use crate::{Date, RuleSet};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// Write `n` synthetic profiles for `rules`, one compact JSON object per line, realistic on `on`,
/// each one that every family can decide (see [`Generator::profile`]).
///
/// The same rules, seed and date give the same bytes on every platform and version; profile `i`
/// does not depend on `n`, so a shorter run is a prefix of a longer one. Returns how many
/// profiles were written although some family could not decide them (see [`Generator::undecided`]).
///
/// ```
/// use sendband::{Date, RuleSet};
/// let on: Date = "2025-01-15".parse().unwrap();
/// let rules = RuleSet::embedded(on).unwrap();
/// let mut out = Vec::new();
/// sendband::synth::write_jsonl(&rules, 3, 7, on, &mut out).unwrap();
/// let text = String::from_utf8(out).unwrap();
/// assert_eq!(text.lines().count(), 3);
/// assert!(text.starts_with(r#"{"case_id":"SYN-7-0","#));
/// for line in text.lines() {
///     let facts = rules.facts_from_json(line).unwrap();
///     let decision = rules.evaluate(&facts, on);
///     assert!(decision.results.iter().all(|r| r.status != sendband::Status::Error));
/// }
/// ```
pub fn write_jsonl(
    rules: &RuleSet,
    n: u64,
    seed: u64,
    on: Date,
    out: &mut impl std::io::Write,
) -> std::io::Result<u64> {
    write_profiles(&mut Generator::new(rules, seed, on), n, out)
}

/// Write profiles `0..n` of `generator`, as [`write_jsonl`] does; returns how many are undecided.
pub fn write_profiles(
    generator: &mut Generator<'_>,
    n: u64,
    out: &mut impl std::io::Write,
) -> std::io::Result<u64> {
    let mut buf = String::with_capacity(1 << 17);
    for i in 0..n {
        generator.profile(i, &mut buf);
        // Few large writes: an unbuffered file or stdout would otherwise cost a syscall a line.
        if buf.len() >= 1 << 16 {
            out.write_all(buf.as_bytes())?;
            buf.clear();
        }
    }
    out.write_all(buf.as_bytes())?;
    Ok(generator.undecided())
}

/// How many times a profile is drawn again when some family cannot decide it. A draw that fails
/// is rare (a panel override of a band the setting has no value for), so a rule set that fails
/// this often is one most profiles cannot satisfy, and the count in `undecided` says so.
pub const DRAWS: u64 = 64;

/// SplitMix64, written out so that a seed gives the same profiles on every platform and in every
/// version: `rand`'s `StdRng` may change its algorithm between releases. Floats are only
/// added and multiplied (never `powf`), which IEEE 754 makes exact everywhere.
pub(crate) struct SplitMix64(pub(crate) u64);

impl SplitMix64 {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in 0..n.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }
}

/// One drawn value: the index of a choice, or a number (hundredths for decimal and money
/// inputs, days since 1970 for dates).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
enum Val {
    #[default]
    Absent,
    Pick(u32),
    Num(i64),
}

/// How the values of one input are drawn.
#[derive(Default)]
enum Plan {
    #[default]
    CaseId,
    /// One of these JSON texts: enum values, `false`/`true`, levels, one_of, a fixed text.
    Pick(Vec<String>, Draw),
    Num(Range),
    /// A date; of birth when `true`.
    Date(bool),
}

#[derive(Clone, Copy)]
enum Draw {
    /// Enum values: mildly favour the first, and half the time follow severity, since lists
    /// usually run from the common case to the rare one (no plan .. plan issued).
    Enum,
    /// Booleans record evidence (advice taken, say), which gathers around need.
    Bool,
    /// Descriptor levels follow severity; `true` when low levels are the severe ones.
    Level(bool),
    Uniform,
}

/// Numbers in `lo..=hi` in multiples of `step`, in hundredths unless `scale` is 1.
struct Range {
    lo: i64,
    hi: i64,
    step: i64,
    scale: i64,
    money: bool,
    default: Option<i64>,
}

#[derive(Default)]
struct Slot {
    plan: Plan,
    /// Required (or the case id): always given.
    always: bool,
    /// The chance of giving the input when it is asked: lower with a default to fall back on,
    /// rare with `requires` (a panel override), none when only another input's `requires` asks.
    chance: f64,
    requires: Vec<usize>,
    /// `ask_when`: each controlling slot and the values it must have.
    when: Vec<(usize, Vec<Val>)>,
    default: Val,
}

/// The JSON layout: a leaf writes one slot, a group one object (`"key":{`) of dotted names.
enum Node {
    Leaf(usize, String),
    Group(String, Vec<Node>),
}

/// Draws profiles for one rule set; build once, then call [`Generator::profile`] per case.
pub struct Generator<'r> {
    rules: &'r RuleSet,
    /// Keep profiles some family cannot decide (status `error`), as a real extract may have.
    pub keep_errors: bool,
    undecided: u64,
    lean: crate::fast::LeanBuf,
    slots: Vec<Slot>,
    tree: Vec<Node>,
    /// Enum values that make a child early years age (values some input is asked only for).
    young: Vec<(usize, u32)>,
    id_prefix: String,
    base: u64,
    on: Date,
    vals: Vec<Val>,
    severity: f64,
}

impl<'r> Generator<'r> {
    /// Prepare to draw profiles for `rules` with `seed`, with ages and dates as on `on`.
    pub fn new(rules: &'r RuleSet, seed: u64, on: Date) -> Generator<'r> {
        let (inputs, specs) = (rules.inputs(), &rules.bundle().inputs);
        let families = serde_json::to_value(&rules.bundle().families).unwrap_or_default();
        let mut names: Vec<&str> = inputs.iter().map(|i| &*i.name).collect();
        if !names.contains(&"case_id") {
            names.insert(0, "case_id");
        }
        let find = |name: &str| names.iter().position(|n| *n == name);
        let declared = |name: &str| inputs.iter().find(|i| &*i.name == name);
        let mut slots = Vec::with_capacity(names.len());
        for name in &names {
            let spec = specs.iter().find(|s| s.name == *name);
            let (Some(input), Some(spec), false) = (declared(name), spec, *name == "case_id")
            else {
                slots.push(Slot {
                    always: true,
                    chance: 1.0,
                    ..Slot::default()
                });
                continue;
            };
            let when = spec.ask_when.iter().filter_map(|(name, allowed)| {
                let ctrl = declared(name)?;
                Some((
                    find(name)?,
                    allowed.iter().filter_map(|v| code(ctrl, v)).collect(),
                ))
            });
            let chance = match (input.requires.is_empty(), &input.default) {
                (false, _) => 0.03,
                (true, Value::Null) => 1.0,
                (true, _) => 0.8,
            };
            let default = spec.default.as_ref().and_then(|d| code(input, d));
            slots.push(Slot {
                plan: plan(input, &families),
                always: input.required,
                chance,
                requires: input.requires.iter().filter_map(|r| find(r)).collect(),
                when: when.collect(),
                default: default.unwrap_or_default(),
            });
        }
        for r in slots
            .iter()
            .flat_map(|s| s.requires.clone())
            .collect::<Vec<_>>()
        {
            slots[r].chance = if slots[r].always { 1.0 } else { 0.0 };
        }
        let conditions = slots.iter().flat_map(|s| &s.when);
        let young = conditions
            .flat_map(|(c, vs)| vs.iter().map(move |v| (*c, *v)))
            .filter_map(|(c, v)| match (&slots[c].plan, v) {
                (Plan::Pick(t, Draw::Enum), Val::Pick(p))
                    if t.get(p as usize).is_some_and(|t| t.contains("early_years")) =>
                {
                    Some((c, p))
                }
                _ => None,
            })
            .collect();
        let mut tree = Vec::new();
        for (k, name) in names.iter().enumerate() {
            insert(&mut tree, name, k);
        }
        Generator {
            rules,
            keep_errors: false,
            undecided: 0,
            lean: crate::fast::LeanBuf::default(),
            vals: vec![Val::Absent; slots.len()],
            slots,
            tree,
            young,
            id_prefix: format!("\"SYN-{seed}-"),
            base: SplitMix64(seed).next(),
            on,
            severity: 0.0,
        }
    }

    /// Append profile number `i` to `buf` as one line of compact JSON, newline included.
    ///
    /// Every declared input's limits, `ask_when` and `requires` are honoured, so the profile is
    /// valid. It is also one the rules can decide: a draw that gives some family status `error`
    /// (a panel override of a band the setting has no value for, say) is drawn again, up to 64
    /// times, unless [`Generator::keep_errors`] is set. A profile still undecided after that is
    /// written and counted by [`Generator::undecided`].
    pub fn profile(&mut self, i: u64, buf: &mut String) {
        let mark = buf.len();
        for draw in 0..DRAWS {
            self.draw_profile(i, draw, buf);
            if self.keep_errors || self.decided(&buf[mark..]) {
                return;
            }
            if draw + 1 < DRAWS {
                buf.truncate(mark);
            }
        }
        self.undecided += 1;
    }

    /// How many profiles so far were written although some family could not decide them.
    pub fn undecided(&self) -> u64 {
        self.undecided
    }

    /// True when every family of the rules decides `line` (none ends in `error`).
    fn decided(&mut self, line: &str) -> bool {
        let Ok(facts) = self.rules.facts_from_json(line) else {
            // Never expected (every value is drawn valid), and then not decidable either.
            return false;
        };
        !self
            .rules
            .evaluate_into(&facts, self.on, &mut self.lean)
            .has_error()
    }

    /// Draw number `draw` of profile `i` into `buf`.
    fn draw_profile(&mut self, i: u64, draw: u64, buf: &mut String) {
        // Each profile has its own stream, so profile i is the same whatever else is drawn; a
        // first draw keeps the stream of profiles written before draws were checked.
        let stream = match draw {
            0 => SplitMix64(i).next(),
            _ => SplitMix64(SplitMix64(i).next() ^ SplitMix64(!draw).next()).next(),
        };
        let mut rng = SplitMix64(self.base ^ stream);
        let u = rng.unit();
        // Most cases are mild and a fifth are severe across the board: real cohorts look like
        // this, and it is what reaches the top bands.
        self.severity = 0.1 + 0.9 * u * u;
        for k in 0..self.slots.len() {
            let slot = &self.slots[k];
            let give = slot.always || (self.asked(k) && rng.unit() < slot.chance);
            self.vals[k] = if give {
                self.draw(k, &mut rng)
            } else {
                Val::Absent
            };
        }
        // An input that needs others (an override needs its reason) comes with them.
        while let Some(need) = (0..self.slots.len())
            .filter(|&k| self.vals[k] != Val::Absent)
            .flat_map(|k| self.slots[k].requires.iter().copied())
            .find(|&r| self.vals[r] == Val::Absent)
        {
            self.vals[need] = self.draw(need, &mut rng);
        }
        // Dates last: a birth date suits the setting, which may be declared after it.
        let young = self
            .young
            .iter()
            .any(|&(c, p)| self.value(c) == Val::Pick(p));
        for k in 0..self.slots.len() {
            if let (Plan::Date(birth), Val::Num(_)) = (&self.slots[k].plan, self.vals[k]) {
                let back = match (birth, young) {
                    (true, true) => 548 + rng.below(1461), // 1.5 to 5.5 years
                    // Where the rules know early years settings, the others are schools.
                    (true, false) if !self.young.is_empty() => 1461 + rng.below(5113), // 4 to 18
                    (true, false) => 730 + rng.below(5844), // 2 to 18 years
                    (false, _) => rng.below(366),
                };
                self.vals[k] = Val::Num(self.on.days_since_epoch() - back as i64);
            }
        }
        buf.push('{');
        self.write(&self.tree, i, buf);
        buf.push_str("}\n");
    }

    /// The value the rules see: the one given, else the default.
    fn value(&self, k: usize) -> Val {
        match self.vals[k] {
            Val::Absent => self.slots[k].default,
            v => v,
        }
    }

    fn asked(&self, k: usize) -> bool {
        let when = &self.slots[k].when;
        when.iter()
            .all(|(c, allowed)| allowed.contains(&self.value(*c)))
    }

    fn draw(&self, k: usize, rng: &mut SplitMix64) -> Val {
        let s = self.severity;
        let r = match &self.slots[k].plan {
            Plan::CaseId | Plan::Date(_) => return Val::Num(0),
            Plan::Pick(texts, draw) => {
                let n = texts.len() as u64;
                let by_severity = |rng: &mut SplitMix64| {
                    let t = (s + (rng.unit() - 0.5) * 0.6).clamp(0.0, 0.999_999);
                    (t * n as f64) as u64
                };
                let j = match *draw {
                    Draw::Level(false) => by_severity(rng),
                    Draw::Level(true) => n - 1 - by_severity(rng),
                    Draw::Bool => u64::from(rng.unit() < 0.3 + 0.4 * s),
                    Draw::Uniform => rng.below(n),
                    Draw::Enum if rng.unit() < 0.5 => by_severity(rng),
                    Draw::Enum => {
                        // Weights 2n, 2n-1, ..., n+1: the first value about twice the last.
                        let (mut w, mut j) = (rng.below(n * (3 * n + 1) / 2), 0);
                        while j + 1 < n && w >= 2 * n - j {
                            w -= 2 * n - j;
                            j += 1;
                        }
                        j
                    }
                };
                return Val::Pick(j as u32);
            }
            Plan::Num(r) => r,
        };
        // The default is what most cases have (a full year on roll, say).
        if let (Some(d), true) = (r.default, rng.unit() < 0.4) {
            return Val::Num(d);
        }
        let (first, last) = (
            (r.lo + r.step - 1).div_euclid(r.step),
            r.hi.div_euclid(r.step),
        );
        if last < first {
            return Val::Num(r.lo);
        }
        // Skewed low, like severity, and lower still in mild cases.
        let u = rng.unit();
        let x = (0.5 * (s + u * u) * (last - first + 1) as f64) as i64;
        Val::Num((first + x.min(last - first)) * r.step)
    }

    /// Write the members of `nodes` that have a value; false when none has.
    fn write(&self, nodes: &[Node], i: u64, buf: &mut String) -> bool {
        let mut any = false;
        for node in nodes {
            let mark = buf.len();
            match node {
                Node::Leaf(k, _) if self.vals[*k] == Val::Absent => continue,
                Node::Leaf(k, key) => {
                    buf.push_str(if any { "," } else { "" });
                    buf.push_str(key);
                    self.write_value(*k, i, buf);
                }
                Node::Group(key, kids) => {
                    buf.push_str(if any { "," } else { "" });
                    buf.push_str(key);
                    if !self.write(kids, i, buf) {
                        buf.truncate(mark);
                        continue;
                    }
                    buf.push('}');
                }
            }
            any = true;
        }
        any
    }

    fn write_value(&self, k: usize, i: u64, buf: &mut String) {
        // Writing to a String cannot fail.
        let _ = match (&self.slots[k].plan, self.vals[k]) {
            (Plan::CaseId, _) => write!(buf, "{}{i}\"", self.id_prefix),
            (Plan::Pick(texts, _), Val::Pick(p)) => buf.write_str(&texts[p as usize]),
            (Plan::Date(_), Val::Num(d)) => {
                write!(
                    buf,
                    "\"{}\"",
                    Date::from_days_since_epoch(d).unwrap_or(self.on)
                )
            }
            (Plan::Num(Range { scale: 1, .. }), Val::Num(n)) => write!(buf, "{n}"),
            (Plan::Num(r), Val::Num(n)) => {
                let (sign, a) = (if n < 0 { "-" } else { "" }, n.unsigned_abs());
                match (r.money, a % 100) {
                    (false, 0) => write!(buf, "{sign}{}", a / 100),
                    (false, c) if c % 10 == 0 => write!(buf, "{sign}{}.{}", a / 100, c / 10),
                    (_, c) => write!(buf, "{sign}{}.{c:02}", a / 100),
                }
            }
            _ => buf.write_str("null"),
        };
    }
}

/// How to draw one declared input's values, from its kind, limits and the rules that read it.
fn plan(input: &Input, families: &serde_json::Value) -> Plan {
    let name = &*input.name;
    let mut uses = Uses::default();
    uses.scan(families, name);
    let fits =
        |d: &&Decimal| input.min.is_none_or(|m| **d >= m) && input.max.is_none_or(|m| **d <= m);
    let kind = input.kind;
    match kind {
        InputKind::Enum => Plan::Pick(
            input.values.iter().map(|c| json_text(&c.value)).collect(),
            Draw::Enum,
        ),
        InputKind::Boolean => Plan::Pick(vec!["false".into(), "true".into()], Draw::Bool),
        InputKind::Date => Plan::Date(name.contains("birth")),
        InputKind::String => {
            let text = match name.contains("reason") {
                true => "Synthetic case: the panel agreed a different band after reviewing the evidence.",
                false => "Synthetic text for testing.",
            };
            let len = input
                .max_length
                .map_or(text.len(), |m| text.len().min(m as usize));
            Plan::Pick(vec![json_text(&text[..len])], Draw::Uniform)
        }
        InputKind::Integer if !input.levels.is_empty() => {
            let mut levels: Vec<i64> = input.levels.iter().map(|l| l.level).collect();
            levels.sort_unstable();
            Plan::Pick(
                levels.iter().map(i64::to_string).collect(),
                Draw::Level(uses.subtracted),
            )
        }
        _ if !input.one_of.is_empty() => {
            let text = |d: &Decimal| match kind {
                InputKind::Money if d.scale() <= 2 => format!("{:.2}", d),
                _ => d.normalize().to_string(),
            };
            // None fits only in a broken rule set; never draw from an empty list.
            let any = !input.one_of.iter().any(|d| fits(&d));
            Plan::Pick(
                input
                    .one_of
                    .iter()
                    .filter(|d| any || fits(d))
                    .map(text)
                    .collect(),
                Draw::Uniform,
            )
        }
        _ => {
            let scale = if kind == InputKind::Integer { 1 } else { 100 };
            let max = input.max.map(|m| scaled(m, scale, false));
            let lo = match (input.min, max) {
                (Some(m), _) => scaled(m, scale, true),
                (None, Some(h)) if h < 0 => h - 10 * scale,
                _ => 0,
            };
            // Open-ended inputs go a little past the highest number the rules compare them with,
            // so that every range and threshold is crossed (points above the top group, say).
            let top = uses.limits.iter().map(|t| scaled(*t, scale, false)).max();
            let hi = max.unwrap_or(match (kind, top.filter(|t| *t > lo)) {
                (_, Some(t)) => t + t / 4 + 2 * scale,
                (InputKind::Money, None) => lo + 1000 * scale,
                _ => lo + 10 * scale,
            });
            let default = match input.default {
                Value::Number(d) => d
                    .checked_mul(Decimal::from(scale))
                    .filter(|d| d.fract().is_zero()),
                _ => None,
            };
            // Wide decimal ranges hold quantities like hours, which people give in halves.
            let step = match kind {
                InputKind::Integer | InputKind::Money => 1,
                _ if hi - lo >= 1000 => 50,
                _ => 10,
            };
            let (money, default) = (kind == InputKind::Money, default.and_then(|d| d.to_i64()));
            Plan::Num(Range {
                lo,
                hi,
                step,
                scale,
                money,
                default,
            })
        }
    }
}

/// `d * scale` as a whole number, rounded up or down, kept far from overflow.
fn scaled(d: Decimal, scale: i64, up: bool) -> i64 {
    let limit = Decimal::from(1_000_000_000_000i64);
    let x = d
        .checked_mul(Decimal::from(scale))
        .unwrap_or(limit)
        .clamp(-limit, limit);
    (if up { x.ceil() } else { x.floor() })
        .to_i64()
        .unwrap_or(0)
}

/// A JSON value (in `ask_when` or a default) as the value a draw for `input` would give.
fn code(input: &Input, v: &serde_json::Value) -> Option<Val> {
    match v {
        serde_json::Value::Bool(b) if input.kind == InputKind::Boolean => {
            Some(Val::Pick(u32::from(*b)))
        }
        serde_json::Value::String(s) => input
            .values
            .iter()
            .position(|c| c.value == *s)
            .map(|p| Val::Pick(p as u32)),
        _ => None,
    }
}

/// How the rules use an input: the numbers they compare it with (`x >= 2`, bounds of ranges of
/// `x`), and whether they subtract it (`age - x`: then its low levels are the severe ones).
#[derive(Default)]
struct Uses {
    limits: Vec<Decimal>,
    subtracted: bool,
}

impl Uses {
    fn scan(&mut self, v: &serde_json::Value, name: &str) {
        use serde_json::Value as J;
        let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
        match v {
            J::String(s) => {
                for (at, _) in s.match_indices(name) {
                    let (before, rest) = (&s[..at], &s[at + name.len()..]);
                    if before.ends_with(ident) || rest.starts_with(ident) {
                        continue;
                    }
                    self.subtracted |= before.trim_end().ends_with('-');
                    let ops = [">=", "<=", "==", "!=", ">", "<"];
                    let rest = rest.trim_start();
                    if let Some(rest) = ops.iter().find_map(|op| rest.strip_prefix(op)) {
                        let rest = rest.trim_start();
                        let end =
                            rest.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'));
                        self.limits
                            .extend(parse_decimal(&rest[..end.unwrap_or(rest.len())]));
                    }
                }
            }
            J::Array(xs) => xs.iter().for_each(|x| self.scan(x, name)),
            J::Object(m) => {
                if m.get("of").and_then(J::as_str) == Some(name) {
                    for range in m.get("ranges").and_then(J::as_array).into_iter().flatten() {
                        for end in ["min", "max"].iter().filter_map(|k| range.get(*k)) {
                            let text = end.as_str().map_or_else(|| end.to_string(), str::to_string);
                            self.limits.extend(parse_decimal(&text));
                        }
                    }
                }
                m.values().for_each(|x| self.scan(x, name));
            }
            _ => {}
        }
    }
}

/// Put slot `k` under its dotted `name`, joining the members of an object wherever declared.
fn insert(nodes: &mut Vec<Node>, name: &str, k: usize) {
    let Some((head, rest)) = name.split_once('.') else {
        nodes.push(Node::Leaf(k, format!("{}:", json_text(name))));
        return;
    };
    let key = format!("{}:{{", json_text(head));
    let at = nodes
        .iter()
        .position(|n| matches!(n, Node::Group(g, _) if *g == key));
    let at = at.unwrap_or_else(|| {
        nodes.push(Node::Group(key, Vec::new()));
        nodes.len() - 1
    });
    if let Node::Group(_, kids) = &mut nodes[at] {
        insert(kids, rest, k);
    }
}

fn json_text(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}
