//! The expression language of rule files: typed, parsed and checked once at load, evaluated per case.
//! No loops and no recursion, so every evaluation terminates; nesting depth and length are bounded.
//!
//! INTERFACE CONTRACT (the rest of the crate relies on exactly these items; keep their names
//! and signatures, add private modules as needed: lexer, parser, check, eval, template).

pub(crate) mod ast;
mod check;
mod functions;
mod lexer;
pub(crate) mod node;
mod parser;
mod primary;
pub(crate) mod template;
#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod tests_errors;
#[cfg(test)]
mod tests_functions;
#[cfg(test)]
mod tests_template;
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
    /// The values a name can hold, when the rule set declares them: a literal compared with the
    /// name must be one of them.
    fn domain(&self, _name: &str) -> Option<&Domain> {
        None
    }
}

/// The values a name can hold, as declared: a literal compared with, listed against, or used as
/// a key or cell for the name must be one of them, or the rule set does not load.
#[derive(Debug, Clone, PartialEq)]
pub enum Domain {
    /// One of these words (an enum input's values, a ranges step's labels, a table's outputs).
    Words(Arc<[Arc<str>]>),
    /// A number within the bounds (an integer input's declared range or allowed values).
    Numbers {
        /// Whole numbers only.
        whole: bool,
        /// The least allowed value.
        min: Option<rust_decimal::Decimal>,
        /// The greatest allowed value.
        max: Option<rust_decimal::Decimal>,
        /// The only values allowed, when listed.
        one_of: Arc<[rust_decimal::Decimal]>,
    },
}

impl Domain {
    /// Why `value` cannot be a value of `name` (with a did-you-mean), or `None` when it can.
    /// `null` can always be: it asks whether the name has no value.
    pub fn refuse(&self, name: &str, value: &Value) -> Option<(String, Option<String>)> {
        match (self, value) {
            (_, Value::Null) => None,
            (Domain::Words(words), Value::Text(t)) => {
                if words.iter().any(|w| **w == **t) {
                    return None;
                }
                let shown: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
                Some((
                    format!(
                        "'{t}' is not a value of {name}, which is one of {}",
                        shown.join(", ")
                    ),
                    crate::suggest::did_you_mean(t, words.iter().map(|w| &**w)),
                ))
            }
            (
                Domain::Numbers {
                    whole,
                    min,
                    max,
                    one_of,
                },
                Value::Number(n),
            ) => {
                let n = *n;
                let shown = n.normalize();
                if *whole && !n.fract().is_zero() {
                    return Some((
                        format!("{name} is a whole number, so it is never {shown}"),
                        None,
                    ));
                }
                if !one_of.is_empty() && !one_of.contains(&n) {
                    let list: Vec<String> =
                        one_of.iter().map(|d| d.normalize().to_string()).collect();
                    return Some((
                        format!(
                            "{name} is one of {}, so it is never {shown}",
                            list.join(", ")
                        ),
                        None,
                    ));
                }
                let below = min.is_some_and(|m| n < m);
                let above = max.is_some_and(|m| n > m);
                if below || above {
                    let range = match (min, max) {
                        (Some(a), Some(b)) => {
                            format!("from {} to {}", a.normalize(), b.normalize())
                        }
                        (Some(a), None) => format!("at least {}", a.normalize()),
                        (None, Some(b)) => format!("at most {}", b.normalize()),
                        (None, None) => String::new(),
                    };
                    return Some((format!("{name} is {range}, so it is never {shown}"), None));
                }
                None
            }
            _ => None,
        }
    }
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
    NoValue {
        /// The dotted name that held no value, or the source of the sub-expression that gave none.
        name: String,
    },
    /// A division whose divisor was zero.
    #[error("division by zero in {expr}")]
    DivisionByZero {
        /// The source text of the whole expression.
        expr: String,
    },
    /// A result too large for an exact decimal.
    #[error("number too large in {expr}")]
    Overflow {
        /// The source text of the whole expression.
        expr: String,
    },
    /// Any other run-time failure, in words.
    #[error("{0}")]
    Other(String),
}

/// A parsed, type-checked expression, ready to evaluate many times.
///
/// Cloning is cheap (the compiled tree is shared).
#[derive(Debug, Clone)]
pub struct Expr {
    inner: Arc<Compiled>,
}

#[derive(Debug)]
struct Compiled {
    source: Box<str>,
    node: node::Node,
    ty: Type,
    names: Vec<Arc<str>>,
}

