//! YAML: text → a tree of located nodes → typed values through serde.
//!
//! In: the YAML text of a front matter or of the glossary. Out: a [`Node`] tree
//! in which every key and value knows its line and column (from
//! `saphyr-parser`'s events), or a located [`Error`]; and from a tree, any
//! `Deserialize` type through [`from_node`], whose errors are data: the
//! [`ErrorKind`] serde's derived code asked for (`unknown_field`,
//! `invalid_type`, …), the path of keys and list items, and the node it is at.
//!
//! Plain scalars are read as YAML 1.2's core schema reads them (null, booleans,
//! integers, floats, else text) when a type takes any value; a type that asks
//! for text gets the scalar as written, so `title: 2017` is the title `2017`.
//! Anchors and aliases are expanded while the tree is made, within a budget
//! ([`MAX_NODES`]); nesting is limited to [`MAX_DEPTH`].

use rustc_hash::FxHashMap as HashMap;
use saphyr_parser::{Event, Parser, ScalarStyle};
use serde::de::{self, DeserializeSeed, IntoDeserializer, Unexpected, Visitor};

/// The deepest nesting of lists and maps a document may have.
pub(crate) const MAX_DEPTH: usize = 64;
/// The most nodes a document may have once its aliases are expanded (an alias of
/// an alias of … must not grow without bound).
pub(crate) const MAX_NODES: usize = 100_000;

/// A place in the YAML text: 1-based line (lines end at `\n` only, as
/// [`str::lines`] counts them) and 1-based column in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
}

/// A key or value of the document, with where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the node starts (a list at its first `-` or `[`, a map at its first
    /// key or `{`).
    pub pos: Pos,
    /// What it is.
    pub value: Value,
}

/// What a node holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar as written (quotes and escapes resolved). `plain` when it had no
    /// quotes and no tag, so that it may be read as null, a boolean or a number.
    Scalar {
        /// The text.
        text: String,
        /// Unquoted and untagged.
        plain: bool,
    },
    /// A list.
    Seq(Vec<Node>),
    /// A map, in the document's order (no key twice: see [`ErrorKind::DuplicateKey`]).
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The text of a scalar node.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The entry of a map node whose key is `key`.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// The items of a list node (none for anything else).
    pub(crate) fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    /// The entries of a map node (none for anything else).
    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// An empty plain scalar (`key:` with nothing after it): an empty list or
    /// map where one is expected.
    fn is_empty(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, plain: true } if text.is_empty())
    }

    fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, plain: true } if is_null(text))
    }
}

/// One step of the path to a value: a map's key or a list's index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The value of this key.
    Key(String),
    /// The item at this 0-based index.
    Index(usize),
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// The text is not YAML (the parser's own words).
    Syntax(String),
    /// A map has the same key twice.
    DuplicateKey {
        /// The key.
        key: String,
        /// Where it first appears.
        first: Pos,
        /// In a map inside another node (not the document's own map).
        nested: bool,
    },
    /// Lists and maps nest deeper than [`MAX_DEPTH`].
    TooDeep,
    /// Aliases expand to more than [`MAX_NODES`] nodes.
    TooLarge,
    /// The text holds more than one document.
    Documents,
    /// A key the type does not have.
    UnknownField {
        /// The key.
        field: String,
        /// The keys the type has.
        expected: &'static [&'static str],
    },
    /// A value not among the allowed names.
    UnknownVariant {
        /// The value.
        variant: String,
        /// The names allowed.
        expected: &'static [&'static str],
    },
    /// A value of the wrong type (`unexpected`, `expected` in serde's words:
    /// `sequence`, `a string`, `struct Period`).
    InvalidType {
        /// What was found.
        unexpected: String,
        /// What the type expected.
        expected: String,
    },
    /// A value of the right type that the type does not accept.
    InvalidValue {
        /// What was found.
        unexpected: String,
        /// What the type expected.
        expected: String,
    },
    /// A required key is missing.
    MissingField(&'static str),
    /// Any other error a type raised (its own words).
    Custom(String),
}

/// A located error: its kind, the path of keys and items to the value, the
/// innermost named newtype it was raised in (such as `IsoDate`), and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Keys and indices from the document's root to the value.
    pub path: Vec<Step>,
    /// The newtype struct being read when it happened (`IsoDate`).
    pub newtype: Option<&'static str>,
    /// Where (none only for errors raised outside any node).
    pub pos: Option<Pos>,
}

