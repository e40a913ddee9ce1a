//! The declared inputs' dotted names as a tree of their parts, so that a profile's keys, nested
//! or dotted, find their input slot without a name being built for them.

use crate::input::Input;

/// One level of the tree: the parts that follow a prefix (`needs` holds `semh`, ...).
#[derive(Debug, Clone, Default)]
pub(crate) struct Level {
    /// The dotted name of this level (`""` at the top, `early_years.development` below).
    pub prefix: Box<str>,
    /// Which level this is, to tell an object given twice.
    pub id: usize,
    parts: Vec<Part>,
}

/// One part's name and what it names, with the name's first eight bytes as a number (and the
/// mask of those of them it has), so that most keys are told apart by one comparison.
#[derive(Debug, Clone)]
struct Part {
    name: Box<str>,
    head: u64,
    mask: u64,
    node: Node,
}

impl Part {
    fn new(name: &str) -> Part {
        let b = name.as_bytes();
        let n = b.len().min(8);
        Part {
            name: name.into(),
            head: head(b),
            mask: if n == 8 {
                u64::MAX
            } else {
                (1u64 << (8 * n)) - 1
            },
            node: Node::default(),
        }
    }

    /// True when `key`'s first part (up to a dot, or the whole) is this one's name. A part's
    /// name holds no dot and no zero byte, so its head never matches a key's padding.
    #[inline]
    fn starts(&self, key: &[u8], key_head: u64) -> bool {
        let p = self.name.as_bytes();
        key_head & self.mask == self.head
            && key.len() >= p.len()
            && key.get(8..p.len()).is_none_or(|k| Some(k) == p.get(8..))
            && key.get(p.len()).is_none_or(|&b| b == b'.')
    }
}

/// The first (up to) eight bytes of `b`, little-endian, zeros past its end.
#[inline]
fn head(b: &[u8]) -> u64 {
    match b.first_chunk::<8>() {
        Some(first) => u64::from_le_bytes(*first),
        None => b
            .iter()
            .rev()
            .fold(0u64, |h, &byte| (h << 8) | u64::from(byte)),
    }
}

/// What a part names: an input, a level of further parts, or (rarely) both.
#[derive(Debug, Clone, Default)]
pub(crate) struct Node {
    pub input: Option<usize>,
    pub level: Option<Level>,
}

/// The tree of every declared input's name.
#[derive(Debug, Clone, Default)]
pub(crate) struct Names {
    pub top: Level,
    /// How many levels there are, the top included.
    pub levels: usize,
    /// The inputs that require others (by slot), each with the names it requires and their
    /// slots (`None`: no input is so named).
    pub requires: Vec<(usize, Box<[Needed]>)>,
}

/// A name an input requires, and its slot (`None`: no input is so named).
pub(crate) type Needed = (std::sync::Arc<str>, Option<usize>);

impl Names {
    /// The tree of `inputs`' names (each already checked to be parts joined by dots).
    pub fn new(inputs: &[Input]) -> Names {
        let mut names = Names {
            top: Level::default(),
            levels: 1,
            requires: Vec::new(),
        };
        for (i, input) in inputs.iter().enumerate() {
            let mut level = &mut names.top;
            let mut parts = input.name.split('.').peekable();
            while let Some(part) = parts.next() {
                let k = match level.parts.iter().position(|p| &*p.name == part) {
                    Some(k) => k,
                    None => {
                        level.parts.push(Part::new(part));
                        level.parts.len() - 1
                    }
                };
                let prefix = if level.prefix.is_empty() {
                    part.to_string()
                } else {
                    format!("{}.{part}", level.prefix)
                };
                let node = &mut level.parts[k].node;
                if parts.peek().is_none() {
                    node.input = Some(i);
                    break;
                }
                if node.level.is_none() {
                    node.level = Some(Level {
                        prefix: prefix.into(),
                        id: names.levels,
                        parts: Vec::new(),
                    });
                    names.levels += 1;
                }
                let Some(next) = node.level.as_mut() else {
                    break;
                };
                level = next;
            }
        }
        for (i, input) in inputs.iter().enumerate() {
            if !input.requires.is_empty() {
                let needs = input.requires.iter().map(|r| (r.clone(), names.slot(r)));
                names.requires.push((i, needs.collect()));
            }
        }
        names
    }

    /// The input slot of a dotted name, if it is a declared input.
    pub fn slot(&self, name: &str) -> Option<usize> {
        self.top.find(name)?.input
    }
}

impl Level {
    /// What `key` names below this level: one part, or several joined by dots.
    #[inline]
    pub fn find(&self, key: &str) -> Option<&Node> {
        let mut level = self;
        let mut rest = key.as_bytes();
        loop {
            let key_head = head(rest);
            let part = level.parts.iter().find(|p| p.starts(rest, key_head))?;
            let len = part.name.len();
            if rest.len() == len {
                return Some(&part.node);
            }
            level = part.node.level.as_ref()?;
            rest = rest.get(len + 1..)?;
        }
    }

    /// `find`, trying first the part at `*next`, then leaving `*next` after the part found: a
    /// profile's keys mostly come in the order the inputs are declared. A key equal to that
    /// part's name is found there and nowhere else (no part's name holds a dot, and no two at a
    /// level are the same).
    #[inline]
    pub fn find_next(&self, key: &str, next: &mut usize) -> Option<&Node> {
        if let Some(part) = self.parts.get(*next) {
            if *part.name == *key {
                *next += 1;
                return Some(&part.node);
            }
        }
        let rest = key.as_bytes();
        let key_head = head(rest);
        let k = self.parts.iter().position(|p| p.starts(rest, key_head))?;
        *next = k + 1;
        let part = self.parts.get(k)?;
        // Past the part's name: nothing, or a dot and the rest of a dotted key.
        match key.get(part.name.len() + 1..) {
            None => Some(&part.node),
            Some(rest) => part.node.level.as_ref()?.find(rest),
        }
    }

    /// The name of the part at `next` (where `find_next` looks first), or `""` past the last.
    #[inline]
    pub fn next_name(&self, next: usize) -> &str {
        self.parts.get(next).map_or("", |p| &p.name)
    }

    /// The part at `next`, leaving `next` after it: what a key equal to `next_name(next)` names.
    #[inline]
    pub fn take_next(&self, next: &mut usize) -> Option<&Node> {
        let part = self.parts.get(*next)?;
        *next += 1;
        Some(&part.node)
    }

    /// The dotted name of `key` below this level.
    pub fn full_name(&self, key: &str) -> String {
        if self.prefix.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.prefix)
        }
    }

    /// A few of the dotted names below this level, for a message.
    pub fn examples(&self) -> String {
        let names: Vec<String> = self
            .parts
            .iter()
            .take(3)
            .map(|p| self.full_name(&p.name))
            .collect();
        let more = if self.parts.len() > 3 { ", ..." } else { "" };
        format!("{}{more}", names.join(", "))
    }
}
