//! Walks every string value, object key and number of a JSON line with its path
//! (`metadata.messages[1].content`) and byte range, without recursion, for the PII audit and
//! redaction: keys and numbers are log content too.

use super::json::{JsonError, Parser};
use std::ops::Range;

/// One step of a path: an object key (raw, possibly escaped) or an array index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg<'a> {
    Key(&'a str, bool),
    Index(usize),
}

/// Formats a path as the contract writes it: keys joined by dots, indices in brackets.
pub fn format_path(path: &[Seg<'_>]) -> String {
    format_path_with(path, |k| k.to_string())
}

/// Like [`format_path`], with each (unescaped) key passed through `key` first.
pub fn format_path_with(path: &[Seg<'_>], mut key: impl FnMut(&str) -> String) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k, escaped) => {
                if !out.is_empty() {
                    out.push('.');
                }
                if *escaped {
                    out.push_str(&key(&super::unescape(k)));
                } else {
                    out.push_str(&key(k));
                }
            }
            Seg::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// What kind of text a [`StringValue`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// A string value.
    String,
    /// An object key; the walk's path is then the path of the object that holds it.
    Key,
    /// A number, as written (`14158675309`, `-1.5e3`); never escaped.
    Number,
}

/// A string value, object key or number found by the walk.
#[derive(Debug, Clone)]
pub struct StringValue<'a> {
    /// Content between the quotes (a number's text), still escaped when `escaped`.
    pub raw: &'a str,
    pub escaped: bool,
    /// Byte range of `raw` within the line.
    pub range: Range<usize>,
    pub kind: ValueKind,
    /// Ordinal of the innermost object around the value (objects numbered from 0 as they
    /// open), so the keys of one object can be told from those of another.
    pub object: usize,
}

enum Frame {
    Object,
    Array(usize),
}

/// Calls `f(path, value)` for every string value (not keys, not numbers) of the JSON text
/// `line`, in document order. Fails on invalid JSON (after reporting the strings before the
/// error).
pub fn walk_strings<'a>(
    line: &'a [u8],
    f: &mut dyn FnMut(&[Seg<'a>], StringValue<'a>),
) -> Result<(), JsonError> {
    walk_values(line, &mut |path, v| {
        if v.kind == ValueKind::String {
            f(path, v);
        }
    })
}

/// Calls `f(path, value)` for every string value, object key and number of the JSON text
/// `line`, in document order (a key before its value). Fails on invalid JSON (after reporting
/// the values before the error).
pub fn walk_values<'a>(
    line: &'a [u8],
    f: &mut dyn FnMut(&[Seg<'a>], StringValue<'a>),
) -> Result<(), JsonError> {
    let mut p = Parser { b: line, i: 0 };
    let mut frames: Vec<Frame> = Vec::new();
    let mut path: Vec<Seg<'a>> = Vec::new();
    // The ordinal of each open object, innermost last, and the next ordinal to give.
    let mut objects: Vec<usize> = Vec::new();
    let mut next_object = 0usize;
    p.ws();
    loop {
        // A value starts here.
        p.ws();
        match p.peek() {
            Some(b'{') => {
                p.i += 1;
                p.ws();
                if p.peek() == Some(b'}') {
                    p.i += 1;
                    next_object += 1;
                } else {
                    let object = next_object;
                    next_object += 1;
                    let seg = read_key(&mut p, &path, object, f)?;
                    p.ws();
                    expect(&mut p, b':')?;
                    frames.push(Frame::Object);
                    objects.push(object);
                    path.push(seg);
                    continue;
                }
            }
            Some(b'[') => {
                p.i += 1;
                p.ws();
                if p.peek() == Some(b']') {
                    p.i += 1;
                } else {
                    frames.push(Frame::Array(0));
                    path.push(Seg::Index(0));
                    continue;
                }
            }
            Some(b'"') => {
                let start = p.i + 1;
                let (raw, escaped) = p.string()?;
                f(
                    &path,
                    StringValue {
                        raw,
                        escaped,
                        range: start..start + raw.len(),
                        kind: ValueKind::String,
                        object: objects.last().copied().unwrap_or(0),
                    },
                );
            }
            Some(b'-' | b'0'..=b'9') => {
                let start = p.i;
                let raw = p.number()?;
                f(
                    &path,
                    StringValue {
                        raw,
                        escaped: false,
                        range: start..start + raw.len(),
                        kind: ValueKind::Number,
                        object: objects.last().copied().unwrap_or(0),
                    },
                );
            }
            Some(_) => p.skip_scalar()?,
            None => return Err(JsonError::Invalid),
        }
        // After a value: next element, or close containers.
        loop {
            let Some(top) = frames.last_mut() else {
                p.ws();
                return if p.i == line.len() {
                    Ok(())
                } else {
                    Err(JsonError::Invalid)
                };
            };
            p.ws();
            match (p.peek(), top) {
                (Some(b','), Frame::Object) => {
                    p.i += 1;
                    p.ws();
                    path.pop();
                    let object = objects.last().copied().unwrap_or(0);
                    let seg = read_key(&mut p, &path, object, f)?;
                    p.ws();
                    expect(&mut p, b':')?;
                    path.push(seg);
                    break;
                }
                (Some(b','), Frame::Array(n)) => {
                    p.i += 1;
                    *n += 1;
                    let n = *n;
                    path.pop();
                    path.push(Seg::Index(n));
                    break;
                }
                (Some(b'}'), Frame::Object) => {
                    p.i += 1;
                    frames.pop();
                    objects.pop();
                    path.pop();
                }
                (Some(b']'), Frame::Array(_)) => {
                    p.i += 1;
                    frames.pop();
                    path.pop();
                }
                _ => return Err(JsonError::Invalid),
            }
        }
    }
}