impl Error {
    fn new(kind: ErrorKind) -> Error {
        Error {
            kind,
            path: Vec::new(),
            newtype: None,
            pos: None,
        }
    }

    fn at(kind: ErrorKind, pos: Pos) -> Error {
        Error {
            pos: Some(pos),
            ..Error::new(kind)
        }
    }

    /// Sets the position if it has none yet (the innermost node wins).
    fn or_at(mut self, pos: Pos) -> Error {
        self.pos.get_or_insert(pos);
        self
    }

    fn under(mut self, step: Step) -> Error {
        self.path.insert(0, step);
        self
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            ErrorKind::Syntax(m) | ErrorKind::Custom(m) => f.write_str(m),
            ErrorKind::DuplicateKey { key, .. } => write!(f, "duplicate key `{key}`"),
            ErrorKind::TooDeep => f.write_str("recursion limit exceeded"),
            ErrorKind::TooLarge => f.write_str("repetition limit exceeded"),
            ErrorKind::Documents => f.write_str("more than one document"),
            ErrorKind::UnknownField { field, .. } => write!(f, "unknown field `{field}`"),
            ErrorKind::UnknownVariant { variant, .. } => {
                write!(f, "unknown variant `{variant}`")
            }
            ErrorKind::InvalidType {
                unexpected,
                expected,
            } => write!(f, "invalid type: {unexpected}, expected {expected}"),
            ErrorKind::InvalidValue {
                unexpected,
                expected,
            } => write!(f, "invalid value: {unexpected}, expected {expected}"),
            ErrorKind::MissingField(name) => write!(f, "missing field `{name}`"),
        }
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error::new(ErrorKind::Custom(msg.to_string()))
    }
    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        Error::new(ErrorKind::InvalidType {
            unexpected: unexp.to_string(),
            expected: exp.to_string(),
        })
    }
    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        Error::new(ErrorKind::InvalidValue {
            unexpected: unexp.to_string(),
            expected: exp.to_string(),
        })
    }
    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Error::new(ErrorKind::UnknownVariant {
            variant: variant.to_string(),
            expected,
        })
    }
    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Error::new(ErrorKind::UnknownField {
            field: field.to_string(),
            expected,
        })
    }
    fn missing_field(field: &'static str) -> Self {
        Error::new(ErrorKind::MissingField(field))
    }
}

// ---------------------------------------------------------------- the tree

/// Turns the parser's character positions into [`Pos`], walking the text
/// forward (events come in the text's order, so the walk is linear; a line's
/// width is counted once).
struct Positions<'t> {
    text: &'t str,
    byte: usize,
    chars: usize,
    line: usize,
    /// Characters since the start of the line.
    col: usize,
    /// The width of the current line (without a final `\r`), once counted.
    width: Option<usize>,
}

impl<'t> Positions<'t> {
    fn new(text: &'t str) -> Self {
        Positions {
            text,
            byte: 0,
            chars: 0,
            line: 1,
            col: 0,
            width: None,
        }
    }

    fn at(&mut self, char_index: usize) -> Pos {
        if char_index < self.chars {
            *self = Positions::new(self.text);
        }
        for c in self.text[self.byte..].chars() {
            if self.chars == char_index {
                break;
            }
            self.byte += c.len_utf8();
            self.chars += 1;
            self.col += 1;
            if c == '\n' {
                self.line += 1;
                self.col = 0;
                self.width = None;
            }
        }
        let (text, byte, col) = (self.text, self.byte, self.col);
        let width = *self.width.get_or_insert_with(|| {
            let rest = text[byte..].split('\n').next().unwrap_or("");
            col + rest.strip_suffix('\r').unwrap_or(rest).chars().count()
        });
        Pos {
            line: self.line,
            col: (self.col + 1).min(width + 1),
        }
    }
}

/// A list or map being read.
enum Open {
    Seq(Pos, usize, Vec<Node>),
    Map {
        pos: Pos,
        depth: usize,
        anchor: usize,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        seen: HashMap<String, Pos>,
    },
}

