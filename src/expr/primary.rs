//! Parser, innermost level: literals, names, calls, parentheses, lists and ranges.
//! Every opening bracket or call counts one level towards the nesting limit.

use super::ast::{Ast, AstKind};
use super::lexer::{Tok, Token};
use super::parser::{Parser, KEYWORDS};
use super::{err_at, ExprError};

impl Parser<'_> {
    pub(super) fn primary(&mut self) -> Result<Ast, ExprError> {
        let t = self.peek().clone();
        let (start, end) = (t.start, t.end);
        let leaf = |kind| Ok(Ast { kind, start, end });
        match t.tok {
            Tok::Num(n, frac) => {
                self.next();
                leaf(AstKind::Num(n, frac))
            }
            Tok::Str(s) => {
                self.next();
                leaf(AstKind::Text(s))
            }
            Tok::LParen => {
                self.next();
                self.enter(start)?;
                let mut inner = self.expr()?;
                inner.end = self.close(Tok::RParen, start)?;
                inner.start = start;
                self.leave();
                Ok(inner)
            }
            Tok::LBracket => self.bracket(false),
            Tok::Ident => self.ident(t),
            Tok::Eof => Err(err_at(
                self.src,
                start,
                "unexpected end of expression, expected a value",
            )),
            _ => Err(err_at(
                self.src,
                start,
                format!("unexpected \"{}\", expected a value", self.text(&t)),
            )),
        }
    }

    fn ident(&mut self, t: Token) -> Result<Ast, ExprError> {
        let (start, end) = (t.start, t.end);
        let word = self.text(&t);
        let kind = match word {
            "true" => AstKind::Bool(true),
            "false" => AstKind::Bool(false),
            "null" => AstKind::Null,
            "if" => {
                let mut e = err_at(self.src, start, "unexpected \"if\", expected a value");
                e.help = Some("put the \"if\" expression in parentheses".to_string());
                return Err(e);
            }
            w if KEYWORDS.contains(&w) => {
                return Err(err_at(
                    self.src,
                    start,
                    format!("unexpected \"{w}\", expected a value"),
                ))
            }
            w => {
                self.next();
                if self.peek().tok != Tok::LParen {
                    return Ok(Ast {
                        kind: AstKind::Name(w.to_string()),
                        start,
                        end,
                    });
                }
                let open = self.next().start;
                self.enter(start)?;
                let mut args = Vec::new();
                if self.peek().tok != Tok::RParen {
                    loop {
                        args.push(self.expr()?);
                        if self.peek().tok != Tok::Comma {
                            break;
                        }
                        self.next();
                    }
                }
                let end = self.close(Tok::RParen, open)?;
                self.leave();
                return Ok(Ast {
                    kind: AstKind::Call(w.to_string(), args),
                    start,
                    end,
                });
            }
        };
        self.next();
        Ok(Ast { kind, start, end })
    }

    /// `[a, b, ...]`, or `[lo..hi]` when `range_ok` (right of `in`).
    pub(super) fn bracket(&mut self, range_ok: bool) -> Result<Ast, ExprError> {
        let start = self.next().start;
        self.enter(start)?;
        let mut items = Vec::new();
        if self.peek().tok != Tok::RBracket {
            loop {
                let item = self.expr()?;
                if items.is_empty() && self.peek().tok == Tok::DotDot {
                    let dots = self.next().start;
                    if !range_ok {
                        let mut e = err_at(
                            self.src,
                            dots,
                            "a range can only follow \"in\" or \"not in\"",
                        );
                        e.help = Some("write it as: x in [1..5]".to_string());
                        return Err(e);
                    }
                    let hi = self.expr()?;
                    let end = self.close(Tok::RBracket, start)?;
                    self.leave();
                    return Ok(Ast {
                        kind: AstKind::Range(Box::new(item), Box::new(hi)),
                        start,
                        end,
                    });
                }
                items.push(item);
                if self.peek().tok != Tok::Comma {
                    break;
                }
                self.next();
            }
        }
        let end = self.close(Tok::RBracket, start)?;
        self.leave();
        Ok(Ast {
            kind: AstKind::List(items),
            start,
            end,
        })
    }
}
