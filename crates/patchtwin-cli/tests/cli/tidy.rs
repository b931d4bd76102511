//! Tidy: tests that keep the documentation and the conventions true (in the spirit of
//! rust-analyzer's `xtask/src/tidy.rs`). They read the repository's files; they run nothing.
//!
//! - every Rust source file opens with a `//!` header saying what it is;
//! - every path and every type, module or function ARCHITECTURE.md names in backticks exists;
//! - every module a crate declares in its `lib.rs` is named in that crate's docs;
//! - nothing cites a document that is not in the repository (the first design's "DESIGN §n");
//! - the code's shape (`shape`, in `tidy_shape.rs`): no file over 800 lines, no function over
//!   150 lines outside tests, no import circle between the top-level modules of a crate.

use crate::util;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[path = "tidy_shape.rs"]
mod shape;

/// Every `.rs` file of the workspace's own code (crates, benches, fuzz targets), sorted.
fn rust_sources(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for top in ["crates", "benches", "fuzz"] {
        walk(&root.join(top), &mut out);
    }
    out.retain(|p| p.extension().is_some_and(|e| e == "rs"));
    out.sort();
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "target" || name == "corpus" || name == "artifacts" {
            continue;
        }
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn every_rust_file_opens_with_a_module_header() {
    let root = util::workspace_root();
    let missing: Vec<String> = rust_sources(&root)
        .into_iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            !first.starts_with("//!")
        })
        .map(|p| relative(&root, &p))
        .collect();
    assert!(
        missing.is_empty(),
        "these files do not open with a `//!` header saying what they are and are not:\n  {}",
        missing.join("\n  ")
    );
}

/// Names a Rust file defines: items (`fn`, `struct`, `enum`, `trait`, `type`, `mod`, `const`,
/// `static`, `macro_rules!`) and the file's own module name.
fn defined_names(root: &Path) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for path in rust_sources(root) {
        if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
            names.insert(stem.to_string());
        }
        if path.file_name().is_some_and(|n| n == "mod.rs")
            && let Some(dir) = path
                .parent()
                .and_then(|p| p.file_name())
                .and_then(|s| s.to_str())
        {
            names.insert(dir.to_string());
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        // Items a macro defines are named as its arguments (`index_type!(… AssetIdx);`).
        let mut in_macro_call = false;
        for line in text.lines() {
            if line.contains("!(") && !line.contains("macro_rules!") {
                in_macro_call = true;
            }
            if in_macro_call {
                names.extend(
                    line.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .filter(|w| w.starts_with(|c: char| c.is_ascii_uppercase()))
                        .map(str::to_string),
                );
                if line.contains(");") || line.trim_end().ends_with(')') {
                    in_macro_call = false;
                }
            }
            let words: Vec<&str> = line
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '!'))
                .filter(|w| !w.is_empty())
                .collect();
            for pair in words.windows(2) {
                if matches!(
                    pair[0],
                    "fn" | "struct"
                        | "enum"
                        | "trait"
                        | "type"
                        | "mod"
                        | "const"
                        | "static"
                        | "macro_rules!"
                ) {
                    names.insert(pair[1].to_string());
                }
            }
            // Enum variants and fields are named in the docs as `Type::Variant`: a variant
            // is a capitalised word opening a line inside an item (`    Name,` / `Name {`).
            let trimmed = line.trim_start();
            if let Some(word) = trimmed
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                && line.starts_with("    ")
                && !word.is_empty()
            {
                let rest = &trimmed[word.len()..];
                if rest.starts_with(',')
                    || rest.starts_with(" {")
                    || rest.starts_with('(')
                    || rest.starts_with(':')
                {
                    names.insert(word.to_string());
                }
            }
            if let Some(field) = trimmed.strip_prefix("pub ")
                && let Some((name, _)) = field.split_once(':')
                && name.chars().all(|c| c.is_alphanumeric() || c == '_')
            {
                names.insert(name.to_string());
            }
        }
    }
    names
}

/// The spans between backticks of a Markdown text, outside fenced code blocks.
fn code_spans(markdown: &str) -> Vec<(usize, String)> {
    let mut spans = Vec::new();
    let mut fenced = false;
    for (i, line) in markdown.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let parts: Vec<&str> = line.split('`').collect();
        for (k, part) in parts.iter().enumerate() {
            if k % 2 == 1 && k + 1 < parts.len() {
                spans.push((i + 1, (*part).to_string()));
            }
        }
    }
    spans
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

