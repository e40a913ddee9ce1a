//! sendband compiled to WebAssembly: the SENDCo web form and Node call the very same engine.
//! This crate only marshals strings; every answer comes from `sendband::api`.
//!
//! Each call takes an optional rule-set bundle (the JSON `sendband bundle` writes); without it the
//! rule set built into sendband is used. Failures come back as `{"error": {...}}`, never thrown.

use sendband::api::Engine;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    // WASM runs on one thread; the engine keeps the compiled rule sets between calls.
    static ENGINE: RefCell<Engine> = RefCell::new(Engine::new());
}

fn with_engine(f: impl FnOnce(&mut Engine) -> String) -> String {
    ENGINE.with(|e| match e.try_borrow_mut() {
        Ok(mut engine) => f(&mut engine),
        // Only reachable if a call re-enters the engine, which no export does.
        Err(_) => r#"{"error":{"kind":"internal","message":"the engine is busy"}}"#.to_string(),
    })
}

/// The decision for a JSON profile on a date (YYYY-MM-DD), as the JSON `sendband evaluate`
/// prints, byte for byte (without the final newline).
#[wasm_bindgen]
pub fn evaluate(profile_json: &str, on: &str, bundle_json: Option<String>) -> String {
    with_engine(|e| e.evaluate(profile_json, on, bundle_json.as_deref()))
}

/// The decision in plain English, as `sendband explain` prints it: what would change the
/// result included unless `what_if` is false (a form that shows it from [`what_if`] already).
#[wasm_bindgen]
pub fn explain(
    profile_json: &str,
    on: &str,
    bundle_json: Option<String>,
    what_if: Option<bool>,
) -> String {
    with_engine(|e| {
        e.explain(
            profile_json,
            on,
            bundle_json.as_deref(),
            what_if.unwrap_or(true),
        )
    })
}

/// `{"what_if": {...}}`: for each family, the smallest changes to the answers that would give
/// another band or outcome, each with what it gives and a sentence in the rule set's labels.
#[wasm_bindgen]
pub fn what_if(profile_json: &str, on: &str, bundle_json: Option<String>) -> String {
    with_engine(|e| e.what_if(profile_json, on, bundle_json.as_deref()))
}

/// The rule set's manifest, digest, declared inputs (labels, help, descriptor texts, sections,
/// `ask_when`) and family outputs: what the form is generated from.
#[wasm_bindgen]
pub fn inputs(bundle_json: Option<String>) -> String {
    with_engine(|e| e.inputs(bundle_json.as_deref()))
}

/// `{"valid": bool, "case_id": ..., "errors": [{"field", "message"}]}` for a JSON profile.
#[wasm_bindgen]
pub fn validate(profile_json: &str, bundle_json: Option<String>) -> String {
    with_engine(|e| e.validate(profile_json, bundle_json.as_deref()))
}

/// `{"engine": ..., "ruleset": {id, version, provenance, digest}}` of this build.
#[wasm_bindgen]
pub fn version() -> String {
    with_engine(|e| e.version())
}
