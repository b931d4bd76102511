//! Quantities written with units in scenario files: durations (`250us`, `8m`, `45d`), sizes
//! (`64B`, `1.5kB`), bandwidths (`100Mbps`) and money. Parsing only; no validation of ranges.

use patchtwin_model::Duration;
use patchtwin_model::time::unit;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::borrow::Cow;

/// A quantity that can appear as a constant or as a distribution parameter.
pub trait Quantity: Sized + Clone {
    /// Reads the quantity from a JSON value (already converted from YAML).
    fn from_value(v: &Value) -> Result<Self, String>;
    /// The quantity in its base unit (nanoseconds for durations).
    fn base(&self) -> f64;
    /// JSON Schema of one quantity.
    fn schema() -> Schema;
    /// What a reader should write, for messages.
    fn expected() -> &'static str;
    /// A base-unit value as a reader would write it (`2ms` for a duration).
    fn show(base: f64) -> String;
}

/// A duration written with a unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DurationText(pub Duration);

const DURATION_UNITS: &[(&str, u64)] = &[
    ("ns", 1),
    ("us", unit::US),
    ("µs", unit::US),
    ("ms", unit::MS),
    ("s", unit::S),
    ("min", unit::MIN),
    ("m", unit::MIN),
    ("h", unit::H),
    ("d", unit::D),
    ("w", 7 * unit::D),
];

/// Splits `"1.5kB"` into `(1.5, "kB")`, refusing anything but a plain decimal number.
fn split_number(text: &str) -> Option<(f64, &str)> {
    let text = text.trim();
    let end = text
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.'))
        .map_or(text.len(), |(i, _)| i);
    let (num, rest) = text.split_at(end);
    if num.is_empty() || num.len() > 40 || num.chars().filter(|c| *c == '.').count() > 1 {
        return None;
    }
    let value: f64 = num.parse().ok()?;
    Some((value, rest.trim()))
}

/// Why `text` is not a plain decimal number with a unit although it starts like one: a sign
/// (`-1h`: quantities cannot be negative) or scientific notation (`1e6d`: not accepted in
/// quantities with units; YAML reads a bare `1e6` as a number, but `1e6d` is text). `what` is
/// the plural of the quantity ("durations"), `kind` its singular ("duration").
fn sign_or_exponent(text: &str, kind: &str, what: &str) -> Option<String> {
    let t = text.trim();
    let starts_number = |s: &str| s.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    if let Some(rest) = t.strip_prefix('-').filter(|r| starts_number(r)) {
        return Some(format!(
            "invalid {kind} `{}`: {what} cannot be negative; write e.g. `{}`",
            truncate(t),
            truncate(rest)
        ));
    }
    let t = t.strip_prefix('+').unwrap_or(t);
    let mantissa = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let rest = &t[mantissa..];
    let digits = rest
        .strip_prefix(['e', 'E'])
        .map(|r| r.strip_prefix(['+', '-']).unwrap_or(r))
        .filter(|r| r.starts_with(|c: char| c.is_ascii_digit()))?;
    if mantissa == 0 {
        return None;
    }
    let end = t.len() - digits.len()
        + digits
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(digits.len());
    let written = match t[..end].parse::<f64>() {
        Ok(x) if x.is_finite() && x < 1e15 => format!("write `{x}{}`", &t[end..]),
        _ => "write the number out in full".to_string(),
    };
    Some(format!(
        "invalid {kind} `{}`: scientific notation (`e`) is not accepted in {what}; {written}",
        truncate(text)
    ))
}

