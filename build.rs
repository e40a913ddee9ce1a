//! Compiles the default rule set into the binary: every JSON file of the folder below becomes
//! an `include_str!` entry, so editing a rule file is all it takes to change the default.

use std::path::{Path, PathBuf};

/// The rule set `sendband` uses when no `--rules` is given.
const DEFAULT_RULES: &str = "rules/haringey/2024-25";

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

fn main() {
    let manifest_dir =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest_dir.join(DEFAULT_RULES);
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &mut files);
    // The browser and Node only decide cases: a WebAssembly build leaves out the rule set's
    // tests (`tests/*.json`, about half its text), which only `sendband test` runs. They
    // are not part of the digest, so the rule set is the same one.
    if std::env::var("CARGO_CFG_TARGET_FAMILY").is_ok_and(|f| f == "wasm") {
        let tests = root.join("tests");
        files.retain(|f| !f.starts_with(&tests));
    }
    files.sort();
    let mut code = format!(
        "/// Where the built-in rule set came from.\npub const NAME: &str = {:?};\n",
        format!("{DEFAULT_RULES} (built in)")
    );
    code.push_str("/// The built-in rule set's files, by path inside its folder.\npub const FILES: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f
            .strip_prefix(&root)
            .expect("collected below root")
            .to_string_lossy()
            .replace('\\', "/");
        code.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            f.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
