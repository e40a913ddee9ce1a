//! The compiled tree (slots resolved, constants folded) and its evaluation.
//! Number and boolean work allocates nothing; errors are built only on the failure path.

use super::ast::{ArithOp, CmpOp};
use super::builtins::{eval_call, Func};
use super::{Env, EvalError, Slot, Value};
use crate::Date;
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::sync::Arc;

/// A compiled node; `start..end` is its byte span in the source, for error labels.
#[derive(Debug, Clone)]
pub(super) struct Node {
    pub kind: NodeKind,
    pub start: u32,
    pub end: u32,
}

#[derive(Debug, Clone)]
pub(super) enum NodeKind {
    Const(Value),
    Name(Slot, Arc<str>),
    On,
    List(Box<[Node]>),
    Neg(Box<Node>),
    Not(Box<Node>),
    Arith(Box<Node>, Box<[(ArithOp, Node)]>),
    And(Box<[Node]>),
    Or(Box<[Node]>),
    /// `==` (false) or `!=` (true).
    Eq(bool, Box<Node>, Box<Node>),
    /// `<`, `<=`, `>`, `>=`.
    Ord(CmpOp, Box<Node>, Box<Node>),
    /// `in` (false) or `not in` (true) a list.
    InList(bool, Box<Node>, Box<Node>),
    /// `in` (false) or `not in` (true) an inclusive range.
    InRange(bool, Box<Node>, Box<Node>, Box<Node>),
    If(Box<Node>, Box<Node>, Box<Node>),
    Given(Slot),
    Call(Func, Box<[Node]>),
}

/// What evaluation needs besides the tree: the case and the source text (for error messages).
pub(super) struct Cx<'a> {
    pub env: &'a dyn Env,
    pub src: &'a str,
}

impl Cx<'_> {
    pub fn overflow(&self) -> EvalError {
        EvalError::Overflow {
            expr: self.src.to_string(),
        }
    }
}

impl Node {
    /// The direct children, for constant folding.
    pub fn children(&self) -> Vec<&Node> {
        match &self.kind {
            NodeKind::Const(_) | NodeKind::Name(..) | NodeKind::On | NodeKind::Given(_) => {
                Vec::new()
            }
            NodeKind::List(xs) | NodeKind::And(xs) | NodeKind::Or(xs) | NodeKind::Call(_, xs) => {
                xs.iter().collect()
            }
            NodeKind::Neg(a) | NodeKind::Not(a) => vec![a],
            NodeKind::Arith(a, rest) => std::iter::once(&**a)
                .chain(rest.iter().map(|(_, n)| n))
                .collect(),
            NodeKind::Eq(_, a, b) | NodeKind::Ord(_, a, b) | NodeKind::InList(_, a, b) => {
                vec![a, b]
            }
            NodeKind::InRange(_, a, b, c) | NodeKind::If(a, b, c) => vec![a, b, c],
        }
    }

    /// The direct children, to change in place (constant folding).
    pub fn children_mut(&mut self) -> Vec<&mut Node> {
        match &mut self.kind {
            NodeKind::Const(_) | NodeKind::Name(..) | NodeKind::On | NodeKind::Given(_) => {
                Vec::new()
            }
            NodeKind::List(xs) | NodeKind::And(xs) | NodeKind::Or(xs) | NodeKind::Call(_, xs) => {
                xs.iter_mut().collect()
            }
            NodeKind::Neg(a) | NodeKind::Not(a) => vec![a],
            NodeKind::Arith(a, rest) => std::iter::once(&mut **a)
                .chain(rest.iter_mut().map(|(_, n)| n))
                .collect(),
            NodeKind::Eq(_, a, b) | NodeKind::Ord(_, a, b) | NodeKind::InList(_, a, b) => {
                vec![a, b]
            }
            NodeKind::InRange(_, a, b, c) | NodeKind::If(a, b, c) => vec![a, b, c],
        }
    }

    /// What to call this node in a "has no value" error: its name, or its source text.
    pub fn label(&self, src: &str) -> String {
        match &self.kind {
            NodeKind::Name(_, name) => name.to_string(),
            _ => src
                .get(self.start as usize..self.end as usize)
                .unwrap_or(src)
                .trim()
                .to_string(),
        }
    }

    /// The error for a value of the wrong kind here (`NoValue` for null).
    pub fn bad(&self, cx: &Cx, v: &Value, wanted: &str) -> EvalError {
        if v.is_null() {
            EvalError::NoValue {
                name: self.label(cx.src),
            }
        } else {
            EvalError::Other(format!(
                "{} is {}, but {wanted} was needed",
                self.label(cx.src),
                v.kind_name()
            ))
        }
    }

    /// Evaluate to a number; null or another kind is an error.
    pub fn num(&self, cx: &Cx) -> Result<Decimal, EvalError> {
        match &self.kind {
            NodeKind::Const(Value::Number(n)) => Ok(*n),
            NodeKind::Name(slot, _) => match cx.env.value(*slot) {
                Value::Number(n) => Ok(*n),
                v => Err(self.bad(cx, v, "a number")),
            },
            _ => match self.eval(cx)? {
                Value::Number(n) => Ok(n),
                v => Err(self.bad(cx, &v, "a number")),
            },
        }
    }

    /// Evaluate to a boolean; null or another kind is an error.
    pub fn boolean(&self, cx: &Cx) -> Result<bool, EvalError> {
        match &self.kind {
            NodeKind::Name(slot, _) => match cx.env.value(*slot) {
                Value::Bool(b) => Ok(*b),
                v => Err(self.bad(cx, v, "true or false")),
            },
            _ => match self.eval(cx)? {
                Value::Bool(b) => Ok(b),
                v => Err(self.bad(cx, &v, "true or false")),
            },
        }
    }

