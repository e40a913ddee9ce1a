//! The JSON text of one profile, read a token at a time (RFC 8259): keys and strings borrowed
//! unless they hold escapes, numbers as written, and no tree of values built.

use crate::input::Raw;
use std::borrow::Cow;

/// Why the text is not JSON, and the byte where that was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Syntax {
    what: &'static str,
    at: usize,
}

impl Syntax {
    /// serde_json's words for the problem, with its line and column.
    pub fn message(&self, text: &str) -> String {
        let before = text.as_bytes().get(..self.at).unwrap_or(text.as_bytes());
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = 1 + before[..line_start].iter().filter(|&&b| b == b'\n').count();
        // A problem at a byte is in its (1-based) column; the end of the text is after the last.
        let column = (self.at + 1).min(text.len()) - line_start;
        format!("{} at line {line} column {column}", self.what)
    }
}

/// An object's key.
pub(super) enum Key<'t> {
    /// The key the reader was told to expect.
    Expected,
    /// Any other, borrowed from the text unless it has escapes.
    Named(Cow<'t, str>),
}

/// A cursor over a profile's JSON text.
pub(super) struct Reader<'t> {
    text: &'t str,
    at: usize,
    /// Arrays and objects open now.
    depth: usize,
    /// The last string with escapes, decoded.
    scratch: String,
    /// While skipping a value, a bit per array or object open within it: set for an object.
    kinds: Vec<u64>,
}

impl<'t> Reader<'t> {
    pub fn new(text: &'t str) -> Reader<'t> {
        Reader {
            text,
            at: 0,
            depth: 0,
            scratch: String::new(),
            kinds: Vec::new(),
        }
    }

    #[cold]
    #[inline(never)]
    fn fail<T>(&self, what: &'static str) -> Result<T, Syntax> {
        Err(Syntax { what, at: self.at })
    }

    /// Past a comma between an object's fields: the next must be a key.
    #[inline]
    fn comma_then_key(&mut self) -> Result<(), Syntax> {
        self.at += 1;
        match self.peek() {
            Some(b'"') => Ok(()),
            Some(b'}') => self.fail("trailing comma"),
            Some(_) => self.fail("key must be a string"),
            None => self.fail("EOF while parsing a value"),
        }
    }

    #[inline]
    fn byte(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// The next byte that is not white space, not consumed.
    #[inline]
    pub fn peek(&mut self) -> Option<u8> {
        while let Some(b) = self.byte() {
            if !matches!(b, b' ' | b'\n' | b'\t' | b'\r') {
                return Some(b);
            }
            self.at += 1;
        }
        None
    }

    /// Nothing but white space is left.
    pub fn end(&mut self) -> Result<(), Syntax> {
        match self.peek() {
            None => Ok(()),
            Some(_) => self.fail("trailing characters"),
        }
    }

    /// Into the array or object whose bracket is next (the caller has peeked it).
    pub fn open(&mut self) {
        self.depth += 1;
        self.at += 1;
    }

    /// The object's next key, read up to its value; `None` at the object's end. `first` is
    /// true until the first key has been read. A key that is `expected` (as most are: a
    /// profile's keys mostly come in the order the inputs are declared) is `Key::Expected`,
    /// told by one comparison rather than read byte by byte (`expected` holds no quote or
    /// backslash, being a name's part).
    #[inline]
    pub fn next_key(
        &mut self,
        first: &mut bool,
        expected: &str,
    ) -> Result<Option<Key<'t>>, Syntax> {
        match self.peek() {
            Some(b'}') => {
                self.at += 1;
                self.depth -= 1;
                return Ok(None);
            }
            Some(b',') if !*first => self.comma_then_key()?,
            Some(b'"') if *first => {}
            Some(_) if *first => return self.fail("key must be a string"),
            Some(_) => return self.fail("expected `,` or `}`"),
            None => return self.fail("EOF while parsing an object"),
        }
        *first = false;
        let bytes = self.text.as_bytes();
        let (start, end) = (self.at + 1, self.at + 1 + expected.len());
        let key = if !expected.is_empty()
            && bytes
                .get(start..end)
                .is_some_and(|k| same(k, expected.as_bytes()))
            && bytes.get(end) == Some(&b'"')
        {
            self.at = end + 1;
            Key::Expected
        } else {
            Key::Named(match self.string()? {
                Some(plain) => Cow::Borrowed(plain),
                None => Cow::Owned(self.scratch.clone()),
            })
        };
        match self.peek() {
            Some(b':') => self.at += 1,
            Some(_) => return self.fail("expected `:`"),
            None => return self.fail("EOF while parsing an object"),
        }
        Ok(Some(key))
    }

    /// The value that is next, as a raw field: an array or object is read through and is
    /// `Nested`.
    pub fn value(&mut self) -> Result<Raw<'_>, Syntax> {
        Ok(match self.peek() {
            Some(b'"') => match self.string()? {
                Some(plain) => Raw::Str(plain),
                None => Raw::Str(&self.scratch),
            },
            Some(b'{' | b'[') => {
                self.skip()?;
                Raw::Nested
            }
            Some(b't') => self.literal("true", Raw::Bool(true))?,
            Some(b'f') => self.literal("false", Raw::Bool(false))?,
            Some(b'n') => self.literal("null", Raw::Null)?,
            Some(b'-' | b'0'..=b'9') => Raw::Number(self.number()?),
            Some(_) => return self.fail("expected value"),
            None => return self.fail("EOF while parsing a value"),
        })
    }

