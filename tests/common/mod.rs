//! Shared test helpers: build a small rule set in memory from an inputs JSON and family JSONs,
//! evaluate a profile and read outputs, status, reasons and the trace; run the binary.
#![allow(dead_code)]

use sendband::{Date, Decision, LoadError, RuleSet, Status};
use std::io::Write;
use std::process::{Command, Stdio};

/// The date every test evaluates on.
pub const ON: &str = "2024-09-01";

/// A manifest naming `families` in order.
pub fn manifest(families: &[&str]) -> String {
    let names: Vec<String> = families.iter().map(|f| format!("{f:?}")).collect();
    format!(
        r#"{{
  "id": "test-rules",
  "authority": "Test Council",
  "title": "Rules for tests",
  "version": "1",
  "effective_from": "2020-01-01",
  "period_basis": "financial",
  "currency": "GBP",
  "provenance": "illustrative",
  "families": [{}]
}}"#,
        names.join(", ")
    )
}

/// The `name` of a family JSON.
fn family_name(family: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(family)
        .unwrap_or_else(|e| panic!("family JSON does not parse: {e}\n{family}"));
    v["name"]
        .as_str()
        .unwrap_or_else(|| panic!("family JSON has no name:\n{family}"))
        .to_string()
}

/// A rule set named `test-rules` from an inputs JSON and family JSONs (the manifest lists the
/// families in the order given).
pub fn rules(inputs: &str, families: &[&str]) -> Result<RuleSet, LoadError> {
    let names: Vec<String> = families.iter().map(|f| family_name(f)).collect();
    let manifest = manifest(&names.iter().map(String::as_str).collect::<Vec<_>>());
    let paths: Vec<String> = names.iter().map(|n| format!("families/{n}.json")).collect();
    let mut files: Vec<(&str, &str)> = vec![("ruleset.json", &manifest), ("inputs.json", inputs)];
    for (path, text) in paths.iter().zip(families) {
        files.push((path, text));
    }
    RuleSet::from_files("test-rules", &files)
}

/// A rule set that must load.
pub fn load(inputs: &str, families: &[&str]) -> RuleSet {
    rules(inputs, families).unwrap_or_else(|e| panic!("rule set should load: {e}"))
}

/// The full text of the load error of a rule set that must not load.
pub fn load_err(inputs: &str, families: &[&str]) -> String {
    match rules(inputs, families) {
        Ok(_) => panic!("rule set should not load"),
        Err(e) => e.to_string(),
    }
}

/// A family named `f` with the given steps and outputs (each a JSON list's inner text).
pub fn family(steps: &str, outputs: &str) -> String {
    format!(r#"{{"name": "f", "title": "F", "steps": [{steps}], "outputs": [{outputs}]}}"#)
}

/// A family named `f` with one step and one output `o` whose value is that step.
pub fn one_step(step_name: &str, step: &str) -> String {
    family(step, &format!(r#"{{"name": "o", "value": "{step_name}"}}"#))
}

/// A family `f` with one table step `t` (inputs `points` and `status`) and output `o` = `t`.
/// `extra` is added to the table object (e.g. `, "default": {...}`).
pub fn table(policy: &str, outputs: &str, rows: &str, extra: &str) -> String {
    one_step(
        "t",
        &format!(
            r#"{{"name": "t", "table": {{"hit_policy": "{policy}", "inputs": ["points", "status"],
                "outputs": [{outputs}], "rows": [{rows}]{extra}}}}}"#
        ),
    )
}

/// The evaluation date.
pub fn on() -> Date {
    ON.parse().expect("date")
}

/// Evaluate a JSON profile on [`ON`].
pub fn eval(rules: &RuleSet, profile: &str) -> Decision {
    rules
        .evaluate_json(profile, on())
        .unwrap_or_else(|e| panic!("profile should be valid: {e}"))
}

/// An output of family `f`, as text (money with two decimals, null as empty).
pub fn out(d: &Decision, output: &str) -> String {
    out_of(d, "f", output)
}

/// An output of a family, as text.
pub fn out_of(d: &Decision, family: &str, output: &str) -> String {
    d.family(family)
        .unwrap_or_else(|| panic!("no family {family}"))
        .output(output)
        .unwrap_or_else(|| panic!("no output {output}"))
        .to_text()
}

/// An output of family `f` as it is written in the decision JSON.
pub fn out_json(d: &Decision, output: &str) -> serde_json::Value {
    d.family("f")
        .expect("family f")
        .output(output)
        .unwrap_or_else(|| panic!("no output {output}"))
        .to_json()
}

