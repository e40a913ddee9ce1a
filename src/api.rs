//! The text-in, JSON-out face of the engine, for hosts that cannot hold Rust values: the WASM
//! bindings (browser form, Node) call these and only marshal strings across.
//!
//! Every call takes an optional bundle (the JSON that `sendband bundle` writes); without one it
//! uses the built-in rule set. A failure never panics or throws: it is returned as
//! `{"error": {"kind": ..., "message": ..., "fields": [...]}}`, and no successful answer is a
//! JSON object with an `error` key.
//!
//! ```
//! let mut engine = sendband::api::Engine::new();
//! let profile = r#"{"case_id": "HG-1", "date_of_birth": "2015-03-01", "setting": "mainstream_school",
//!                   "needs": {"semh": 4}}"#;
//! let decision = engine.evaluate(profile, "2024-09-01", None);
//! assert!(decision.contains(r#""band": "B""#));
//! let refused = engine.evaluate(profile, "2024-02-30", None);
//! assert!(refused.starts_with(r#"{"error":{"kind":"invalid_date""#));
//! ```

use crate::{explain, Date, LoadError, ProfileErrors, RuleSet};
use serde::Serialize;
use std::sync::Arc;

/// What a host sees of a failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    /// `invalid_rules`, `not_in_force`, `invalid_date` or `invalid_profile`.
    pub kind: &'static str,
    /// One line (or several, for a profile) a person can read.
    pub message: String,
    /// For `invalid_profile`: the case id, when the profile gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_id: Option<String>,
    /// For `invalid_profile`: each field and what is wrong with it, in the order found.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldMessage>,
}

/// One field of a profile and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldMessage {
    pub field: String,
    pub message: String,
}

impl ApiError {
    fn rules(e: &LoadError) -> ApiError {
        let kind = match e {
            LoadError::NotInForce { .. } => "not_in_force",
            _ => "invalid_rules",
        };
        ApiError::plain(kind, e.to_string())
    }

    fn plain(kind: &'static str, message: String) -> ApiError {
        ApiError {
            kind,
            message,
            case_id: None,
            fields: Vec::new(),
        }
    }

    fn profile(e: ProfileErrors) -> ApiError {
        ApiError {
            kind: "invalid_profile",
            message: e.to_string(),
            case_id: e.case_id,
            fields: e
                .errors
                .into_iter()
                .map(|f| FieldMessage {
                    field: f.field,
                    message: f.message,
                })
                .collect(),
        }
    }

    /// `{"error": {...}}`, compact.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Wrapped<'a> {
            error: &'a ApiError,
        }
        json(&Wrapped { error: self })
    }
}

/// The file name that errors in a host-supplied bundle are reported against.
pub const BUNDLE_NAME: &str = "bundle";

/// Compiled rule sets kept between calls: the built-in versions, and the last bundle given (a
/// form passes the same bundle on every call, and compiling it each time would be wasted work).
#[derive(Default)]
pub struct Engine {
    builtin: Option<Vec<Arc<RuleSet>>>,
    last: Option<(String, Arc<RuleSet>)>,
}

impl Engine {
    /// An engine with nothing compiled yet.
    pub fn new() -> Engine {
        Engine::default()
    }