/// Parses `250us`, `1.5s`, `8m`, `2h`, `45d`, `0` (zero needs no unit), and compound
/// durations written as parts from the largest unit down with no spaces inside (`8h15m`,
/// `1d12h`, `2m30s`): the parts add up.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    if let Some(why) = sign_or_exponent(text, "duration", "durations") {
        return Err(why);
    }
    let bad = || {
        format!(
            "invalid duration `{}`: expected a number with a unit (ns, us, ms, s, m, h, d, w), e.g. `250ms`, `45d` or `8h15m`",
            truncate(text)
        )
    };
    let parts = split_compound(text.trim()).ok_or_else(bad)?;
    if parts.len() > 1 {
        let mut total = 0.0;
        let mut last_scale = u64::MAX;
        for part in &parts {
            let (value, suffix) = split_number(part).ok_or_else(bad)?;
            let scale = unit_scale(suffix).ok_or_else(bad)?;
            if scale >= last_scale {
                return Err(format!(
                    "compound duration `{}`: write its parts from the largest unit down, each unit once (e.g. `8h15m`)",
                    truncate(text)
                ));
            }
            last_scale = scale;
            total += value * scale as f64;
        }
        return checked_ns(text, total);
    }
    let (value, suffix) = split_number(text).ok_or_else(bad)?;
    if suffix.is_empty() {
        return if value == 0.0 {
            Ok(Duration::ZERO)
        } else {
            Err(format!(
                "duration `{}` has no unit: write e.g. `{}ms` or `{}s`",
                truncate(text),
                truncate(text),
                truncate(text)
            ))
        };
    }
    let scale = unit_scale(suffix).ok_or_else(bad)?;
    checked_ns(text, value * scale as f64)
}

/// The scale of a duration unit in nanoseconds.
fn unit_scale(suffix: &str) -> Option<u64> {
    DURATION_UNITS
        .iter()
        .find(|(name, _)| *name == suffix)
        .map(|(_, s)| *s)
}

/// Splits `8h15m` into `["8h", "15m"]`: a new part starts where a digit follows a letter.
/// `None` for text with spaces or characters that are neither digits, `.` nor letters.
fn split_compound(text: &str) -> Option<Vec<&str>> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut prev_letter = false;
    for (i, c) in text.char_indices() {
        let digit = c.is_ascii_digit() || c == '.';
        if digit && prev_letter {
            parts.push(&text[start..i]);
            start = i;
        }
        if !digit && !c.is_alphabetic() {
            // spaces and signs: leave it to the single-part reader, which rejects or trims.
            return Some(vec![text]);
        }
        prev_letter = !digit;
    }
    parts.push(&text[start..]);
    Some(parts)
}

/// Nanoseconds, refusing anything longer than 100 years.
fn checked_ns(text: &str, ns: f64) -> Result<Duration, String> {
    // 100 years is far beyond any horizon; anything larger is a typo, not a plan.
    if ns > 100.0 * 365.0 * unit::D as f64 {
        return Err(format!(
            "duration `{}` is longer than 100 years",
            truncate(text)
        ));
    }
    Ok(Duration(ns.round() as u64))
}

fn truncate(text: &str) -> String {
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text.to_string()
    }
}

impl Quantity for DurationText {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::String(s) => parse_duration(s).map(DurationText),
            Value::Number(n) if n.as_f64() == Some(0.0) => Ok(DurationText(Duration::ZERO)),
            Value::Number(n) => Err(format!(
                "duration `{n}` has no unit: write e.g. `{n}ms` or `{n}s`"
            )),
            other => Err(format!(
                "expected a duration such as `250ms`, found {}",
                describe(other)
            )),
        }
    }
    fn base(&self) -> f64 {
        self.0.as_nanos() as f64
    }
    fn schema() -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^([0-9]+(\\.[0-9]+)?\\s*(ns|us|µs|ms|s|min|m|h|d|w)|([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|min|m|h|d|w)){2,})$",
            "description": "A duration with a unit: ns, us, ms, s, m (minutes), h, d, w, or parts from the largest unit down that add up. Examples: `250ms`, `45d`, `8h15m`."
        })
    }
    fn expected() -> &'static str {
        "a duration such as `250ms`"
    }
    fn show(base: f64) -> String {
        Duration(base.max(0.0).round() as u64).to_string()
    }
}

impl<'de> Deserialize<'de> for DurationText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        DurationText::from_value(&v).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for DurationText {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        <DurationText as Quantity>::schema()
    }
}

