//! A rule set: loaded from a folder, an authority folder (the version in force on a date) or a
//! bundle, checked and compiled once, then shared read-only by every evaluation.

pub use crate::{error, format};
#[cfg(edits)]
pub mod changes;
#[cfg(edits)]
mod extend;
mod json_path;
mod select;
pub mod source;

use crate::decision::{Decision, RuleSetStamp};
use crate::expr::{Type, Value};
use crate::family::Family;
use crate::input::Input;
use crate::profile::{Facts, ProfileErrors};
use crate::steps::Names;
use crate::Date;
use error::{At, LoadError};
use format::{Bundle, Manifest, Provenance, TestSpec};
use sha2::{Digest, Sha256};
use source::{Folder, InMemory, Source};
use std::path::Path;
use std::sync::Arc;

/// The most rows a decision table may have: a rule set with more is refused at load.
pub use crate::steps::table::MAX_ROWS as MAX_TABLE_ROWS;
pub use select::{load_path, overlaps, versions_in, versions_listed};

/// A compiled rule set, immutable and safe to share across threads.
#[derive(Debug, Clone)]
pub struct RuleSet {
    source: Arc<Source>,
    digest: String,
    /// What every decision carries, made once.
    stamp: Arc<RuleSetStamp>,
    inputs: Vec<Input>,
    /// The inputs' dotted names as a tree, which profiles are decoded by.
    names: Arc<crate::profile::Names>,
    /// The checked families and constants, compiled: what every verb runs.
    program: Arc<crate::fast::Program>,
}

impl RuleSet {
    /// Load a rule-set folder (the one with `ruleset.json`).
    pub fn from_folder(path: &Path) -> Result<RuleSet, LoadError> {
        RuleSet::compile(source::read_folder(&Folder(path))?)
    }

    /// Load a rule set from files held in memory, named as if in folder `name`.
    pub fn from_files(name: &str, files: &[(&str, &str)]) -> Result<RuleSet, LoadError> {
        RuleSet::compile(source::read_folder(&InMemory { name, files })?)
    }

    /// Load a bundle's JSON text; `file` names it in error messages.
    pub fn from_bundle(file: &str, text: &str) -> Result<RuleSet, LoadError> {
        RuleSet::compile(source::read_bundle(file, text)?)
    }