    /// The rule set a call names: the bundle when given (an empty text counts as not given),
    /// otherwise the built-in version in force on `on`, or the newest built-in version for a
    /// call without a date.
    pub fn rules(
        &mut self,
        bundle: Option<&str>,
        on: Option<Date>,
    ) -> Result<Arc<RuleSet>, ApiError> {
        match given(bundle) {
            None => {
                let versions = match &self.builtin {
                    Some(v) => v,
                    None => {
                        let compiled = RuleSet::embedded_versions()
                            .map_err(|e| ApiError::rules(&e))?
                            .into_iter()
                            .map(Arc::new)
                            .collect();
                        self.builtin.insert(compiled)
                    }
                };
                let chosen = match on {
                    Some(on) => {
                        let manifests: Vec<_> = versions.iter().map(|r| r.manifest()).collect();
                        // The error an authority folder gives, listing the versions.
                        let i = RuleSet::embedded_in_force(&manifests, on)
                            .map_err(|e| ApiError::plain("not_in_force", e.to_string()))?;
                        versions.get(i)
                    }
                    None => versions.last(),
                };
                chosen.cloned().ok_or_else(|| {
                    ApiError::plain("invalid_rules", "no rule set is built in".to_string())
                })
            }
            Some(text) => {
                if let Some((last, r)) = &self.last {
                    if last == text {
                        return Ok(r.clone());
                    }
                }
                let r = Arc::new(
                    RuleSet::from_bundle(BUNDLE_NAME, text).map_err(|e| ApiError::rules(&e))?,
                );
                self.last = Some((text.to_string(), r.clone()));
                Ok(r)
            }
        }
    }

    /// The decision as JSON, exactly the text `sendband evaluate` prints (without its final
    /// newline).
    pub fn evaluate(&mut self, profile: &str, on: &str, bundle: Option<&str>) -> String {
        match self.decide(profile, on, bundle) {
            Ok((decision, ..)) => decision.to_json_pretty(),
            Err(e) => e.to_json(),
        }
    }

    /// The decision in plain English, exactly what `sendband explain` prints: with `what_if`,
    /// what would change the result too (as `sendband explain` says it unless `--no-what-if`).
    pub fn explain(
        &mut self,
        profile: &str,
        on: &str,
        bundle: Option<&str>,
        what_if: bool,
    ) -> String {
        match self.decide(profile, on, bundle) {
            Ok((decision, facts, rules)) => {
                let what_if = what_if.then(|| crate::what_if::what_if(&rules, &facts, decision.on));
                explain::explain(&decision, &rules, what_if.as_ref())
            }
            Err(e) => e.to_json(),
        }
    }

    /// `{"what_if": {"<family>": [{"changes": [{"input", "from", "to"}], "status", "outputs",
    /// "says"}]}}`: what would change each family's result, the member `sendband evaluate
    /// --what-if` adds to the decision.
    pub fn what_if(&mut self, profile: &str, on: &str, bundle: Option<&str>) -> String {
        #[derive(Serialize)]
        struct Answer {
            what_if: crate::what_if::WhatIf,
        }
        match self.decide(profile, on, bundle) {
            Ok((decision, facts, rules)) => json(&Answer {
                what_if: crate::what_if::what_if(&rules, &facts, decision.on),
            }),
            Err(e) => e.to_json(),
        }
    }

    /// `{"valid": true, "case_id": ...}` or `{"valid": false, "case_id": ..., "errors": [...]}`:
    /// whether a profile fits the rule set's declared inputs.
    pub fn validate(&mut self, profile: &str, bundle: Option<&str>) -> String {
        #[derive(Serialize)]
        struct Validation {
            valid: bool,
            case_id: Option<String>,
            errors: Vec<FieldMessage>,
        }
        let rules = match self.rules(bundle, None) {
            Ok(r) => r,
            Err(e) => return e.to_json(),
        };
        let answer = match rules.facts_from_json(profile) {
            Ok(facts) => Validation {
                valid: true,
                case_id: facts.case_id,
                errors: Vec::new(),
            },
            Err(e) => {
                let e = ApiError::profile(e);
                Validation {
                    valid: false,
                    case_id: e.case_id,
                    errors: e.fields,
                }
            }
        };
        json(&answer)
    }

    /// What a form is built from: the rule set's manifest and digest, its declared inputs as
    /// written (labels, help, descriptor texts, sections, `ask_when`), and each family's outputs.
    /// For the built-in rule sets, the newest version's, with `versions` listing them all (the
    /// date of a call picks one).
    pub fn inputs(&mut self, bundle: Option<&str>) -> String {
        match self.rules(bundle, None) {
            Ok(rules) => {
                let versions = match (&self.builtin, given(bundle)) {
                    (Some(versions), None) => versions.as_slice(),
                    _ => &[],
                };
                json(&FormSpec::of(&rules, versions))
            }
            Err(e) => e.to_json(),
        }
    }