/// A plain non-unit number (loads, costs, shape parameters).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Number(pub f64);

impl Quantity for Number {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Number(n) => n
                .as_f64()
                .filter(|f| f.is_finite())
                .map(Number)
                .ok_or_else(|| format!("number `{n}` is out of range")),
            other => Err(format!("expected a number, found {}", describe(other))),
        }
    }
    fn base(&self) -> f64 {
        self.0
    }
    fn schema() -> Schema {
        json_schema!({ "type": "number" })
    }
    fn expected() -> &'static str {
        "a number"
    }
    fn show(base: f64) -> String {
        format!("{base}")
    }
}

/// A message size in bytes: `64B`, `1.5kB` (1000), `4KiB` (1024), or a bare integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SizeText(pub u32);

impl<'de> Deserialize<'de> for SizeText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        let text = match &v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            other => {
                return Err(serde::de::Error::custom(format!(
                    "expected a size such as `256B`, found {}",
                    describe(other)
                )));
            }
        };
        if let Some(why) = sign_or_exponent(&text, "size", "sizes") {
            return Err(serde::de::Error::custom(why));
        }
        let bad = || {
            format!(
                "invalid size `{}`: expected bytes with a unit (B, kB, KiB, MB, MiB), e.g. `256B`",
                truncate(&text)
            )
        };
        let (value, suffix) = split_number(&text)
            .ok_or_else(bad)
            .map_err(serde::de::Error::custom)?;
        let scale = match suffix {
            "" | "B" => 1.0,
            "kB" | "KB" => 1e3,
            "KiB" => 1024.0,
            "MB" => 1e6,
            "MiB" => 1_048_576.0,
            _ => return Err(serde::de::Error::custom(bad())),
        };
        let bytes = (value * scale).round();
        if bytes > 64.0 * 1_048_576.0 {
            return Err(serde::de::Error::custom(format!(
                "size `{}` is larger than 64 MiB, too large for one message",
                truncate(&text)
            )));
        }
        Ok(SizeText(bytes as u32))
    }
}

impl JsonSchema for SizeText {
    fn schema_name() -> Cow<'static, str> {
        "Size".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                { "type": "integer", "minimum": 0 },
                { "type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?\\s*(B|kB|KB|KiB|MB|MiB)?$" }
            ],
            "description": "Bytes, optionally with a unit: B, kB (1000), KiB (1024), MB, MiB. Example: `256B`."
        })
    }
}

/// A bandwidth: `10Mbps`, `1Gbps`, `9600bps`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BandwidthText(pub u64);

impl<'de> Deserialize<'de> for BandwidthText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        let Value::String(text) = &v else {
            return Err(serde::de::Error::custom(format!(
                "expected a bandwidth such as `100Mbps`, found {}",
                describe(&v)
            )));
        };
        if let Some(why) = sign_or_exponent(text, "bandwidth", "bandwidths") {
            return Err(serde::de::Error::custom(why));
        }
        let bad = || {
            format!(
                "invalid bandwidth `{}`: expected bits per second with a unit (bps, kbps, Mbps, Gbps), e.g. `100Mbps`",
                truncate(text)
            )
        };
        let (value, suffix) = split_number(text)
            .ok_or_else(bad)
            .map_err(serde::de::Error::custom)?;
        let scale = match suffix {
            "bps" => 1.0,
            "kbps" => 1e3,
            "Mbps" => 1e6,
            "Gbps" => 1e9,
            _ => return Err(serde::de::Error::custom(bad())),
        };
        let bps = (value * scale).round();
        if !(1.0..=1e12).contains(&bps) {
            return Err(serde::de::Error::custom(format!(
                "bandwidth `{}` must be between 1bps and 1000Gbps",
                truncate(text)
            )));
        }
        Ok(BandwidthText(bps as u64))
    }
}

impl JsonSchema for BandwidthText {
    fn schema_name() -> Cow<'static, str> {
        "Bandwidth".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[0-9]+(\\.[0-9]+)?\\s*(bps|kbps|Mbps|Gbps)$",
            "description": "Bits per second with a unit: bps, kbps, Mbps, Gbps. Example: `100Mbps`."
        })
    }
}

