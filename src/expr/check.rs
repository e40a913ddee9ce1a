//! Type checker: resolves names to slots, checks operator types, and builds the checked tree.
//! Compiling folds its constant parts (`fast`).

use super::ast::{ArithOp, Ast, AstKind, CmpOp};
use super::node::{Node, NodeKind};
use super::{err_at, ExprError, Scope, Type, Value};
use crate::suggest::did_you_mean;
use std::sync::Arc;

/// Load-time state while checking one expression.
pub(super) struct Checker<'a> {
    pub src: &'a str,
    pub scope: &'a dyn Scope,
    /// Names read, in order of first appearance.
    pub names: Vec<Arc<str>>,
}

fn numeric(t: &Type) -> bool {
    t.is_numeric() || *t == Type::Any
}

fn boolean(t: &Type) -> bool {
    matches!(t, Type::Bool | Type::Any)
}

/// Numbers, texts and dates can be ordered; `Any` might be any of them.
fn orderable(a: &Type, b: &Type) -> bool {
    let class = |t: &Type| match t {
        Type::Integer | Type::Number => Some(1),
        Type::Text => Some(2),
        Type::Date => Some(3),
        Type::Any => Some(0),
        _ => None,
    };
    matches!((class(a), class(b)), (Some(x), Some(y)) if x == 0 || y == 0 || x == y)
}

fn side(i: usize) -> &'static str {
    if i == 0 {
        "left"
    } else {
        "right"
    }
}

impl<'a> Checker<'a> {
    pub fn new(src: &'a str, scope: &'a dyn Scope) -> Self {
        Checker {
            src,
            scope,
            names: Vec::new(),
        }
    }

    /// An error at byte offset `at`.
    pub fn err(&self, at: usize, message: impl Into<String>) -> ExprError {
        err_at(self.src, at, message)
    }

    /// Resolve a dotted name (or `on`), recording it as read.
    pub fn name(&mut self, name: &str, at: usize) -> Result<(NodeKind, Type), ExprError> {
        match self.scope.resolve(name) {
            Some((slot, ty)) => {
                let name: Arc<str> = match self.names.iter().find(|n| ***n == *name) {
                    Some(n) => n.clone(),
                    None => {
                        let n: Arc<str> = Arc::from(name);
                        self.names.push(n.clone());
                        n
                    }
                };
                Ok((NodeKind::Name(slot, name), ty))
            }
            None if name == "on" => Ok((NodeKind::On, Type::Date)),
            None => {
                let mut e = self.err(at, format!("unknown name \"{name}\""));
                let known = self.scope.names();
                e.help = did_you_mean(name, known.iter().map(String::as_str).chain(["on"]));
                Err(e)
            }
        }
    }

    /// Check `ast`, returning its compiled node and static type.
    pub fn check(&mut self, ast: &Ast) -> Result<(Node, Type), ExprError> {
        let (kind, ty) = self.kind(ast)?;
        let node = Node {
            kind,
            start: pos(ast.start),
            end: pos(ast.end),
        };
        Ok((node, ty))
    }

