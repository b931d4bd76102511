//! `report.html`: the report of [`crate::document`] as one self-contained HTML5 file — inline
//! CSS, charts as inline SVG, no scripts, no fonts, images, stylesheets or links fetched from
//! the network — so it can be mailed, archived, or opened on an air-gapped workstation.
//!
//! This module only renders: the content, its order and every number come from
//! `document::build`; it does no I/O.

use crate::blocks::{Block, Document, Line, Span};
use std::fmt::Write as _;

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn line(l: &Line) -> String {
    let mut out = String::new();
    for span in l {
        match span {
            Span::Text(s) => out.push_str(&escape(s)),
            Span::Code(s) => {
                let _ = write!(out, "<code>{}</code>", escape(s));
            }
            Span::Strong(s) => {
                let _ = write!(out, "<strong>{}</strong>", escape(s));
            }
        }
    }
    out
}

/// Screen: tables never wider than the page — number cells break between a value and its
/// interval (never inside either), ids never break, and below 1000 px the type and padding
/// shrink. Print: no scroll boxes, tables at 8 pt across the page width, headers repeated on
/// every page, rows and figures kept whole, and every section on a new page.
const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;line-height:1.5;\
color:#1b1b1b;max-width:1180px;margin:2rem auto;padding:0 1.2rem}\
h1{font-size:1.7rem;margin-bottom:.3rem}h2{margin-top:2.4rem;border-bottom:1px solid #ddd;\
padding-bottom:.2rem}h3{margin-top:1.6rem}\
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.92em;background:#f3f3f3;\
padding:0 .25em;border-radius:3px}td code,th code{white-space:nowrap}\
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem;max-width:100%}\
th,td{border:1px solid #d8d8d8;padding:.3rem .55rem;vertical-align:top}\
th{background:#f4f6f8;text-align:left;hyphens:manual}td.n{text-align:right;\
font-variant-numeric:tabular-nums}.nw{white-space:nowrap}\
.recommendation{background:#eef6ee;border-left:5px solid #2e7d32;padding:.6rem 1rem}\
figure{margin:1.5rem 0}figure svg{max-width:100%;height:auto;border:1px solid #eee}\
figcaption{font-size:.9rem;color:#444;max-width:760px}\
nav ol{columns:2;font-size:.95rem}dt{font-weight:600;margin-top:.5rem}dd{margin-left:1.2rem}\
.wide{overflow-x:auto}\
@media (max-width:1000px){body{padding:0 .6rem;margin:1rem auto}table{font-size:.7rem}\
th,td{padding:.15rem .25rem}nav ol{columns:1}}\
@page{margin:12mm}\
@media print{body{max-width:none;margin:0;padding:0;font-size:10pt}.wide{overflow:visible}\
table{font-size:7.5pt;width:100%}th,td{padding:1pt 2pt}thead{display:table-header-group}\
tr,figure,dt,dd{break-inside:avoid}h2,h3{break-after:avoid}\
h2{break-before:page;margin-top:0}.recommendation{break-before:page}\
.recommendation h2{break-before:auto}figure svg{max-height:120mm;border:none}\
.recommendation{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

/// Renders the document as one HTML page.
pub fn render(doc: &Document) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        escape(&doc.title),
        escape(&doc.title)
    );
    // Table of contents from the level-2 headings.
    let toc: Vec<(&str, &str)> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level: 2, text, id } => Some((id.as_str(), text.as_str())),
            _ => None,
        })
        .collect();
    if !toc.is_empty() {
        out.push_str("<nav><ol>\n");
        for (id, text) in &toc {
            let _ = writeln!(
                out,
                "<li><a href=\"#{}\">{}</a></li>",
                escape(id),
                escape(text)
            );
        }
        out.push_str("</ol></nav>\n");
    }
    let mut in_recommendation = false;
    for block in &doc.blocks {
        if let Block::Heading { level: 2, .. } = block
            && in_recommendation
        {
            out.push_str("</section>\n");
            in_recommendation = false;
        }
        match block {
            Block::Heading { level, text, id } => {
                if *level == 2 && id == "recommendation" {
                    out.push_str("<section class=\"recommendation\">\n");
                    in_recommendation = true;
                }
                let _ = writeln!(
                    out,
                    "<h{level} id=\"{}\">{}</h{level}>",
                    escape(id),
                    escape(text)
                );
            }
            Block::Para(l) => {
                let _ = writeln!(out, "<p>{}</p>", line(l));
            }
            Block::Bullets(items) => {
                out.push_str("<ul>\n");
                for l in items {
                    let _ = writeln!(out, "<li>{}</li>", line(l));
                }
                out.push_str("</ul>\n");
            }
            Block::Table { head, right, rows } => {
                out.push_str("<div class=\"wide\"><table>\n<thead><tr>");
                for h in head {
                    let _ = write!(out, "<th>{}</th>", escape(h));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for (k, c) in row.iter().enumerate() {
                        let class = if right.get(k).copied().unwrap_or(false) {
                            " class=\"n\""
                        } else {
                            ""
                        };
                        let text = if class.is_empty() {
                            line(c)
                        } else {
                            unbreakable_words(&line(c))
                        };
                        let _ = write!(out, "<td{class}>{text}</td>");
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table></div>\n");
            }
            Block::Figure(chart) => {
                let _ = write!(
                    out,
                    "<figure>\n{}\n<figcaption><strong>{}.</strong> {} (also <code>charts/{}</code>)\
                     </figcaption>\n</figure>\n",
                    inline_svg(&chart.svg),
                    escape(&chart.title),
                    escape(&chart.caption),
                    escape(&chart.file)
                );
            }
            Block::Glossary(terms) => {
                out.push_str("<dl>\n");
                for (term, def) in terms {
                    let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", escape(term), escape(def));
                }
                out.push_str("</dl>\n");
            }
        }
    }
    if in_recommendation {
        out.push_str("</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// Rendered cell text with every space-separated word in a no-wrap span: a number cell may
/// break between "92%" and "[65–99%]", never inside either (an en dash is a break
/// opportunity).
fn unbreakable_words(html: &str) -> String {
    if html.contains('<') {
        // Markup inside (a code span): leave it whole.
        return format!("<span class=\"nw\">{html}</span>");
    }
    // Words, with a bracketed interval "[−17.9, +35.4]" kept as one.
    let mut groups: Vec<String> = Vec::new();
    let mut open = false;
    for w in html.split(' ').filter(|w| !w.is_empty()) {
        match groups.last_mut() {
            Some(last) if open => {
                last.push(' ');
                last.push_str(w);
            }
            _ => groups.push(w.to_string()),
        }
        open = (open || w.starts_with('[')) && !w.ends_with(']');
    }
    groups
        .iter()
        .map(|w| format!("<span class=\"nw\">{w}</span>"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// An SVG document made fit to sit inside HTML: without an XML declaration or doctype, with
/// `role="img"` for screen readers.
fn inline_svg(svg: &str) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    let body = svg[start..].trim_end();
    body.replacen("<svg", "<svg role=\"img\"", 1)
}

#[cfg(test)]
mod tests {
    use super::unbreakable_words;

    #[test]
    fn number_cells_break_only_between_value_and_interval() {
        assert_eq!(
            unbreakable_words("−17.1 h [−38.2, +4.13]"),
            "<span class=\"nw\">−17.1</span> <span class=\"nw\">h</span> \
             <span class=\"nw\">[−38.2, +4.13]</span>"
        );
        assert_eq!(
            unbreakable_words("92% [65–99%]"),
            "<span class=\"nw\">92%</span> <span class=\"nw\">[65–99%]</span>"
        );
    }
}
