//! The default rule sets, compiled into the binary by `build.rs` (no file is read at run time):
//! `RuleSet::embedded(on)` loads the version in force; `--rules` replaces them.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// How a built-in version's folder is named in messages: `rules/haringey/2024-25 (built in)`.
pub(crate) fn built_in(version: &str) -> String {
    format!("{AUTHORITY}/{version} (built in)")
}
