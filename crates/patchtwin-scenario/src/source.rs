//! Reading YAML or JSON text into a plain value tree plus a source map.
//!
//! serde-saphyr parses the text (with budgets against alias bombs, deep nesting and huge inputs)
//! into a tree whose every node carries its location. We split that into a `serde_json::Value`
//! — which the typed structs of `raw` are then deserialized from, section by section, so one
//! bad asset does not hide the problems of the next — and a [`SourceMap`] from field paths
//! (`assets[3].zone`) to locations, which every later diagnostic uses. JSON input is YAML too.
//!
//! This module knows nothing about scenarios.

use crate::diag::Loc;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use serde_saphyr::Spanned;
use std::cmp::Ordering;
use std::fmt::{self, Write as _};
use std::sync::OnceLock;

/// Largest input accepted, in bytes (16 MiB). Real plants are far below (the 2,000-asset generated plant
/// is about 2 MB); anything bigger is a mistake or an attack.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// Where each field path's key and value are in the source.
///
/// A large scenario has hundreds of thousands of paths, and they are looked up only when
/// something is reported. So they are recorded cheaply — appended to one text buffer, with no
/// allocation or hashing per node — and the index that finds them is sorted on the first
/// lookup. For a path recorded more than once, the first value location and the last key
/// location count.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    /// Every recorded path, concatenated.
    text: String,
    /// One per recorded location, in recording order.
    entries: Vec<Entry>,
    /// Indices into `entries`, ordered by (path, is key, recording order); built on first use.
    index: OnceLock<Vec<usize>>,
}

/// A recorded location: `text[start..end]` is its path.
#[derive(Debug, Clone, Copy)]
struct Entry {
    start: usize,
    end: usize,
    loc: Loc,
    key: bool,
}

impl SourceMap {
    /// Location of the value at `path`, or of the nearest enclosing node that has one.
    pub fn value(&self, path: &str) -> Option<Loc> {
        let mut p = path;
        loop {
            if let Some(l) = self.find(p, false) {
                return Some(l);
            }
            p = parent(p)?;
        }
    }
    /// Location of the key that introduces `path` (for "unknown field" errors), falling back
    /// to the value's location.
    pub fn key(&self, path: &str) -> Option<Loc> {
        self.find(path, true).or_else(|| self.value(path))
    }

    fn record(&mut self, path: &str, loc: Loc, key: bool) {
        let start = self.text.len();
        self.text.push_str(path);
        self.entries.push(Entry {
            start,
            end: self.text.len(),
            loc,
            key,
        });
    }

    fn path_of(&self, i: usize) -> &str {
        let e = &self.entries[i];
        &self.text[e.start..e.end]
    }

    /// The first value location, or the last key location, recorded for exactly `path`.
    fn find(&self, path: &str, key: bool) -> Option<Loc> {
        let index = self.index.get_or_init(|| {
            let mut index: Vec<usize> = (0..self.entries.len()).collect();
            index.sort_unstable_by(|&a, &b| {
                let (ea, eb) = (&self.entries[a], &self.entries[b]);
                self.path_of(a)
                    .cmp(self.path_of(b))
                    .then(ea.key.cmp(&eb.key))
                    .then(a.cmp(&b))
            });
            index
        });
        let order = |i: usize| {
            self.path_of(i)
                .cmp(path)
                .then(self.entries[i].key.cmp(&key))
        };
        let from = index.partition_point(|&i| order(i) == Ordering::Less);
        let to = index.partition_point(|&i| order(i) != Ordering::Greater);
        if from == to {
            return None;
        }
        Some(self.entries[if key { index[to - 1] } else { index[from] }].loc)
    }
}

/// `a.b[2].c` → `a.b[2]` → `a.b` → `a` → `` → None.
fn parent(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    Some(&path[..cut])
}

