//! Tidy checks of the code's shape, the "Done when" of issue 12 made checkable: no source file
//! over [`MAX_FILE_LINES`] lines, no function over [`MAX_FN_LINES`] lines outside tests, and
//! no `use crate::` import circle between the top-level modules of a crate. Each check is a
//! function of plain text with a unit test on a synthetic input that shows it can fail; the
//! `#[test]`s at the end run them on the repository.
//!
//! The scanners read Rust after [`code_only`] has blanked comments, strings and character
//! literals (a `{` in a format string is not a brace), and skip `#[cfg(test)]` items. They
//! are line-based approximations, not a parser: a function is the lines from its `fn` to the
//! brace that closes its body. Not here: the documentation checks (the parent module).

use super::{relative, rust_sources};
use crate::util;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The longest a source file may be, in lines.
const MAX_FILE_LINES: usize = 800;
/// The longest a function outside tests may be, in lines (from `fn` to its closing brace).
const MAX_FN_LINES: usize = 150;

/// Files allowed over [`MAX_FILE_LINES`], each with its reason. An entry that is no longer
/// over the limit fails the test: remove it.
const LONG_FILES: &[(&str, &str)] = &[];

/// Functions allowed over [`MAX_FN_LINES`] (file, function), each with its reason. An entry
/// that is no longer over the limit fails the test: remove it.
const LONG_FUNCTIONS: &[(&str, &str, &str)] = &[];

/// Crates allowed an import circle, each with its reason. An entry whose crate no longer has
/// one fails the test: remove it.
const KNOWN_CIRCLES: &[(&str, &str)] = &[];

/// `text` with every comment, string literal and character literal replaced by spaces
/// (newlines kept, so line numbers stay), leaving only code: braces, `fn`, `crate::` paths.
fn code_only(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let is_ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    let mut i = 0;
    while i < c.len() {
        let rest = &c[i..];
        let prev = |k: usize| if i >= k { Some(c[i - k]) } else { None };
        let after_ident = prev(1).is_some_and(is_ident);
        // `r"…"`, `r#"…"#`, `br#"…"#`: a raw string, which has no escapes.
        let raw_start = (rest[0] == 'r'
            && (!after_ident || (prev(1) == Some('b') && !prev(2).is_some_and(is_ident))))
        .then(|| {
            let hashes = rest[1..].iter().take_while(|&&h| h == '#').count();
            (rest.get(1 + hashes) == Some(&'"')).then_some(hashes)
        })
        .flatten();
        let end = if rest.starts_with(&['/', '/']) {
            i + rest.iter().position(|&x| x == '\n').unwrap_or(rest.len())
        } else if rest.starts_with(&['/', '*']) {
            let (mut depth, mut k) = (0usize, 0usize);
            while k < rest.len() {
                if rest[k..].starts_with(&['/', '*']) {
                    depth += 1;
                    k += 2;
                } else if rest[k..].starts_with(&['*', '/']) {
                    depth -= 1;
                    k += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    k += 1;
                }
            }
            i + k
        } else if let Some(hashes) = raw_start {
            let open = 2 + hashes;
            let close = (open..rest.len()).find(|&k| {
                rest[k] == '"'
                    && rest[k + 1..].iter().take(hashes).all(|&h| h == '#')
                    && rest.len() >= k + 1 + hashes
            });
            i + close.map_or(rest.len(), |k| k + 1 + hashes)
        } else if rest[0] == '"' {
            let mut k = 1;
            while k < rest.len() && rest[k] != '"' {
                k += if rest[k] == '\\' { 2 } else { 1 };
            }
            i + (k + 1).min(rest.len())
        } else if rest[0] == '\'' && rest.get(1) == Some(&'\\') {
            // '\n', '\'', '\\', '\u{…}'
            i + rest
                .iter()
                .skip(3)
                .position(|&x| x == '\'')
                .map_or(rest.len(), |k| k + 4)
        } else if rest[0] == '\'' && rest.get(2) == Some(&'\'') {
            i + 3
        } else {
            out.push(rest[0]);
            i += 1;
            continue;
        };
        for &ch in &c[i..end] {
            out.push(if ch == '\n' { '\n' } else { ' ' });
        }
        i = end;
    }
    out
}

