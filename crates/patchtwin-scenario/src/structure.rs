//! From the plain value tree to the typed input structs of `raw`, section by section and item
//! by item, so that one malformed asset does not hide the problems of the next. serde's error
//! messages are kept (they already say what was expected); we add the location and field path.

use crate::diag::Diagnostic;
use crate::source::{SourceMap, join_index, join_key};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Deserializes `value` (found at `path`) into `T`, locating any error.
pub fn typed<T: DeserializeOwned>(
    value: &Value,
    path: &str,
    file: &str,
    map: &SourceMap,
) -> Result<T, Diagnostic> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let inner = e.path().to_string();
        let mut full = path.to_string();
        if inner != "." {
            for seg in e.path().iter() {
                full = match seg {
                    serde_path_to_error::Segment::Seq { index } => join_index(&full, *index),
                    serde_path_to_error::Segment::Map { key } => join_key(&full, key),
                    serde_path_to_error::Segment::Enum { variant } => join_key(&full, variant),
                    serde_path_to_error::Segment::Unknown => full,
                };
            }
        }
        let message = e.into_inner().to_string();
        located(file, map, full, message)
    })
}

/// Turns a serde message into a located diagnostic, pointing at the offending key where the
/// message names one.
fn located(file: &str, map: &SourceMap, path: String, message: String) -> Diagnostic {
    let mut help = None;
    let (loc, path) = if let Some(field) = between(&message, "unknown field `", "`") {
        // serde_path_to_error already ends the path with the unknown key.
        let key_path = if path == field || path.ends_with(&format!(".{field}")) {
            path.clone()
        } else {
            join_key(&path, field)
        };
        if let Some(expected) = message
            .split("expected one of ")
            .nth(1)
            .or_else(|| message.split("expected ").nth(1))
        {
            let names: Vec<&str> = expected.split(", ").map(|s| s.trim_matches('`')).collect();
            help = crate::diag::nearest(field, names.iter().copied())
                .map(|n| format!("did you mean `{n}`?"));
        }
        (map.key(&key_path), key_path)
    } else if let Some(field) = between(&message, "missing field `", "`") {
        let _ = field;
        (map.value(&path), path)
    } else if let Some(variant) = between(&message, "unknown variant `", "`") {
        if let Some(expected) = message.split("expected one of ").nth(1) {
            let names: Vec<&str> = expected.split(", ").map(|s| s.trim_matches('`')).collect();
            help = crate::diag::nearest(variant, names.iter().copied())
                .map(|n| format!("did you mean `{n}`?"));
        }
        (map.value(&path), path)
    } else {
        (map.value(&path), path)
    };
    let message = tidy(&message);
    Diagnostic {
        severity: crate::diag::Severity::Error,
        file: file.into(),
        loc,
        path,
        message,
        help,
    }
}

/// Friendlier wording for serde's standard messages.
fn tidy(message: &str) -> String {
    let m = message
        .replace("invalid type: string", "invalid type: text")
        .replace("invalid type: map", "invalid type: a mapping")
        .replace("invalid type: sequence", "invalid type: a list");
    // Rust's number type names mean nothing to a plant engineer.
    let m = [
        ("expected f64", "expected a number"),
        ("expected u8", "expected a whole number from 0 to 255"),
        ("expected u16", "expected a whole number from 0 to 65535"),
        ("expected u32", "expected a whole number (0 or more)"),
        ("expected u64", "expected a whole number (0 or more)"),
        ("expected usize", "expected a whole number (0 or more)"),
    ]
    .iter()
    .fold(m, |m, (rust, plain)| {
        if m.ends_with(rust) {
            format!("{}{plain}", &m[..m.len() - rust.len()])
        } else {
            m
        }
    });
    if m.contains("invalid type: null") || m.contains("invalid type: unit") {
        format!("{m} (the field is present but empty)")
    } else {
        m
    }
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = s.find(start)? + start.len();
    let len = s[from..].find(end)?;
    Some(&s[from..from + len])
}

/// A list section: each item deserialized on its own. Returns the items that parsed (with
/// their original index) and records a diagnostic for every one that did not.
pub fn list<T: DeserializeOwned>(
    root: &Value,
    key: &str,
    file: &str,
    map: &SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(usize, T)> {
    let Some(value) = root.get(key) else {
        return Vec::new();
    };
    match value {
        Value::Null => Vec::new(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .filter_map(
                |(i, item)| match typed::<T>(item, &join_index(key, i), file, map) {
                    Ok(v) => Some((i, v)),
                    Err(d) => {
                        diags.push(d);
                        None
                    }
                },
            )
            .collect(),
        other => {
            diags.push(Diagnostic {
                severity: crate::diag::Severity::Error,
                file: file.into(),
                loc: map.value(key),
                path: key.into(),
                message: format!(
                    "`{key}` must be a list, found {}",
                    crate::units::describe(other)
                ),
                help: Some(format!(
                    "write each entry on its own line starting with `- ` under `{key}:`"
                )),
            });
            Vec::new()
        }
    }
}