/// Joins a key onto a path.
pub fn join_key(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Joins an index onto a path.
pub fn join_index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// A YAML node with locations, as serde-saphyr hands it over.
enum Node {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Node>>),
    Map(Vec<(Spanned<Node>, Spanned<Node>)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Int(v.into()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Node, E> {
        Ok(Node::Int(v))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Node, E> {
        i128::try_from(v)
            .map(Node::Int)
            .map_err(|_| E::custom("integer too large"))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Node>>()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(key) = map.next_key::<Spanned<Node>>()? {
            let value = map.next_value::<Spanned<Node>>()?;
            items.push((key, value));
        }
        Ok(Node::Map(items))
    }
}

/// A problem found while reading the text itself (syntax, budgets, non-finite numbers).
#[derive(Debug, Clone)]
pub struct ReadError {
    /// Where, if known.
    pub loc: Option<Loc>,
    /// Field path, if known.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl ReadError {
    /// The problem as a diagnostic of `file`.
    pub fn into_diagnostic(self, file: &str) -> crate::diag::Diagnostic {
        crate::diag::Diagnostic {
            severity: crate::diag::Severity::Error,
            file: file.into(),
            loc: self.loc,
            path: self.path,
            message: self.message,
            help: None,
        }
    }
}

fn loc_of(l: &serde_saphyr::Location) -> Option<Loc> {
    let (line, column) = (l.line(), l.column());
    (line > 0).then(|| Loc {
        line: line.min(u32::MAX as u64) as u32,
        column: column.clamp(1, u32::MAX as u64) as u32,
    })
}

/// Parses `text` (YAML or JSON) into a value and its source map.
pub fn read(text: &str) -> Result<(Value, SourceMap), Vec<ReadError>> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(vec![ReadError {
            loc: None,
            path: String::new(),
            message: format!(
                "the file is {} bytes; the largest accepted is {MAX_INPUT_BYTES} bytes",
                text.len()
            ),
        }]);
    }
    if text.trim().is_empty() {
        return Err(vec![ReadError { loc: None, path: String::new(), message: "the file is empty: expected a scenario mapping with `name`, `horizon`, `zones`, `assets` and `plans`".into() }]);
    }
    let options = serde_saphyr::options! {
        strict_booleans: true,
        // `.nan`, `.inf` and `1e999` reach `convert`, which reports them at their field.
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::PassThrough,
        budget: serde_saphyr::budget! {
            max_depth: 48,
            max_nodes: 4_000_000,
            max_events: 8_000_000,
            max_aliases: 10_000,
            // An alias bomb is rejected when this many events have been copied or replayed
            // for anchors; the default (1,000,000) takes seconds to reach in a debug build.
            max_recorded_anchor_events: 100_000,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 100_000,
        },
    };
    let root: Spanned<Node> = serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let loc = e.location().as_ref().and_then(loc_of);
        let message = e.without_snippet().to_string();
        // serde-saphyr appends its own location; keep only the message, we print ours.
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .trim()
            .to_string();
        let message = plain_words(&message);
        vec![ReadError {
            loc,
            path: String::new(),
            message: format!("cannot read the file: {message}"),
        }]
    })?;
    let mut map = SourceMap::default();
    let mut errors = Vec::new();
    let value = convert(root, &mut String::new(), &mut map, &mut errors);
    if errors.is_empty() {
        Ok((value, map))
    } else {
        Err(errors)
    }
}

/// Converts `node`, found at `path`: one buffer that each child's path is appended to and cut
/// back from, so that no node allocates its own.
/// Rewrites parser messages that speak of the library's API into what the user can act on.
fn plain_words(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(',').next().unwrap_or(rest).trim();
        return format!(
            "duplicate key `{key}`: each key may appear once in a mapping; remove or merge the repeated one"
        );
    }
    if message.starts_with("multiple YAML documents detected") {
        return "the file holds more than one YAML document (a `---` line); a scenario is one document".to_string();
    }
    if message.contains("budget breached") {
        let what = if message.contains("Depth") {
            "nesting deeper than 48 levels"
        } else if message.contains("Alias")
            || message.contains("Anchor")
            || message.contains("Replayed")
        {
            "too many alias expansions (an alias bomb?)"
        } else if message.contains("Nodes") || message.contains("Events") {
            "too many nodes"
        } else {
            "a size limit"
        };
        return format!("the file exceeds the reader's limits: {what}; a scenario is far smaller");
    }
    message.to_string()
}

