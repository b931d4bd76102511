//! Writing a scenario value tree back as YAML, with comments.
//!
//! A small emitter rather than a serializer, because the output is read by people: it starts
//! with a comment header naming the sources, puts a comment above every imported item (where it
//! came from, which values are defaults to review), writes `id` first, and uses flow style
//! (`{vendor: Siemens, product: …}`) for anything short enough to fit a line.
//!
//! Safety of the output: a string is written plain only when it is plainly a string to every
//! YAML 1.2 reader (letters, digits, spaces and `_ . / + -`, not a number, boolean or null
//! look-alike); everything else is double-quoted with escapes for quotes, backslashes, control
//! and non-printable characters. Comments are stripped of control characters. The tests read
//! every shipped scenario back through [`patchtwin_scenario::source::read`] and compare trees.

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Comments to put above sequence items: `(top-level section, index)` → lines.
pub type Notes = BTreeMap<(String, usize), Vec<String>>;

/// Line width the emitter aims for.
const WIDTH: usize = 100;

/// Top-level scenario keys in the order the shipped scenarios use.
const TOP: &[&str] = patchtwin_scenario::TOP_LEVEL;

/// Keys written first inside any mapping, in this order.
const FIRST: &[&str] = &[
    "id",
    "name",
    "kind",
    "title",
    "description",
    "vendor",
    "product",
    "version",
    "versions",
    "patch",
    "control",
    "zone",
    "zones",
    "model",
    "criticality",
    "between",
    "consumer",
    "producer",
    "affects",
    "fixes",
    "applies_to",
    "first",
    "every",
    "at",
    "min",
    "mode",
    "max",
    "median",
    "p5",
    "p95",
    "probability",
];

/// The YAML text of `root`, with `header` as leading comment lines (each sanitised; an empty
/// line becomes a bare `#`) and `notes` above the items they name.
pub fn to_yaml(root: &Value, header: &[String], notes: &Notes) -> String {
    let mut out = String::new();
    for line in header {
        comment(&mut out, 0, line);
    }
    if !header.is_empty() {
        out.push('\n');
    }
    match root {
        Value::Object(map) => {
            let mut keys: Vec<&String> = Vec::new();
            for k in TOP {
                if let Some((key, _)) = map.get_key_value(*k) {
                    keys.push(key);
                }
            }
            for k in map.keys() {
                if !TOP.contains(&k.as_str()) {
                    keys.push(k);
                }
            }
            let mut first = true;
            for k in keys {
                let v = &map[k];
                let big = matches!(v, Value::Array(a) if !a.is_empty())
                    || matches!(v, Value::Object(m) if !m.is_empty());
                if big && !first {
                    out.push('\n');
                }
                first = false;
                entry(&mut out, 0, k, v, Some(k), notes);
            }
        }
        other => {
            let _ = writeln!(out, "{}", flow(other));
        }
    }
    out
}