/// A number written in a rule file: a decimal (`"746.67"`), or arithmetic on numbers alone
/// (`"2240 / 3"`, `"(450 + 12) * 1.25"`), worked out once by the compiled code every
/// expression runs. A third is held to 28 significant digits, as any division is, and is
/// rounded only where a step declares rounding.
///
/// ```
/// # use sendband::expr::rule_number;
/// assert_eq!(rule_number("2240 / 3").unwrap().round_dp(2).to_string(), "746.67");
/// let summer = rule_number("2240 / 3").unwrap() * rule_number("1.25").unwrap();
/// assert_eq!(summer.round_dp(2).to_string(), "933.33");
/// assert_eq!(rule_number("-12.50").unwrap().to_string(), "-12.50");
/// assert!(rule_number("school_days / 2").is_err());
/// assert!(rule_number("1 / 0").is_err());
/// ```
pub fn rule_number(text: &str) -> Result<rust_decimal::Decimal, String> {
    // Arithmetic is digits, points, spaces, parentheses and operators, with an operator past a
    // leading sign; anything else is read (and refused) as a decimal.
    let mut operator = false;
    for (i, b) in text.trim().bytes().enumerate() {
        match b {
            b'0'..=b'9' | b'.' | b' ' => {}
            b'+' | b'*' | b'/' | b'(' | b')' => operator = true,
            b'-' => operator |= i > 0,
            _ => return crate::number::rule_decimal(text),
        }
    }
    if !operator {
        return crate::number::rule_decimal(text);
    }
    let e = Expr::compile(text, &crate::steps::Names::default())
        .map_err(|e| format!("{text:?}: {e}"))?;
    // Written with digits and operators alone, it reads nothing of a case: folding it by the
    // compiled code leaves its value, unless it fails.
    match crate::fast::expr::folded(e.tree(), &Arc::from(text)).kind {
        node::NodeKind::Const(Value::Number(n)) => Ok(n),
        _ => Err(format!(
            "{text:?} cannot be worked out (a division by zero, or a number too large)"
        )),
    }
}

/// An [`ExprError`] at byte offset `byte` of `src`, reported as a character offset.
fn err_at(src: &str, byte: usize, message: impl Into<String>) -> ExprError {
    let offset = src.get(..byte).map_or(byte, |s| s.chars().count());
    ExprError {
        offset,
        message: message.into(),
        help: None,
    }
}

impl Expr {
    /// Parse and type-check `text` against `scope`.
    pub fn compile(text: &str, scope: &dyn Scope) -> Result<Expr, ExprError> {
        if text.chars().nth(MAX_LEN).is_some() {
            return Err(ExprError {
                offset: MAX_LEN,
                message: format!("expression is longer than {MAX_LEN} characters"),
                help: None,
            });
        }
        let ast = parser::parse(text)?;
        let mut checker = check::Checker::new(text, scope);
        let (node, ty) = checker.check(&ast)?;
        let names = checker.names;
        Ok(Expr {
            inner: Arc::new(Compiled {
                source: text.into(),
                node,
                ty,
                names,
            }),
        })
    }

    /// The static type of the result.
    pub fn ty(&self) -> &Type {
        &self.inner.ty
    }

    /// The source text.
    pub fn source(&self) -> &str {
        &self.inner.source
    }

    /// The names this expression reads, as written, in order of first appearance, no duplicates.
    pub fn names_read(&self) -> &[Arc<str>] {
        &self.inner.names
    }

