//! Random valid rule sets and profiles for differential tests: every step kind, hit policy,
//! function and rounding mode, optional inputs left out, dates, and reasons and flags whose
//! conditions are plain names or constants. Driven by a [`Pick`], so the test suite draws from
//! a seed and the fuzz target from its bytes. Shared by `tests/differential.rs` and
//! `fuzz/fuzz_targets/rulesets.rs`; it needs nothing but std (`compare` needs sendband).
#![allow(dead_code)]

pub mod compare;

/// A source of choices.
pub trait Pick {
    /// A number below `n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize;

    /// One of `items`.
    fn one<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("")
    }

    /// True about one time in `n`.
    fn chance(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
}

/// Choices from a seed (splitmix64): the same seed, the same rule sets.
pub struct Seeded(pub u64);

impl Pick for Seeded {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        if n == 0 {
            0
        } else {
            (z % n as u64) as usize
        }
    }
}

/// Choices from a fuzzer's bytes; once they run out, every choice is the first.
pub struct Bytes<'a>(pub &'a [u8]);

impl Pick for Bytes<'_> {
    fn below(&mut self, n: usize) -> usize {
        match self.0.split_first() {
            Some((&b, rest)) if n > 0 => {
                self.0 = rest;
                usize::from(b) % n
            }
            _ => 0,
        }
    }
}

/// The type of a name in scope.
#[derive(Debug, Clone, PartialEq)]
enum Ty {
    Int,
    Num,
    Bool,
    /// Text whose values are among these labels.
    Text(Vec<String>),
    /// Free text the rule set never mentions.
    Free,
    Date,
    List,
}

/// What a family's expressions may name: inputs, then earlier steps.
struct Scope {
    names: Vec<(String, Ty)>,
}

impl Scope {
    /// The words a text expression can be, as the engine infers them at load: a literal's
    /// own, a name's declared labels; `None` when not known (any text).
    fn words(&self, expr: &str) -> Option<Vec<String>> {
        if let Some(w) = expr.strip_prefix('\'').and_then(|e| e.strip_suffix('\'')) {
            return Some(vec![w.to_string()]);
        }
        if expr == "null" {
            return Some(Vec::new());
        }
        self.names.iter().find_map(|(n, t)| match t {
            Ty::Text(labels) if n == expr && !labels.is_empty() => Some(labels.clone()),
            _ => None,
        })
    }

    /// The union of the words of `exprs`, empty when any is not known.
    fn union(&self, exprs: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for e in exprs {
            match self.words(e) {
                Some(ws) => ws.into_iter().for_each(|w| {
                    if !out.contains(&w) {
                        out.push(w)
                    }
                }),
                None => return Vec::new(),
            }
        }
        out
    }

    fn of(&self, want: impl Fn(&Ty) -> bool) -> Vec<&str> {
        self.names
            .iter()
            .filter(|(_, t)| want(t))
            .map(|(n, _)| n.as_str())
            .collect()
    }
}

const LEVELS: [&str; 3] = ["low", "mid", "high"];
const MODES: [&str; 7] = [
    "half_away_from_zero",
    "half_even",
    "half_toward_zero",
    "up",
    "down",
    "floor",
    "ceiling",
];
const POLICIES: [&str; 10] = [
    "UNIQUE",
    "FIRST",
    "PRIORITY",
    "ANY",
    "RULE ORDER",
    "COLLECT",
    "COLLECT SUM",
    "COLLECT MIN",
    "COLLECT MAX",
    "COLLECT COUNT",
];

