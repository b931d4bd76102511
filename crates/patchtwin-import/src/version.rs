//! Versions and version ranges as vendors and CISA write them.
//!
//! CSAF says a `product_version_range` should be a `vers:` range, but CISA's ICS advisories
//! mostly carry free text: `< V4.00`, `>= 12.0.264 | <= 13.4.118`, `12.4.1-12.4.11`,
//! `All versions < V7.5 SP2`, `6.10.00 | 6.11.00`, `Firmware__20.011`,
//! `<V4.00_Utilizes_Wibu-Systems_CodeMeter_7.60c`, `vers:all/*`. [`VersionSpec::parse`] reads
//! all of these and says why when it cannot; [`VersionSpec::matches`] answers *affected*, *not
//! affected* or *cannot tell* for one inventory version.
//!
//! # Rules
//!
//! A version is a list of segments: numbers and words (`V7.5 SP2` is `7 5 sp 2`). A leading
//! prefix of one or two letters glued to a digit is dropped (`V4.00`, `SV3.51`, `R520.2`,
//! `SE2021MP7` → `4 0`, `3 51`, `520 2`, `2021 mp 7`), so both sides compare alike. Numbers
//! compare as numbers (`4.02 < 4.10`; Schneider's decimal reading `3.5 = 3.50` is not
//! attempted), words alphabetically; a missing tail counts as zero, except that a
//! pre-release word (`alpha`, `beta`, `rc`, `pre`, `dev`) sorts before the release and any
//! other word (`sp`, `update`, `mp`, `kit`, `patch`, a letter as in `7.60c`…) after it. Text
//! that reads as prose (`4.9.0 and 4.12.0 operating on …`) is not a version. A number against a word at the
//! same place cannot be compared: the answer is *cannot tell*, never a guess.
//!
//! A range is a `|`- or `,`-separated list of constraints, read left to right as `vers:` does:
//! a lower bound (`>=`, `>`) pairs with the next upper bound (`<=`, `<`); a lone bound is
//! open-ended; a bare version is that version; `!=` excludes. `A-B` and `A to B` are inclusive
//! ranges; `prior to`, `before`, `and prior`, `and later`, `up to` are understood;
//! `All versions` (alone or before a constraint) and `*` mean every version.

use std::cmp::Ordering;

/// One part of a version.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seg {
    Num(u64),
    Word(String),
}

/// A parsed version, e.g. `V7.5 SP2`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    segs: Vec<Seg>,
    text: String,
}

const PRE_RELEASE: &[&str] = &["alpha", "beta", "rc", "pre", "preview", "dev"];

/// Words that mark prose, not a version (`4.9.0 and 4.12.0 operating on Windows`).
const PROSE: &[&str] = &[
    "and",
    "or",
    "to",
    "through",
    "prior",
    "before",
    "all",
    "versions",
    "version",
    "on",
    "with",
    "for",
    "from",
    "running",
    "operating",
    "installed",
    "than",
    "later",
    "earlier",
];