#[test]
fn every_path_and_name_architecture_md_mentions_exists() {
    let root = util::workspace_root();
    let text = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let names = defined_names(&root);
    let mut problems = Vec::new();
    for (line, span) in code_spans(&text) {
        let span = span.trim();
        // Paths into the repository: `crates/patchtwin-sim`, `tests/invalid/`, `benches/step_loop`.
        if span.contains('/') && !span.contains(' ') && !span.contains('*') {
            let first = span.split('/').next().unwrap_or("");
            let repo_path = [
                "crates",
                "scenarios",
                "models",
                "tests",
                "benches",
                "deploy",
                "lessons",
                "fuzz",
                ".ci",
            ]
            .contains(&first);
            if repo_path {
                let plain = root.join(span.trim_end_matches('/'));
                let in_crate = span.starts_with("tests/")
                    && rust_sources(&root).iter().any(|p| {
                        relative(&root, p).ends_with(span)
                            || relative(&root, p).contains(&format!("/{span}"))
                    });
                let bench = span.starts_with("benches/")
                    && root
                        .join("benches/benches")
                        .join(format!("{}.rs", span.trim_start_matches("benches/")))
                        .exists();
                if !plain.exists() && !in_crate && !bench {
                    problems.push(format!("line {line}: path `{span}` does not exist"));
                }
            }
            continue;
        }
        // Rust names: `EventQueue`, `engine::Components`, `Step::warm`, `ops::detection_delay_ns`.
        let segments: Vec<&str> = span.trim_end_matches("()").split("::").collect();
        // Names from outside the workspace (the standard library, bevy, rand) are not ours.
        const FOREIGN: &[&str] = &[
            "std",
            "core",
            "bevy_ecs",
            "rand",
            "rayon",
            "f64",
            "u64",
            "u128",
            "hdrhistogram",
            "HashMap",
            "BTreeMap",
            "BinaryHeap",
            "World",
            "Query",
            "Pcg64Mcg",
            "IndexMap",
        ];
        if FOREIGN.contains(&segments[0]) {
            continue;
        }
        let rusty = segments.iter().all(|s| is_identifier(s))
            && (segments.len() > 1 || span.starts_with(|c: char| c.is_ascii_uppercase()));
        if !rusty {
            continue;
        }
        // A single capitalised word that is not CamelCase (`Reach`, `Invariant`) may be prose;
        // a CamelCase word or a path is always a name.
        let camel = |s: &str| {
            s.starts_with(|c: char| c.is_ascii_uppercase())
                && s.chars().skip(1).any(|c| c.is_ascii_uppercase())
                && s.chars().any(|c| c.is_ascii_lowercase())
        };
        if segments.len() == 1 && !camel(segments[0]) {
            continue;
        }
        for segment in &segments {
            if segment.starts_with("patchtwin_") || ["std", "bevy_ecs", "rand"].contains(segment) {
                continue;
            }
            if !names.contains(*segment) {
                problems.push(format!(
                    "line {line}: `{span}` names `{segment}`, which no source file defines"
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "ARCHITECTURE.md names things that do not exist (rename them there, or in the code):\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn every_crate_names_its_modules_in_its_docs() {
    let root = util::workspace_root();
    let mut problems = Vec::new();
    let libs: Vec<PathBuf> = rust_sources(&root)
        .into_iter()
        .filter(|p| p.ends_with("src/lib.rs"))
        .collect();
    assert!(libs.len() >= 6, "found only {} lib.rs files", libs.len());
    for lib in libs {
        let text = std::fs::read_to_string(&lib).expect("read lib.rs");
        let docs: String = text
            .lines()
            .filter(|l| l.trim_start().starts_with("//!"))
            .collect::<Vec<_>>()
            .join("\n");
        for line in text.lines() {
            let line = line.trim();
            let declared = line
                .strip_prefix("pub mod ")
                .or_else(|| line.strip_prefix("mod "))
                .or_else(|| line.strip_prefix("pub(crate) mod "));
            let Some(rest) = declared else { continue };
            let Some(name) = rest.strip_suffix(';') else {
                continue; // an inline `mod tests { … }`
            };
            if name == "tests" {
                continue;
            }
            let mentioned = docs.contains(&format!("`{name}`"))
                || docs.contains(&format!("[`{name}`]"))
                || docs.contains(&format!("`{name}::"));
            if !mentioned {
                problems.push(format!(
                    "{}: module `{name}` is declared but the crate docs never name it",
                    relative(&root, &lib)
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "crate docs out of date:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn nothing_cites_a_document_outside_the_repository() {
    let root = util::workspace_root();
    let mut files = rust_sources(&root);
    for top in ["scenarios", "models", "tests", "lessons", "deploy"] {
        walk(&root.join(top), &mut files);
    }
    for doc in ["README.md", "ARCHITECTURE.md"] {
        files.push(root.join(doc));
    }
    let this_file = Path::new(file!())
        .file_name()
        .expect("a file name")
        .to_owned();
    let mut problems = Vec::new();
    for path in files {
        if path.file_name() == Some(this_file.as_os_str()) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            if line.contains("DESIGN §") || line.contains("DESIGN.md §") {
                problems.push(format!(
                    "{}:{}: {}",
                    relative(&root, &path),
                    i + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "these lines cite the first design document, which is not in the repository; say what \
         is meant instead:\n  {}",
        problems.join("\n  ")
    );
}
