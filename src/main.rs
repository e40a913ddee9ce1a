fn main() {
    let rules = sendband::RuleSet::embedded().unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let d = rules
        .evaluate_json(&text, "2024-09-01".parse().unwrap())
        .unwrap_or_else(|e| panic!("{e}"));
    println!("{}", d.to_json_pretty());
    println!("{}", sendband::explain::explain(&d, &rules));
}
