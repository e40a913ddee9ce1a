//! The differential guard: random valid rule sets (`generated`) with random profiles, each
//! decided as `explain` and the form get it (the full decision) and as a batch row; status,
//! every output and every flag must agree. 220 rule sets of 250 profiles each per run.

mod common;
mod generated;

use common::lean_disagreement;
use generated::compare::disagreements;
use generated::Seeded;
use sendband::{Date, RuleSet};

const RULE_SETS: usize = 220;
const PROFILES: usize = 250;

fn load(files: &[(String, String)]) -> Result<RuleSet, sendband::LoadError> {
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    RuleSet::from_files("generated", &files)
}

fn show(files: &[(String, String)]) -> String {
    files
        .iter()
        .map(|(p, t)| format!("--- {p}\n{t}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn generated_rule_sets_are_decided_alike_in_full_and_in_a_batch() {
    let on: Date = "2024-09-01".parse().expect("date");
    let mut rng = Seeded(17);
    let (mut tried, mut loaded, mut evaluations) = (0usize, 0usize, 0usize);
    let mut load_errors = Vec::new();
    let mut statuses = std::collections::BTreeMap::new();
    while loaded < RULE_SETS {
        tried += 1;
        let files = generated::rule_set(&mut rng);
        let rules = match load(&files) {
            Ok(r) => r,
            Err(e) => {
                load_errors.push(format!("{e}\n{}", show(&files)));
                continue;
            }
        };
        loaded += 1;
        let profiles: Vec<String> = (0..PROFILES)
            .map(|n| generated::profile(&mut rng, n))
            .collect();
        let found = disagreements(&rules, &profiles, on);
        assert!(
            found.is_empty(),
            "{} disagreements, the first: {}\nrule set:\n{}",
            found.len(),
            found[0],
            show(&files)
        );
        for p in &profiles {
            let facts = rules.facts_from_json(p).expect("valid");
            let lean = rules.evaluate_lean(&facts, on);
            if let Some(d) = lean_disagreement(&lean, &rules.evaluate(&facts, on)) {
                panic!(
                    "lean and full decisions differ for {p}: {d}\n{}",
                    show(&files)
                );
            }
            for r in lean.results {
                *statuses.entry(r.status.as_str()).or_insert(0usize) += 1;
            }
        }
        evaluations += profiles.len();
    }
    if std::env::var("SHOW_LOAD_ERRORS").is_ok() {
        for e in &load_errors {
            eprintln!("LOAD {}", e.lines().next().unwrap_or(""));
        }
    }
    // The generator makes rule sets that load: a type rule it does not know would show here.
    assert!(
        load_errors.len() * 20 <= tried,
        "{} of {tried} generated rule sets do not load; the first: {}",
        load_errors.len(),
        load_errors.first().map_or("", String::as_str)
    );
    assert!(evaluations >= 50_000, "{evaluations}");
    eprintln!("{tried} tried, {loaded} loaded, {evaluations} profiles, {statuses:?}");
    // Every status occurs, so the guard is not only comparing errors (or only successes).
    for s in ["applied", "not_applicable", "ineligible", "error"] {
        assert!(
            statuses.get(s).copied().unwrap_or(0) > 500,
            "{s}: {statuses:?}"
        );
    }
}