/// The line (index into `lines`) of the brace that closes the body of the item starting at
/// line `start`, or `None` when the item ends with `;` before any body opens (`fn f();`,
/// `mod tests;`, `use …;`).
fn body_end(lines: &[&str], start: usize) -> Option<usize> {
    let (mut braces, mut nesting, mut opened) = (0usize, 0usize, false);
    for (k, line) in lines.iter().enumerate().skip(start) {
        for ch in line.chars() {
            match ch {
                '(' | '[' => nesting += 1,
                ')' | ']' => nesting = nesting.saturating_sub(1),
                ';' if !opened && nesting == 0 => return None,
                '{' => {
                    braces += 1;
                    opened = true;
                }
                '}' => {
                    braces = braces.saturating_sub(1);
                    if opened && braces == 0 {
                        return Some(k);
                    }
                }
                _ => {}
            }
        }
    }
    None
}

/// `code` (already [`code_only`]) with every `#[cfg(test)]` item blanked: a test module, a
/// test-only function or import.
fn without_test_items(code: &str) -> String {
    let mut lines: Vec<String> = code.lines().map(str::to_string).collect();
    let mut k = 0;
    while k < lines.len() {
        if !lines[k].trim_start().starts_with("#[cfg(test)]") {
            k += 1;
            continue;
        }
        let mut item = k + 1;
        while item < lines.len() && {
            let t = lines[item].trim_start();
            t.is_empty() || t.starts_with("#[")
        } {
            item += 1;
        }
        let view: Vec<&str> = lines.iter().map(String::as_str).collect();
        let end = body_end(&view, item).unwrap_or_else(|| {
            (item..lines.len())
                .find(|&j| lines[j].contains(';'))
                .unwrap_or(lines.len() - 1)
        });
        let end = end.min(lines.len() - 1);
        for line in &mut lines[k..=end] {
            line.clear();
        }
        k = end + 1;
    }
    lines.join("\n")
}

/// The name of the function a line of code declares (`pub(crate) const fn name…`), if any.
fn fn_name(line: &str) -> Option<&str> {
    let mut t = line.trim_start();
    loop {
        if let Some(rest) = t.strip_prefix("pub(") {
            t = rest.split_once(')')?.1.trim_start();
            continue;
        }
        let before = t;
        for word in ["pub", "const", "async", "unsafe", "extern", "default"] {
            if let Some(rest) = t.strip_prefix(word)
                && rest.starts_with(char::is_whitespace)
            {
                t = rest.trim_start();
            }
        }
        if t == before {
            break;
        }
    }
    let rest = t.strip_prefix("fn")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let rest = rest.trim_start();
    let end = rest
        .find(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

/// The functions of a Rust source longer than `max` lines, outside `#[cfg(test)]` items:
/// `(name, first line, lines)`. A function's nested items count as its own lines.
fn long_functions(text: &str, max: usize) -> Vec<(String, usize, usize)> {
    let code = without_test_items(&code_only(text));
    let lines: Vec<&str> = code.lines().collect();
    let mut found = Vec::new();
    let mut k = 0;
    while k < lines.len() {
        if let Some(name) = fn_name(lines[k])
            && let Some(end) = body_end(&lines, k)
        {
            let n = end - k + 1;
            if n > max {
                found.push((name.to_string(), k + 1, n));
            }
            k = end + 1;
            continue;
        }
        k += 1;
    }
    found
}

/// The top-level modules of the crate whose `src/` files are `files` (paths relative to
/// `src/`, with their text) that each imports through `crate::` paths, the crate root (its
/// `lib.rs` or `main.rs`) left out: module → modules it names.
fn import_graph(files: &[(String, String)]) -> BTreeMap<String, BTreeSet<String>> {
    let top = |path: &str| -> Option<String> {
        let first = path.split('/').next()?;
        let name = first.strip_suffix(".rs").unwrap_or(first);
        (!matches!(name, "lib" | "main")).then(|| name.to_string())
    };
    let modules: BTreeSet<String> = files.iter().filter_map(|(p, _)| top(p)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, text) in files {
        let Some(from) = top(path) else { continue };
        let code = without_test_items(&code_only(text));
        for (at, _) in code.match_indices("crate::") {
            if code[..at]
                .chars()
                .next_back()
                .is_some_and(|ch| ch.is_alphanumeric() || ch == '_' || ch == '$' || ch == ':')
            {
                continue; // `other_crate::`, `$crate::`, `a::crate::`
            }
            let rest = &code[at + "crate::".len()..];
            let names: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
                // `crate::{a, b::c, d::{e, f}}`: the first name of each top-level element.
                let mut depth = 0usize;
                let mut starts = vec![0];
                let mut close = group.len();
                for (k, ch) in group.char_indices() {
                    match ch {
                        '{' => depth += 1,
                        '}' if depth == 0 => {
                            close = k;
                            break;
                        }
                        '}' => depth -= 1,
                        ',' if depth == 0 => starts.push(k + 1),
                        _ => {}
                    }
                }
                starts
                    .into_iter()
                    .filter(|&s| s <= close)
                    .map(|s| first_ident(&group[s..close]))
                    .collect()
            } else {
                vec![first_ident(rest)]
            };
            for name in names {
                if modules.contains(name) && name != from {
                    graph
                        .entry(from.clone())
                        .or_default()
                        .insert(name.to_string());
                }
            }
        }
    }
    graph
}

fn first_ident(s: &str) -> &str {
    let s = s.trim_start();
    let end = s
        .find(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// A circle in `graph`, as the modules along it with the first repeated at the end
/// (`a → b → a`), if there is one. Deterministic: modules are tried in name order.
fn import_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        graph: &BTreeMap<String, BTreeSet<String>>,
        node: &str,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(graph, next, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|start| visit(graph, start, &mut Vec::new(), &mut done))
}

/// Every file of `files` (relative path, text) over `max` lines that `allowed` does not list,
/// and every entry of `allowed` that is not over it (stale): the problems to report.
fn long_files(files: &[(String, String)], max: usize, allowed: &[(&str, &str)]) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, text) in files {
        let n = text.lines().count();
        let listed = allowed.iter().any(|(p, _)| p == path);
        if n > max && !listed {
            problems.push(format!(
                "{path}: {n} lines (at most {max}); split it by concern"
            ));
        }
        if n <= max && listed {
            problems.push(format!(
                "{path}: {n} lines, no longer over {max}: remove it from LONG_FILES"
            ));
        }
    }
    for (p, _) in allowed {
        if !files.iter().any(|(path, _)| path == p) {
            problems.push(format!(
                "{p}: listed in LONG_FILES but not found: remove it"
            ));
        }
    }
    problems
}

