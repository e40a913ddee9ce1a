//! What a case starts with: its validated inputs and the rule set's constants, read in place
//! by the compiled code rather than copied for every case.

use crate::expr::Value;

/// What a case starts with, read where it lies rather than copied for every case: the
/// validated inputs (slots from 0), then the rule set's constants. Step values follow them.
#[derive(Clone, Copy)]
pub struct Given<'a> {
    pub inputs: &'a [Value],
    pub constants: &'a [Value],
}