/// Reads `text` into a tree of located nodes. An empty document is a null scalar.
pub fn parse(text: &str) -> Result<Node, Error> {
    let mut at = Positions::new(text);
    let mut tree = Tree::default();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| {
            Error::at(
                ErrorKind::Syntax(e.info().to_string()),
                at.at(e.marker().index()),
            )
        })?;
        tree.event(event, at.at(span.start.index()))?;
    }
    Ok(tree.root.unwrap_or(Node {
        pos: Pos { line: 1, col: 1 },
        value: Value::Scalar {
            text: String::new(),
            plain: true,
        },
    }))
}

/// The tree being made from the parser's events.
#[derive(Default)]
struct Tree {
    /// The lists and maps open, innermost last.
    open: Vec<Open>,
    /// Anchored nodes by the parser's anchor id.
    anchors: HashMap<usize, Node>,
    /// Nodes made so far, aliases expanded.
    nodes: usize,
    root: Option<Node>,
}

impl Tree {
    fn event(&mut self, event: Event<'_>, pos: Pos) -> Result<(), Error> {
        let (node, anchor) = match event {
            Event::Scalar(value, style, anchor, tag) => {
                let plain = style == ScalarStyle::Plain && tag.is_none();
                let text = value.into_owned();
                let value = Value::Scalar { text, plain };
                (Node { pos, value }, anchor)
            }
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id) else {
                    return Err(Error::at(ErrorKind::Syntax("unknown anchor".into()), pos));
                };
                self.nodes += count(target) - 1;
                (target.clone(), 0)
            }
            Event::SequenceStart(anchor, _) => {
                return self.start(Open::Seq(pos, anchor, Vec::new()), pos);
            }
            Event::MappingStart(anchor, _) => {
                let map = Open::Map {
                    pos,
                    depth: self.open.len(),
                    anchor,
                    entries: Vec::new(),
                    key: None,
                    seen: HashMap::default(),
                };
                return self.start(map, pos);
            }
            Event::SequenceEnd | Event::MappingEnd => match self.open.pop() {
                Some(Open::Seq(pos, anchor, items)) => {
                    let value = Value::Seq(items);
                    (Node { pos, value }, anchor)
                }
                Some(Open::Map {
                    pos,
                    anchor,
                    entries,
                    ..
                }) => (
                    Node {
                        pos,
                        value: Value::Map(entries),
                    },
                    anchor,
                ),
                None => return Ok(()),
            },
            Event::DocumentStart(_) if self.root.is_some() => {
                return Err(Error::at(ErrorKind::Documents, pos));
            }
            _ => return Ok(()),
        };
        self.add(node, anchor)
    }

    fn start(&mut self, open: Open, pos: Pos) -> Result<(), Error> {
        if self.open.len() >= MAX_DEPTH {
            return Err(Error::at(ErrorKind::TooDeep, pos));
        }
        self.open.push(open);
        Ok(())
    }

    /// Puts a finished node in the list or map it is in (or makes it the root).
    fn add(&mut self, node: Node, anchor: usize) -> Result<(), Error> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(Error::at(ErrorKind::TooLarge, node.pos));
        }
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.open.last_mut() {
            None => self.root = Some(node),
            Some(Open::Seq(_, _, items)) => items.push(node),
            Some(Open::Map {
                entries,
                key,
                seen,
                depth,
                ..
            }) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => {
                    if let Some(name) = node.as_str() {
                        if let Some(&first) = seen.get(name) {
                            let kind = ErrorKind::DuplicateKey {
                                key: name.to_string(),
                                first,
                                nested: *depth > 0,
                            };
                            return Err(Error::at(kind, node.pos));
                        }
                        seen.insert(name.to_string(), node.pos);
                    }
                    *key = Some(node);
                }
            },
        }
        Ok(())
    }
}

/// The number of nodes of a tree.
fn count(node: &Node) -> usize {
    1 + match &node.value {
        Value::Scalar { .. } => 0,
        Value::Seq(items) => items.iter().map(count).sum(),
        Value::Map(entries) => entries.iter().map(|(k, v)| count(k) + count(v)).sum(),
    }
}

// ------------------------------------------------------ scalars, as YAML 1.2

