//! The policy playground's engine: a base rule set, a cohort as the page was given it, and a list
//! of rule changes (an extending version's `changes`) costed by the comparison `sendband diff` runs.
//!
//! A browser page edits values, weights, bounds, rows and constants; each edit is a [`Change`],
//! applied to the base with the checks and messages of loading an extending version. Every
//! answer is JSON text (or a file's text), as the WASM module hands it to the page.
//!
//! ```
//! use sendband::{playground::Playground, Date, RuleSet};
//! let on: Date = "2024-09-01".parse().unwrap();
//! let bundle = serde_json::to_string(RuleSet::embedded(on).unwrap().bundle()).unwrap();
//! let mut play = Playground::open(&bundle, "haringey.json", Some("2024-09-01")).unwrap();
//! let cohort = r#"{"case_id": "A", "date_of_birth": "2015-03-01", "setting": "mainstream_school", "ehcp": "issued", "needs": {"cognition_learning": 3}, "attendance": {"days_on_roll": 95}}"#;
//! play.read_cohort("cohort.jsonl", cohort.as_bytes().to_vec()).unwrap();
//! let changes = r#"[{"family": "topup", "step": "annual_value", "values": {"B": {"mainstream_school": "2000"}}}]"#;
//! let shown = play.recompute(changes, "2024-25 edited").unwrap();
//! assert!(shown.contains(r#""cost_change":"#));
//! // A change that names no cell of the lookup is refused, as loading a rule file refuses it.
//! let refused = play.recompute(r#"[{"family": "topup", "step": "annual_value", "values": {"Z": {"mainstream_school": "1"}}}]"#, "x");
//! assert!(refused.unwrap_err().to_string().contains("$[0]"));
//! ```

use crate::batch::Format;
use crate::error::LoadError;
use crate::format::{BuiltOn, Bundle, Change, Extension, Provenance};
use crate::impact::{self, Attribution, Cohort, Impact, ImpactError};
use crate::ruleset::{changes, source};
use crate::{Date, RuleSet};
use serde_json::{json, Value};

/// How many cases lint explores after an edit: fewer than `sendband lint`'s 200,000, so that
/// its findings follow an edit within a second or so in a browser.
pub const LINT_CASES: u64 = 20_000;

/// A base rule set and the cohort compared under it and under the changes given.
pub struct Playground {
    base: RuleSet,
    on: Date,
    cohort: Option<Held>,
    progress: Option<std::cell::RefCell<Progress>>,
}

/// Told how far a comparison has got: the pass over the cohort (from 1; each rule change of
/// several is costed by a pass of its own), how many passes there are, and the share of the
/// cohort's bytes that pass has read. A page shows it while a large cohort is compared.
pub type Progress = Box<dyn FnMut(u32, u32, f64)>;

/// A cohort file as the page was given it, read again by each comparison through the batch's
/// row reader.
struct Held {
    name: String,
    format: Format,
    bytes: Vec<u8>,
}

/// Why the playground could not answer.
#[derive(Debug, thiserror::Error)]
pub enum PlaygroundError {
    /// The base rule set (a bundle) does not load, or is not in force on the date.
    #[error("{0}")]
    Rules(LoadError),
    /// The date is not a date.
    #[error("{0:?} is not a date (YYYY-MM-DD)")]
    Date(String),
    /// The changes are refused: not a list of changes, or one does not fit the rules.
    #[error("{0}")]
    Change(LoadError),
    /// The cohort cannot be read (its format or header), or the comparison stopped.
    #[error("{0}")]
    Cohort(ImpactError),
    /// A comparison was asked for before any cohort was read.
    #[error("no cohort has been read yet")]
    NoCohort,
}

impl PlaygroundError {
    /// `{"error": {"kind", "message"}}`, as the page shows it.
    pub fn to_json(&self) -> String {
        let kind = match self {
            PlaygroundError::Rules(_) => "invalid_rules",
            PlaygroundError::Date(_) => "invalid_date",
            PlaygroundError::Change(_) => "invalid_change",
            PlaygroundError::Cohort(_) => "invalid_cohort",
            PlaygroundError::NoCohort => "no_cohort",
        };
        json!({"error": {"kind": kind, "message": self.to_string()}}).to_string()
    }
}

