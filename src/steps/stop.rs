//! The `stop` step: ends the family with a status (e.g. `ineligible`) and a reason when its
//! condition holds; later steps and outputs are then not evaluated and outputs are null.

use super::Ctx;
use crate::decision::Status;
use crate::error::LoadError;
use crate::expr::{Expr, Template, Type};
use crate::format::StopSpec;

/// A compiled stop.
#[derive(Debug, Clone)]
pub struct Stop {
    pub(crate) when: Expr,
    pub status: Status,
    pub(crate) reason: Template,
}

impl Stop {
    /// Compile; stopping with `applied` is refused since it would hide the outputs.
    pub fn compile(spec: &StopSpec, ctx: &Ctx) -> Result<Stop, LoadError> {
        if spec.status == Status::Applied {
            return Err(ctx
                .at
                .join(".stop.status")
                .invalid("a stop ends with not_applicable, ineligible or error, not applied"));
        }
        Ok(Stop {
            when: ctx.typed_expr(&spec.when, ".stop.when", &Type::Bool)?,
            status: spec.status,
            reason: ctx.template(&spec.reason, ".stop.reason")?,
        })
    }
}