fn is_null(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

fn as_bool(s: &str) -> Option<bool> {
    match s {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// Digits with a leading zero (`007`) are text in YAML 1.2, not a number.
fn leading_zero(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    s.len() > 1 && s.starts_with('0') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

/// An integer: decimal, or `0x`, `0o`, `0b` with an optional sign.
fn as_int(s: &str) -> Option<i128> {
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) = [("0x", 16), ("0o", 8), ("0b", 2)]
        .iter()
        .find_map(|(p, r)| digits.strip_prefix(p).map(|d| (*r, d)))
        .unwrap_or((10, digits));
    if digits.is_empty() || digits.starts_with(['+', '-']) || (radix == 10 && leading_zero(s)) {
        return None;
    }
    let n = i128::from_str_radix(digits, radix).ok()?;
    Some(if negative { -n } else { n })
}

fn as_float(s: &str) -> Option<f64> {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let negative = s.starts_with('-');
    match unsigned {
        ".inf" | ".Inf" | ".INF" => {
            return Some(if negative {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            });
        }
        ".nan" | ".NaN" | ".NAN" if s == unsigned => return Some(f64::NAN),
        _ => {}
    }
    if unsigned.starts_with(['+', '-']) || leading_zero(s) {
        return None;
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// serde's description of a node, for "invalid type" errors.
fn unexpected(node: &Node) -> Unexpected<'_> {
    match &node.value {
        Value::Seq(_) => Unexpected::Seq,
        Value::Map(_) => Unexpected::Map,
        Value::Scalar { text, plain: false } => Unexpected::Str(text),
        Value::Scalar { text, plain: true } => {
            if is_null(text) {
                Unexpected::Unit
            } else if let Some(b) = as_bool(text) {
                Unexpected::Bool(b)
            } else if let Some(n) = as_int(text).and_then(|n| i64::try_from(n).ok()) {
                Unexpected::Signed(n)
            } else if let Some(f) = as_float(text) {
                Unexpected::Float(f)
            } else {
                Unexpected::Str(text)
            }
        }
    }
}

// ------------------------------------------------------------ deserializing

/// Reads a `T` from a tree.
pub(crate) fn from_node<'de, T: de::Deserialize<'de>>(node: &'de Node) -> Result<T, Error> {
    T::deserialize(Deserializer { node })
}

/// A serde deserializer over one node.
#[derive(Clone, Copy)]
pub(crate) struct Deserializer<'de> {
    node: &'de Node,
}

impl<'de> Deserializer<'de> {
    fn here(&self, e: Error) -> Error {
        e.or_at(self.node.pos)
    }

    fn scalar<V: Visitor<'de>>(self, text: &'de str, visitor: V) -> Result<V::Value, Error> {
        if is_null(text) {
            return visitor.visit_unit();
        }
        if let Some(b) = as_bool(text) {
            return visitor.visit_bool(b);
        }
        if let Some(n) = as_int(text) {
            if let Ok(n) = i64::try_from(n) {
                return visitor.visit_i64(n);
            }
            if let Ok(n) = u64::try_from(n) {
                return visitor.visit_u64(n);
            }
        }
        if let Some(f) = as_float(text) {
            return visitor.visit_f64(f);
        }
        visitor.visit_borrowed_str(text)
    }
}

impl<'de> de::Deserializer<'de> for Deserializer<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let r = match &self.node.value {
            Value::Scalar { text, plain: true } => self.scalar(text, visitor),
            Value::Scalar { text, plain: false } => visitor.visit_borrowed_str(text),
            Value::Seq(items) => visitor.visit_seq(Items { items, next: 0 }),
            Value::Map(entries) => visitor.visit_map(Entries {
                entries,
                next: 0,
                value: None,
            }),
        };
        r.map_err(|e| self.here(e))
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let r = match &self.node.value {
            Value::Scalar { text, .. } => visitor.visit_borrowed_str(text),
            _ => Err(de::Error::invalid_type(unexpected(self.node), &visitor)),
        };
        r.map_err(|e| self.here(e))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.node.is_null() {
            visitor.visit_none().map_err(|e| self.here(e))
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self).map_err(|mut e| {
            e.newtype.get_or_insert(name);
            self.here(e)
        })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let r = match &self.node.value {
            Value::Scalar { text, .. } => {
                visitor.visit_enum(IntoDeserializer::<Error>::into_deserializer(text.as_str()))
            }
            _ => Err(de::Error::invalid_type(unexpected(self.node), &visitor)),
        };
        r.map_err(|e| self.here(e))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let r = match &self.node.value {
            Value::Seq(items) => visitor.visit_seq(Items { items, next: 0 }),
            _ if self.node.is_empty() => visitor.visit_seq(Items {
                items: &[],
                next: 0,
            }),
            _ => Err(de::Error::invalid_type(unexpected(self.node), &visitor)),
        };
        r.map_err(|e| self.here(e))
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let entries = match &self.node.value {
            Value::Map(entries) => entries.as_slice(),
            _ if self.node.is_empty() => &[],
            _ => {
                let e = de::Error::invalid_type(unexpected(self.node), &visitor);
                return Err(self.here(e));
            }
        };
        visitor
            .visit_map(Entries {
                entries,
                next: 0,
                value: None,
            })
            .map_err(|e| self.here(e))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf
        unit unit_struct tuple tuple_struct
    }
}