/// A rule set's files (`ruleset.json`, `inputs.json`, `families/*.json`), as paths and texts.
pub fn rule_set(p: &mut dyn Pick) -> Vec<(String, String)> {
    let defaults = [
        p.chance(2).then_some("0"),
        None,
        None,
        p.chance(2).then_some("\"0.00\""),
        p.chance(2).then_some("\"low\""),
        None,
        None,
        p.chance(3).then_some("false"),
        Some("true"),
    ];
    let inputs = [
        r#""name": "p", "type": "integer", "min": 0, "max": 10, "label": "P""#,
        r#""name": "q", "type": "integer", "min": 0, "max": 10, "label": "Q""#,
        r#""name": "d", "type": "decimal", "min": 0, "max": 100, "label": "D""#,
        r#""name": "m", "type": "money", "min": 0, "max": 5000, "label": "M""#,
        r#""name": "level", "type": "enum", "label": "Level", "values": [{"value": "low", "label": "Low"}, {"value": "mid", "label": "Mid"}, {"value": "high", "label": "High"}]"#,
        r#""name": "born", "type": "date", "label": "Born""#,
        r#""name": "note", "type": "string", "label": "Note", "max_length": 8"#,
        r#""name": "flag", "type": "boolean", "label": "Flag""#,
        r#""name": "on_roll", "type": "boolean", "label": "On roll""#,
    ];
    let inputs: Vec<String> = inputs
        .iter()
        .zip(defaults)
        .map(|(i, d)| match d {
            Some(d) => format!("{{{i}, \"default\": {d}}}"),
            None => format!("{{{i}}}"),
        })
        .collect();
    let scope = Scope {
        names: vec![
            ("p".into(), Ty::Int),
            ("q".into(), Ty::Int),
            ("d".into(), Ty::Num),
            ("m".into(), Ty::Num),
            ("level".into(), Ty::Text(LEVELS.map(String::from).to_vec())),
            ("born".into(), Ty::Date),
            ("note".into(), Ty::Free),
            ("flag".into(), Ty::Bool),
            ("on_roll".into(), Ty::Bool),
        ],
    };
    let count = 1 + p.below(3);
    let mut files = Vec::new();
    let mut names = Vec::new();
    for k in 0..count {
        let name = format!("f{k}");
        let mut g = Gen {
            p: &mut *p,
            scope: Scope {
                names: scope.names.clone(),
            },
        };
        files.push((format!("families/{name}.json"), g.family(&name)));
        names.push(format!("{name:?}"));
    }
    let manifest = format!(
        r#"{{"id": "generated", "authority": "Test Council", "title": "Generated", "version": "1",
  "effective_from": "2020-01-01", "period_basis": "financial", "currency": "GBP",
  "provenance": "illustrative", "families": [{}]}}"#,
        names.join(", ")
    );
    let mut all = vec![
        ("ruleset.json".to_string(), manifest),
        (
            "inputs.json".to_string(),
            format!("[{}]", inputs.join(",\n")),
        ),
    ];
    all.extend(files);
    all
}

/// A profile for any generated rule set: each input given or left out, in its range.
pub fn profile(p: &mut dyn Pick, n: usize) -> String {
    let mut fields = vec![format!("\"case_id\": \"c{n}\"")];
    let mut give = |p: &mut dyn Pick, name: &str, value: String| {
        if !p.chance(10) {
            fields.push(format!("\"{name}\": {value}"));
        }
    };
    let v = p.below(11).to_string();
    give(p, "p", v);
    let v = p.below(11).to_string();
    give(p, "q", v);
    let v = p
        .one(&["0", "1.5", "2.25", "12", "33.3", "100", "0.001"])
        .to_string();
    give(p, "d", v);
    let v = p
        .one(&["0", "10.00", "1234.56", "5000", "0.01"])
        .to_string();
    give(p, "m", v);
    let v = format!("\"{}\"", p.one(&LEVELS));
    give(p, "level", v);
    let v = format!(
        "\"{}\"",
        p.one(&[
            "2019-03-31",
            "2020-02-29",
            "2022-08-31",
            "2023-09-01",
            "2024-06-30"
        ])
    );
    give(p, "born", v);
    let v = format!("\"{}\"", p.one(&["low", "x", "", "a b"]));
    give(p, "note", v);
    let v = p.one(&["true", "false"]).to_string();
    give(p, "flag", v);
    let v = p.one(&["true", "false"]).to_string();
    give(p, "on_roll", v);
    format!("{{{}}}", fields.join(", "))
}

struct Gen<'p> {
    p: &'p mut dyn Pick,
    scope: Scope,
}

