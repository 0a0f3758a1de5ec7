//! The one way a configuration section refuses a value serde accepted: `Validate::validate`
//! returns an [`Invalid`] naming the value by its key path (`slo.objectives[1].target`), and
//! [`line_of`] turns that path into the line of the file that sets it, from the TOML parser's
//! own spans, so an error always points into the right section (the same key may appear in
//! several) and at the right entry of an array of tables.

use std::fmt;

/// One step of a key path: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A value that parsed but is not allowed: where it is and what is wrong with it. The message
/// is complete on its own (it names its section, e.g. `[cost] ratio_below must be …`).
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub path: Vec<Seg>,
    pub message: String,
}

impl Invalid {
    /// `key` (inside the section that validates) is refused with `message`.
    pub fn at(key: &str, message: impl Into<String>) -> Invalid {
        Invalid {
            path: vec![Seg::Key(key.to_string())],
            message: message.into(),
        }
    }

    /// The section itself is refused (no key to point at).
    pub fn here(message: impl Into<String>) -> Invalid {
        Invalid {
            path: Vec::new(),
            message: message.into(),
        }
    }

    /// The same error seen from the table that holds `key` (paths are built inside out).
    pub fn in_key(mut self, key: &str) -> Invalid {
        self.path.insert(0, Seg::Key(key.to_string()));
        self
    }

    /// The same error seen from the array whose entry `index` holds it.
    pub fn in_index(mut self, index: usize) -> Invalid {
        self.path.insert(0, Seg::Index(index));
        self
    }
}

impl fmt::Display for Invalid {
    /// The key path as TOML readers write it: `slo.objectives[1].target`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for s in &self.path {
            match s {
                Seg::Key(k) if first => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

/// A configuration section's checks of what serde cannot express (ranges, cross-field rules,
/// names that must exist). Each section implements it next to its types.
pub trait Validate {
    fn validate(&self) -> Result<(), Invalid>;
}

/// The 1-based line of `text` that sets the deepest part of `path` it holds: the key's own line,
/// else the header of the table or array entry that should hold it, else 1.
pub fn line_of(text: &str, path: &[Seg]) -> usize {
    let Ok(doc) = toml_edit::ImDocument::parse(text) else {
        return 1;
    };
    let line = |at: Option<std::ops::Range<usize>>| {
        at.map(|r| text[..r.start.min(text.len())].matches('\n').count() + 1)
    };
    let mut best = 1;
    let mut node = Node::Table(doc.as_table());
    for seg in path {
        let next = match (seg, node) {
            (Seg::Key(k), Node::Table(t)) => t
                .get_key_value(k)
                .map(|(key, item)| (line(key.span()).or(line(item.span())), Node::Item(item))),
            (Seg::Key(k), Node::Item(item)) => item
                .as_table_like()
                .and_then(|t| t.get_key_value(k))
                .map(|(key, item)| (line(key.span()).or(line(item.span())), Node::Item(item))),
            (Seg::Index(i), Node::Item(item)) => match item {
                toml_edit::Item::ArrayOfTables(a) => {
                    a.get(*i).map(|t| (line(t.span()), Node::Table(t)))
                }
                toml_edit::Item::Value(toml_edit::Value::Array(a)) => a.get(*i).map(|v| {
                    let item = v;
                    (line(item.span()), Node::Value(item))
                }),
                _ => None,
            },
            (Seg::Key(k), Node::Value(v)) => v.as_inline_table().and_then(|t| {
                t.get_key_value(k)
                    .map(|(key, item)| (line(key.span()).or(line(item.span())), Node::Item(item)))
            }),
            (Seg::Index(_), _) => None,
        };
        let Some((at, n)) = next else { break };
        if let Some(at) = at {
            best = at;
        }
        node = n;
    }
    best
}

/// Where `line_of` stands while walking a key path.
#[derive(Clone, Copy)]
enum Node<'a> {
    Table(&'a toml_edit::Table),
    Item(&'a toml_edit::Item),
    Value(&'a toml_edit::Value),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &[&str]) -> Vec<Seg> {
        p.iter()
            .map(|s| match s.parse() {
                Ok(i) => Seg::Index(i),
                Err(_) => Seg::Key(s.to_string()),
            })
            .collect()
    }

    #[test]
    fn keys_are_found_in_their_own_section() {
        let text = "[alerts]\nmin_requests = 5\n\n[cost]\nz_threshold = 3\nmin_requests = 0\n";
        assert_eq!(line_of(text, &path(&["cost", "min_requests"])), 6);
        assert_eq!(line_of(text, &path(&["alerts", "min_requests"])), 2);
        // A key the section does not set points at the section's header.
        assert_eq!(line_of(text, &path(&["cost", "ratio_below"])), 4);
        assert_eq!(line_of(text, &path(&["review", "x"])), 1);
    }

    #[test]
    fn array_entries_and_inline_tables() {
        let text = "[slo]\ntime_window = \"30d\"\n\n[[slo.objectives]]\nname = \"a\"\ntarget = 0.9\n\n[[slo.objectives]]\nname = \"b\"\n\ntarget = 2\n[prices]\n\"gpt-*\" = { input = 1, output = -2 }\n";
        assert_eq!(
            line_of(text, &path(&["slo", "objectives", "1", "target"])),
            11
        );
        assert_eq!(
            line_of(text, &path(&["slo", "objectives", "0", "target"])),
            6
        );
        assert_eq!(
            line_of(text, &path(&["slo", "objectives", "1", "value"])),
            8
        );
        assert_eq!(line_of(text, &path(&["prices", "gpt-*", "output"])), 13);
        assert_eq!(line_of("not = [toml", &path(&["a"])), 1);
    }

    #[test]
    fn dotted_and_quoted_keys() {
        let text = "[pii]\nclasses.JWT = \"top\"\n\"key\" = \"k\"\n";
        assert_eq!(line_of(text, &path(&["pii", "classes", "JWT"])), 2);
        assert_eq!(line_of(text, &path(&["pii", "key"])), 3);
    }

    #[test]
    fn paths_print_as_toml_keys() {
        let e = Invalid::at("target", "bad")
            .in_index(1)
            .in_key("objectives")
            .in_key("slo");
        assert_eq!(e.to_string(), "slo.objectives[1].target");
        assert_eq!(Invalid::here("x").in_key("cost").to_string(), "cost");
    }
}
