//! The provenance line of a scenario's leading comments:
//! `patchtwin-provenance:KIND;id=…;version=…;date=…`, one word per imported source (values
//! escaped as `%XX` where they hold `%`, `;`, `=`, blanks or controls), so comment wrapping
//! never splits it. `patchtwin import` writes it; `patchtwin_report::provenance` reads it back.
//!
//! Not here: which sources are recorded (the importer) or what the stamp in summary.json says
//! (the report).

/// The prefix of a provenance line in a scenario's leading comments (after `# `).
pub const LINE_PREFIX: &str = "patchtwin-provenance:";

/// The provenance line for one source.
pub fn line(kind: &str, id: &str, version: &str, date: &str) -> String {
    format!(
        "{LINE_PREFIX}{};id={};version={};date={}",
        escape(kind),
        escape(id),
        escape(version),
        escape(date)
    )
}

/// Escapes a value for a provenance line (the inverse of [`unescape`]).
pub fn escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c == '%' || c == ';' || c == '=' || c.is_whitespace() || c.is_control() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Decodes `%XX` escapes; `None` for a malformed escape or bytes that are not UTF-8.
pub fn unescape(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}