/// Writes `# text` lines at `indent`, split at newlines and wrapped at the line width.
fn comment(out: &mut String, indent: usize, text: &str) {
    let clean: String = text
        .chars()
        .map(|c| {
            if c == '\n' || (printable(c) && !matches!(c, '\t' | '\r' | '\u{2028}' | '\u{2029}')) {
                c
            } else {
                ' '
            }
        })
        .collect();
    for raw in clean.split('\n') {
        let raw = raw.trim_end();
        if raw.is_empty() {
            let _ = writeln!(out, "{:indent$}#", "");
            continue;
        }
        let mut line = String::new();
        for word in raw.split(' ') {
            if !line.is_empty()
                && indent + 2 + line.chars().count() + 1 + word.chars().count() > WIDTH
            {
                let _ = writeln!(out, "{:indent$}# {}", "", line.trim_end());
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        let _ = writeln!(out, "{:indent$}# {}", "", line.trim_end());
    }
}

/// `key: value` at `indent`; `section` names a top-level sequence whose items may carry notes.
fn entry(
    out: &mut String,
    indent: usize,
    key: &str,
    v: &Value,
    section: Option<&str>,
    notes: &Notes,
) {
    let k = scalar_str(key);
    let _ = write!(out, "{:indent$}{k}:", "");
    let has_notes = section.is_some_and(|s| notes.keys().any(|(sec, _)| sec == s));
    let f = flow(v);
    let fits = indent + k.chars().count() + 2 + f.chars().count() <= WIDTH;
    match v {
        Value::Array(a) if !a.is_empty() && (!fits || has_notes || section.is_some()) => {
            out.push('\n');
            seq(out, indent + 2, a, section, notes);
        }
        Value::Object(m) if !m.is_empty() && (!fits || section.is_some()) => {
            out.push('\n');
            mapping(out, indent + 2, m, notes);
        }
        _ => {
            let _ = writeln!(out, " {f}");
        }
    }
}

fn ordered(m: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut v: Vec<(&String, &Value)> = Vec::with_capacity(m.len());
    for k in FIRST {
        if let Some(kv) = m.get_key_value(*k) {
            v.push(kv);
        }
    }
    v.extend(m.iter().filter(|(k, _)| !FIRST.contains(&k.as_str())));
    v
}

fn mapping(out: &mut String, indent: usize, m: &Map<String, Value>, notes: &Notes) {
    for (k, v) in ordered(m) {
        entry(out, indent, k, v, None, notes);
    }
}

fn seq(out: &mut String, indent: usize, a: &[Value], section: Option<&str>, notes: &Notes) {
    for (i, item) in a.iter().enumerate() {
        if let Some(lines) = section.and_then(|s| notes.get(&(s.to_string(), i))) {
            for l in lines {
                comment(out, indent, l);
            }
        }
        let f = flow(item);
        let fits = indent + 2 + f.chars().count() <= WIDTH;
        match item {
            Value::Object(m) if !m.is_empty() && !fits => {
                // The first entry on the dash line, the rest under it.
                let mut block = String::new();
                mapping(&mut block, indent + 2, m, notes);
                let _ = write!(out, "{:indent$}- ", "");
                out.push_str(&block[indent + 2..]);
            }
            Value::Array(inner) if !inner.is_empty() && !fits => {
                let _ = writeln!(out, "{:indent$}-", "");
                seq(out, indent + 2, inner, None, notes);
            }
            _ => {
                let _ = writeln!(out, "{:indent$}- {f}", "");
            }
        }
    }
}

/// Flow-style text of a value.
fn flow(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => scalar_str(s),
        Value::Array(a) => {
            let items: Vec<String> = a.iter().map(flow).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(m) => {
            let items: Vec<String> = ordered(m)
                .into_iter()
                .map(|(k, v)| format!("{}: {}", scalar_str(k), flow(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

/// Whether `c` can be written unescaped: YAML 1.2's printable set (§5.1) without NEL, which
/// YAML 1.1 readers take for a line break, and without the byte-order mark.
fn printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fefe}' | '\u{ff00}'..='\u{fffd}' | '\u{10000}'..)
}

/// A string as a YAML scalar: plain when unambiguous, double-quoted otherwise.
pub fn scalar_str(s: &str) -> String {
    if plain_ok(s) {
        return s.to_string();
    }
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\t' => q.push_str("\\t"),
            '\r' => q.push_str("\\r"),
            c if printable(c) && c != '\u{2028}' && c != '\u{2029}' => q.push(c),
            c if (c as u32) <= 0xffff => {
                let _ = write!(q, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(q, "\\U{:08x}", c as u32);
            }
        }
    }
    q.push('"');
    q
}

fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !(first.is_ascii_alphanumeric() || first == '_') || s.ends_with(' ') || s.contains("  ") {
        return false;
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '+' | '-' | ' '))
    {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n" | "inf" | "nan"
    ) {
        return false;
    }
    // Anything that could be read as a number (ints, floats, 0x/0o/0b forms, YAML 1.1
    // `1_000` and dates) is quoted; `90d` or `1.5kB` are not numbers to any reader.
    let radix = lower.len() > 2 && matches!(&lower[..2], "0x" | "0o" | "0b");
    if radix
        || first.is_ascii_digit()
            && s.chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | '_' | '+' | '-' | 'e' | 'E'))
    {
        return false;
    }
    s.parse::<f64>().is_err()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars() {
        assert_eq!(scalar_str("Schneider Electric"), "Schneider Electric");
        assert_eq!(scalar_str("100ms"), "100ms");
        assert_eq!(scalar_str("2019"), "\"2019\"");
        assert_eq!(scalar_str("6.10"), "\"6.10\"");
        assert_eq!(scalar_str("yes"), "\"yes\"");
        assert_eq!(scalar_str("a: b"), "\"a: b\"");
        assert_eq!(scalar_str(""), "\"\"");
        assert_eq!(
            scalar_str("x\u{85}\u{7f}\"\\"),
            "\"x\\u0085\\u007f\\\"\\\\\""
        );
    }
}