impl Gen<'_> {
    fn family(&mut self, name: &str) -> String {
        let mut steps = Vec::new();
        let mut outputs = Vec::new();
        for i in 0..1 + self.p.below(6) {
            let step = format!("s{i}");
            let (text, made) = self.step(&step);
            steps.push(text);
            for (n, ty) in made {
                if outputs.len() < 6 && !self.p.chance(3) {
                    outputs.push(self.output(&n, &ty));
                }
                self.scope.names.push((n, ty));
            }
        }
        if outputs.is_empty() || self.p.chance(4) {
            let e = self.num(2);
            let format =
                self.p
                    .one(&["", "", r#", "format": "money""#, r#", "format": "decimal""#]);
            outputs.push(format!(
                r#"{{"name": "x{}", "value": {e:?}{format}}}"#,
                outputs.len()
            ));
        }
        let flags: Vec<String> = (0..self.p.below(3))
            .map(|i| {
                format!(
                    r#"{{"flag": "flag{i}", "when": {:?}, "reason": {:?}}}"#,
                    self.condition(),
                    self.template()
                )
            })
            .collect();
        let reasons: Vec<String> = (0..self.p.below(3))
            .map(|_| {
                let text = self.template();
                if self.p.chance(4) {
                    format!(r#"{{"text": {text:?}}}"#)
                } else {
                    format!(r#"{{"when": {:?}, "text": {text:?}}}"#, self.condition())
                }
            })
            .collect();
        format!(
            r#"{{"name": "{name}", "title": "Family {name}", "steps": [{}],
  "outputs": [{}], "flags": [{}], "reasons": [{}]}}"#,
            steps.join(",\n  "),
            outputs.join(", "),
            flags.join(", "),
            reasons.join(", ")
        )
    }

    fn output(&mut self, name: &str, ty: &Ty) -> String {
        let format = match ty {
            Ty::Int | Ty::Num => self.p.one(&["", "", "", r#", "format": "money""#]),
            _ => "",
        };
        let out = name.replace('.', "_");
        format!(r#"{{"name": "{out}", "value": "{name}"{format}}}"#)
    }

    /// A condition of a reason or flag: often a plain name or a constant.
    fn condition(&mut self) -> String {
        match self.p.below(4) {
            0 => self.p.one(&["flag", "on_roll"]).to_string(),
            1 => self.p.one(&["true", "false"]).to_string(),
            _ => self.boolean(2),
        }
    }

    fn template(&mut self) -> String {
        let hole = match self.p.below(5) {
            0 => self.num(1),
            1 => self.text(1),
            2 => self.boolean(1),
            3 => {
                let e = self.num(1);
                return format!("paid {{{e}:money}}");
            }
            _ => self.any_name(),
        };
        format!("because {{{hole}}}")
    }

    fn any_name(&mut self) -> String {
        let all = self.scope.of(|_| true);
        self.p.one(&all).to_string()
    }

    /// A step and the names (with types) it makes.
    fn step(&mut self, name: &str) -> (String, Vec<(String, Ty)>) {
        let mut extra = String::new();
        if self.p.chance(5) {
            extra.push_str(&format!(r#", "when": {:?}"#, self.boolean(2)));
        }
        if self.p.chance(5) {
            extra.push_str(&format!(r#", "reason": {:?}"#, self.template()));
        }
        let (body, made) = match self.p.below(9) {
            0 | 1 => self.let_step(name),
            2 => self.stop_step(name),
            3 => self.score_step(name),
            4 => self.ranges_step(name),
            5 | 6 => self.table_step(name),
            7 => self.lookup_step(name),
            _ => self.money_step(name),
        };
        (format!(r#"{{"name": "{name}"{extra}, {body}}}"#), made)
    }

    fn let_step(&mut self, name: &str) -> (String, Vec<(String, Ty)>) {
        let (e, ty) = match self.p.below(5) {
            0 | 1 => (self.num(3), Ty::Num),
            2 => (self.boolean(3), Ty::Bool),
            3 => {
                let e = self.text(2);
                let words = self.scope.union(std::slice::from_ref(&e));
                (e, Ty::Text(words))
            }
            _ => (self.date(), Ty::Date),
        };
        (format!(r#""let": {e:?}"#), vec![(name.to_string(), ty)])
    }

    fn stop_step(&mut self, name: &str) -> (String, Vec<(String, Ty)>) {
        let status = self.p.one(&["not_applicable", "ineligible", "error"]);
        let body = format!(
            r#""stop": {{"when": {:?}, "status": "{status}", "reason": {:?}}}"#,
            self.boolean(2),
            self.template()
        );
        (body, vec![(name.to_string(), Ty::Bool)])
    }

    fn score_step(&mut self, name: &str) -> (String, Vec<(String, Ty)>) {
        let combine = match self.p.below(3) {
            0 => "\"sum\"".to_string(),
            1 => "\"max\"".to_string(),
            _ => format!(r#"{{"sum_of_top": {}}}"#, 1 + self.p.below(2)),
        };
        let mut rows = Vec::new();
        for input in ["p", "q", "level"] {
            if rows.is_empty() || !self.p.chance(3) {
                let keys: Vec<String> = if input == "level" {
                    LEVELS.map(String::from).to_vec()
                } else {
                    (0..=10).map(|l| l.to_string()).collect()
                };
                let mut levels = Vec::new();
                for k in &keys {
                    {
                        let w = self
                            .p
                            .one(&["0", "1", "2", "3", "5", "\"2.5\"", "\"0.75\"", "10"]);
                        levels.push(format!("\"{k}\": {w}"));
                    }
                }
                rows.push(format!(
                    r#"{{"input": "{input}", "levels": {{{}}}}}"#,
                    levels.join(", ")
                ));
            }
        }
        let body = format!(
            r#""score": {{"combine": {combine}, "weights": [{}]}}"#,
            rows.join(", ")
        );
        (body, vec![(name.to_string(), Ty::Num)])
    }

    fn ranges_step(&mut self, name: &str) -> (String, Vec<(String, Ty)>) {
        let of = self.num(2);
        let mut at = self.p.below(3) as i64 - 1;
        let mut ranges = Vec::new();
        let labels = ["A", "B", "C", "D"];
        let n = 1 + self.p.below(4);
        for (i, label) in labels.iter().take(n).enumerate() {
            let width = 1 + self.p.below(6) as i64;
            let top = if i + 1 == n && self.p.chance(2) {
                String::new()
            } else if self.p.chance(2) {
                format!(r#", "below": {}"#, at + width)
            } else {
                // `max` is inclusive: the next range starts at the next whole number, and
                // fractions between them fall in the gap.
                let max = at + width;
                ranges.push(format!(
                    r#"{{"label": "{label}", "min": {at}, "max": {max}}}"#
                ));
                at = max + 1;
                continue;
            };
            ranges.push(format!(r#"{{"label": "{label}", "min": {at}{top}}}"#));
            at += width;
        }
        let outside = self.p.one(&["error", "no_value"]);
        let body = format!(
            r#""ranges": {{"of": {of:?}, "outside": "{outside}", "allow_gaps": true, "ranges": [{}]}}"#,
            ranges.join(", ")
        );
        let labels = labels.iter().take(n).map(|l| l.to_string()).collect();
        (body, vec![(name.to_string(), Ty::Text(labels))])
    }

    fn table_step(&mut self, name: &str) -> (String, Vec<(String, Ty)>) {
        let policy = self.p.one(&POLICIES);
        let numeric = policy.starts_with("COLLECT ") && policy != "COLLECT COUNT";
        let two = !numeric && policy != "COLLECT COUNT" && self.p.chance(2);
        let outs: Vec<&str> = if two {
            vec!["band", "rate"]
        } else {
            vec!["band"]
        };
        let priority = ["high", "mid", "low"];
        let cells = self.p.chance(3);
        let mut rows = Vec::new();
        let mut given: Vec<String> = Vec::new();
        for _ in 0..1 + self.p.below(4) {
            let when = if cells {
                let a = self.p.one(&[
                    "-",
                    "'low'",
                    "'mid'",
                    "in ['mid', 'high']",
                    "not in ['low']",
                ]);
                let b = self
                    .p
                    .one(&["-", ">= 3", "< 5", "7", "in [1..4]", "not in [0, 10]"]);
                format!(r#"["{a}", "{b}"]"#)
            } else {
                format!("{:?}", self.boolean(2))
            };
            let mut then = Vec::new();
            for (i, o) in outs.iter().enumerate() {
                let v = if numeric || i == 1 {
                    self.num(2)
                } else if policy == "PRIORITY" {
                    format!("'{}'", self.p.one(&priority))
                } else {
                    self.text(1)
                };
                if i == 0 {
                    given.push(v.clone());
                }
                then.push(format!("\"{o}\": {v:?}"));
            }
            let reason = if self.p.chance(3) {
                format!(r#", "reason": {:?}"#, self.template())
            } else {
                String::new()
            };
            rows.push(format!(
                r#"{{"when": {when}, "then": {{{}}}{reason}}}"#,
                then.join(", ")
            ));
        }
        let inputs = if cells {
            r#""inputs": ["level", "p"], "#
        } else {
            ""
        };
        let prio = if policy == "PRIORITY" {
            r#", "priority": ["high", "mid", "low"]"#
        } else {
            ""
        };
        let default = if policy != "COLLECT COUNT" && self.p.chance(2) {
            let d: Vec<String> = outs
                .iter()
                .enumerate()
                .map(|(i, o)| {
                    let v = if numeric || i == 1 { "0" } else { "'low'" };
                    if i == 0 {
                        given.push(v.to_string());
                    }
                    format!("\"{o}\": \"{v}\"")
                })
                .collect();
            format!(r#", "default": {{{}}}"#, d.join(", "))
        } else {
            String::new()
        };
        let outputs: Vec<String> = outs.iter().map(|o| format!("\"{o}\"")).collect();
        let body = format!(
            r#""table": {{"hit_policy": "{policy}", {inputs}"outputs": [{}]{prio}, "rows": [{}]{default}}}"#,
            outputs.join(", "),
            rows.join(", ")
        );
        let listed = matches!(policy, "RULE ORDER" | "COLLECT");
        let ty = |i: usize| {
            if listed {
                Ty::List
            } else if numeric || policy == "COLLECT COUNT" || i == 1 {
                Ty::Num
            } else {
                Ty::Text(self.scope.union(&given))
            }
        };
        let made = if outs.len() == 1 {
            vec![(name.to_string(), ty(0))]
        } else {
            outs.iter()
                .enumerate()
                .map(|(i, o)| (format!("{name}.{o}"), ty(i)))
                .collect()
        };
        (body, made)
    }

    fn lookup_step(&mut self, name: &str) -> (String, Vec<(String, Ty)>) {
        let two = self.p.chance(2);
        let mut values = Vec::new();
        for l in LEVELS {
            if self.p.chance(6) {
                continue;
            }
            let cell = |g: &mut Gen| {
                g.p.one(&[
                    "\"1000.00\"",
                    "0",
                    "\"2500.50\"",
                    "4000",
                    "null",
                    "\"12.345\"",
                ])
                .to_string()
            };
            let v = if two {
                let mut inner = Vec::new();
                for b in ["true", "false"] {
                    if !self.p.chance(5) {
                        inner.push(format!("\"{b}\": {}", cell(self)));
                    }
                }
                format!("{{{}}}", inner.join(", "))
            } else {
                cell(self)
            };
            values.push(format!("\"{l}\": {v}"));
        }
        let keys = if two {
            format!(r#"["level", {:?}]"#, self.boolean(1))
        } else {
            r#"["level"]"#.to_string()
        };
        let body = format!(
            r#""lookup": {{"keys": {keys}, "values": {{{}}}}}"#,
            values.join(", ")
        );
        (body, vec![(name.to_string(), Ty::Num)])
    }

    fn money_step(&mut self, name: &str) -> (String, Vec<(String, Ty)>) {
        let rate = self.num(2);
        let basis = self.p.one(&[
            "per_year",
            "per_term",
            "per_month",
            "per_week",
            "per_hour",
            "one_off",
        ]);
        let mut body = format!(r#""money": {{"rate": {rate:?}, "basis": "{basis}""#);
        match basis {
            "per_term" if self.p.chance(2) => body.push_str(r#", "terms": "2""#),
            "per_month" if self.p.chance(2) => body.push_str(r#", "months": "q""#),
            "per_week" => body.push_str(r#", "weeks": "39""#),
            "per_hour" => body.push_str(r#", "weeks": "38", "hours": "p""#),
            _ => {}
        }
        match self.p.below(4) {
            0 => body.push_str(r#", "prorate": {"by": "days", "part": "p * 19", "whole": "190"}"#),
            1 => body.push_str(r#", "prorate": {"by": "hours", "part": "q", "whole": "30"}"#),
            2 => body.push_str(
                r#", "prorate": {"by": "periods", "periods": "if flag then ['autumn', 'spring'] else ['summer']", "weights": {"autumn": "0.4", "spring": "0.3", "summer": "0.3"}}"#,
            ),
            _ => {}
        }
        if self.p.chance(3) {
            body.push_str(&format!(r#", "cap": {:?}"#, self.num(1)));
        }
        if !self.p.chance(4) {
            let mode = self.p.one(&MODES);
            body.push_str(&format!(
                r#", "round": {{"mode": "{mode}", "places": {}}}"#,
                self.p.below(4)
            ));
        }
        body.push('}');
        (body, vec![(name.to_string(), Ty::Num)])
    }

    /// A number expression, `depth` levels deep at most.
    fn num(&mut self, depth: usize) -> String {
        let names = self.scope.of(|t| matches!(t, Ty::Int | Ty::Num));
        let leaf = depth == 0 || self.p.chance(3);
        if leaf {
            return match self.p.below(3) {
                0 => self.p.below(13).to_string(),
                1 => self
                    .p
                    .one(&["2.5", "0.25", "1.333", "100.00", "0.1"])
                    .to_string(),
                _ => self.p.one(&names).to_string(),
            };
        }
        let d = depth - 1;
        let e = self.num_node(d);
        format!("({e})")
    }

    fn num_node(&mut self, d: usize) -> String {
        let names = self.scope.of(|t| matches!(t, Ty::Int | Ty::Num));
        match self.p.below(13) {
            0 => {
                let op = self.p.one(&["+", "-", "*", "/"]);
                format!("({} {op} {})", self.num(d), self.num(d))
            }
            1 => format!("-({})", self.num(d)),
            2 => {
                let f = self.p.one(&["min", "max"]);
                format!("{f}({}, {})", self.num(d), self.num(d))
            }
            3 => {
                let f = self.p.one(&["abs", "floor", "ceil"]);
                format!("{f}({})", self.num(d))
            }
            4 => {
                let places = self.p.below(4);
                if self.p.chance(2) {
                    format!("round({}, {places})", self.num(d))
                } else {
                    let mode = self.p.one(&MODES);
                    format!("round({}, {places}, '{mode}')", self.num(d))
                }
            }
            5 => {
                let n = self.p.one(&["2", "2.5", "5"]);
                let extra = self.p.one(&["", ", null", ", q"]);
                format!(
                    "count_at_least({n}, {}, {}{extra})",
                    self.num(d),
                    self.num(d)
                )
            }
            6 => format!("count_true({}, {})", self.boolean(d), self.boolean(d)),
            7 => {
                if self.p.chance(2) {
                    "age_months(born)".to_string()
                } else {
                    format!("days_between({}, {})", self.date(), self.date())
                }
            }
            8 => format!(
                "if {} then {} else {}",
                self.boolean(d),
                self.num(d),
                self.num(d)
            ),
            9 => {
                let name = self.p.one(&names).to_string();
                format!("coalesce({name}, {})", self.num(d))
            }
            10 => match self.p.below(3) {
                0 => format!("len([{}, {}])", self.text(d), self.text(d)),
                1 => "len(note)".to_string(),
                _ => {
                    let lists = self.scope.of(|t| *t == Ty::List);
                    match lists.first() {
                        Some(l) => format!("len({l})"),
                        None => "len(['a'])".to_string(),
                    }
                }
            },
            11 => format!("sum([{}, {}])", self.num(d), self.num(d)),
            _ => names
                .first()
                .map_or_else(|| "1".to_string(), |n| n.to_string()),
        }
    }

    /// A condition, `depth` levels deep at most.
    fn boolean(&mut self, depth: usize) -> String {
        let names = self.scope.of(|t| *t == Ty::Bool);
        if depth == 0 || self.p.chance(4) {
            return match self.p.below(3) {
                0 => self.p.one(&["true", "false"]).to_string(),
                _ => self.p.one(&names).to_string(),
            };
        }
        let d = depth - 1;
        let e = self.boolean_node(d);
        format!("({e})")
    }

    fn boolean_node(&mut self, d: usize) -> String {
        match self.p.below(11) {
            0 => {
                let op = self.p.one(&["<", "<=", ">", ">=", "==", "!="]);
                let (a, b) = (self.num(d), self.num(d));
                // `p == 0.25` never holds for a whole number from 0 to 10: a load error.
                let whole = |x: &str| x == "p" || x == "q";
                let literal = |x: &str| x.parse::<f64>().is_ok();
                let (a, b) = if (whole(&a) && literal(&b)) || (whole(&b) && literal(&a)) {
                    let n = self.p.one(&["0", "3", "10"]).to_string();
                    if literal(&b) {
                        (a, n)
                    } else {
                        (n, b)
                    }
                } else {
                    (a, b)
                };
                format!("{a} {op} {b}")
            }
            1 => {
                let op = self.p.one(&["==", "!=", "<"]);
                let (a, b) = (self.text(d), self.text(d));
                // A literal compared with a labelled name must be one of its labels, as the
                // engine requires at load.
                let fit = |me: &mut Self, name: &str, lit: String| match me.scope.words(name) {
                    Some(ws) if lit.starts_with('\'') && !name.starts_with('\'') => {
                        format!(
                            "'{}'",
                            me.p.one(&ws.iter().map(String::as_str).collect::<Vec<_>>())
                        )
                    }
                    _ => lit,
                };
                let b = fit(self, &a, b);
                let a = fit(self, &b, a);
                format!("{a} {op} {b}")
            }
            2 => {
                let not = self.p.one(&["", "not "]);
                let t = self.text(d);
                let list = match self.scope.words(&t) {
                    Some(ws) if !t.starts_with('\'') && !ws.is_empty() => {
                        let two: Vec<String> =
                            ws.iter().take(2).map(|w| format!("'{w}'")).collect();
                        two.join(", ")
                    }
                    _ => "'low', 'mid'".to_string(),
                };
                format!("{t} {not}in [{list}]")
            }
            3 => {
                let not = self.p.one(&["", "not "]);
                format!("{} {not}in [2..6]", self.num(d))
            }
            4 => format!("not ({})", self.boolean(d)),
            5 => {
                let op = self.p.one(&["and", "or"]);
                format!("({} {op} {})", self.boolean(d), self.boolean(d))
            }
            6 => {
                let all = self.scope.of(|_| true);
                format!("given({})", self.p.one(&all))
            }
            7 => {
                let op = self.p.one(&["<", ">=", "=="]);
                format!("{} {op} {}", self.date(), self.date())
            }
            8 => format!("note == {}", self.p.one(&["'low'", "'x'", "note"])),
            9 => format!(
                "if {} then {} else {}",
                self.boolean(d),
                self.boolean(d),
                self.boolean(d)
            ),
            _ => format!("{} in [1, 3, q]", self.num(d)),
        }
    }

    /// A text among the levels (or a label a step gives), `depth` levels deep at most.
    fn text(&mut self, depth: usize) -> String {
        let names = self.scope.of(|t| matches!(t, Ty::Text(_)));
        if depth == 0 || self.p.chance(3) {
            return match self.p.below(2) {
                0 => format!("'{}'", self.p.one(&LEVELS)),
                _ => self.p.one(&names).to_string(),
            };
        }
        let d = depth - 1;
        let e = self.text_node(d);
        format!("({e})")
    }

    fn text_node(&mut self, d: usize) -> String {
        let names = self.scope.of(|t| matches!(t, Ty::Text(_)));
        match self.p.below(4) {
            0 => format!(
                "if {} then {} else {}",
                self.boolean(d),
                self.text(d),
                self.text(d)
            ),
            1 => format!("coalesce(note, {})", self.text(d)),
            2 => format!("min({}, {})", self.text(d), self.text(d)),
            _ => format!("coalesce({}, 'low')", self.p.one(&names)),
        }
    }

    fn date(&mut self) -> String {
        self.p
            .one(&["born", "on", "date('2024-01-01')", "date('2021-09-01')"])
            .to_string()
    }
}