/// The items of a list, for serde.
struct Items<'de> {
    items: &'de [Node],
    next: usize,
}

impl<'de> de::SeqAccess<'de> for Items<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(node) = self.items.get(self.next) else {
            return Ok(None);
        };
        let index = self.next;
        self.next += 1;
        seed.deserialize(Deserializer { node })
            .map(Some)
            .map_err(|e| e.under(Step::Index(index)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len() - self.next)
    }
}

/// The entries of a map, for serde.
struct Entries<'de> {
    entries: &'de [(Node, Node)],
    next: usize,
    value: Option<&'de (Node, Node)>,
}

impl<'de> de::MapAccess<'de> for Entries<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(entry) = self.entries.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        self.value = Some(entry);
        seed.deserialize(Deserializer { node: &entry.0 }).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some((key, node)) = self.value.take() else {
            return Err(de::Error::custom("a value without its key"));
        };
        let step = Step::Key(key.as_str().unwrap_or_default().to_string());
        seed.deserialize(Deserializer { node })
            .map_err(|e| e.under(step))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len() - self.next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Item {
        name: String,
        n: Option<i64>,
    }

    #[test]
    fn nodes_know_where_they_are() {
        let root = parse("a: 1\nb:\n  - x\n  - { c: é }\n").expect("parses");
        let (k, v) = root.entry("b").expect("b");
        assert_eq!(
            (k.pos, v.pos),
            (Pos { line: 2, col: 1 }, Pos { line: 3, col: 3 })
        );
        let c = v.items()[1].entry("c").expect("c").1;
        assert_eq!((c.pos, c.as_str()), (Pos { line: 4, col: 10 }, Some("é")));
    }

    #[test]
    fn errors_are_kinds_with_paths_and_places() {
        let root = parse("- name: A\n- name: B\n  nmae: C\n").expect("parses");
        let e = from_node::<Vec<Item>>(&root).expect_err("unknown key");
        assert!(matches!(e.kind, ErrorKind::UnknownField { ref field, .. } if field == "nmae"));
        assert_eq!(e.path, [Step::Index(1)]);
        assert_eq!(e.pos, Some(Pos { line: 3, col: 3 }));
        let root = parse("- name: A\n  n: many\n").expect("parses");
        let e = from_node::<Vec<Item>>(&root).expect_err("not a number");
        assert_eq!(e.to_string(), "invalid type: string \"many\", expected i64");
        assert_eq!(e.path, [Step::Index(0), Step::Key("n".into())]);
        assert_eq!(e.pos, Some(Pos { line: 2, col: 6 }));
    }

    #[test]
    fn duplicate_keys_and_alias_bombs_are_refused() {
        let e = parse("a: 1\nb: 2\na: 3\n").expect_err("twice");
        assert_eq!(e.pos, Some(Pos { line: 3, col: 1 }));
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (i, prev) in ('b'..='k').zip('a'..) {
            bomb.push_str(&format!("{i}: &{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        assert_eq!(
            parse(&bomb).expect_err("too large").kind,
            ErrorKind::TooLarge
        );
    }

    #[test]
    fn plain_scalars_follow_the_core_schema() {
        let root = parse("[~, true, 12, -0x1f, 1.5, .inf, 007, yes, '12']").expect("parses");
        let v: Vec<serde_json::Value> = from_node(&root).expect("reads");
        assert_eq!(
            serde_json::to_string(&v).expect("json"),
            r#"[null,true,12,-31,1.5,null,"007","yes","12"]"#
        );
        let s: Vec<String> = from_node(&parse("[2017, 1.50]").expect("parses")).expect("text");
        assert_eq!(s, ["2017", "1.50"]);
    }
}