    /// Each number this expression compares a name with (`apdr_cycles >= 2`, `x in 1..3`,
    /// `band in [1, 2]`): the values where a case's path can turn, which lint explores.
    pub fn compared_constants(&self) -> Vec<(Arc<str>, rust_decimal::Decimal)> {
        fn walk(n: &node::Node, out: &mut Vec<(Arc<str>, rust_decimal::Decimal)>) {
            use node::NodeKind as K;
            let name = |n: &node::Node| match &n.kind {
                K::Name(_, name) => Some(name.clone()),
                _ => None,
            };
            let number = |n: &node::Node| match &n.kind {
                K::Const(Value::Number(d)) => Some(*d),
                // A negative number is written `-2`: constants are folded only when compiled.
                K::Neg(a) => match &a.kind {
                    K::Const(Value::Number(d)) => Some(-*d),
                    _ => None,
                },
                _ => None,
            };
            let mut pair = |a: &node::Node, b: &node::Node| {
                if let (Some(x), Some(d)) = (name(a), number(b)) {
                    out.push((x, d));
                }
            };
            match &n.kind {
                K::Eq(_, a, b) | K::Ord(_, a, b) => {
                    pair(a, b);
                    pair(b, a);
                }
                K::InRange(_, x, lo, hi) => {
                    pair(x, lo);
                    pair(x, hi);
                }
                K::InList(_, x, list) => match &list.kind {
                    K::List(items) => items.iter().for_each(|item| pair(x, item)),
                    // A list of constants is folded into one value at load.
                    K::Const(Value::List(items)) => {
                        if let Some(x) = name(x) {
                            out.extend(
                                items
                                    .iter()
                                    .filter_map(Value::as_number)
                                    .map(|d| (x.clone(), d)),
                            );
                        }
                    }
                    _ => {}
                },
                _ => {}
            }
            for c in n.children() {
                walk(c, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.inner.node, &mut out);
        out
    }

    /// Each text written in this expression (`'one_off'` in `if x then 'one_off' else ...`).
    pub(crate) fn texts(&self, each: &mut dyn FnMut(&str)) {
        fn walk(n: &node::Node, each: &mut dyn FnMut(&str)) {
            if let node::NodeKind::Const(Value::Text(t)) = &n.kind {
                each(t);
            }
            for c in n.children() {
                walk(c, each);
            }
        }
        walk(&self.inner.node, each);
    }

    /// Each date written in this expression (`date('2025-09-01')`): behaviour can change on
    /// such a day, so lint explores it.
    pub(crate) fn dates(&self) -> Vec<crate::Date> {
        fn walk(n: &node::Node, out: &mut Vec<crate::Date>) {
            if let node::NodeKind::Const(Value::Date(d)) = &n.kind {
                out.push(*d);
            }
            for c in n.children() {
                walk(c, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.inner.node, &mut out);
        out
    }

    /// When the expression is an age on the evaluation date (`age_months(date_of_birth)`),
    /// the date input it reads.
    pub(crate) fn age_of(&self) -> Option<&str> {
        use node::NodeKind as K;
        match &self.inner.node.kind {
            K::Call(node::Func::AgeMonths, args) => match &**args {
                [node::Node {
                    kind: K::Name(_, name),
                    ..
                }] => Some(name),
                _ => None,
            },
            _ => None,
        }
    }

    /// The checked tree, which `fast` compiles.
    pub(crate) fn tree(&self) -> &node::Node {
        &self.inner.node
    }

    /// When the expression is a constant as written (`'A'`, `null`, `4000.00`), its value.
    pub(crate) fn as_const(&self) -> Option<&Value> {
        match &self.inner.node.kind {
            node::NodeKind::Const(v) => Some(v),
            _ => None,
        }
    }

    /// When the expression is a bare name (`score`), that name.
    pub fn as_name(&self) -> Option<&str> {
        match &self.inner.node.kind {
            node::NodeKind::Name(_, name) => Some(name),
            _ => None,
        }
    }
}

/// Text with `{expression}` or `{expression:money}` holes, for reasons and explanations.
#[derive(Debug, Clone)]
pub struct Template {
    parts: Arc<[template::Part]>,
}

impl Template {
    /// Parse the holes and compile each against `scope`. `{{` and `}}` are literal braces.
    /// Errors carry the offset in the whole template text.
    pub fn compile(text: &str, scope: &dyn Scope) -> Result<Template, ExprError> {
        Ok(Template {
            parts: template::parse(text, scope)?.into(),
        })
    }

    /// Names read by all holes.
    pub fn names_read(&self) -> Vec<Arc<str>> {
        let mut out: Vec<Arc<str>> = Vec::new();
        for part in self.parts.iter() {
            if let template::Part::Hole(e, _) = part {
                for n in e.names_read() {
                    if !out.contains(n) {
                        out.push(n.clone());
                    }
                }
            }
        }
        out
    }

    /// The literal texts and holes, which `fast` compiles.
    pub(crate) fn parts(&self) -> &[template::Part] {
        &self.parts
    }

    /// The expressions in the holes, in order.
    pub(crate) fn holes(&self) -> impl Iterator<Item = &Expr> {
        self.parts.iter().filter_map(|p| match p {
            template::Part::Hole(e, _) => Some(e),
            template::Part::Lit(_) => None,
        })
    }
}