impl Playground {
    /// The rule set of a bundle's `text` (named `file` in messages) as the base, every case
    /// evaluated on `on` (default: the day it comes into force).
    pub fn open(text: &str, file: &str, on: Option<&str>) -> Result<Playground, PlaygroundError> {
        let base = RuleSet::from_bundle(file, text).map_err(PlaygroundError::Rules)?;
        let on = match on {
            Some(day) => day
                .parse::<Date>()
                .map_err(|_| PlaygroundError::Date(day.to_string()))?,
            None => base.manifest().effective_from,
        };
        base.check_in_force(on).map_err(PlaygroundError::Rules)?;
        Ok(Playground {
            base,
            on,
            cohort: None,
            progress: None,
        })
    }

    /// `{"bundle", "digest", "on"}`: the base rule set as a bundle (what a page makes its edit
    /// forms from), its digest, and the day cases are evaluated on.
    pub fn describe(&self) -> String {
        json!({
            "bundle": self.base.bundle(),
            "digest": self.base.digest(),
            "on": self.on.to_string(),
        })
        .to_string()
    }

    /// Be told how far each comparison has got (see [`Progress`]).
    pub fn on_progress(&mut self, progress: Progress) {
        self.progress = Some(std::cell::RefCell::new(progress));
    }

    /// What reads the cohort for pass `pass` of `passes`, telling [`Progress`] as it goes.
    fn reading<'a>(&'a self, held: &'a Held, pass: u32, passes: u32) -> Cohort<Counting<'a>> {
        let tell = move |done: f64| {
            if let Some(p) = &self.progress {
                if let Ok(mut p) = p.try_borrow_mut() {
                    p(pass, passes, done);
                }
            }
        };
        held.cohort(Box::new(tell))
    }

    /// The base rule set.
    pub fn base(&self) -> &RuleSet {
        &self.base
    }

    /// The day every case is evaluated on.
    pub fn on(&self) -> Date {
        self.on
    }

    /// Hold the cohort file `name` (`.jsonl`, `.ndjson`, `.csv` or `.xlsx`) and read it under
    /// the base rules: `{"rows", "compared", "rejected": [{"row", "case_id", "message"}]}`.
    pub fn read_cohort(&mut self, name: &str, bytes: Vec<u8>) -> Result<String, PlaygroundError> {
        // As a batch tells its input's format (`-`, standard input to a batch, is no file here).
        let format = match Format::of(std::path::Path::new(name)) {
            Ok(format) if name != "-" => format,
            _ => {
                return Err(PlaygroundError::Cohort(ImpactError::Cohort {
                    file: name.to_string(),
                    message: impact::NOT_A_COHORT.to_string(),
                }))
            }
        };
        let held = Held {
            name: name.to_string(),
            format,
            bytes,
        };
        let read = impact::compare(
            &self.base,
            &self.base,
            self.on,
            self.reading(&held, 1, 1),
            &held.name,
            &mut |_| Ok(()),
        )
        .map_err(PlaygroundError::Cohort)?;
        self.cohort = Some(held);
        Ok(json!({
            "rows": read.rows,
            "compared": read.compared,
            "rejected": rejected(&read),
        })
        .to_string())
    }

    /// The base with `changes` (a JSON list of changes) applied in order, named `version` and
    /// marked a draft: refused, with the loader's message and the change's JSON path, when a
    /// change does not fit.
    pub fn proposed(&self, changes: &str, version: &str) -> Result<RuleSet, PlaygroundError> {
        self.proposed_with(changes, version).map(|(rules, _)| rules)
    }

    /// [`Playground::proposed`], and the changes as read.
    fn proposed_with(
        &self,
        changes: &str,
        version: &str,
    ) -> Result<(RuleSet, Vec<Change>), PlaygroundError> {
        let (bundle, list) = self.proposed_bundle(changes, version)?;
        let rules = impact::compiled(&bundle, "the proposed rules").map_err(|e| {
            PlaygroundError::Change(LoadError::Invalid {
                file: "changes".to_string(),
                json_path: "$".to_string(),
                message: e.to_string(),
                help: None,
            })
        })?;
        Ok((rules, list))
    }

