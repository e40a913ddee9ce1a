//! The compiled tier's values: copyable, with every text the rule set knows interned as a
//! number, so a case is a flat array that is cheap to fill, read and compare.

use super::num::N;
use crate::expr::Value;
use crate::input::Input;
use crate::Date;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::num::NonZeroU64;
use std::sync::Arc;

/// A value in the compiled tier: two words, so it is copied, returned and compared as two
/// registers. Texts the rule set mentions (constants, enum values, range and lookup labels)
/// are interned as [`Syms`] ids; anything else (free text, lists) is opaque, a pointer back to
/// the slot of the case's own value. [`V::view`] gives it as a [`Ref`] to match on.
///
/// The first word holds the kind (low byte) and a number's scale (next byte); the second the
/// mantissa, id, date or slot. (An enum of the same variants would be 16 bytes too, but its
/// copies move the bytes of every variant's fields separately, and reading a value just
/// written that way stalls.)
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct V {
    /// Bit 0 always set (so `Option<V>` is two words too), the kind in bits 1 to 7, a
    /// number's scale in bits 8 to 15.
    head: NonZeroU64,
    body: u64,
}

const _: () = assert!(std::mem::size_of::<Option<V>>() == 16);

const NULL: u64 = 0;
const NUM: u64 = 1;
const BOOL: u64 = 2;
const TEXT: u64 = 3;
const DATE: u64 = 4;
const OPAQUE: u64 = 5;
const WIDE: u64 = 6;
const BOXED: u64 = 7;

/// A compiled value, to match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ref {
    Null,
    Num(N),
    Bool(bool),
    Text(u32),
    Date(Day),
    /// A value held only by reference: the slot of the input or constant where the
    /// [`Value`](crate::expr::Value) lies.
    Opaque(u32),
    /// A number too wide for [`N`] (a third of something, or a negative zero): the case's
    /// `i`-th wide number, in [`Regs`](super::Regs)`::wide`.
    Wide(u32),
    /// A list: the `i`-th value in [`Regs`](super::Regs)`::heap` (the rule set's constant
    /// lists first, then those the case made).
    Boxed(u32),
}

/// A date packed into one word, in the order of dates (years run from 1 to 9999).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Day(u64);

impl Day {
    #[inline]
    pub fn of(d: Date) -> Day {
        let year = u64::from(d.year().unsigned_abs());
        Day(year << 16 | u64::from(d.month()) << 8 | u64::from(d.day()))
    }

    #[inline]
    pub fn date(self) -> Option<Date> {
        let year = i32::try_from(self.0 >> 16).ok()?;
        Date::new(year, (self.0 >> 8) as u8, self.0 as u8)
    }
}

impl V {
    pub const NULL: V = V {
        head: NonZeroU64::MIN,
        body: 0,
    };

    /// A value of a kind (and, for a number, a scale above the kind's byte).
    #[inline]
    fn of(kind: u64, body: u64) -> V {
        V {
            head: NonZeroU64::MIN | kind << 1,
            body,
        }
    }

    #[inline]
    pub fn boolean(b: bool) -> V {
        V::of(BOOL, u64::from(b))
    }

    #[inline]
    pub fn text(id: u32) -> V {
        V::of(TEXT, u64::from(id))
    }

    #[inline]
    pub fn date(d: Day) -> V {
        V::of(DATE, d.0)
    }

    #[inline]
    pub fn opaque(slot: u32) -> V {
        V::of(OPAQUE, u64::from(slot))
    }

    #[inline]
    pub fn wide(i: u32) -> V {
        V::of(WIDE, u64::from(i))
    }

    #[inline]
    pub fn boxed(i: u32) -> V {
        V::of(BOXED, u64::from(i))
    }

    #[inline]
    fn kind(self) -> u64 {
        (self.head.get() >> 1) & 0x7f
    }

    #[inline]
    fn scale(self) -> u8 {
        (self.head.get() >> 8) as u8
    }

    /// The value to match on.
    #[inline]
    pub fn view(self) -> Ref {
        let small = self.body as u32;
        match self.kind() {
            NUM => Ref::Num(N {
                m: self.body as i64,
                scale: self.scale(),
            }),
            BOOL => Ref::Bool(self.body != 0),
            TEXT => Ref::Text(small),
            DATE => Ref::Date(Day(self.body)),
            OPAQUE => Ref::Opaque(small),
            WIDE => Ref::Wide(small),
            BOXED => Ref::Boxed(small),
            _ => Ref::Null,
        }
    }

    #[inline]
    pub fn is_null(self) -> bool {
        self.kind() == NULL
    }

    /// True for a number, held in place or wide.
    #[inline]
    pub fn is_number(self) -> bool {
        matches!(self.kind(), NUM | WIDE)
    }

    /// True for a number too wide to hold in place.
    #[inline]
    pub fn is_wide(self) -> bool {
        self.kind() == WIDE
    }