impl Version {
    /// Parses a version; `None` when it is not one (no digit, or characters such as
    /// parentheses that a version does not contain).
    pub fn parse(text: &str) -> Option<Version> {
        let t = text.trim().trim_end_matches('.').to_lowercase();
        if t.is_empty() || t.len() > 100 {
            return None;
        }
        // Drop a short letter prefix glued to a digit: v4.0, sv3.51, r520.2, se2021mp7.
        let letters = t.chars().take_while(|c| c.is_ascii_alphabetic()).count();
        let body = if (1..=2).contains(&letters)
            && t[letters..].starts_with(|c: char| c.is_ascii_digit())
        {
            &t[letters..]
        } else {
            &t[..]
        };
        let mut segs = Vec::new();
        let mut cur = String::new();
        // Whether a space came between the previous segment and the current one.
        let mut spaced = false;
        let flush = |cur: &mut String, segs: &mut Vec<Seg>, spaced: &mut bool| -> Option<()> {
            if cur.is_empty() {
                return Some(());
            }
            let seg = if cur.starts_with(|c: char| c.is_ascii_digit()) {
                // Two numbers apart by a space are two versions, not one (`4.9.0 4.10.0`).
                if *spaced && matches!(segs.last(), Some(Seg::Num(_))) {
                    return None;
                }
                Seg::Num(cur.parse().ok()?)
            } else {
                if cur.len() > 8 || PROSE.contains(&cur.as_str()) {
                    return None;
                }
                Seg::Word(std::mem::take(cur))
            };
            cur.clear();
            *spaced = false;
            segs.push(seg);
            Some(())
        };
        for c in body.chars() {
            if c.is_ascii_alphanumeric() {
                let switch = !cur.is_empty()
                    && cur.starts_with(|d: char| d.is_ascii_digit()) != c.is_ascii_digit();
                if switch {
                    flush(&mut cur, &mut segs, &mut spaced)?;
                }
                cur.push(c);
            } else if matches!(c, '.' | '-' | '_' | ' ' | '+' | '/') {
                flush(&mut cur, &mut segs, &mut spaced)?;
                spaced |= c == ' ';
            } else {
                return None;
            }
        }
        flush(&mut cur, &mut segs, &mut spaced)?;
        let words = segs.iter().filter(|s| matches!(s, Seg::Word(_))).count();
        if !segs.iter().any(|s| matches!(s, Seg::Num(_))) || words > 4 || segs.len() > 16 {
            return None;
        }
        if segs.iter().any(|s| matches!(s, Seg::Word(w) if w == "x")) {
            return None; // wildcards such as `5.x` are ranges, not versions
        }
        Some(Version {
            segs,
            text: text.trim().to_string(),
        })
    }

    /// The version as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Compares two versions; `None` when a number meets a word at the same place.
    pub fn compare(&self, other: &Version) -> Option<Ordering> {
        let n = self.segs.len().max(other.segs.len());
        for i in 0..n {
            let ord = match (self.segs.get(i), other.segs.get(i)) {
                (Some(Seg::Num(a)), Some(Seg::Num(b))) => a.cmp(b),
                (Some(Seg::Word(a)), Some(Seg::Word(b))) => {
                    match (
                        PRE_RELEASE.contains(&a.as_str()),
                        PRE_RELEASE.contains(&b.as_str()),
                    ) {
                        (true, false) => Ordering::Less,
                        (false, true) => Ordering::Greater,
                        _ => a.cmp(b),
                    }
                }
                (Some(_), Some(_)) => return None,
                (Some(s), None) => tail(s),
                (None, Some(s)) => tail(s).reverse(),
                (None, None) => Ordering::Equal,
            };
            if ord != Ordering::Equal {
                return Some(ord);
            }
        }
        Some(Ordering::Equal)
    }
}

/// How a version with `s` where the other has ended compares to it.
fn tail(s: &Seg) -> Ordering {
    match s {
        Seg::Num(0) => Ordering::Equal,
        Seg::Num(_) => Ordering::Greater,
        Seg::Word(w) if PRE_RELEASE.contains(&w.as_str()) => Ordering::Less,
        Seg::Word(_) => Ordering::Greater,
    }
}

/// One end of an interval: the version and whether it is included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bound {
    /// The version.
    pub version: Version,
    /// Whether the version itself is inside.
    pub inclusive: bool,
}

/// A set of versions between two optional bounds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interval {
    /// Lower bound; `None` is unbounded.
    pub lo: Option<Bound>,
    /// Upper bound; `None` is unbounded.
    pub hi: Option<Bound>,
}

impl Interval {
    fn exact(v: Version) -> Self {
        Interval {
            lo: Some(Bound {
                version: v.clone(),
                inclusive: true,
            }),
            hi: Some(Bound {
                version: v,
                inclusive: true,
            }),
        }
    }

    /// `Some(true)` inside, `Some(false)` outside, `None` cannot tell.
    fn contains(&self, v: &Version) -> Option<bool> {
        if let Some(lo) = &self.lo {
            match v.compare(&lo.version)? {
                Ordering::Less => return Some(false),
                Ordering::Equal if !lo.inclusive => return Some(false),
                _ => {}
            }
        }
        if let Some(hi) = &self.hi {
            match v.compare(&hi.version)? {
                Ordering::Greater => return Some(false),
                Ordering::Equal if !hi.inclusive => return Some(false),
                _ => {}
            }
        }
        Some(true)
    }
}