    fn proposed_bundle(
        &self,
        changes: &str,
        version: &str,
    ) -> Result<(Bundle, Vec<Change>), PlaygroundError> {
        let list: Vec<Change> =
            source::parse_json("changes", changes).map_err(PlaygroundError::Change)?;
        let (mut bundle, _) =
            changes::apply_all(self.base.bundle(), &list).map_err(PlaygroundError::Change)?;
        let version = version.trim();
        if !version.is_empty() {
            bundle.manifest.version = version.to_string();
        }
        if bundle.manifest.version == self.base.manifest().version {
            bundle.manifest.version = format!("{} (edited)", bundle.manifest.version);
        }
        bundle.manifest.provenance = Provenance::Draft;
        // Built on the base by these changes, so a diff of the downloaded bundle lists them.
        let built_on = BuiltOn {
            version: self.base.manifest().version.clone(),
            digest: self.base.digest().to_string(),
            changes: list,
        };
        bundle.built_on = Some(built_on.raw().map_err(|e| {
            PlaygroundError::Change(LoadError::Invalid {
                file: "changes".to_string(),
                json_path: "$".to_string(),
                message: e.to_string(),
                help: None,
            })
        })?);
        Ok((bundle, built_on.changes))
    }

    /// The impact of `changes` on the cohort: the figures `sendband diff` gives (and its report
    /// renders, as `figures`: the same HTML), each rule change with what it cost, and the rule
    /// set's own tests run on the proposed rules.
    pub fn recompute(&self, changes: &str, version: &str) -> Result<String, PlaygroundError> {
        let (proposed, list) = self.proposed_with(changes, version)?;
        let (impact, attributed) = self.compare(&proposed, &list)?;
        let tests = crate::testing::run(&proposed);
        Ok(json!({
            "digest": proposed.digest(),
            "cost_base": impact.cost_base().to_string(),
            "cost_proposed": impact.cost_proposed().to_string(),
            "cost_change": impact.cost_change().to_string(),
            "shown": {
                "cost_base": impact::money(impact.cost_base()),
                "cost_proposed": impact::money(impact.cost_proposed()),
                "cost_change": impact::signed(impact.cost_change()),
            },
            "compared": impact.compared,
            "changed": impact.changed,
            "families": impact.families.iter().map(|f| json!({
                "family": f.family,
                "title": f.title,
                "has_amount": f.has_amount,
                "cost_base": f.cost_base.to_string(),
                "cost_proposed": f.cost_proposed.to_string(),
                "gain": f.gain,
                "lose": f.lose,
                "stay": f.stay,
            })).collect::<Vec<_>>(),
            "rule_changes": attributed.iter().map(|a| json!({
                "words": a.words,
                "cost": a.cost.to_string(),
                "cases": a.cases,
            })).collect::<Vec<_>>(),
            "tests": {
                "passed": tests.passed,
                "failures": tests.failures.iter().map(|f| json!({
                    "name": f.name,
                    "problems": f.problems,
                })).collect::<Vec<_>>(),
            },
            "figures": impact::figures(&impact, &attributed),
        })
        .to_string())
    }

    /// Lint's findings for the proposed rules, `cases` explored:
    /// `{"findings": [{"severity", "check", "place", "message"}], "explored"}`.
    pub fn lint(
        &self,
        changes: &str,
        version: &str,
        cases: u64,
    ) -> Result<String, PlaygroundError> {
        let proposed = self.proposed(changes, version)?;
        let options = crate::lint::Options {
            on: Some(self.on),
            cases,
        };
        let report = crate::lint::lint_with(&proposed, options);
        Ok(json!({"findings": report.findings, "explored": report.explored}).to_string())
    }

    /// The proposed rules as a bundle, as `sendband bundle` writes one.
    pub fn bundle(&self, changes: &str, version: &str) -> Result<String, PlaygroundError> {
        let (bundle, _) = self.proposed_bundle(changes, version)?;
        pretty(&bundle)
    }

    /// The proposed rules as a version folder's `ruleset.json` that extends the base's
    /// version: only the changes, to put beside the base's folder.
    pub fn extension(&self, changes: &str, version: &str) -> Result<String, PlaygroundError> {
        let (bundle, list) = self.proposed_bundle(changes, version)?;
        let ext = Extension {
            extends: self.base.manifest().version.clone(),
            version: bundle.manifest.version,
            title: None,
            effective_from: None,
            effective_to: None,
            provenance: Some(Provenance::Draft),
            sources: None,
            notes: None,
            changes: list,
        };
        pretty(&ext)
    }

    /// The impact report, the same self-contained HTML as `sendband diff --report`.
    pub fn report(&self, changes: &str, version: &str) -> Result<String, PlaygroundError> {
        let (proposed, list) = self.proposed_with(changes, version)?;
        let (impact, attributed) = self.compare(&proposed, &list)?;
        let title = impact::ReportTitle::of(
            self.base.manifest(),
            proposed.manifest(),
            self.on,
            &self.held()?.name,
        );
        Ok(impact::report(&impact, &title, &attributed))
    }

