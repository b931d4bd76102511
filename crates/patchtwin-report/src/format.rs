//! Numbers for people: percentages with 95% intervals, signed differences in points, hours,
//! thousands separators and money in the scenario's currency. Every human output (the report,
//! its recommendation and SSVC tables) formats an estimate through here, so one interval reads
//! the same everywhere.
//!
//! This module is not a statistics module: it formats the estimates it is given and computes
//! nothing from them beyond rounding.

use crate::Est;

/// Whether both ends of an interval are real numbers (one replication gives none).
pub(crate) fn bounded(e: &Est) -> bool {
    e.lo > f64::MIN && e.hi < f64::MAX && e.lo.is_finite() && e.hi.is_finite()
}

/// A probability for prose: whole percent, one decimal near 0 and 1 so that 0.4% is not "0%".
pub fn pct(x: f64) -> String {
    let p = 100.0 * x;
    if p == 0.0 || p == 100.0 || (1.0..=99.0).contains(&p) {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

/// A probability with its 95% interval, for tables: `73.0% [66.5–78.7%]`.
pub fn pct_ci(e: &Est) -> String {
    if bounded(e) {
        format!(
            "{:.1}% [{:.1}–{:.1}%]",
            100.0 * e.mean,
            100.0 * e.lo.max(0.0),
            100.0 * e.hi.min(1.0)
        )
    } else {
        format!("{:.1}%", 100.0 * e.mean)
    }
}

pub(crate) fn minus(s: String) -> String {
    s.replacen('-', "−", 1)
}

pub(crate) fn signed(x: f64, decimals: usize) -> String {
    let s = format!("{x:+.decimals$}");
    if s.trim_start_matches(['+', '-'])
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        // -0.0 and +0.0 read as 0.
        return format!("{:.decimals$}", 0.0);
    }
    minus(s)
}

/// A difference of probabilities in percentage points with its interval: `−58.5 pt [−65.4, −51.6]`.
pub fn delta_pt(e: &Est) -> String {
    if bounded(e) {
        format!(
            "{} pt [{}, {}]",
            signed(100.0 * e.mean, 1),
            signed(100.0 * e.lo, 1),
            signed(100.0 * e.hi, 1)
        )
    } else {
        format!("{} pt", signed(100.0 * e.mean, 1))
    }
}

pub(crate) fn hours_num(h: f64) -> String {
    let a = h.abs();
    if a == 0.0 {
        "0".into()
    } else if a < 0.1 {
        format!("{h:.3}")
    } else if a < 10.0 {
        format!("{h:.2}")
    } else if a < 100.0 {
        format!("{h:.1}")
    } else {
        format!("{h:.0}")
    }
}

/// Hours for prose: `31.6 h`, or minutes below one hour.
pub fn hours(h: f64) -> String {
    if h > 0.0 && h < 1.0 {
        format!("{:.0} min", (h * 60.0).max(1.0))
    } else {
        format!("{} h", hours_num(h))
    }
}

/// A non-negative quantity in hours with its interval (lower end clamped at 0).
pub fn hours_ci(e: &Est) -> String {
    if bounded(e) {
        format!(
            "{} h [{}–{}]",
            hours_num(e.mean),
            hours_num(e.lo.max(0.0)),
            hours_num(e.hi)
        )
    } else {
        format!("{} h", hours_num(e.mean))
    }
}

/// A difference in hours with its interval.
pub fn delta_hours(e: &Est) -> String {
    let s = |x: f64| {
        if x == 0.0 {
            "0".to_string()
        } else {
            minus(format!(
                "{}{}",
                if x > 0.0 { "+" } else { "" },
                hours_num(x)
            ))
        }
    };
    if bounded(e) {
        format!("{} h [{}, {}]", s(e.mean), s(e.lo), s(e.hi))
    } else {
        format!("{} h", s(e.mean))
    }
}

/// A whole amount with thousands separators: `5,133,019`.
pub fn thousands(x: f64) -> String {
    if !x.is_finite() || x.abs() > 1e18 {
        return "unbounded".into();
    }
    let r = x.round();
    let digits = format!("{:.0}", r.abs());
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if r < 0.0 { format!("−{out}") } else { out }
}

/// Money for prose: `EUR 5,133,019`.
pub fn money(x: f64, currency: &str) -> String {
    format!("{currency} {}", thousands(x))
}

/// A non-negative amount with its interval, without the currency (the column says it).
pub fn money_ci(e: &Est) -> String {
    if bounded(e) {
        format!(
            "{} [{}–{}]",
            thousands(e.mean),
            thousands(e.lo.max(0.0)),
            thousands(e.hi)
        )
    } else {
        thousands(e.mean)
    }
}

/// A difference of amounts with its interval.
pub fn delta_money(e: &Est) -> String {
    let s = |x: f64| {
        if x.round() > 0.0 {
            format!("+{}", thousands(x))
        } else {
            thousands(x)
        }
    };
    if bounded(e) {
        format!("{} [{}, {}]", s(e.mean), s(e.lo), s(e.hi))
    } else {
        s(e.mean)
    }
}

pub(crate) fn days(d: Option<f64>) -> String {
    d.map_or("—".into(), |d| format!("{d:.1}"))
}

pub(crate) fn ms(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else if x >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// A probability with one decimal and no interval: "12.3%" (an interval's end quoted alone).
pub fn pct1(p: f64) -> String {
    format!("{:.1}%", 100.0 * p)
}

/// A probability as exact as one decimal allows, without trailing zeros: "10%", "12.5%" (a
/// threshold the user set, quoted back).
pub fn pct_exact(x: f64) -> String {
    format!("{}%", (1000.0 * x).round() / 10.0)
}

/// A paired difference of money in the scenario's currency, for prose that names amounts as
/// "300,000 EUR": "+1,234 [+1,000, +2,000] EUR" (no currency when the scenario names none).
pub fn delta_money_in(e: &Est, currency: &str) -> String {
    if currency.is_empty() {
        delta_money(e)
    } else {
        format!("{} {currency}", delta_money(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_interval_reads_the_same_in_every_output() {
        let e = Est {
            mean: 0.123,
            lo: 0.101,
            hi: 0.148,
        };
        assert_eq!(pct_ci(&e), "12.3% [10.1–14.8%]");
        assert_eq!(pct1(0.0126), "1.3%");
        assert_eq!(pct_exact(0.1), "10%");
        assert_eq!(pct_exact(0.125), "12.5%");
        let d = Est {
            mean: -600_000.0,
            lo: -1_250_000.0,
            hi: 50_000.0,
        };
        assert_eq!(delta_money(&d), "−600,000 [−1,250,000, +50,000]");
        assert_eq!(
            delta_money_in(&d, "EUR"),
            "−600,000 [−1,250,000, +50,000] EUR"
        );
        assert_eq!(delta_money_in(&d, ""), "−600,000 [−1,250,000, +50,000]");
        assert_eq!(thousands(f64::INFINITY), "unbounded");
        assert_eq!(thousands(1_214_943.4), "1,214,943");
    }
}
