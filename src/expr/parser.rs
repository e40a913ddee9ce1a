//! Parser: precedence-climbing over tokens into an untyped syntax tree with byte spans.
//! Enforces the nesting limit and non-associative comparisons.

use super::ast::{ArithOp, Ast, AstKind, CmpOp};
use super::lexer::{lex, Tok, Token};
use super::{err_at, ExprError, MAX_DEPTH};

/// Words that cannot be names.
pub(super) const KEYWORDS: [&str; 10] = [
    "and", "or", "not", "in", "if", "then", "else", "true", "false", "null",
];

/// Parser state: the tokens, the position and the current nesting depth.
pub(super) struct Parser<'a> {
    pub src: &'a str,
    pub toks: Vec<Token>,
    pub pos: usize,
    pub depth: usize,
}

/// Parse a whole expression.
pub(super) fn parse(src: &str) -> Result<Ast, ExprError> {
    let toks = lex(src)?;
    let mut p = Parser {
        src,
        toks,
        pos: 0,
        depth: 0,
    };
    if p.peek().tok == Tok::Eof {
        return Err(err_at(src, 0, "the expression is empty"));
    }
    let ast = p.expr()?;
    let t = p.peek();
    if t.tok != Tok::Eof {
        return Err(err_at(
            src,
            t.start,
            format!("unexpected \"{}\"", p.text(t)),
        ));
    }
    Ok(ast)
}

impl<'a> Parser<'a> {
    pub(super) fn peek(&self) -> &Token {
        let last = self.toks.len().saturating_sub(1);
        &self.toks[self.pos.min(last)]
    }

    pub(super) fn next(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    pub(super) fn text(&self, t: &Token) -> &'a str {
        &self.src[t.start..t.end]
    }

    fn is_kw(&self, kw: &str) -> bool {
        let t = self.peek();
        t.tok == Tok::Ident && self.text(t) == kw
    }

    fn is_kw_at(&self, pos: usize, kw: &str) -> bool {
        self.toks
            .get(pos)
            .is_some_and(|t| t.tok == Tok::Ident && self.text(t) == kw)
    }