    /// Every case whose result changes, as the CSV `sendband diff --changes` writes.
    pub fn changes_csv(&self, changes: &str, version: &str) -> Result<String, PlaygroundError> {
        let proposed = self.proposed(changes, version)?;
        let held = self.held()?;
        let mut out = String::from(impact::CHANGES_HEADER);
        impact::compare(
            &self.base,
            &proposed,
            self.on,
            self.reading(held, 1, 1),
            &held.name,
            &mut |c| {
                out.push_str(&impact::change_row(c));
                Ok(())
            },
        )
        .map_err(PlaygroundError::Cohort)?;
        Ok(out)
    }

    fn held(&self) -> Result<&Held, PlaygroundError> {
        self.cohort.as_ref().ok_or(PlaygroundError::NoCohort)
    }

    /// The whole comparison, and each change costed alone.
    fn compare(
        &self,
        proposed: &RuleSet,
        list: &[Change],
    ) -> Result<(Impact, Vec<Attribution>), PlaygroundError> {
        let held = self.held()?;
        let passes = if list.len() > 1 {
            1 + list.len() as u32
        } else {
            1
        };
        let whole = impact::compare(
            &self.base,
            proposed,
            self.on,
            self.reading(held, 1, passes),
            &held.name,
            &mut |_| Ok(()),
        )
        .map_err(PlaygroundError::Cohort)?;
        if let [only] = list {
            // One change alone is the whole difference: its own pass would be the same one.
            let attributed = vec![Attribution {
                change: Some(only.clone()),
                words: impact::words(only, self.base.bundle()),
                cost: whole.cost_change(),
                cases: whole.changed,
            }];
            return Ok((whole, attributed));
        }
        let mut pass = 1;
        let mut open = || {
            pass += 1;
            Ok(self.reading(held, pass, passes))
        };
        let attributed =
            impact::attribute_changes(&self.base, list, self.on, &mut open, &held.name)
                .map_err(PlaygroundError::Cohort)?;
        Ok((whole, attributed))
    }
}

impl Held {
    /// The cohort, read from the bytes held; `tell` hears the share read (an xlsx workbook is
    /// read whole at the start, so only its end is told).
    fn cohort<'a>(&'a self, tell: Box<dyn Fn(f64) + 'a>) -> Cohort<Counting<'a>> {
        let reader = Counting {
            rest: &self.bytes,
            total: self.bytes.len(),
            told: 0,
            tell,
        };
        match self.format {
            Format::Jsonl => Cohort::Jsonl(reader),
            Format::Csv => Cohort::Csv(reader),
            Format::Xlsx => {
                (reader.tell)(1.0);
                Cohort::Workbook(self.bytes.clone())
            }
        }
    }
}

/// The bytes of a cohort, read in place, telling how far through they are every 1/64th.
struct Counting<'a> {
    rest: &'a [u8],
    total: usize,
    told: usize,
    tell: Box<dyn Fn(f64) + 'a>,
}

impl Counting<'_> {
    fn advance(&mut self) {
        let done = self.total - self.rest.len();
        if done == self.total || done - self.told >= (self.total / 64).max(1) {
            self.told = done;
            (self.tell)(done as f64 / self.total.max(1) as f64);
        }
    }
}

impl std::io::Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.rest.read(buf)?;
        if n > 0 {
            self.advance();
        }
        Ok(n)
    }
}

impl std::io::BufRead for Counting<'_> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        Ok(self.rest)
    }

    fn consume(&mut self, n: usize) {
        self.rest = &self.rest[n.min(self.rest.len())..];
        if n > 0 {
            self.advance();
        }
    }
}

fn rejected(impact: &Impact) -> Vec<Value> {
    impact
        .rejected
        .iter()
        .map(|(row, case_id, message)| json!({"row": row, "case_id": case_id, "message": message}))
        .collect()
}

fn pretty<T: serde::Serialize>(value: &T) -> Result<String, PlaygroundError> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| {
        PlaygroundError::Change(LoadError::Invalid {
            file: "changes".to_string(),
            json_path: "$".to_string(),
            message: e.to_string(),
            help: None,
        })
    })?;
    text.push('\n');
    Ok(text)
}