/// Describes a JSON value's type for messages.
pub fn describe(v: &Value) -> String {
    match v {
        Value::Null => "nothing (null)".into(),
        Value::Bool(b) => format!(
            "the boolean `{b}` (quote it if you meant text: YAML reads bare yes/no/true/false as booleans)"
        ),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) => format!("the text `{}`", truncate(s)),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_in_every_unit() {
        assert_eq!(parse_duration("250us").unwrap(), Duration(250_000));
        assert_eq!(parse_duration("100ms").unwrap(), Duration(100_000_000));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration(1_500_000_000));
        assert_eq!(parse_duration("8m").unwrap(), Duration(8 * unit::MIN));
        assert_eq!(parse_duration("2h").unwrap(), Duration(2 * unit::H));
        assert_eq!(parse_duration("45d").unwrap(), Duration(45 * unit::D));
        assert_eq!(parse_duration("0").unwrap(), Duration::ZERO);
    }

    #[test]
    fn compound_durations_add_their_parts() {
        // 8 h 15 min = 29,700 s by hand.
        assert_eq!(parse_duration("8h15m").unwrap(), Duration(29_700 * unit::S));
        assert_eq!(parse_duration("1d12h").unwrap(), Duration(36 * unit::H));
        assert_eq!(parse_duration("2m30s").unwrap(), Duration(150 * unit::S));
        assert_eq!(
            parse_duration("1h0.5m").unwrap(),
            Duration(unit::H + 30 * unit::S)
        );
        assert!(
            parse_duration("15m8h")
                .unwrap_err()
                .contains("largest unit down")
        );
        assert!(
            parse_duration("8h8h")
                .unwrap_err()
                .contains("each unit once")
        );
        assert!(parse_duration("8h15").is_err());
        assert!(parse_duration("8h 15m").is_err());
    }

    #[test]
    fn bad_durations_say_what_is_expected() {
        assert!(parse_duration("10").unwrap_err().contains("no unit"));
        assert!(
            parse_duration("ten seconds")
                .unwrap_err()
                .contains("expected a number with a unit")
        );
        assert!(parse_duration("1e300d").is_err());
        // Review finding 14: say what is wrong, not only what is expected.
        for text in ["1e6d", "1E6d", "2.5e-3s", "1e+3ms", "1e300ms"] {
            let e = parse_duration(text).unwrap_err();
            assert!(e.contains("scientific notation"), "{text}: {e}");
        }
        assert!(
            parse_duration("1e6d")
                .unwrap_err()
                .contains("write `1000000d`")
        );
        assert!(
            parse_duration("2.5e-3s")
                .unwrap_err()
                .contains("write `0.0025s`")
        );
        assert!(
            parse_duration("1e300ms")
                .unwrap_err()
                .contains("out in full")
        );
        for text in ["-1h", "-0.5s", "-1d12h"] {
            let e = parse_duration(text).unwrap_err();
            assert!(e.contains("durations cannot be negative"), "{text}: {e}");
        }
        // A unit that starts with e is still a unit problem, not an exponent.
        assert!(
            parse_duration("5eons")
                .unwrap_err()
                .contains("expected a number with a unit")
        );
        let size = |t: &str| serde_json::from_value::<SizeText>(Value::String(t.into()));
        assert!(
            size("1e18B")
                .unwrap_err()
                .to_string()
                .contains("scientific notation")
        );
        assert!(
            size("-5B")
                .unwrap_err()
                .to_string()
                .contains("sizes cannot be negative")
        );
        let bw = |t: &str| serde_json::from_value::<BandwidthText>(Value::String(t.into()));
        assert!(
            bw("1e9bps")
                .unwrap_err()
                .to_string()
                .contains("scientific notation")
        );
        assert!(
            parse_duration("9999999999999999999999999d")
                .unwrap_err()
                .contains("100 years")
        );
    }
}
