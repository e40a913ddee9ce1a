//! The default rule set, compiled into the binary by `build.rs` (no file is read at run time).
//! `RuleSet::embedded()` loads it; `--rules` replaces it.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