    /// `{"engine": "0.1.0", "ruleset": {id, version, provenance, digest}}`: this build and its
    /// built-in rule set.
    pub fn version(&mut self) -> String {
        #[derive(Serialize)]
        struct Version {
            engine: &'static str,
            ruleset: Option<Arc<crate::decision::RuleSetStamp>>,
        }
        json(&Version {
            engine: ENGINE_VERSION,
            ruleset: self.rules(None, None).ok().map(|r| r.stamp()),
        })
    }

    fn decide(
        &mut self,
        profile: &str,
        on: &str,
        bundle: Option<&str>,
    ) -> Result<(crate::Decision, crate::Facts, Arc<RuleSet>), ApiError> {
        let on: Date = on
            .trim()
            .parse()
            .map_err(|e| ApiError::plain("invalid_date", format!("the evaluation date {e}")))?;
        let rules = self.rules(bundle, Some(on))?;
        rules.check_in_force(on).map_err(|e| ApiError::rules(&e))?;
        let facts = rules.facts_from_json(profile).map_err(ApiError::profile)?;
        let decision = rules.evaluate(&facts, on);
        Ok((decision, facts, rules))
    }
}

/// The bundle a call gives: an empty text counts as none.
fn given(bundle: Option<&str>) -> Option<&str> {
    bundle.filter(|b| !b.trim().is_empty())
}

/// The version of this build of the engine, e.g. `0.1.0`.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The answer of [`Engine::inputs`].
#[derive(Serialize)]
struct FormSpec<'a> {
    ruleset: &'a crate::format::Manifest,
    /// The versions a decision picks from by date, oldest first: the built-in ones, or the
    /// bundle's one.
    versions: Vec<VersionInfo<'a>>,
    digest: &'a str,
    inputs: &'a [crate::format::InputSpec],
    families: Vec<FamilyOutputs<'a>>,
}

#[derive(Serialize)]
struct VersionInfo<'a> {
    version: &'a str,
    title: &'a str,
    effective_from: Date,
    effective_to: Option<Date>,
}

impl<'a> VersionInfo<'a> {
    fn of(m: &'a crate::format::Manifest) -> VersionInfo<'a> {
        VersionInfo {
            version: &m.version,
            title: &m.title,
            effective_from: m.effective_from,
            effective_to: m.effective_to,
        }
    }
}

#[derive(Serialize)]
struct FamilyOutputs<'a> {
    name: &'a str,
    title: &'a str,
    outputs: Vec<OutputInfo<'a>>,
}

#[derive(Serialize)]
struct OutputInfo<'a> {
    name: &'a str,
    label: Option<&'a str>,
    format: crate::format::OutputFormat,
}

impl<'a> FormSpec<'a> {
    /// The form of `rules`, deciding by date among `versions` (`rules` among them).
    fn of(rules: &'a RuleSet, versions: &'a [Arc<RuleSet>]) -> FormSpec<'a> {
        let m = rules.manifest();
        FormSpec {
            ruleset: m,
            versions: if versions.is_empty() {
                vec![VersionInfo::of(m)]
            } else {
                versions
                    .iter()
                    .map(|r| VersionInfo::of(r.manifest()))
                    .collect()
            },
            digest: rules.digest(),
            inputs: &rules.bundle().inputs,
            families: rules
                .families()
                .iter()
                .map(|f| FamilyOutputs {
                    name: &f.name,
                    title: &f.title,
                    outputs: f
                        .outputs()
                        .map(|(name, label, format)| OutputInfo {
                            name,
                            label,
                            format,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// Compact JSON of a value that cannot fail to serialise (plain structs and strings).
fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| {
        let message = serde_json::Value::String(e.to_string());
        format!(r#"{{"error":{{"kind":"internal","message":{message}}}}}"#)
    })
}