    /// Load a bundle file from disk.
    pub fn from_bundle_file(path: &Path) -> Result<RuleSet, LoadError> {
        if let Ok(meta) = std::fs::metadata(path) {
            let shown = path.display().to_string();
            source::check_size(&shown, meta.len(), source::MAX_BUNDLE_BYTES, "a bundle")?;
        }
        let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
            path: path.display().to_string(),
            source,
        })?;
        RuleSet::from_bundle(&path.display().to_string(), &text)
    }

    /// The built-in rule set in force on `on`: of the versions compiled into this binary (the
    /// authority folder `rules/haringey`, drafts left out; see `build.rs`), the one
    /// `--rules rules/haringey` would pick. A date no version covers is an error that lists them.
    ///
    /// ```
    /// use sendband::{Date, RuleSet};
    /// let on: Date = "2025-01-15".parse().unwrap();
    /// assert_eq!(RuleSet::embedded(on).unwrap().manifest().version, "2024-25");
    /// let before: Date = "2020-01-15".parse().unwrap();
    /// let err = RuleSet::embedded(before).unwrap_err().to_string();
    /// assert!(err.contains("no version is in force on 2020-01-15"), "{err}");
    /// ```
    pub fn embedded(on: Date) -> Result<RuleSet, LoadError> {
        use crate::embedded::{built_in, VERSIONS};
        let manifests = VERSIONS
            .iter()
            .map(embedded_manifest)
            .collect::<Result<Vec<_>, LoadError>>()?;
        let manifests: Vec<&Manifest> = manifests.iter().collect();
        let (name, files) = VERSIONS[RuleSet::embedded_in_force(&manifests, on)?];
        RuleSet::from_files(&built_in(name), files)
    }

    /// Which built-in version is in force on `on`, given their manifests in the order of
    /// [`RuleSet::embedded_versions`]; or the error an authority folder gives, listing them.
    pub(crate) fn embedded_in_force(manifests: &[&Manifest], on: Date) -> Result<usize, LoadError> {
        use crate::embedded::{AUTHORITY, VERSIONS};
        let named: Vec<(String, &Manifest)> = VERSIONS
            .iter()
            .zip(manifests)
            .map(|((name, _), m)| (name.to_string(), *m))
            .collect();
        select::in_force(&format!("{AUTHORITY} (built in)"), &named, on)
    }

    /// Every built-in version, in date order: what `sendband test` checks without a path.
    pub fn embedded_versions() -> Result<Vec<RuleSet>, LoadError> {
        // build.rs lists them in date order.
        crate::embedded::VERSIONS
            .iter()
            .map(|(name, files)| RuleSet::from_files(&crate::embedded::built_in(name), files))
            .collect()
    }

    /// Check and compile parsed files.
    pub fn compile(source: Source) -> Result<RuleSet, LoadError> {
        let b = &source.bundle;
        let o = &source.origin;
        let mut names = Names::default();
        let mut inputs = Vec::new();
        for (i, spec) in b.inputs.iter().enumerate() {
            let at = o.inputs.join(&format!("[{i}]"));
            let input = Input::compile(spec, &at)?;
            if !names.add(&input.name, slot(inputs.len()), input.ty()) {
                return Err(at
                    .join(".name")
                    .invalid(format!("input {:?} is declared twice", input.name)));
            }
            if input.kind == format::InputKind::Money {
                names.mark_money(slot(inputs.len()));
            }
            if let Some(domain) = input.declared_values() {
                names.set_domain(&input.name, domain);
            }
            inputs.push(input);
        }
        for (i, input) in inputs.iter().enumerate() {
            for (j, needed) in input.requires.iter().enumerate() {
                if !inputs.iter().any(|x| x.name == *needed) || *needed == input.name {
                    return Err(o.inputs.join(&format!("[{i}].requires[{j}]")).invalid_with(
                        format!("{needed:?} is not another declared input"),
                        crate::suggest::did_you_mean(needed, inputs.iter().map(|x| &*x.name)),
                    ));
                }
            }
        }
        crate::input::check_ask_when(&b.inputs, &inputs, &o.inputs)?;
        let mut constants = Vec::new();
        for (name, value) in &b.manifest.constants {
            let ty = if value.0.fract().is_zero() {
                Type::Integer
            } else {
                Type::Number
            };
            if !names.add(name, slot(inputs.len() + constants.len()), ty) {
                return Err(o
                    .manifest
                    .join(&format!(".constants.{name}"))
                    .invalid(format!("constant {name:?} has the name of an input")));
            }
            constants.push(Value::Number(value.0));
        }
        // Read from a folder they were checked before any file was read; a bundle's are here.
        source::check_family_names(&b.manifest, &o.manifest)?;
        if b.manifest.families.is_empty() {
            return Err(o
                .manifest
                .join(".families")
                .invalid("a rule set needs at least one family"));
        }
        let mut next_slot = inputs.len() + constants.len();
        let mut families = Vec::new();
        for (i, spec) in b.families.iter().enumerate() {
            let at = o
                .families
                .get(i)
                .cloned()
                .unwrap_or_else(|| At::new("?", "$"));
            if b.manifest.families.get(i) != Some(&spec.name) {
                return Err(at.join(".name").invalid(format!(
                    "family {:?} does not match the manifest's families list ({})",
                    spec.name,
                    b.manifest.families.join(", ")
                )));
            }
            let family = Family::compile(spec, &names, &inputs, &mut next_slot, at)?;
            families.push(family);
        }
        if let Some(to) = b.manifest.effective_to {
            if to < b.manifest.effective_from {
                return Err(o
                    .manifest
                    .join(".effective_to")
                    .invalid("effective_to is before effective_from"));
            }
        }
        let digest = digest_of(b);
        let m = &source.bundle.manifest;
        let stamp = Arc::new(RuleSetStamp {
            id: m.id.clone(),
            version: m.version.clone(),
            provenance: m.provenance,
            digest: digest.clone(),
        });
        let program =
            crate::fast::Program::compile(&inputs, &constants, &families, next_slot, stamp.clone())
                .ok_or_else(|| {
                    o.manifest.join(".families").invalid(
                "a family has more than 64 flags, or the rule set more than four billion constants",
            )
                })?;
        let program = Arc::new(program);
        Ok(RuleSet {
            program,
            source: Arc::new(source),
            digest,
            stamp,
            names: Arc::new(crate::profile::Names::new(&inputs)),
            inputs,
        })
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.source.bundle.manifest
    }

    /// For a version written as changes to another (loaded from its folder): the version it
    /// extends, that version's digest, and the changes, in order.
    #[cfg(edits)]
    pub fn built_on(&self) -> Option<&format::BuiltOn> {
        self.source.origin.built_on.as_ref()
    }

    /// `sha256:` and the hex digest of the canonical JSON of manifest, inputs and families.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// The declared inputs, in order.
    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }

    /// The families, in order.
    pub fn families(&self) -> &[Family] {
        self.program.families()
    }

    /// The rule set's own tests, and where each is written.
    pub fn tests(&self) -> impl Iterator<Item = (&TestSpec, &At)> {
        self.source
            .bundle
            .tests
            .iter()
            .zip(&self.source.origin.tests)
    }

    /// The same rules compiled again into memory of their own: threads that each run a copy
    /// share no reference counts, which would otherwise bounce between cores on every value.
    pub(crate) fn compiled_again(&self) -> Result<RuleSet, LoadError> {
        RuleSet::compile((*self.source).clone())
    }

    /// The whole rule set as one bundle (what `sendband bundle` writes).
    pub fn bundle(&self) -> &Bundle {
        &self.source.bundle
    }

    /// Where the rule set was loaded from.
    pub fn origin(&self) -> &source::Origin {
        &self.source.origin
    }

    /// True when `on` is within the dates the rule set is in force.
    pub fn in_force_on(&self, on: Date) -> bool {
        self.manifest().in_force_on(on)
    }

    /// An error unless the rule set is in force on `on`.
    pub fn check_in_force(&self, on: Date) -> Result<(), LoadError> {
        if self.in_force_on(on) {
            return Ok(());
        }
        let m = self.manifest();
        Err(LoadError::NotInForce {
            id: m.id.clone(),
            version: m.version.clone(),
            span: span(m),
            on,
        })
    }

    /// The stamp every decision carries.
    pub fn stamp(&self) -> Arc<RuleSetStamp> {
        self.stamp.clone()
    }

    /// Validate a JSON profile against the declared inputs: every problem is reported, by
    /// field, in one error.
    pub fn facts_from_json(&self, text: &str) -> Result<Facts, ProfileErrors> {
        let mut decoder = self.decoder();
        decoder.json(text)?;
        Ok(decoder.into_facts())
    }

    /// A decoder of profiles for these inputs, whose buffers are reused profile after profile.
    pub(crate) fn decoder(&self) -> crate::profile::Decoder<'_> {
        crate::profile::Decoder::new(&self.inputs, &self.names)
    }

    /// The index of the declared input `name` (a dotted name) among [`RuleSet::inputs`], or
    /// why there is none, with the nearest name: what a command says of a wrong input name.
    pub(crate) fn input_slot(&self, name: &str) -> Result<usize, String> {
        self.names.slot(name).ok_or_else(|| {
            let hint = crate::suggest::did_you_mean(name, self.inputs.iter().map(|i| &*i.name))
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            format!("the rule set has no input {name:?}{hint}")
        })
    }

    /// The inputs' names as a tree.
    #[cfg(feature = "cohort")]
    pub(crate) fn names(&self) -> &crate::profile::Names {
        &self.names
    }

    /// Validate named fields (dotted names), e.g. from a CSV row or a form. `errors` carries
    /// problems found while reading them; all problems are reported together.
    pub fn facts_from_fields<'a>(
        &self,
        fields: impl IntoIterator<Item = (&'a str, crate::input::Raw<'a>)>,
        errors: Vec<crate::profile::FieldError>,
    ) -> Result<Facts, ProfileErrors> {
        let mut decoder = self.decoder();
        decoder.fields(fields, errors)?;
        Ok(decoder.into_facts())
    }

    /// Validate a profile (JSON text) and evaluate it on `on`.
    pub fn evaluate_json(&self, profile: &str, on: Date) -> Result<Decision, ProfileErrors> {
        let facts = self.facts_from_json(profile)?;
        Ok(self.evaluate(&facts, on))
    }

    /// Evaluate validated facts on `on`: every family, in order.
    pub fn evaluate(&self, facts: &Facts, on: Date) -> Decision {
        self.program.explain(facts, on)
    }

    /// Evaluate without reasons or trace, for batch runs: the same status, outputs and flags as
    /// [`RuleSet::evaluate`], and an error still says what went wrong, at a fraction of the cost.
    pub fn evaluate_lean(&self, facts: &Facts, on: Date) -> Decision {
        self.program.evaluate(facts, on)
    }

    /// Evaluate without reasons or trace into reusable buffers, and read the result in place:
    /// what batch runs do, allocating nothing per case once `buf` has grown. Statuses and
    /// outputs are those of [`RuleSet::evaluate_lean`].
    pub fn evaluate_into<'a>(
        &'a self,
        facts: &'a Facts,
        on: Date,
        buf: &'a mut crate::fast::LeanBuf,
    ) -> crate::fast::Lean<'a> {
        self.program.run(facts, on, buf);
        crate::fast::Lean {
            program: &self.program,
            given: self.program.given(facts),
            buf,
        }
    }

    /// The compiled rules every verb runs.
    pub(crate) fn program(&self) -> &crate::fast::Program {
        &self.program
    }

    /// True for a draft (never picked by date).
    pub fn is_draft(&self) -> bool {
        self.manifest().provenance == Provenance::Draft
    }
}