/// A parsed version range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VersionSpec {
    /// Every version.
    All,
    /// Versions in any of the intervals and not excluded.
    Ranges {
        /// The intervals.
        include: Vec<Interval>,
        /// Excluded versions (`!=`).
        exclude: Vec<Version>,
    },
}

/// A parsed range plus what was ignored while reading it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    /// The range.
    pub spec: VersionSpec,
    /// Text that was dropped (e.g. `Utilizes_Wibu-Systems_CodeMeter_7.60c`), for the report.
    pub ignored: Vec<String>,
}

/// Whether an inventory version is inside a range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Inside.
    Affected,
    /// Outside.
    NotAffected,
    /// Cannot tell, and why.
    Unknown(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

enum Atom {
    All,
    Op(Op, Version),
    Range(Version, Version),
}

const LOWER_PHRASES: &[&str] = &[
    "all versions prior to ",
    "all versions before ",
    "versions prior to ",
    "version prior to ",
    "prior to ",
    "before ",
    "earlier than ",
    "older than ",
    "below ",
    "lower than ",
];
const UPTO_PHRASES: &[&str] = &["up to and including ", "up to ", "through ", "until "];
const LE_SUFFIXES: &[&str] = &[
    " and prior",
    " and earlier",
    " and older",
    " and below",
    " and before",
    " or earlier",
    " or older",
    " or prior",
    " and all previous versions",
    " and previous versions",
];
const GE_SUFFIXES: &[&str] = &[
    " and later",
    " and newer",
    " and above",
    " or later",
    " or newer",
];
const WORDS: &[&str] = &[
    "firmware", "versions", "version", "ver.", "ver", "fw", "release", "revision", "rev.",
];

impl VersionSpec {
    /// Reads a range as CISA or `vers:` writes it; the error says what could not be read.
    pub fn parse(text: &str) -> Result<Parsed, String> {
        let t = text.trim();
        if t.is_empty() {
            return Err("empty version".into());
        }
        if t.len() > 500 {
            return Err("longer than 500 characters".into());
        }
        let mut ignored = Vec::new();
        let (body, separators): (&str, &[char]) =
            if t.len() >= 5 && t[..5].eq_ignore_ascii_case("vers:") {
                let rest = &t[5..];
                let Some((_scheme, constraints)) = rest.split_once('/') else {
                    return Err("a `vers:` range needs `vers:<scheme>/<constraints>`".into());
                };
                (constraints, &['|'])
            } else {
                (t, &['|', ','])
            };
        let mut atoms = Vec::new();
        for part in body.split(separators) {
            atoms.push(atom(part, &mut ignored)?);
        }
        let mut include = Vec::new();
        let mut exclude = Vec::new();
        let mut open: Option<Bound> = None;
        for a in atoms {
            match a {
                Atom::All => {
                    return Ok(Parsed {
                        spec: VersionSpec::All,
                        ignored,
                    });
                }
                Atom::Range(a, b) => {
                    if a.compare(&b) == Some(Ordering::Greater) {
                        return Err(format!(
                            "the range `{}` to `{}` is empty",
                            a.as_str(),
                            b.as_str()
                        ));
                    }
                    include.push(Interval {
                        lo: Some(Bound {
                            version: a,
                            inclusive: true,
                        }),
                        hi: Some(Bound {
                            version: b,
                            inclusive: true,
                        }),
                    });
                }
                Atom::Op(Op::Eq, v) => include.push(Interval::exact(v)),
                Atom::Op(Op::Ne, v) => exclude.push(v),
                Atom::Op(op @ (Op::Ge | Op::Gt), v) => {
                    if let Some(lo) = open.take() {
                        include.push(Interval {
                            lo: Some(lo),
                            hi: None,
                        });
                    }
                    open = Some(Bound {
                        version: v,
                        inclusive: op == Op::Ge,
                    });
                }
                Atom::Op(op, v) => {
                    let hi = Bound {
                        version: v,
                        inclusive: op == Op::Le,
                    };
                    if let Some(lo) = &open
                        && lo.version.compare(&hi.version) == Some(Ordering::Greater)
                    {
                        return Err(format!(
                            "the range from `{}` to `{}` is empty",
                            lo.version.as_str(),
                            hi.version.as_str()
                        ));
                    }
                    include.push(Interval {
                        lo: open.take(),
                        hi: Some(hi),
                    });
                }
            }
        }
        if let Some(lo) = open {
            include.push(Interval {
                lo: Some(lo),
                hi: None,
            });
        }
        if include.is_empty() {
            return Err("only exclusions (`!=`): no version is named as affected".into());
        }
        Ok(Parsed {
            spec: VersionSpec::Ranges { include, exclude },
            ignored,
        })
    }

    /// Whether `version` (as an inventory writes it) is in the range.
    pub fn matches(&self, version: &str) -> Verdict {
        let VersionSpec::Ranges { include, exclude } = self else {
            return Verdict::Affected;
        };
        let Some(v) = Version::parse(version) else {
            return Verdict::Unknown(format!("`{version}` is not a version I can compare"));
        };
        if exclude
            .iter()
            .any(|x| v.compare(x) == Some(Ordering::Equal))
        {
            return Verdict::NotAffected;
        }
        let mut unknown = None;
        for i in include {
            match i.contains(&v) {
                Some(true) => return Verdict::Affected,
                Some(false) => {}
                None => unknown = Some(i),
            }
        }
        match unknown {
            Some(i) => {
                let bound =
                    i.lo.as_ref()
                        .or(i.hi.as_ref())
                        .map_or("", |b| b.version.as_str());
                Verdict::Unknown(format!(
                    "`{version}` and `{bound}` number their versions differently"
                ))
            }
            None => Verdict::NotAffected,
        }
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    (s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix))
    .then(|| &s[prefix.len()..])
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    (s.is_char_boundary(cut) && s[cut..].eq_ignore_ascii_case(suffix)).then(|| &s[..cut])
}

/// One constraint of a list.
fn atom(part: &str, ignored: &mut Vec<String>) -> Result<Atom, String> {
    let p = part.trim();
    if p.is_empty() {
        return Err("an empty constraint between separators".into());
    }
    let lower = p.to_lowercase();
    if matches!(
        lower.as_str(),
        "*" | "all" | "all versions" | "any" | "any version" | "all/*"
    ) {
        return Ok(Atom::All);
    }
    if let Some(rest) = strip_prefix_ci(p, "all versions") {
        let rest = rest.trim_start_matches([':', ',', ' ']);
        if rest.is_empty() {
            return Ok(Atom::All);
        }
        // "All versions prior to V3" and "All versions < V7.5 SP2".
        if !rest.starts_with(['<', '>', '=', '!'])
            && !rest.to_lowercase().starts_with("prior")
            && !rest.to_lowercase().starts_with("before")
        {
            return Err(format!("cannot read `{p}`"));
        }
        return atom(rest, ignored);
    }
    for (op_text, op) in [
        (">=", Op::Ge),
        ("=>", Op::Ge),
        ("<=", Op::Le),
        ("=<", Op::Le),
        ("==", Op::Eq),
        ("!=", Op::Ne),
        ("≥", Op::Ge),
        ("≤", Op::Le),
        ("<", Op::Lt),
        (">", Op::Gt),
        ("=", Op::Eq),
    ] {
        if let Some(rest) = p.strip_prefix(op_text) {
            return Ok(Atom::Op(op, version(rest, p, ignored)?));
        }
    }
    for phrase in LOWER_PHRASES {
        if let Some(rest) = strip_prefix_ci(p, phrase) {
            return Ok(Atom::Op(Op::Lt, version(rest, p, ignored)?));
        }
    }
    for phrase in UPTO_PHRASES {
        if let Some(rest) = strip_prefix_ci(p, phrase) {
            return Ok(Atom::Op(Op::Le, version(rest, p, ignored)?));
        }
    }
    for suffix in LE_SUFFIXES {
        if let Some(rest) = strip_suffix_ci(p, suffix) {
            return Ok(Atom::Op(Op::Le, version(rest, p, ignored)?));
        }
    }
    for suffix in GE_SUFFIXES {
        if let Some(rest) = strip_suffix_ci(p, suffix) {
            return Ok(Atom::Op(Op::Ge, version(rest, p, ignored)?));
        }
    }
    if let Some(rest) = p.strip_suffix('+') {
        return Ok(Atom::Op(Op::Ge, version(rest, p, ignored)?));
    }
    let from = strip_prefix_ci(p, "from ").unwrap_or(p);
    for sep in [" to ", " through ", " - "] {
        if let Some(i) = from.to_lowercase().find(sep)
            && from.is_char_boundary(i)
            && from.is_char_boundary(i + sep.len())
        {
            let (a, b) = (&from[..i], &from[i + sep.len()..]);
            return Ok(Atom::Range(
                version(a, p, ignored)?,
                version(b, p, ignored)?,
            ));
        }
    }
    // 12.4.1-12.4.11: a hyphen between two versions that both start with a digit.
    let words = strip_words(p);
    if let Some((a, b)) = words.split_once('-')
        && !b.contains('-')
        && starts_numeric(a)
        && starts_numeric(b)
        && let (Some(va), Some(vb)) = (Version::parse(a), Version::parse(b))
    {
        return Ok(Atom::Range(va, vb));
    }
    Ok(Atom::Op(Op::Eq, version(p, p, ignored)?))
}

fn starts_numeric(s: &str) -> bool {
    let s = s.trim();
    let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
    s.starts_with(|c: char| c.is_ascii_digit())
}

/// Drops words such as `Firmware` or `version` (and the separators after them) in front of a
/// version.
fn strip_words(s: &str) -> &str {
    let mut s = s.trim();
    loop {
        let before = s;
        for w in WORDS {
            if let Some(rest) = strip_prefix_ci(s, w)
                && (rest.is_empty() || rest.starts_with([' ', '_', ':', '-']))
            {
                s = rest.trim_start_matches([' ', '_', ':', '-']);
            }
        }
        if s == before {
            return s;
        }
    }
}

/// A version inside a constraint; drops trailing notes such as `_Utilizes_Wibu-Systems_…`.
fn version(text: &str, whole: &str, ignored: &mut Vec<String>) -> Result<Version, String> {
    let t = strip_words(text);
    if t.is_empty() {
        return Err(format!("no version in `{whole}`"));
    }
    let mut kept = t;
    if let Some((head, _)) = t.split_once('_') {
        // Keep short suffixes with a digit (`20.054_kit1`); cut at the first word without one.
        let mut end = head.len();
        for piece in t[head.len() + 1..].split('_') {
            let keep = !piece.is_empty()
                && piece.len() <= 8
                && piece.chars().any(|c| c.is_ascii_digit())
                && piece.chars().all(|c| c.is_ascii_alphanumeric() || c == '.');
            if !keep {
                break;
            }
            end += 1 + piece.len();
        }
        if end < t.len() {
            let dropped = t[end..].trim_start_matches('_');
            if !dropped.is_empty() {
                ignored.push(dropped.to_string());
            }
            kept = &t[..end];
        }
    }
    Version::parse(kept).ok_or_else(|| {
        if kept == whole.trim() {
            format!("`{kept}` is not a version")
        } else {
            format!("`{kept}` in `{whole}` is not a version")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap_or_else(|| panic!("{s} should parse"))
    }

    #[test]
    fn versions_compare_by_segment() {
        assert_eq!(v("4.02").compare(&v("4.10")), Some(Ordering::Less));
        assert_eq!(v("V4.00").compare(&v("4")), Some(Ordering::Equal));
        assert_eq!(v("SV3.40").compare(&v("SV3.51")), Some(Ordering::Less));
        assert_eq!(v("V7.5").compare(&v("V7.5 SP2")), Some(Ordering::Less));
        assert_eq!(v("1.0rc1").compare(&v("1.0")), Some(Ordering::Less));
        assert_eq!(v("7.5.1").compare(&v("7.5 SP2")), None);
        assert!(Version::parse("(1.2)").is_none());
        assert!(Version::parse("latest").is_none());
        assert!(Version::parse("99999999999999999999999").is_none());
    }
}