    fn literal<'a>(&mut self, word: &'static str, raw: Raw<'a>) -> Result<Raw<'a>, Syntax> {
        for &want in word.as_bytes() {
            match self.byte() {
                Some(b) if b == want => self.at += 1,
                Some(_) => return self.fail("expected ident"),
                None => return self.fail("EOF while parsing a value"),
            }
        }
        Ok(raw)
    }

    /// The number that is next, exactly as written: `-? int frac? exp?`.
    fn number(&mut self) -> Result<&'t str, Syntax> {
        let start = self.at;
        if self.byte() == Some(b'-') {
            self.at += 1;
        }
        match self.byte() {
            Some(b'0') => {
                self.at += 1;
                if matches!(self.byte(), Some(b'0'..=b'9')) {
                    return self.fail("invalid number");
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            Some(_) => return self.fail("invalid number"),
            None => return self.fail("EOF while parsing a value"),
        }
        if self.byte() == Some(b'.') {
            self.at += 1;
            self.some_digits()?;
        }
        if matches!(self.byte(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.byte(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            self.some_digits()?;
        }
        Ok(&self.text[start..self.at])
    }

    fn digits(&mut self) {
        while matches!(self.byte(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
    }

    fn some_digits(&mut self) -> Result<(), Syntax> {
        match self.byte() {
            Some(b'0'..=b'9') => {
                self.digits();
                Ok(())
            }
            Some(_) => self.fail("invalid number"),
            None => self.fail("EOF while parsing a value"),
        }
    }

    /// The string whose quote is next: `Some` of its text when it has no escapes, else `None`
    /// with its decoded text in `scratch`.
    #[inline]
    fn string(&mut self) -> Result<Option<&'t str>, Syntax> {
        let start = self.at + 1;
        let end = plain_run(self.text.as_bytes(), start);
        if self.text.as_bytes().get(end) == Some(&b'"') {
            self.at = end + 1;
            return Ok(self.text.get(start..end));
        }
        self.at = end;
        self.escaped(start).map(|()| None)
    }

    /// The rest of a string begun at `start` whose plain run has ended at `at` with no quote:
    /// at an escape, a control character or the end of the text. Decoded into `scratch`.
    #[inline(never)]
    fn escaped(&mut self, start: usize) -> Result<(), Syntax> {
        let bytes = self.text.as_bytes();
        self.scratch.clear();
        self.scratch
            .push_str(self.text.get(start..self.at).unwrap_or_default());
        loop {
            match bytes.get(self.at) {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(());
                }
                Some(b'\\') => {}
                Some(_) => {
                    return self
                        .fail("control character (\\u0000-\\u001F) found while parsing a string")
                }
                None => return self.fail("EOF while parsing a string"),
            }
            self.at += 1;
            let c = self.escape()?;
            self.scratch.push(c);
            let run = self.at;
            self.at = plain_run(bytes, self.at);
            self.scratch
                .push_str(self.text.get(run..self.at).unwrap_or_default());
        }
    }
    /// The character of the escape after a backslash, read through.
    fn escape(&mut self) -> Result<char, Syntax> {
        let c = match self.byte() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.at += 1;
                return self.unicode();
            }
            Some(_) => return self.fail("invalid escape"),
            None => return self.fail("EOF while parsing a string"),
        };
        self.at += 1;
        Ok(c)
    }

    /// The character of a `\u` escape (a surrogate pair is two), its digits next.
    fn unicode(&mut self) -> Result<char, Syntax> {
        let first = self.hex4()?;
        let code = match first {
            0xDC00..=0xDFFF => return self.fail("lone leading surrogate in hex escape"),
            0xD800..=0xDBFF => {
                if self.byte() != Some(b'\\')
                    || self.text.as_bytes().get(self.at + 1) != Some(&b'u')
                {
                    return self.fail("unexpected end of hex escape");
                }
                self.at += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return self.fail("lone leading surrogate in hex escape");
                }
                0x10000 + ((u32::from(first) - 0xD800) << 10) + (u32::from(second) - 0xDC00)
            }
            _ => u32::from(first),
        };
        match char::from_u32(code) {
            Some(c) => Ok(c),
            None => self.fail("invalid unicode code point"),
        }
    }