/// Reads an object key at the parser's position and reports it to `f`; returns its segment.
fn read_key<'a>(
    p: &mut Parser<'a>,
    path: &[Seg<'a>],
    object: usize,
    f: &mut dyn FnMut(&[Seg<'a>], StringValue<'a>),
) -> Result<Seg<'a>, JsonError> {
    let start = p.i + 1;
    let (raw, escaped) = p.string()?;
    f(
        path,
        StringValue {
            raw,
            escaped,
            range: start..start + raw.len(),
            kind: ValueKind::Key,
            object,
        },
    );
    Ok(Seg::Key(raw, escaped))
}

fn expect(p: &mut Parser<'_>, c: u8) -> Result<(), JsonError> {
    if p.peek() == Some(c) {
        p.i += 1;
        Ok(())
    } else {
        Err(JsonError::Invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(line: &str) -> Result<Vec<(String, String, Range<usize>)>, JsonError> {
        let mut out = Vec::new();
        walk_strings(line.as_bytes(), &mut |path, v| {
            out.push((format_path(path), v.raw.to_string(), v.range.clone()));
        })?;
        Ok(out)
    }

    #[test]
    fn paths_and_ranges() {
        let line = r#"{"prompt":"hi","n":1,"feedback":{"rating":-1,"comment":"c\nd"},"metadata":{"messages":[{"role":"u","content":"x"},{"content":"y"}],"tags":["a",["b"]],"e":{}},"z":[]}"#;
        let got = collect(line).unwrap();
        let paths: Vec<&str> = got.iter().map(|g| g.0.as_str()).collect();
        assert_eq!(
            paths,
            [
                "prompt",
                "feedback.comment",
                "metadata.messages[0].role",
                "metadata.messages[0].content",
                "metadata.messages[1].content",
                "metadata.tags[0]",
                "metadata.tags[1][0]"
            ]
        );
        for (_, raw, range) in &got {
            assert_eq!(&line[range.clone()], raw);
        }
        assert_eq!(got[1].1, r"c\nd");
    }

    #[test]
    fn top_level_array_and_errors() {
        assert_eq!(collect(r#"["a"]"#).unwrap()[0].0, "[0]");
        assert!(collect(r#"{"a":"x""#).is_err());
        assert!(collect(r#"{"a":"x"} junk"#).is_err());
        let deep = format!("{}\"s\"{}", "[".repeat(50_000), "]".repeat(50_000));
        assert_eq!(collect(&deep).unwrap().len(), 1);
    }

    #[test]
    fn keys_and_numbers_with_their_objects() {
        let line = r#"{"a":{"k@x.io":1,"b":[2.5,{"c":-3}]},"d":"s"}"#;
        let mut got = Vec::new();
        walk_values(line.as_bytes(), &mut |path, v| {
            assert_eq!(&line[v.range.clone()], v.raw);
            got.push((format_path(path), v.raw.to_string(), v.kind, v.object));
        })
        .unwrap();
        use ValueKind::{Key, Number, String};
        let want: Vec<(&str, &str, ValueKind, usize)> = vec![
            ("", "a", Key, 0),
            ("a", "k@x.io", Key, 1),
            ("a.k@x.io", "1", Number, 1),
            ("a", "b", Key, 1),
            ("a.b[0]", "2.5", Number, 1),
            ("a.b[1]", "c", Key, 2),
            ("a.b[1].c", "-3", Number, 2),
            ("", "d", Key, 0),
            ("d", "s", String, 0),
        ];
        let got: Vec<(&str, &str, ValueKind, usize)> = got
            .iter()
            .map(|(p, r, k, o)| (p.as_str(), r.as_str(), *k, *o))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn escaped_keys_are_decoded_in_paths() {
        assert_eq!(collect(r#"{"k\u00e9y":"v"}"#).unwrap()[0].0, "kéy");
    }
}
