//! The DMN 1.4 decision-table conformance suite (`conformance/dmn`): every hit policy,
//! aggregation, output order, interval, either-or list, `not(...)` and missing value, written
//! from the specification's decision-table chapter in the rule-set test format.

mod common;

use common::sendband;

#[test]
fn every_conformance_case_passes() {
    let run = sendband(&["test", "conformance/dmn"], "");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("dmn-conformance 1: 40 passed, 0 failed"),
        "{}",
        run.stdout
    );
}
