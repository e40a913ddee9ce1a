//! One case on its way through the families: what it starts with (inputs and constants, read
//! in place), the slots its steps fill, and the evaluation of every family in order.

use crate::decision::Decision;
use crate::expr::{Env, Slot, Value};
use crate::profile::Facts;
use crate::ruleset::RuleSet;
use crate::Date;

/// What a case starts with, read where it lies rather than copied for every case: the
/// validated inputs (slots from 0), then the rule set's constants. Step values follow them.
#[derive(Clone, Copy)]
pub struct Given<'a> {
    pub inputs: &'a [Value],
    pub constants: &'a [Value],
}

impl<'a> Given<'a> {
    /// A case's inputs and the rule set's constants.
    pub(crate) fn of(rules: &'a RuleSet, facts: &'a Facts) -> Given<'a> {
        Given {
            inputs: &facts.values,
            constants: rules.constants(),
        }
    }

    /// The first slot that holds a step's value.
    pub(crate) fn steps_from(&self) -> usize {
        self.inputs.len() + self.constants.len()
    }

    /// Store a step's value in its slot (slots of inputs and constants are never written).
    pub(super) fn set(&self, steps: &mut [Value], slot: Slot, value: Value) {
        if let Some(place) = (slot as usize)
            .checked_sub(self.steps_from())
            .and_then(|i| steps.get_mut(i))
        {
            *place = value;
        }
    }
}

/// The values of one case during evaluation.
pub(crate) struct CaseEnv<'a> {
    pub given: Given<'a>,
    pub steps: &'a [Value],
    pub on: Date,
    pub explain: bool,
}

impl Env for CaseEnv<'_> {
    fn value(&self, slot: Slot) -> &Value {
        let s = slot as usize;
        let inputs = self.given.inputs.len();
        let found = if s < inputs {
            self.given.inputs.get(s)
        } else if s < self.given.steps_from() {
            self.given.constants.get(s - inputs)
        } else {
            self.steps.get(s - self.given.steps_from())
        };
        found.unwrap_or(&Value::Null)
    }
    fn on(&self) -> Date {
        self.on
    }
    fn explaining(&self) -> bool {
        self.explain
    }
}

/// Evaluate every family of a rule set for one case.
pub(crate) fn evaluate(rules: &RuleSet, facts: &Facts, on: Date, explain: bool) -> Decision {
    let given = Given::of(rules, facts);
    let mut steps = vec![Value::Null; rules.step_slot_count()];
    let results = rules
        .families()
        .iter()
        .map(|f| f.evaluate(given, &mut steps, on, explain))
        .collect();
    Decision {
        case_id: facts.case_id.clone(),
        on,
        ruleset: rules.stamp(),
        results,
    }
}