    fn kind(&mut self, ast: &Ast) -> Result<(NodeKind, Type), ExprError> {
        let b = Box::new;
        Ok(match &ast.kind {
            AstKind::Num(n, frac) => (
                NodeKind::Const(Value::Number(*n)),
                if *frac { Type::Number } else { Type::Integer },
            ),
            AstKind::Text(s) => (NodeKind::Const(Value::Text(s.clone())), Type::Text),
            AstKind::Bool(v) => (NodeKind::Const(Value::Bool(*v)), Type::Bool),
            AstKind::Null => (NodeKind::Const(Value::Null), Type::Null),
            AstKind::Name(n) => self.name(n, ast.start)?,
            AstKind::Call(name, args) => self.call(name, args, ast)?,
            AstKind::List(items) => {
                let mut elem = Type::Any;
                let mut nodes = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let (n, t) = self.check(item)?;
                    elem = elem.unify(&t).ok_or_else(|| {
                        self.err(item.start, format!("list items must all be the same kind, but item {} is {t} and the items before it are {elem}", i + 1))
                    })?;
                    nodes.push(n);
                }
                (NodeKind::List(nodes.into()), Type::List(Box::new(elem)))
            }
            AstKind::Range(..) => {
                return Err(self.err(ast.start, "a range can only follow \"in\" or \"not in\""));
            }
            AstKind::Neg(a) => {
                let (n, t) = self.check(a)?;
                if !numeric(&t) {
                    return Err(self.err(
                        a.start,
                        format!("\"-\" needs a number, but the value is {t}"),
                    ));
                }
                (NodeKind::Neg(b(n)), t)
            }
            AstKind::Not(a) => {
                let (n, t) = self.check(a)?;
                if !boolean(&t) {
                    return Err(self.err(
                        a.start,
                        format!("\"not\" needs true or false, but the value is {t}"),
                    ));
                }
                (NodeKind::Not(b(n)), Type::Bool)
            }
            AstKind::Arith(first, rest) => {
                let (f, mut ty) = self.check(first)?;
                let mut nodes = Vec::with_capacity(rest.len());
                for (op, _, rhs) in rest {
                    let (n, t) = self.check(rhs)?;
                    for (i, (t, at)) in [(&ty, first.start), (&t, rhs.start)]
                        .into_iter()
                        .enumerate()
                    {
                        if !numeric(t) {
                            let msg = format!(
                                "\"{}\" needs numbers, but the {} side is {t}",
                                op.symbol(),
                                side(i)
                            );
                            return Err(self.err(at, msg));
                        }
                    }
                    ty = if *op != ArithOp::Div && ty == Type::Integer && t == Type::Integer {
                        Type::Integer
                    } else {
                        Type::Number
                    };
                    nodes.push((*op, n));
                }
                (NodeKind::Arith(b(f), nodes.into()), ty)
            }
            AstKind::Logic(is_and, first, rest) => {
                let word = if *is_and { "and" } else { "or" };
                let mut nodes = Vec::with_capacity(rest.len() + 1);
                let all = std::iter::once(&**first).chain(rest.iter().map(|(_, a)| a));
                for (i, a) in all.enumerate() {
                    let (n, t) = self.check(a)?;
                    if !boolean(&t) {
                        let msg = format!(
                            "\"{word}\" needs true or false, but the {} side is {t}",
                            side(i)
                        );
                        return Err(self.err(a.start, msg));
                    }
                    nodes.push(n);
                }
                let kind = if *is_and {
                    NodeKind::And(nodes.into())
                } else {
                    NodeKind::Or(nodes.into())
                };
                (kind, Type::Bool)
            }
            AstKind::Cmp(op, at, lhs, rhs) => (self.cmp(*op, *at, lhs, rhs)?, Type::Bool),
            AstKind::If(c, t, e) => {
                let (cn, ct) = self.check(c)?;
                if !boolean(&ct) {
                    return Err(self.err(
                        c.start,
                        format!(
                            "\"if\" needs a true or false condition, but the condition is {ct}"
                        ),
                    ));
                }
                let (tn, tt) = self.check(t)?;
                let (en, et) = self.check(e)?;
                let ty = tt.unify(&et).ok_or_else(|| {
                    self.err(e.start, format!("the \"then\" and \"else\" values must be the same kind, but \"then\" gives {tt} and \"else\" gives {et}"))
                })?;
                (NodeKind::If(b(cn), b(tn), b(en)), ty)
            }
        })
    }

    fn cmp(&mut self, op: CmpOp, at: usize, lhs: &Ast, rhs: &Ast) -> Result<NodeKind, ExprError> {
        let b = Box::new;
        let sym = op.symbol();
        let (l, lt) = self.check(lhs)?;
        let negate = op == CmpOp::NotIn;
        if let (CmpOp::In | CmpOp::NotIn, AstKind::Range(lo, hi)) = (op, &rhs.kind) {
            let (lo_n, lo_t) = self.check(lo)?;
            let (hi_n, hi_t) = self.check(hi)?;
            let bound = lo_t
                .unify(&hi_t)
                .filter(|t| orderable(t, t) && orderable(&lo_t, &hi_t));
            let Some(bound) = bound else {
                return Err(self.err(rhs.start, format!("a range needs two numbers, two texts or two dates, but it goes from {lo_t} to {hi_t}")));
            };
            if !orderable(&lt, &bound) {
                return Err(self.err(at, format!("\"{sym}\" needs the left side to be the same kind as the range, but the left side is {lt} and the range is of {bound}")));
            }
            return Ok(NodeKind::InRange(negate, b(l), b(lo_n), b(hi_n)));
        }
        let (r, rt) = self.check(rhs)?;
        match op {
            CmpOp::Eq | CmpOp::Ne => {
                if lt.unify(&rt).is_none() {
                    return Err(self.err(at, format!("\"{sym}\" needs two values of the same kind, but the left side is {lt} and the right side is {rt}")));
                }
                self.admit(&l, &r)?;
                self.admit(&r, &l)?;
                Ok(NodeKind::Eq(op == CmpOp::Ne, b(l), b(r)))
            }
            CmpOp::In | CmpOp::NotIn => {
                let elem = match &rt {
                    Type::List(e) => (**e).clone(),
                    Type::Any => Type::Any,
                    _ => {
                        return Err(self.err(rhs.start, format!("\"{sym}\" needs a list or a range on the right, but the right side is {rt}")));
                    }
                };
                if lt.unify(&elem).is_none() {
                    return Err(self.err(at, format!("\"{sym}\" needs the left side to be the same kind as the list items, but the left side is {lt} and the right side is {rt}")));
                }
                if let NodeKind::List(items) = &r.kind {
                    for item in items.iter() {
                        self.admit(&l, item)?;
                    }
                }
                Ok(NodeKind::InList(negate, b(l), b(r)))
            }
            _ => {
                if !orderable(&lt, &rt) {
                    return Err(self.err(at, format!("\"{sym}\" needs two numbers, two texts or two dates, but the left side is {lt} and the right side is {rt}")));
                }
                Ok(NodeKind::Ord(op, b(l), b(r)))
            }
        }
    }
}

impl Checker<'_> {
    /// When `name` is a name with declared values and `literal` a constant, the constant must
    /// be one of them: `level == 'hgih'` is a typo, never a test that quietly never holds.
    fn admit(&self, name: &Node, literal: &Node) -> Result<(), ExprError> {
        let (NodeKind::Name(_, n), NodeKind::Const(v)) = (&name.kind, &literal.kind) else {
            return Ok(());
        };
        let Some(domain) = self.scope.domain(n) else {
            return Ok(());
        };
        match domain.refuse(n, v) {
            None => Ok(()),
            Some((message, help)) => {
                let mut e = self.err(literal.start as usize, message);
                e.help = help;
                Err(e)
            }
        }
    }
}

/// A byte offset as stored in nodes (sources are at most `MAX_LEN` characters).
fn pos(byte: usize) -> u32 {
    u32::try_from(byte).unwrap_or(u32::MAX)
}