/// Every function of `files` over `max` lines that `allowed` does not list, and every stale
/// entry of `allowed`.
fn long_function_problems(
    files: &[(String, String)],
    max: usize,
    allowed: &[(&str, &str, &str)],
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for (path, text) in files {
        for (name, line, n) in long_functions(text, max) {
            if allowed.iter().any(|(p, f, _)| p == path && *f == name) {
                seen.insert((path.as_str(), name));
                continue;
            }
            problems.push(format!(
                "{path}:{line}: fn {name} is {n} lines (at most {max}); split it into named steps"
            ));
        }
    }
    for (p, f, _) in allowed {
        if !seen.iter().any(|(sp, sf)| sp == p && sf == f) {
            problems.push(format!(
                "{p}: fn {f} is listed in LONG_FUNCTIONS but is not over {max} lines: remove it"
            ));
        }
    }
    problems
}

fn sources(root: &Path) -> Vec<(String, String)> {
    rust_sources(root)
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            (relative(root, &p), text)
        })
        .collect()
}

#[test]
fn no_source_file_is_over_800_lines() {
    let root = util::workspace_root();
    let files = sources(&root);
    assert!(files.len() > 100, "found only {} source files", files.len());
    let problems = long_files(&files, MAX_FILE_LINES, LONG_FILES);
    assert!(
        problems.is_empty(),
        "files too long:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn no_function_outside_tests_is_over_150_lines() {
    let root = util::workspace_root();
    let files: Vec<(String, String)> = sources(&root)
        .into_iter()
        // `src/` only, less the files of `#[cfg(test)] mod tests;` (named `tests.rs`).
        .filter(|(p, _)| p.contains("/src/") && !p.ends_with("/tests.rs"))
        .collect();
    let problems = long_function_problems(&files, MAX_FN_LINES, LONG_FUNCTIONS);
    assert!(
        problems.is_empty(),
        "functions too long:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn no_crate_imports_its_own_modules_in_a_circle() {
    let root = util::workspace_root();
    let mut problems = Vec::new();
    let mut crates = 0;
    let mut dirs: Vec<_> = std::fs::read_dir(root.join("crates"))
        .expect("crates/")
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    let all = sources(&root);
    for dir in dirs {
        let src = dir.join("src");
        if !src.is_dir() {
            continue;
        }
        crates += 1;
        let src = relative(&root, &src);
        let files: Vec<(String, String)> = all
            .iter()
            .filter_map(|(p, text)| {
                let inside = Path::new(p).strip_prefix(&src).ok()?;
                Some((inside.display().to_string(), text.clone()))
            })
            .collect();
        let name = relative(&root, &dir);
        let known = KNOWN_CIRCLES.iter().any(|(c, _)| *c == name);
        match import_cycle(&import_graph(&files)) {
            Some(cycle) if !known => problems.push(format!("{name}: {}", cycle.join(" → "))),
            None if known => problems.push(format!(
                "{name}: no import circle any more: remove it from KNOWN_CIRCLES"
            )),
            _ => {}
        }
    }
    assert!(crates >= 6, "found only {crates} crates");
    assert!(
        problems.is_empty(),
        "import circles between the top-level modules of a crate (move what both need below \
         both):\n  {}",
        problems.join("\n  ")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> (String, String) {
        (path.to_string(), text.to_string())
    }

    #[test]
    fn code_only_blanks_comments_strings_and_chars_but_keeps_lines() {
        let text = "let a = \"{ // }\"; // {\n/* { /* } */ } */ let b = '{';\nlet r = r#\"}\"#; fn f<'a>(x: &'a str) {}\nlet e = '\\'';\n";
        let code = code_only(text);
        assert_eq!(code.lines().count(), text.lines().count());
        assert_eq!(code.matches('{').count(), 1, "{code}");
        assert_eq!(code.matches('}').count(), 1, "{code}");
        assert!(code.contains("fn f<'a>(x: &'a str) {}"), "{code}");
    }

    #[test]
    fn a_long_function_is_found_and_a_test_one_is_not() {
        let body = "    let x = \"}\";\n".repeat(150);
        let text = format!(
            "//! m\ntrait T {{ fn decl(&self); }}\npub(crate) fn long() -> [u8; 2] {{\n{body}}}\nfn short() {{}}\n#[cfg(test)]\nmod tests {{\n    fn long_test() {{\n{body}    }}\n}}\n"
        );
        let found = long_functions(&text, MAX_FN_LINES);
        assert_eq!(found, vec![("long".to_string(), 3, 152)]);
        let problems = long_function_problems(&[file("x/src/a.rs", &text)], MAX_FN_LINES, &[]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        // Listed, it passes; listed but short, the entry is stale.
        let allowed = [("x/src/a.rs", "long", "a data table")];
        assert!(
            long_function_problems(&[file("x/src/a.rs", &text)], MAX_FN_LINES, &allowed).is_empty()
        );
        let stale = long_function_problems(
            &[file("x/src/a.rs", "fn long() {}\n")],
            MAX_FN_LINES,
            &allowed,
        );
        assert_eq!(stale.len(), 1, "{stale:?}");
    }

    #[test]
    fn a_long_file_is_found_unless_listed_and_a_stale_entry_is_reported() {
        let long = "x\n".repeat(801);
        let short = "x\n".repeat(800);
        let files = [file("a.rs", &long), file("b.rs", &short)];
        assert_eq!(long_files(&files, 800, &[]).len(), 1);
        assert!(long_files(&files, 800, &[("a.rs", "a table")]).is_empty());
        assert_eq!(long_files(&files, 800, &[("b.rs", "a table")]).len(), 2);
        assert_eq!(
            long_files(&files, 800, &[("a.rs", "t"), ("gone.rs", "t")]).len(),
            1
        );
    }

    #[test]
    fn an_import_circle_is_found_through_groups_and_nested_files() {
        let files = [
            file("lib.rs", "mod a; mod b; mod c;\nuse crate::a::X;\n"),
            file(
                "a.rs",
                "//! uses `crate::c` in a comment only\nuse crate::b::Y;\n",
            ),
            file("b/mod.rs", "mod inner;\n"),
            file("b/inner.rs", "use crate::{c::Z, a::{X, W}};\n"),
            file(
                "c.rs",
                "fn f() { let s = \"crate::a\"; }\n#[cfg(test)]\nmod tests { use crate::a::X; }\n",
            ),
        ];
        let graph = import_graph(&files);
        assert_eq!(graph["a"], BTreeSet::from(["b".to_string()]));
        assert_eq!(
            graph["b"],
            BTreeSet::from(["a".to_string(), "c".to_string()])
        );
        assert!(!graph.contains_key("c"), "{graph:?}");
        assert_eq!(
            import_cycle(&graph),
            Some(vec!["a".to_string(), "b".to_string(), "a".to_string()])
        );
        // Without b → a, the graph is layered: no circle.
        let layered = [
            files[1].clone(),
            file("b/inner.rs", "use crate::c::Z;\n"),
            files[4].clone(),
        ];
        assert_eq!(import_cycle(&import_graph(&layered)), None);
    }
}
