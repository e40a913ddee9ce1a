//! sendband's policy playground compiled to WebAssembly: the page's Web Worker calls these.
//! This crate only marshals strings; every answer comes from `sendband::playground`.
//!
//! One playground is open at a time: [`open`] replaces it. Failures come back as
//! `{"error": {"kind", "message"}}`, never thrown; files come back as `{"text": ...}`.

use sendband::playground::{Playground, PlaygroundError};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    // WASM runs on one thread (the page's worker); the playground keeps the base and cohort.
    static PLAYGROUND: RefCell<Option<Playground>> = const { RefCell::new(None) };
}

#[wasm_bindgen]
extern "C" {
    /// The worker's `sendbandProgress(pass, passes, done)`, which tells the page how far a
    /// comparison has got.
    #[wasm_bindgen(js_namespace = globalThis, js_name = sendbandProgress)]
    fn progress(pass: u32, passes: u32, done: f64);
}

fn error(e: &PlaygroundError) -> String {
    e.to_json()
}

fn with(f: impl FnOnce(&mut Playground) -> Result<String, PlaygroundError>) -> String {
    PLAYGROUND.with(|p| match p.try_borrow_mut() {
        Ok(mut open) => match open.as_mut() {
            Some(play) => f(play).unwrap_or_else(|e| error(&e)),
            None => r#"{"error":{"kind":"no_rules","message":"no rule set is open"}}"#.to_string(),
        },
        // Only reachable if a call re-enters the playground, which no export does.
        Err(_) => r#"{"error":{"kind":"internal","message":"the playground is busy"}}"#.to_string(),
    })
}

fn text(t: Result<String, PlaygroundError>) -> Result<String, PlaygroundError> {
    t.map(|text| format!(r#"{{"text":{}}}"#, json_string(&text)))
}

fn json_string(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// Open the bundle `bundle` (its text; `file` names it in messages) as the base, every case
/// evaluated on `on` (YYYY-MM-DD; default the day it comes into force):
/// `{"bundle": {...}, "digest", "on"}`, the bundle being what the edit forms are made from.
#[wasm_bindgen]
pub fn open(bundle: &str, file: &str, on: Option<String>) -> String {
    match Playground::open(bundle, file, on.as_deref()) {
        Ok(mut play) => {
            play.on_progress(Box::new(progress));
            let answer = play.describe();
            PLAYGROUND.with(|p| {
                if let Ok(mut slot) = p.try_borrow_mut() {
                    *slot = Some(play);
                }
            });
            answer
        }
        Err(e) => error(&e),
    }
}

/// Read a cohort file (`.csv`, `.jsonl`, `.ndjson` or `.xlsx`) under the base rules:
/// `{"rows", "compared", "rejected": [{"row", "case_id", "message"}]}`.
#[wasm_bindgen]
pub fn read_cohort(name: &str, bytes: Vec<u8>) -> String {
    with(|p| p.read_cohort(name, bytes))
}

/// The impact of `changes` (a JSON list of changes) on the cohort, as the proposed version
/// `version`: the figures, each change's cost, the rule set's tests, and the report's HTML.
#[wasm_bindgen]
pub fn recompute(changes: &str, version: &str) -> String {
    with(|p| p.recompute(changes, version))
}

/// Lint's findings for the proposed rules, `cases` explored.
#[wasm_bindgen]
pub fn lint(changes: &str, version: &str, cases: u32) -> String {
    with(|p| p.lint(changes, version, u64::from(cases)))
}

/// `{"text"}`: the proposed rules as a bundle, as `sendband bundle` writes one.
#[wasm_bindgen]
pub fn bundle(changes: &str, version: &str) -> String {
    with(|p| text(p.bundle(changes, version)))
}

/// `{"text"}`: the proposed rules as a version's `ruleset.json` that extends the base.
#[wasm_bindgen]
pub fn extension(changes: &str, version: &str) -> String {
    with(|p| text(p.extension(changes, version)))
}

/// `{"text"}`: the impact report, the same HTML as `sendband diff --report`.
#[wasm_bindgen]
pub fn report(changes: &str, version: &str) -> String {
    with(|p| text(p.report(changes, version)))
}

/// `{"text"}`: every case whose result changes, as `sendband diff --changes` writes them.
#[wasm_bindgen]
pub fn changes_csv(changes: &str, version: &str) -> String {
    with(|p| text(p.changes_csv(changes, version)))
}
