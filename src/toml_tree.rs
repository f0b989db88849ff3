//! TOML front matter (Zola's `+++` form) → the same located tree YAML gives.
//!
//! In: the TOML text between a content file's `+++` lines. Out: a
//! [`yaml::Node`] tree — every key and value with its 1-based line and column
//! in that text, from the `toml` crate's spans — so the typed front matter, its
//! errors and every later check read TOML and YAML front matter alike; or the
//! TOML syntax error with its place.
//!
//! Strings and dates become quoted scalars (always text); integers, floats and
//! booleans become plain scalars, which serde reads as numbers and booleans.
//! A map's entries keep the order they are written in.

use toml::de::{DeTable, DeValue};

use crate::yaml::{self, Node, Pos, Value};

/// A TOML syntax error: the parser's message and where it is in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    /// What the parser says.
    pub message: String,
    /// Where (1-based line and column in characters, within the TOML text).
    pub pos: Pos,
}

/// Parses `text` into a located tree whose root is a map.
pub(crate) fn parse(text: &str) -> Result<Node, SyntaxError> {
    let doc = DeTable::parse(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        SyntaxError {
            message: e.message().trim().to_string(),
            pos: pos_of(text, offset),
        }
    })?;
    let depth_error = |offset| SyntaxError {
        message: format!(
            "the front matter nests tables or arrays more than {} levels deep",
            yaml::MAX_DEPTH
        ),
        pos: pos_of(text, offset),
    };
    let start = doc.span().start;
    table(doc.get_ref(), start, text, 0).map_err(depth_error)
}

fn pos_of(text: &str, offset: usize) -> Pos {
    let (line, col) = crate::config::line_col(text, offset);
    Pos { line, col }
}

/// A table as a map node starting at `offset`, its entries in the text's order.
/// `Err(offset)` where nesting goes deeper than [`yaml::MAX_DEPTH`].
fn table(t: &DeTable<'_>, offset: usize, text: &str, depth: usize) -> Result<Node, usize> {
    if depth > yaml::MAX_DEPTH {
        return Err(offset);
    }
    let mut entries: Vec<_> = t.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    let mut out = Vec::with_capacity(entries.len());
    for (k, v) in entries {
        let key = Node {
            pos: pos_of(text, k.span().start),
            value: Value::Scalar {
                text: k.get_ref().to_string(),
                plain: false,
            },
        };
        out.push((key, value(v.get_ref(), v.span().start, text, depth + 1)?));
    }
    Ok(Node {
        pos: pos_of(text, offset),
        value: Value::Map(out),
    })
}

fn value(v: &DeValue<'_>, offset: usize, text: &str, depth: usize) -> Result<Node, usize> {
    let scalar = |t: String, plain: bool| Node {
        pos: pos_of(text, offset),
        value: Value::Scalar { text: t, plain },
    };
    Ok(match v {
        DeValue::String(s) => scalar(s.to_string(), false),
        DeValue::Datetime(d) => scalar(d.to_string(), false),
        DeValue::Boolean(b) => scalar(b.to_string(), true),
        DeValue::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            let text = i64::from_str_radix(&digits, i.radix())
                .map(|n| n.to_string())
                .unwrap_or(digits);
            scalar(text, true)
        }
        DeValue::Float(f) => scalar(f.as_str().replace('_', ""), true),
        DeValue::Array(items) => {
            if depth > yaml::MAX_DEPTH {
                return Err(offset);
            }
            let items = items
                .iter()
                .map(|item| value(item.get_ref(), item.span().start, text, depth + 1))
                .collect::<Result<_, _>>()?;
            Node {
                pos: pos_of(text, offset),
                value: Value::Seq(items),
            }
        }
        DeValue::Table(t) => table(t, offset, text, depth)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_values_keep_their_places_and_order() {
        let text = "title = \"A\"\nweight = 0x10\ndraft = true\ndate = 2024-01-31\n[extra]\nb = [1, \"x\"]\n";
        let tree = parse(text).expect("parses");
        let keys: Vec<_> = tree
            .entries()
            .iter()
            .map(|(k, _)| (k.as_str().unwrap(), k.pos.line))
            .collect();
        assert_eq!(
            keys,
            [
                ("title", 1),
                ("weight", 2),
                ("draft", 3),
                ("date", 4),
                ("extra", 5)
            ]
        );
        assert_eq!(tree.entry("weight").unwrap().1.as_str(), Some("16"));
        assert_eq!(tree.entry("date").unwrap().1.as_str(), Some("2024-01-31"));
        let (_, extra) = tree.entry("extra").unwrap();
        let (b_key, b) = extra.entry("b").unwrap();
        assert_eq!((b_key.pos.line, b_key.pos.col), (6, 1));
        assert_eq!(b.pos, Pos { line: 6, col: 5 });
        assert_eq!(b.items()[1].as_str(), Some("x"));
    }

    #[test]
    fn nesting_deeper_than_yaml_allows_is_a_located_error() {
        let keys: Vec<String> = (0..=yaml::MAX_DEPTH + 1).map(|i| format!("k{i}")).collect();
        let text = format!("title = \"A\"\n{} = 1\n", keys.join("."));
        let e = parse(&text).unwrap_err();
        assert_eq!(e.pos.line, 2, "{e:?}");
        assert_eq!(
            e.message,
            format!(
                "the front matter nests tables or arrays more than {} levels deep",
                yaml::MAX_DEPTH
            )
        );
    }

    #[test]
    fn a_syntax_error_is_located() {
        let e = parse("title = \"A\"\nweight = one\n").unwrap_err();
        assert_eq!(e.pos, Pos { line: 2, col: 10 });
        assert!(!e.message.is_empty());
    }
}
