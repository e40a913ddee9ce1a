//! The checked tree of an expression: names resolved to slots, calls to built-in functions,
//! each node with its place in the source. Compiling (`fast`) makes it code.

use super::ast::{ArithOp, CmpOp};
use super::{Slot, Value};
use crate::money::RoundingMode;
use std::sync::Arc;

/// A compiled node; `start..end` is its byte span in the source, for error labels.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub kind: NodeKind,
    pub start: u32,
    pub end: u32,
}

#[derive(Debug, Clone)]
pub(crate) enum NodeKind {
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

impl Node {
    /// The direct children (lint walks them for the numbers names are compared with).
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
}

/// A built-in function, as a call in the checked tree names it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Func {
    Min,
    Max,
    Abs,
    Round(u32, RoundingMode),
    Floor,
    Ceil,
    CountAtLeast,
    CountTrue,
    AgeMonths,
    DaysBetween,
    Coalesce,
    Len,
    Sum,
}
