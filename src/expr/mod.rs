//! The expression language of rule files: typed, parsed and checked once at load, evaluated per case.
//! No loops and no recursion, so every evaluation terminates; nesting depth and length are bounded.
//!
//! INTERFACE CONTRACT (the rest of the crate relies on exactly these items; keep their names
//! and signatures, add private modules as needed: lexer, parser, check, eval, template).

mod value;
pub use value::{Type, Value};

use std::sync::Arc;

/// Index of a named value (an input or an earlier step) in the evaluation environment.
pub type Slot = u32;

/// Longest expression text accepted, in characters.
pub const MAX_LEN: usize = 4096;
/// Deepest nesting of sub-expressions accepted.
pub const MAX_DEPTH: usize = 32;

/// Names visible to an expression at load time (declared inputs and earlier steps).
pub trait Scope {
    /// The slot and type of a dotted name such as `needs.semh` or `score`, if it exists here.
    fn resolve(&self, name: &str) -> Option<(Slot, Type)>;
    /// Every name visible here, for "did you mean" suggestions.
    fn names(&self) -> Vec<String>;
}

/// Values for one case at evaluation time.
pub trait Env {
    /// The value in a slot; `Value::Null` when the input was not given or the step gave no value.
    fn value(&self, slot: Slot) -> &Value;
    /// The evaluation date (`on`), used by `age_months(date)` and the name `on`.
    fn on(&self) -> crate::Date;
}

/// A load-time error inside one expression: where (character offset), what, and a hint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at column {}: {message}{}", offset + 1, help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default())]
pub struct ExprError {
    /// 0-based character offset in the expression text.
    pub offset: usize,
    /// What is wrong, in words, e.g. `unknown name "needs.smeh"`.
    pub message: String,
    /// A hint such as `did you mean "needs.semh"?`.
    pub help: Option<String>,
}

/// A run-time error for one case (it gives that family status `error`, never a panic).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    /// A name used in arithmetic or an ordering comparison had no value.
    #[error("{name} has no value")]
    NoValue { name: String },
    #[error("division by zero in {expr}")]
    DivisionByZero { expr: String },
    #[error("number too large in {expr}")]
    Overflow { expr: String },
    /// Any other run-time failure, in words.
    #[error("{0}")]
    Other(String),
}

/// A parsed, type-checked expression, ready to evaluate many times.
#[derive(Debug, Clone)]
pub struct Expr {
    // implementation detail (source text, compiled tree, type, names read)
}

impl Expr {
    /// Parse and type-check `text` against `scope`.
    pub fn compile(text: &str, scope: &dyn Scope) -> Result<Expr, ExprError> {
        todo!()
    }
    /// The static type of the result.
    pub fn ty(&self) -> &Type {
        todo!()
    }
    /// The source text.
    pub fn source(&self) -> &str {
        todo!()
    }
    /// The names this expression reads, as written, in order of first appearance, no duplicates.
    pub fn names_read(&self) -> &[Arc<str>] {
        todo!()
    }
    /// When the expression is a bare name (`score`), that name.
    pub fn as_name(&self) -> Option<&str> {
        todo!()
    }
    /// Evaluate for one case.
    pub fn eval(&self, env: &dyn Env) -> Result<Value, EvalError> {
        todo!()
    }
}

/// Text with `{expression}` or `{expression:money}` holes, for reasons and explanations.
#[derive(Debug, Clone)]
pub struct Template {}

impl Template {
    /// Parse the holes and compile each against `scope`. `{{` and `}}` are literal braces.
    /// Errors carry the offset in the whole template text.
    pub fn compile(text: &str, scope: &dyn Scope) -> Result<Template, ExprError> {
        todo!()
    }
    /// Names read by all holes.
    pub fn names_read(&self) -> Vec<Arc<str>> {
        todo!()
    }
    /// Fill the holes for one case.
    pub fn render(&self, env: &dyn Env) -> Result<String, EvalError> {
        todo!()
    }
}
