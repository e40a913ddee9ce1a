//! Compiles the default rule sets into the binary: each version folder of the authority folder
//! below that is not a draft, every JSON file of it an `include_str!` entry, so editing a rule
//! file is all it takes to change the default. `RuleSet::embedded(on)` picks the version by date.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The authority folder whose versions `sendband` uses when no `--rules` is given.
const DEFAULT_RULES: &str = "rules/haringey";

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// A version folder's manifest.
fn manifest(version: &Path) -> serde_json::Value {
    let manifest = version.join("ruleset.json");
    let text = std::fs::read_to_string(&manifest).expect("a version folder has ruleset.json");
    serde_json::from_str(&text).expect("ruleset.json is JSON")
}

/// Whether a version is a draft (used only when named, so never built in).
fn is_draft(manifest: &serde_json::Value) -> bool {
    manifest.get("provenance").and_then(|p| p.as_str()) == Some("draft")
}

fn main() {
    let manifest_dir =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let authority = manifest_dir.join(DEFAULT_RULES);
    println!("cargo:rerun-if-changed={}", authority.display());
    let wasm = std::env::var("CARGO_CFG_TARGET_FAMILY").is_ok_and(|f| f == "wasm");
    let feature = |name: &str| std::env::var_os(format!("CARGO_FEATURE_{name}")).is_some();
    // `native_batch`: batch runs to files, with threads (feature `batch`, not in WASM).
    // `edits`: rule changes applied and costed, natively and with feature `cohort` in WASM (the
    // SENDCo form's module leaves them out).
    println!("cargo::rustc-check-cfg=cfg(native_batch)");
    println!("cargo::rustc-check-cfg=cfg(edits)");
    if feature("BATCH") && !wasm {
        println!("cargo::rustc-cfg=native_batch");
    }
    if feature("COHORT") || !wasm {
        println!("cargo::rustc-cfg=edits");
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir(&authority)
        .expect("the default authority folder exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("ruleset.json").is_file())
        .collect();
    // In date order (ISO dates sort as text), so that the binary need not sort them.
    versions.sort_by_key(|v| {
        let m = manifest(v);
        let from = m
            .get("effective_from")
            .and_then(|d| d.as_str())
            .map(String::from);
        (from, v.clone())
    });
    // One constant per distinct file text: versions carried forward share their families and
    // inputs, which the binary (and the WebAssembly module) then holds once.
    let mut texts: BTreeMap<String, usize> = BTreeMap::new();
    let mut consts = String::new();
    let mut table = String::new();
    for version in &versions {
        println!("cargo:rerun-if-changed={}", version.display());
        println!(
            "cargo:rerun-if-changed={}",
            version.join("ruleset.json").display()
        );
        if is_draft(&manifest(version)) {
            continue;
        }
        let mut files = Vec::new();
        collect(version, &mut files);
        // The browser and Node only decide cases: a WebAssembly build leaves out the rule
        // set's tests (`tests/*.json`, about half its text), which only `sendband test` runs.
        // They are not part of the digest, so the rule set is the same one.
        if wasm {
            let tests = version.join("tests");
            files.retain(|f| !f.starts_with(&tests));
        }
        files.sort();
        let name = version
            .file_name()
            .expect("a version folder has a name")
            .to_string_lossy()
            .into_owned();
        table.push_str(&format!("    ({name:?}, &[\n"));
        for f in &files {
            println!("cargo:rerun-if-changed={}", f.display());
            let text = std::fs::read_to_string(f).expect("a rule file is UTF-8");
            let next = texts.len();
            let id = *texts.entry(text).or_insert_with(|| {
                consts.push_str(&format!(
                    "const F{next}: &str = include_str!({:?});\n",
                    f.display().to_string()
                ));
                next
            });
            let rel = f
                .strip_prefix(version)
                .expect("collected below the version")
                .to_string_lossy()
                .replace('\\', "/");
            table.push_str(&format!("        ({rel:?}, F{id}),\n"));
        }
        table.push_str("    ]),\n");
    }
    let code = format!(
        "/// The authority folder the built-in rule sets came from.\n\
         pub const AUTHORITY: &str = {DEFAULT_RULES:?};\n\
         {consts}\
         /// The built-in versions (drafts left out), each as its folder's name and its files by \
         path inside the folder.\npub const VERSIONS: &[(&str, &[(&str, &str)])] = &[\n{table}];\n"
    );
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