fn slot(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// "from 2024-09-01 to 2025-08-31", or "from 2021-04-01 with no end date".
pub(crate) fn span(m: &Manifest) -> String {
    match m.effective_to {
        Some(to) => format!("from {} to {}", m.effective_from, to),
        None => format!("from {} with no end date", m.effective_from),
    }
}

/// The digest of a rule set: sha256 of the compact JSON of manifest, inputs and families with
/// object keys sorted. Tests are left out: adding a test does not change any decision.
pub fn digest_of(b: &Bundle) -> String {
    let canonical = sorted(serde_json::json!({
        "manifest": &b.manifest,
        "inputs": &b.inputs,
        "families": &b.families,
    }));
    let text = canonical.to_string();
    let hash = Sha256::digest(text.as_bytes());
    let mut hex = String::with_capacity(7 + 64);
    hex.push_str("sha256:");
    for byte in hash {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

/// The same JSON with every object's keys in sorted order, whatever map type serde_json was
/// built with (its `preserve_order` feature would otherwise keep the written order).
fn sorted(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<(String, serde_json::Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(sorted).collect())
        }
        other => other,
    }
}

/// Load rule sets named by a path, or the embedded one when there is none.
pub fn load(path: Option<&Path>, on: Date) -> Result<RuleSet, LoadError> {
    let rules = describe(path, on)?;
    rules.check_in_force(on)?;
    Ok(rules)
}

/// `load`, without requiring a version named directly to be in force on `on`: for describing
/// a rule set (its schemas, its checks) rather than evaluating cases with it.
pub fn describe(path: Option<&Path>, on: Date) -> Result<RuleSet, LoadError> {
    let rules = match path {
        Some(p) => load_path(p, on)?,
        None => RuleSet::embedded(on)?,
    };
    Ok(rules)
}

/// A built-in version's manifest, read without compiling the rest of it.
fn embedded_manifest((name, files): &(&str, &[(&str, &str)])) -> Result<Manifest, LoadError> {
    let text = files
        .iter()
        .find(|(rel, _)| *rel == "ruleset.json")
        .map(|(_, text)| *text)
        .unwrap_or_default();
    source::parse_json(
        &format!("{}/ruleset.json", crate::embedded::built_in(name)),
        text,
    )
}