fn convert(
    node: Spanned<Node>,
    path: &mut String,
    map: &mut SourceMap,
    errors: &mut Vec<ReadError>,
) -> Value {
    let loc = loc_of(&node.referenced);
    if let Some(l) = loc {
        map.record(path, l, false);
    }
    match node.value {
        Node::Null => Value::Null,
        Node::Bool(b) => Value::Bool(b),
        Node::Int(i) => {
            if let Ok(v) = i64::try_from(i) {
                Value::Number(v.into())
            } else if let Ok(v) = u64::try_from(i) {
                Value::Number(v.into())
            } else {
                errors.push(ReadError {
                    loc,
                    path: path.clone(),
                    message: format!("the number {i} is too large"),
                });
                Value::Null
            }
        }
        Node::Float(f) => match Number::from_f64(f) {
            Some(n) => Value::Number(n),
            None => {
                errors.push(ReadError {
                    loc,
                    path: path.clone(),
                    message: if f.is_nan() {
                        "`.nan` (not a number) is not a value: expected an ordinary finite number such as `0.5`".into()
                    } else {
                        "infinity (`.inf`, or a number too large to hold such as `1e999`) is not a value: expected an ordinary finite number".into()
                    },
                });
                Value::Null
            }
        },
        Node::Str(s) => Value::String(s),
        Node::Seq(items) => {
            let len = path.len();
            let items = items.into_iter().enumerate().map(|(i, item)| {
                // `join_index`, in place.
                let _ = write!(path, "[{i}]");
                let value = convert(item, path, map, errors);
                path.truncate(len);
                value
            });
            Value::Array(items.collect())
        }
        Node::Map(entries) => {
            let mut out = Map::new();
            let len = path.len();
            for (k, v) in entries {
                let key_loc = loc_of(&k.referenced);
                let key = match k.value {
                    Node::Str(s) => s,
                    Node::Int(i) => i.to_string(),
                    Node::Bool(b) => b.to_string(),
                    Node::Float(f) => f.to_string(),
                    Node::Null => "null".to_string(),
                    Node::Seq(_) | Node::Map(_) => {
                        errors.push(ReadError {
                            loc: key_loc,
                            path: path.clone(),
                            message: "a mapping key must be plain text, not a list or mapping"
                                .into(),
                        });
                        continue;
                    }
                };
                // `join_key`, in place.
                if len > 0 {
                    path.push('.');
                }
                path.push_str(&key);
                if let Some(l) = key_loc {
                    map.record(path, l, true);
                }
                let value = convert(v, path, map, errors);
                path.truncate(len);
                out.insert(key, value);
            }
            Value::Object(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_lines_and_columns() {
        let text =
            "name: x\nassets:\n  - id: plc-1\n    zone: control\n  - id: plc-2\n    zone:  cell\n";
        let (value, map) = read(text).unwrap();
        assert_eq!(value["assets"][1]["zone"], "cell");
        assert_eq!(
            map.value("assets[1].zone"),
            Some(Loc {
                line: 6,
                column: 12
            })
        );
        assert_eq!(map.key("assets[1].zone"), Some(Loc { line: 6, column: 5 }));
        // Unknown paths fall back to the nearest enclosing node.
        assert_eq!(
            map.value("assets[1].zone.nothing"),
            Some(Loc {
                line: 6,
                column: 12
            })
        );
    }

    #[test]
    fn every_node_and_key_is_recorded_under_its_path() {
        let (_, map) = read("a:\n  - b: 1\n    c: [2, 3]\nd: {}\n").unwrap();
        let mut values = Vec::new();
        let mut keys = Vec::new();
        for (i, e) in map.entries.iter().enumerate() {
            if e.key { &mut keys } else { &mut values }.push(map.path_of(i));
        }
        assert_eq!(
            values,
            [
                "",
                "a",
                "a[0]",
                "a[0].b",
                "a[0].c",
                "a[0].c[0]",
                "a[0].c[1]",
                "d"
            ]
        );
        assert_eq!(keys, ["a", "a[0].b", "a[0].c", "d"]);
        assert_eq!(map.value(""), Some(Loc { line: 1, column: 1 }));
        assert_eq!(map.key("a[0].c"), Some(Loc { line: 3, column: 5 }));
        assert_eq!(
            map.key("a[0].c[1]"),
            Some(Loc {
                line: 3,
                column: 12
            })
        );
    }

    #[test]
    fn lookups_agree_with_a_hash_map_of_the_recorded_paths() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../scenarios/ews-actively-exploited.yaml"
        );
        let (_, map) = read(&std::fs::read_to_string(path).unwrap()).unwrap();
        // What the source map was before it was made lazy: first value, last key per path.
        let mut values = std::collections::HashMap::new();
        let mut keys = std::collections::HashMap::new();
        for (i, e) in map.entries.iter().enumerate() {
            if e.key {
                keys.insert(map.path_of(i), e.loc);
            } else {
                values.entry(map.path_of(i)).or_insert(e.loc);
            }
        }
        assert!(values.len() > 500);
        for p in values.keys().chain(keys.keys()) {
            assert_eq!(map.find(p, false), values.get(p).copied(), "value of {p}");
            assert_eq!(map.find(p, true), keys.get(p).copied(), "key of {p}");
        }
        assert_eq!(map.find("assets[999]", false), None);
        assert_eq!(map.value("assets[999]"), map.value("assets"));
    }

    #[test]
    fn yes_and_no_stay_text() {
        let (value, _) = read("a: yes\nb: no\nc: true\n").unwrap();
        assert_eq!(value["a"], "yes");
        assert_eq!(value["c"], true);
    }

    #[test]
    fn json_is_read_too() {
        let (value, map) = read("{\"name\": \"x\",\n \"horizon\": \"90d\"}").unwrap();
        assert_eq!(value["horizon"], "90d");
        assert_eq!(map.value("horizon").unwrap().line, 2);
    }
}