    /// Evaluate to a date; null or another kind is an error.
    pub fn date(&self, cx: &Cx) -> Result<Date, EvalError> {
        match self.eval(cx)? {
            Value::Date(d) => Ok(d),
            v => Err(self.bad(cx, &v, "a date")),
        }
    }

    /// Evaluate to a value that is not null.
    pub fn present(&self, cx: &Cx) -> Result<Value, EvalError> {
        let v = self.eval(cx)?;
        if v.is_null() {
            return Err(EvalError::NoValue {
                name: self.label(cx.src),
            });
        }
        Ok(v)
    }

    /// Evaluate for one case.
    pub fn eval(&self, cx: &Cx) -> Result<Value, EvalError> {
        Ok(match &self.kind {
            NodeKind::Const(v) => v.clone(),
            NodeKind::Name(slot, _) => cx.env.value(*slot).clone(),
            NodeKind::On => Value::Date(cx.env.on()),
            NodeKind::List(items) => Value::List(
                items
                    .iter()
                    .map(|n| n.eval(cx))
                    .collect::<Result<Arc<[Value]>, _>>()?,
            ),
            NodeKind::Neg(a) => Value::Number(-a.num(cx)?),
            NodeKind::Not(a) => Value::Bool(!a.boolean(cx)?),
            NodeKind::Arith(first, rest) => Value::Number(arith(first, rest, cx)?),
            NodeKind::And(items) => {
                for n in items.iter() {
                    if !n.boolean(cx)? {
                        return Ok(Value::Bool(false));
                    }
                }
                Value::Bool(true)
            }
            NodeKind::Or(items) => {
                for n in items.iter() {
                    if n.boolean(cx)? {
                        return Ok(Value::Bool(true));
                    }
                }
                Value::Bool(false)
            }
            NodeKind::Eq(negate, a, b) => Value::Bool(equal(a, b, cx)? != *negate),
            NodeKind::Ord(op, a, b) => {
                let ord = order(a, b, cx)?;
                Value::Bool(match op {
                    CmpOp::Lt => ord == Ordering::Less,
                    CmpOp::Le => ord != Ordering::Greater,
                    CmpOp::Gt => ord == Ordering::Greater,
                    _ => ord != Ordering::Less,
                })
            }
            NodeKind::InList(negate, x, list) => {
                let v = x.present(cx)?;
                let found = match list.eval(cx)? {
                    Value::List(items) => items.contains(&v),
                    other => return Err(list.bad(cx, &other, "a list")),
                };
                Value::Bool(found != *negate)
            }
            NodeKind::InRange(negate, x, lo, hi) => {
                let inside = order(lo, x, cx)? != Ordering::Greater
                    && order(x, hi, cx)? != Ordering::Greater;
                Value::Bool(inside != *negate)
            }
            NodeKind::If(c, a, b) => {
                if c.boolean(cx)? {
                    a.eval(cx)?
                } else {
                    b.eval(cx)?
                }
            }
            NodeKind::Given(slot) => Value::Bool(!cx.env.value(*slot).is_null()),
            NodeKind::Call(f, args) => eval_call(*f, args, cx)?,
        })
    }
}

fn arith(first: &Node, rest: &[(ArithOp, Node)], cx: &Cx) -> Result<Decimal, EvalError> {
    let mut acc = first.num(cx)?;
    for (op, n) in rest {
        let r = n.num(cx)?;
        acc = match op {
            ArithOp::Add => acc.checked_add(r),
            ArithOp::Sub => acc.checked_sub(r),
            ArithOp::Mul => acc.checked_mul(r),
            ArithOp::Div => {
                if r.is_zero() {
                    return Err(EvalError::DivisionByZero {
                        expr: cx.src.to_string(),
                    });
                }
                acc.checked_div(r)
            }
        }
        .ok_or_else(|| cx.overflow())?;
    }
    Ok(acc)
}

/// `==` with a fast path for numbers; null equals only null.
fn equal(a: &Node, b: &Node, cx: &Cx) -> Result<bool, EvalError> {
    if let (NodeKind::Name(slot, _), NodeKind::Const(c)) = (&a.kind, &b.kind) {
        return Ok(cx.env.value(*slot) == c);
    }
    Ok(a.eval(cx)? == b.eval(cx)?)
}

/// Order two values of one orderable kind (numbers, texts or dates); null is an error.
pub(super) fn order(a: &Node, b: &Node, cx: &Cx) -> Result<Ordering, EvalError> {
    if let (
        NodeKind::Name(..) | NodeKind::Const(Value::Number(_)),
        NodeKind::Const(Value::Number(r)),
    ) = (&a.kind, &b.kind)
    {
        return Ok(a.num(cx)?.cmp(r));
    }
    let (x, y) = (a.present(cx)?, b.present(cx)?);
    compare_values(&x, &y).ok_or_else(|| {
        EvalError::Other(format!(
            "cannot order {} and {} in {}",
            x.kind_name(),
            y.kind_name(),
            cx.src
        ))
    })
}

/// The order of two values of the same orderable kind.
pub(super) fn compare_values(x: &Value, y: &Value) -> Option<Ordering> {
    match (x, y) {
        (Value::Number(p), Value::Number(q)) => Some(p.cmp(q)),
        (Value::Text(p), Value::Text(q)) => Some(p.cmp(q)),
        (Value::Date(p), Value::Date(q)) => Some(p.cmp(q)),
        _ => None,
    }
}