/// The status of family `f`.
pub fn status(d: &Decision) -> Status {
    d.family("f").expect("family f").status
}

/// The reasons of family `f`.
pub fn reasons(d: &Decision) -> Vec<String> {
    d.family("f").expect("family f").reasons.clone()
}

/// The trace of family `f` as the decision JSON writes it.
pub fn trace(d: &Decision) -> serde_json::Value {
    let json: serde_json::Value = serde_json::from_str(&d.to_json_pretty()).expect("decision JSON");
    json["results"]["f"]["trace"].clone()
}

/// The trace entry of one step of family `f`.
pub fn trace_of(d: &Decision, step: &str) -> serde_json::Value {
    trace(d)
        .as_array()
        .expect("trace list")
        .iter()
        .find(|e| e["step"] == step)
        .unwrap_or_else(|| panic!("no trace entry for step {step}"))
        .clone()
}

/// What a run of the `sendband` binary gave.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Run the `sendband` binary with `args`, writing `stdin` to it.
pub fn sendband(args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sendband"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sendband runs");
    // sendband may exit before reading stdin (e.g. an invalid rule set): a broken pipe is fine.
    match child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => panic!("writing the profile: {e}"),
        _ => {}
    }
    let out = child.wait_with_output().expect("sendband finishes");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A copy of the Haringey 2024-25 rule files (not its tests) in `dir/2024-25`, each file passed
/// through `edit(file name, text)`, e.g. to plant a mistake.
pub fn haringey_copy(
    dir: &std::path::Path,
    edit: impl Fn(&str, String) -> String,
) -> std::path::PathBuf {
    let from = std::path::Path::new("rules/haringey/2024-25");
    let to = dir.join("2024-25");
    std::fs::create_dir_all(to.join("families")).expect("mkdir");
    for name in [
        "ruleset.json",
        "inputs.json",
        "families/topup.json",
        "families/early_years.json",
        "families/ehcp_threshold.json",
    ] {
        let text = std::fs::read_to_string(from.join(name)).expect("read");
        std::fs::write(to.join(name), edit(name, text)).expect("write");
    }
    to
}

/// Haringey 2024-25 in `dir` and, beside it, a draft version `next` written as `changes` (a
/// JSON list) to it; the path of `next`.
pub fn haringey_extended(dir: &std::path::Path, changes: &str) -> std::path::PathBuf {
    haringey_copy(dir, |_, text| text);
    let next = dir.join("next");
    std::fs::create_dir_all(&next).expect("mkdir");
    std::fs::write(
        next.join("ruleset.json"),
        format!(
            r#"{{"extends": "2024-25", "version": "next", "provenance": "draft", "changes": {changes}}}"#
        ),
    )
    .expect("write");
    next
}

/// A JSON file written by a run (a summary, a report), parsed.
pub fn json_file(path: impl AsRef<std::path::Path>) -> serde_json::Value {
    let path = path.as_ref();
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Where a lean decision (batch, diff) and the full one (evaluate, explain, test, the form)
/// of the same case differ, if anywhere: they must have the same status, outputs and flags,
/// and a lean error must be worded as the full decision's last reason. A lean error with no
/// words is a declared `stop` with status `error`, as the full decision's trace must show.
pub fn lean_disagreement(lean: &Decision, full: &Decision) -> Option<String> {
    if lean.results.len() != full.results.len() {
        return Some("a different number of families".to_string());
    }
    for (l, f) in lean.results.iter().zip(&full.results) {
        let what = &f.family;
        if (&l.family, l.status, &l.outputs, &l.flags)
            != (&f.family, f.status, &f.outputs, &f.flags)
        {
            return Some(format!("{what}: lean {l:?}\nfull {f:?}"));
        }
        if !l.trace.is_empty() {
            return Some(format!("{what}: a lean decision has a trace"));
        }
        match (l.status, l.reasons.as_slice()) {
            (Status::Error, [error]) if f.reasons.last() == Some(error) => {}
            (Status::Error, []) => {
                let stopped = f.trace.last().is_some_and(|t| {
                    t.kind == "stop" && t.detail == sendband::decision::Detail::Held(true)
                });
                if !stopped {
                    return Some(format!("{what}: a lean error without words: {f:?}"));
                }
            }
            (Status::Error, _) => {
                return Some(format!(
                    "{what}: lean error {:?}, full {:?}",
                    l.reasons, f.reasons
                ))
            }
            (_, []) => {}
            (_, reasons) => return Some(format!("{what}: lean reasons {reasons:?}")),
        }
    }
    None
}