    /// `self >= n` for counting, with no branch, where `n` is a number held in place: 1 or 0
    /// when `self` is a number at `n`'s scale, else 0; the flag is set when `self` is a number
    /// it cannot answer for (wide, or at another scale), which [`Regs::cmp_num`](super::Regs)
    /// must then order.
    #[inline(always)]
    pub fn at_least(self, n: V) -> (u32, bool) {
        let same = self.head == n.head;
        let ge = (self.body as i64) >= (n.body as i64);
        (u32::from(same & ge), !same & self.is_number())
    }

    /// The number, if it is held in place.
    #[inline]
    pub fn n(self) -> Option<N> {
        (self.kind() == NUM).then_some(N {
            m: self.body as i64,
            scale: self.scale(),
        })
    }

    /// True or false, if it is one.
    #[inline]
    pub fn truth(self) -> Option<bool> {
        (self.kind() == BOOL).then_some(self.body != 0)
    }

    /// The interned text's id, if it is one.
    #[inline]
    pub fn text_id(self) -> Option<u32> {
        (self.kind() == TEXT).then_some(self.body as u32)
    }
}

impl std::fmt::Debug for V {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.view().fmt(f)
    }
}

impl From<N> for V {
    #[inline]
    fn from(n: N) -> V {
        V::of(NUM | u64::from(n.scale) << 7, n.m as u64)
    }
}

/// The interned texts of one rule set.
#[derive(Debug, Clone, Default)]
pub(crate) struct Syms {
    texts: Vec<Arc<str>>,
    ids: HashMap<Arc<str>, u32>,
}

impl Syms {
    /// The id of a text, added when new.
    pub fn intern(&mut self, text: &Arc<str>) -> Option<u32> {
        if let Some(&id) = self.ids.get(text) {
            return Some(id);
        }
        let id = u32::try_from(self.texts.len()).ok()?;
        self.texts.push(text.clone());
        self.ids.insert(text.clone(), id);
        Some(id)
    }

    /// How many texts are interned.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// The id of a text already interned.
    pub fn find(&self, text: &str) -> Option<u32> {
        self.ids.get(text).copied()
    }

    /// The text of an id.
    pub fn text(&self, id: u32) -> Option<&Arc<str>> {
        self.texts.get(id as usize)
    }

    /// A constant [`Value`](crate::expr::Value) as a compiled value; lists and wide numbers
    /// have no compiled form.
    pub fn constant(&mut self, v: &Value) -> Option<V> {
        Some(match v {
            Value::Null => V::NULL,
            Value::Number(n) => N::of(*n)?.into(),
            Value::Bool(b) => V::boolean(*b),
            Value::Text(t) => V::text(self.intern(t)?),
            Value::Date(d) => V::date(Day::of(*d)),
            Value::List(_) => return None,
        })
    }
}

/// How each input's values become compiled values: an enum's shared labels are recognised by
/// address first (every validated profile holds those very labels), then by their text.
#[derive(Debug, Clone)]
pub(crate) struct InputCodes {
    labels: Vec<Vec<(Arc<str>, u32)>>,
}

impl InputCodes {
    pub fn new(inputs: &[Input], syms: &mut Syms) -> InputCodes {
        let labels = inputs
            .iter()
            .map(|i| {
                i.labels()
                    .iter()
                    .filter_map(|l| match l {
                        Value::Text(t) => Some((t.clone(), syms.intern(t)?)),
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        InputCodes { labels }
    }

    /// The compiled value of one of input `slot`'s enum values, found by address.
    #[inline]
    pub fn label(&self, slot: usize, t: &Arc<str>) -> Option<V> {
        let labels = self.labels.get(slot)?;
        let (_, id) = labels.iter().find(|(l, _)| Arc::ptr_eq(l, t))?;
        Some(V::text(*id))
    }

    /// The compiled value of input `slot`'s value (a wide number kept in `wide`).
    #[inline]
    pub fn code(&self, slot: usize, v: &Value, syms: &Syms, wide: &mut Vec<Decimal>) -> V {
        match v {
            Value::Null => V::NULL,
            Value::Number(n) => match N::of(*n) {
                Some(n) => n.into(),
                None => {
                    wide.push(*n);
                    V::wide(u32::try_from(wide.len() - 1).unwrap_or(u32::MAX))
                }
            },
            Value::Bool(b) => V::boolean(*b),
            Value::Date(d) => V::date(Day::of(*d)),
            Value::Text(t) => {
                let shared = self
                    .labels
                    .get(slot)
                    .and_then(|ls| ls.iter().find(|(l, _)| Arc::ptr_eq(l, t)));
                match shared {
                    Some((_, id)) => V::text(*id),
                    None => syms.find(t).map_or(V::opaque(slot as u32), V::text),
                }
            }
            Value::List(_) => V::opaque(slot as u32),
        }
    }
}
