//! The untyped syntax tree produced by the parser, with byte spans for error offsets.
//! Operator chains of one precedence level are flat, so the tree depth follows nesting.

use rust_decimal::Decimal;
use std::sync::Arc;

/// `+ - * /`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

impl ArithOp {
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
        }
    }
}

/// Comparison operators, including membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
        }
    }
}

/// A syntax tree node; `start..end` is its byte span in the source.
#[derive(Debug, Clone)]
pub(crate) struct Ast {
    pub kind: AstKind,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone)]
pub(crate) enum AstKind {
    Num(Decimal, bool),
    Text(Arc<str>),
    Bool(bool),
    Null,
    Name(String),
    List(Vec<Ast>),
    Range(Box<Ast>, Box<Ast>),
    Call(String, Vec<Ast>),
    Neg(Box<Ast>),
    Not(Box<Ast>),
    /// A left-to-right chain of one precedence level; each op carries its byte offset.
    Arith(Box<Ast>, Vec<(ArithOp, usize, Ast)>),
    /// `and` (true) or `or` (false) over two or more operands, with operator offsets.
    Logic(bool, Box<Ast>, Vec<(usize, Ast)>),
    Cmp(CmpOp, usize, Box<Ast>, Box<Ast>),
    If(Box<Ast>, Box<Ast>, Box<Ast>),
}
