//! Library use: load a rule set, validate a case profile and decide it, then read the outputs and
//! the plain-English explanation. Build with `default-features = false`: it needs neither the
//! command line nor batch runs.
//!
//! ```sh
//! cargo run --example evaluate -- rules/herefordshire examples/herefordshire-a1.json 2024-09-01
//! cargo run --example evaluate       # the built-in rule set and the worked Band C example
//! ```

use sendband::{Date, Status};
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("evaluate: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let (rules_path, case, on) = match args {
        [] => (None, "examples/haringey-band-c.json", "2024-09-01"),
        [rules, case, on] => (Some(rules.as_str()), case.as_str(), on.as_str()),
        _ => return Err("usage: evaluate [RULES CASE.json DATE]".to_string()),
    };
    let on: Date = on.parse().map_err(|e| format!("{on}: {e}"))?;
    // A folder of one version, an authority folder (the version in force on `on`) or a bundle.
    let rules =
        sendband::ruleset::load(rules_path.map(Path::new), on).map_err(|e| e.to_string())?;
    let profile = std::fs::read_to_string(case).map_err(|e| format!("{case}: {e}"))?;

    // Validation names every field that is wrong; a valid profile becomes facts.
    let facts = rules.facts_from_json(&profile).map_err(|e| e.to_string())?;
    let decision = rules.evaluate(&facts, on);

    for family in &decision.results {
        print!("{}: {}", family.family, family.status.as_str());
        if family.status == Status::Applied {
            for output in &family.outputs {
                print!(", {} {}", output.name, output.to_text());
            }
        }
        println!();
    }
    println!();
    print!("{}", sendband::explain::explain(&decision, &rules, None));
    Ok(())
}