    /// Four hex digits.
    fn hex4(&mut self) -> Result<u16, Syntax> {
        let mut n = 0u16;
        for _ in 0..4 {
            let digit = match self.byte() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                Some(_) => return self.fail("invalid escape"),
                None => return self.fail("EOF while parsing a string"),
            };
            n = n * 16 + u16::from(digit);
            self.at += 1;
        }
        Ok(n)
    }

    /// Whether the array or object open `level` levels into a skipped value is an object.
    fn is_object(&self, level: usize) -> bool {
        self.kinds
            .get(level / 64)
            .is_some_and(|w| w & (1 << (level % 64)) != 0)
    }

    fn set_kind(&mut self, level: usize, is_object: bool) {
        if self.kinds.len() <= level / 64 {
            self.kinds.resize(level / 64 + 1, 0);
        }
        if let Some(w) = self.kinds.get_mut(level / 64) {
            *w = *w & !(1 << (level % 64)) | (u64::from(is_object) << (level % 64));
        }
    }

    /// Read through the value that is next, whatever it is, checking it is JSON. Nested arrays
    /// and objects are followed with a bit per level, not by recursion, so no depth of nesting
    /// can exhaust the stack.
    pub fn skip(&mut self) -> Result<(), Syntax> {
        let base = self.depth;
        loop {
            // A value is next.
            match self.peek() {
                Some(b @ (b'{' | b'[')) => {
                    self.open();
                    let level = self.depth - base - 1;
                    let is_object = b == b'{';
                    self.set_kind(level, is_object);
                    let closed = if is_object {
                        self.skip_first_key()?
                    } else if self.peek() == Some(b']') {
                        self.at += 1;
                        self.depth -= 1;
                        true
                    } else {
                        false
                    };
                    if !closed {
                        continue;
                    }
                }
                _ => {
                    self.value()?;
                }
            }
            // After a value: close what ends here, and stop when back at the start.
            loop {
                if self.depth == base {
                    return Ok(());
                }
                let level = self.depth - base - 1;
                let in_object = self.is_object(level);
                match (self.peek(), in_object) {
                    (Some(b','), false) => {
                        self.at += 1;
                        if self.peek() == Some(b']') {
                            return self.fail("trailing comma");
                        }
                        break;
                    }
                    (Some(b','), true) => {
                        self.comma_then_key()?;
                        self.key_to_colon()?;
                        break;
                    }
                    (Some(b']'), false) | (Some(b'}'), true) => {
                        self.at += 1;
                        self.depth -= 1;
                    }
                    (Some(_), false) => return self.fail("expected `,` or `]`"),
                    (Some(_), true) => return self.fail("expected `,` or `}`"),
                    (None, false) => return self.fail("EOF while parsing a list"),
                    (None, true) => return self.fail("EOF while parsing an object"),
                }
            }
        }
    }

    /// After an object's `{`: true if it closes at once, else its first key is read up to
    /// the value.
    fn skip_first_key(&mut self) -> Result<bool, Syntax> {
        match self.peek() {
            Some(b'}') => {
                self.at += 1;
                self.depth -= 1;
                Ok(true)
            }
            Some(b'"') => {
                self.key_to_colon()?;
                Ok(false)
            }
            Some(_) => self.fail("key must be a string"),
            None => self.fail("EOF while parsing an object"),
        }
    }

    /// A key whose quote is next, and its colon.
    fn key_to_colon(&mut self) -> Result<(), Syntax> {
        self.string()?;
        match self.peek() {
            Some(b':') => {
                self.at += 1;
                Ok(())
            }
            Some(_) => self.fail("expected `:`"),
            None => self.fail("EOF while parsing an object"),
        }
    }
}

/// Whether two texts of the same length are equal, compared a word at a time in line: keys are
/// short, and a call to `memcmp` per key cost more than the comparing.
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let n = a.len();
    let word = |s: &[u8], at: usize| {
        s.get(at..at + 8)
            .and_then(|w| w.try_into().ok())
            .map(u64::from_ne_bytes)
    };
    let half = |s: &[u8], at: usize| {
        s.get(at..at + 4)
            .and_then(|w| w.try_into().ok())
            .map(u32::from_ne_bytes)
    };
    match n {
        // Whole words, then the last eight bytes (overlapping the words before).
        8.. => {
            let mut i = 0;
            while i + 8 < n {
                if word(a, i) != word(b, i) {
                    return false;
                }
                i += 8;
            }
            word(a, n - 8) == word(b, n - 8)
        }
        // The first four bytes and the last four, which may overlap.
        4.. => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        _ => a.iter().zip(b).all(|(x, y)| x == y),
    }
}

/// Where the run of plain string bytes from `i` ends: at the first quote, backslash or control
/// character (or the end). Eight bytes are tested at a time, as serde_json does, since most of
/// a profile's bytes are in its keys and texts.
#[inline]
fn plain_run(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let Ok(eight) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let w = u64::from_le_bytes(eight);
        let quote = w ^ (ONES * u64::from(b'"'));
        let backslash = w ^ (ONES * u64::from(b'\\'));
        // A byte is flagged where it is zero (or below 0x20); the lowest flag is always exact.
        let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
        let special = zero(quote) | zero(backslash) | (w.wrapping_sub(ONES * 0x20) & !w & HIGHS);
        if special != 0 {
            return i + (special.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&b) = bytes.get(i) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            break;
        }
        i += 1;
    }
    i
}
