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
    parts: Vec<(Box<str>, Node)>,
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
    pub requires: Vec<(usize, Box<[(std::sync::Arc<str>, Option<usize>)]>)>,
}

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
                let k = match level.parts.iter().position(|(p, _)| &**p == part) {
                    Some(k) => k,
                    None => {
                        level.parts.push((part.into(), Node::default()));
                        level.parts.len() - 1
                    }
                };
                let prefix = if level.prefix.is_empty() {
                    part.to_string()
                } else {
                    format!("{}.{part}", level.prefix)
                };
                let node = &mut level.parts[k].1;
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
            // The next part, up to a dot (a plain loop: keys are short, most have no dot).
            let end = rest.iter().position(|&b| b == b'.');
            let part = &rest[..end.unwrap_or(rest.len())];
            let node = level.part(part)?;
            match end {
                None => return Some(node),
                Some(dot) => {
                    level = node.level.as_ref()?;
                    rest = &rest[dot + 1..];
                }
            }
        }
    }

    /// The node of one part at this level.
    #[inline]
    fn part(&self, part: &[u8]) -> Option<&Node> {
        self.parts
            .iter()
            .find(|(p, _)| {
                let p = p.as_bytes();
                // Compared byte by byte: a call to memcmp costs more than these few bytes.
                p.len() == part.len() && p.iter().zip(part).all(|(a, b)| a == b)
            })
            .map(|(_, n)| n)
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
            .map(|(p, _)| self.full_name(p))
            .collect();
        let more = if self.parts.len() > 3 { ", ..." } else { "" };
        format!("{}{more}", names.join(", "))
    }
}
