//! Lexer: turns expression text into tokens carrying byte spans.
//! Numbers are parsed exactly as decimals; dotted names are single tokens.

use super::{err_at, ExprError};
use rust_decimal::Decimal;
use std::sync::Arc;

/// One token kind.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    /// A number literal and whether it was written with a fraction.
    Num(Decimal, bool),
    Str(Arc<str>),
    /// A name or keyword, possibly dotted (`needs.semh`).
    Ident,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    DotDot,
    Plus,
    Minus,
    Star,
    Slash,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Eof,
}

/// A token and where it is in the text (byte offsets).
#[derive(Debug, Clone)]
pub(super) struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Split `src` into tokens, ending with `Tok::Eof`.
pub(super) fn lex(src: &str) -> Result<Vec<Token>, ExprError> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let tok = if c.is_ascii_digit() {
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let mut frac = false;
            if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
                frac = true;
                i += 1;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
            }
            let text = &src[start..i];
            let n = crate::number::exact_decimal(text).map_err(|_| {
                err_at(
                    src,
                    start,
                    format!("the number {text} is too large or too precise"),
                )
            })?;
            Tok::Num(n, frac)
        } else if is_ident_start(c) {
            loop {
                while i < b.len() && is_ident_char(b[i]) {
                    i += 1;
                }
                if i < b.len() && b[i] == b'.' && !(i + 1 < b.len() && b[i + 1] == b'.') {
                    if i + 1 < b.len() && is_ident_start(b[i + 1]) {
                        i += 1;
                        continue;
                    }
                    return Err(err_at(
                        src,
                        i,
                        format!("expected a name after \"{}.\"", &src[start..i]),
                    ));
                }
                break;
            }
            Tok::Ident
        } else if c == b'\'' || c == b'"' {
            let (text, end) = lex_text(src, start)?;
            i = end;
            Tok::Str(text)
        } else {
            let two = b.get(i + 1).copied();
            let (tok, len) = match (c, two) {
                (b'=', Some(b'=')) => (Tok::Eq, 2),
                (b'!', Some(b'=')) => (Tok::Ne, 2),
                (b'<', Some(b'=')) => (Tok::Le, 2),
                (b'>', Some(b'=')) => (Tok::Ge, 2),
                (b'.', Some(b'.')) => (Tok::DotDot, 2),
                (b'<', _) => (Tok::Lt, 1),
                (b'>', _) => (Tok::Gt, 1),
                (b'(', _) => (Tok::LParen, 1),
                (b')', _) => (Tok::RParen, 1),
                (b'[', _) => (Tok::LBracket, 1),
                (b']', _) => (Tok::RBracket, 1),
                (b',', _) => (Tok::Comma, 1),
                (b'+', _) => (Tok::Plus, 1),
                (b'-', _) => (Tok::Minus, 1),
                (b'*', _) => (Tok::Star, 1),
                (b'/', _) => (Tok::Slash, 1),
                _ => return Err(unexpected_char(src, i)),
            };
            i += len;
            tok
        };
        out.push(Token { tok, start, end: i });
    }
    out.push(Token {
        tok: Tok::Eof,
        start: src.len(),
        end: src.len(),
    });
    Ok(out)
}

/// A character that starts no token, with a hint for common habits from other languages.
fn unexpected_char(src: &str, at: usize) -> ExprError {
    let ch = src[at..].chars().next().unwrap_or(' ');
    let next = src[at..].chars().nth(1);
    let help = match (ch, next) {
        ('=', _) => Some("use \"==\" to compare"),
        ('!', _) => Some("use \"not\" or \"!=\""),
        ('&', _) => Some("use \"and\""),
        ('|', _) => Some("use \"or\""),
        _ => None,
    };
    let mut e = err_at(src, at, format!("unexpected \"{ch}\""));
    e.help = help.map(str::to_string);
    e
}

/// Lex a quoted text starting at byte `start`; returns the text and the byte after the quote.
fn lex_text(src: &str, start: usize) -> Result<(Arc<str>, usize), ExprError> {
    let mut chars = src[start..].char_indices();
    let quote = chars.next().map_or('\'', |(_, q)| q);
    let mut text = String::new();
    while let Some((off, ch)) = chars.next() {
        match ch {
            '\\' => match chars.next() {
                Some((_, e @ ('\\' | '\'' | '"'))) => text.push(e),
                Some((_, e)) => {
                    let mut err = err_at(
                        src,
                        start + off,
                        format!("unknown escape \"\\{e}\" in text"),
                    );
                    err.help = Some("the escapes are \\\\, \\' and \\\"".to_string());
                    return Err(err);
                }
                None => break,
            },
            c if c == quote => return Ok((Arc::from(text), start + off + 1)),
            c => text.push(c),
        }
    }
    Err(err_at(
        src,
        start,
        format!("text is not closed, expected a closing {quote}"),
    ))
}
