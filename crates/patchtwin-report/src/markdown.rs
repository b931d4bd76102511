//! `report.md`: the report of [`crate::document`] as CommonMark with GitHub tables. Charts are
//! linked as images from `charts/` beside the file, so the Markdown stays small and readable as
//! plain text.
//!
//! This module only renders: the content, its order and every number come from
//! `document::build`; it does no I/O.

use crate::blocks::{Block, Document, Line, Span};
use std::fmt::Write as _;

/// Escapes text so that Markdown shows it literally (also inside table cells).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            // Brackets are left alone: with no link definitions, `[a–b]` stays literal.
            '\\' | '*' | '_' | '`' | '<' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn code(s: &str) -> String {
    let s = s.replace('\n', " ");
    let s = s.replace('|', "\\|");
    if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}

fn line(l: &Line) -> String {
    let mut out = String::new();
    for span in l {
        match span {
            Span::Text(s) => out.push_str(&escape(s)),
            Span::Code(s) => out.push_str(&code(s)),
            Span::Strong(s) => {
                // Keep the markers tight against the text, as CommonMark requires.
                let lead = s.len() - s.trim_start().len();
                let trail = s.len() - s.trim_end().len();
                out.push_str(&s[..lead]);
                if !s.trim().is_empty() {
                    let _ = write!(out, "**{}**", escape(s.trim()));
                }
                out.push_str(&s[s.len() - trail..]);
            }
        }
    }
    out
}

/// Renders the document as Markdown.
pub fn render(doc: &Document) -> String {
    let mut out = format!("# {}\n", escape(&doc.title));
    for block in &doc.blocks {
        out.push('\n');
        match block {
            Block::Heading { level, text, .. } => {
                let _ = writeln!(out, "{} {}", "#".repeat(usize::from(*level)), escape(text));
            }
            Block::Para(l) => {
                let _ = writeln!(out, "{}", line(l));
            }
            Block::Bullets(items) => {
                for l in items {
                    let _ = writeln!(out, "- {}", line(l));
                }
            }
            Block::Table { head, right, rows } => {
                let _ = writeln!(
                    out,
                    "| {} |",
                    head.iter()
                        .map(|h| escape(h))
                        .collect::<Vec<_>>()
                        .join(" | ")
                );
                let _ = writeln!(
                    out,
                    "|{}|",
                    right
                        .iter()
                        .map(|r| if *r { "---:" } else { ":---" })
                        .collect::<Vec<_>>()
                        .join("|")
                );
                for row in rows {
                    let _ = writeln!(
                        out,
                        "| {} |",
                        row.iter().map(line).collect::<Vec<_>>().join(" | ")
                    );
                }
            }
            Block::Figure(chart) => {
                let _ = writeln!(
                    out,
                    "![{}](charts/{})\n\n*{}*",
                    escape(&chart.title),
                    chart.file,
                    escape(&chart.caption)
                );
            }
            Block::Glossary(terms) => {
                for (term, def) in terms {
                    let _ = writeln!(out, "- **{}**: {}", escape(term), escape(def));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_strong_stays_tight() {
        let l = vec![
            Span::Strong("Recommended: ".into()),
            Span::Code("patch-now".into()),
            Span::Text(" a|b *c* [1–2]".into()),
        ];
        assert_eq!(line(&l), "**Recommended:** `patch-now` a\\|b \\*c\\* [1–2]");
    }
}