    pub(super) fn enter(&mut self, at: usize) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err_at(
                self.src,
                at,
                format!("expression is nested more than {MAX_DEPTH} deep"),
            ));
        }
        Ok(())
    }

    pub(super) fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Expect `close` at the current token, naming the opener at byte `open`.
    pub(super) fn close(&mut self, close: Tok, open: usize) -> Result<usize, ExprError> {
        let t = self.peek();
        if t.tok == close {
            let end = t.end;
            self.next();
            return Ok(end);
        }
        let (c, o) = if close == Tok::RParen {
            (")", "(")
        } else {
            ("]", "[")
        };
        let col = self.src[..open].chars().count() + 1;
        Err(err_at(
            self.src,
            t.start,
            format!("expected \"{c}\" to close \"{o}\" at column {col}"),
        ))
    }

    fn expected_kw(&self, kw: &str, after: &str) -> ExprError {
        let t = self.peek();
        let found = if t.tok == Tok::Eof {
            "the end".to_string()
        } else {
            format!("\"{}\"", self.text(t))
        };
        err_at(
            self.src,
            t.start,
            format!("expected \"{kw}\" {after}, found {found}"),
        )
    }

    /// expr := "if" expr "then" expr "else" expr | or
    pub(super) fn expr(&mut self) -> Result<Ast, ExprError> {
        if !self.is_kw("if") {
            return self.or();
        }
        let start = self.next().start;
        self.enter(start)?;
        let cond = self.expr()?;
        if !self.is_kw("then") {
            return Err(self.expected_kw("then", "after the \"if\" condition"));
        }
        self.next();
        let then = self.expr()?;
        if !self.is_kw("else") {
            return Err(self.expected_kw("else", "after the \"then\" value"));
        }
        self.next();
        let els = self.expr()?;
        self.leave();
        let end = els.end;
        Ok(Ast {
            kind: AstKind::If(Box::new(cond), Box::new(then), Box::new(els)),
            start,
            end,
        })
    }

    fn or(&mut self) -> Result<Ast, ExprError> {
        self.logic("or", false)
    }

    fn and(&mut self) -> Result<Ast, ExprError> {
        self.logic("and", true)
    }

    fn logic(&mut self, kw: &str, is_and: bool) -> Result<Ast, ExprError> {
        let sub = |p: &mut Self| if is_and { p.not() } else { p.and() };
        let first = sub(self)?;
        let mut rest = Vec::new();
        while self.is_kw(kw) {
            let at = self.next().start;
            rest.push((at, sub(self)?));
        }
        if rest.is_empty() {
            return Ok(first);
        }
        let (start, end) = (first.start, rest.last().map_or(first.end, |(_, a)| a.end));
        Ok(Ast {
            kind: AstKind::Logic(is_and, Box::new(first), rest),
            start,
            end,
        })
    }

    fn not(&mut self) -> Result<Ast, ExprError> {
        if !self.is_kw("not") {
            return self.cmp();
        }
        let start = self.next().start;
        self.enter(start)?;
        let inner = self.not()?;
        self.leave();
        let end = inner.end;
        Ok(Ast {
            kind: AstKind::Not(Box::new(inner)),
            start,
            end,
        })
    }

    fn cmp_op(&self) -> Option<(CmpOp, usize)> {
        let op = match self.peek().tok {
            Tok::Eq => CmpOp::Eq,
            Tok::Ne => CmpOp::Ne,
            Tok::Lt => CmpOp::Lt,
            Tok::Le => CmpOp::Le,
            Tok::Gt => CmpOp::Gt,
            Tok::Ge => CmpOp::Ge,
            _ if self.is_kw("in") => CmpOp::In,
            _ if self.is_kw("not") && self.is_kw_at(self.pos + 1, "in") => {
                return Some((CmpOp::NotIn, 2))
            }
            _ => return None,
        };
        Some((op, 1))
    }

    fn cmp(&mut self) -> Result<Ast, ExprError> {
        let lhs = self.additive()?;
        let Some((op, ntok)) = self.cmp_op() else {
            return Ok(lhs);
        };
        let at = self.peek().start;
        self.pos += ntok;
        let rhs = if matches!(op, CmpOp::In | CmpOp::NotIn) && self.peek().tok == Tok::LBracket {
            self.bracket(true)?
        } else {
            self.additive()?
        };
        if let Some((op2, _)) = self.cmp_op() {
            let mut e = err_at(
                self.src,
                self.peek().start,
                format!("\"{}\" cannot follow another comparison", op2.symbol()),
            );
            e.help = Some("comparisons do not chain; join them with \"and\"".to_string());
            return Err(e);
        }
        let (start, end) = (lhs.start, rhs.end);
        Ok(Ast {
            kind: AstKind::Cmp(op, at, Box::new(lhs), Box::new(rhs)),
            start,
            end,
        })
    }

    fn additive(&mut self) -> Result<Ast, ExprError> {
        self.arith(false)
    }

    fn arith(&mut self, mul: bool) -> Result<Ast, ExprError> {
        let sub = |p: &mut Self| if mul { p.unary() } else { p.arith(true) };
        let first = sub(self)?;
        let mut rest = Vec::new();
        loop {
            let op = match (self.peek().tok.clone(), mul) {
                (Tok::Plus, false) => ArithOp::Add,
                (Tok::Minus, false) => ArithOp::Sub,
                (Tok::Star, true) => ArithOp::Mul,
                (Tok::Slash, true) => ArithOp::Div,
                _ => break,
            };
            let at = self.next().start;
            rest.push((op, at, sub(self)?));
        }
        if rest.is_empty() {
            return Ok(first);
        }
        let (start, end) = (
            first.start,
            rest.last().map_or(first.end, |(_, _, a)| a.end),
        );
        Ok(Ast {
            kind: AstKind::Arith(Box::new(first), rest),
            start,
            end,
        })
    }

    fn unary(&mut self) -> Result<Ast, ExprError> {
        if self.peek().tok != Tok::Minus {
            return self.primary();
        }
        let start = self.next().start;
        self.enter(start)?;
        let inner = self.unary()?;
        self.leave();
        let end = inner.end;
        Ok(Ast {
            kind: AstKind::Neg(Box::new(inner)),
            start,
            end,
        })
    }
}
