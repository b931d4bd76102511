//! Ticks of a logarithmic axis (issue 16: a log latency axis showed two tick labels).
//! [`log_ticks`] picks the values — every decade, 2 and 5 between decades when the range spans
//! under two decades, more when that is still too few — and [`tick_label`] writes each with
//! just the digits it needs; `latency` draws them.
//!
//! This module draws nothing and knows nothing about latency; it only chooses numbers.

/// Fewest ticks an axis gets.
pub(super) const MIN_TICKS: usize = 3;
/// Most decade ticks drawn; beyond it every other decade is kept.
const MAX_DECADES: usize = 10;

fn within(v: f64, lo: f64, hi: f64) -> bool {
    v >= lo * (1.0 - 1e-9) && v <= hi * (1.0 + 1e-9)
}

/// `m · 10^k` for every `k` whose product lies in `[lo, hi]`, for each mantissa in `ms`.
fn multiples(lo: f64, hi: f64, ms: &[f64]) -> Vec<f64> {
    let (k0, k1) = (lo.log10().floor() as i32 - 1, hi.log10().ceil() as i32 + 1);
    let mut out: Vec<f64> = (k0..=k1)
        .flat_map(|k| ms.iter().map(move |m| round_sig(m * 10f64.powi(k), 3)))
        .filter(|v| within(*v, lo, hi))
        .collect();
    out.sort_by(f64::total_cmp);
    out.dedup();
    out
}

/// `v` rounded to `digits` significant digits.
fn round_sig(v: f64, digits: i32) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let scale = 10f64.powi(digits - 1 - v.abs().log10().floor() as i32);
    (v * scale).round() / scale
}

/// Tick values for a log axis over `[lo, hi]` (`0 < lo < hi`), increasing: every power of ten
/// in the range (every other one beyond ten decades); when the range spans under two
/// decades, also 2·10^k and 5·10^k; when that still gives fewer than [`MIN_TICKS`], every
/// 1…9·10^k; and for a range too narrow even for that, its ends and geometric middle to as
/// few significant digits as keep them distinct. Empty for a range that is not positive and increasing.
pub(super) fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo && hi.is_finite()) {
        return Vec::new();
    }
    let mut ticks = multiples(lo, hi, &[1.0]);
    if ticks.len() > MAX_DECADES {
        ticks = ticks.into_iter().step_by(2).collect();
    }
    if hi / lo < 100.0 {
        ticks = multiples(lo, hi, &[1.0, 2.0, 5.0]);
    }
    if ticks.len() < MIN_TICKS {
        ticks = multiples(lo, hi, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
    }
    // A range too narrow for whole multiples: its ends and middle, with as few significant
    // digits as still give three distinct values inside it.
    let mut digits = 2;
    while ticks.len() < MIN_TICKS && digits <= 6 {
        let mut more: Vec<f64> = [lo, (lo * hi).sqrt(), hi]
            .into_iter()
            .map(|v| round_sig(v, digits))
            .filter(|v| within(*v, lo, hi))
            .chain(ticks.iter().copied())
            .collect();
        more.sort_by(f64::total_cmp);
        more.dedup();
        if more.len() >= MIN_TICKS || digits == 6 {
            ticks = more;
        }
        digits += 1;
    }
    ticks
}

/// A tick value with just the decimals it needs: `1000`, `20`, `0.5`, `0.002`.
pub(super) fn tick_label(v: f64) -> String {
    let d = (0..=9)
        .find(|&d| {
            let s = 10f64.powi(d);
            ((v * s).round() / s - v).abs() <= v.abs() * 1e-9
        })
        .unwrap_or(9);
    format!("{v:.*}", d as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every decade in range is a tick; the 2/5 sub-ticks appear under two decades only; every
    /// range gets at least three ticks, all inside it, with distinct labels.
    #[test]
    fn decades_subticks_and_never_two_labels() {
        assert_eq!(log_ticks(0.5, 2000.0), [1.0, 10.0, 100.0, 1000.0]);
        assert_eq!(log_ticks(0.6, 45.0), [1.0, 2.0, 5.0, 10.0, 20.0]);
        assert_eq!(
            log_ticks(3.0, 8.0),
            [3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
            "under one decade"
        );
        assert_eq!(log_ticks(1e-4, 1e8).len(), 7, "every other of 13 decades");
        for (lo, hi) in [
            (0.00067, 0.0015),
            (0.00067, 120.0),
            (3.1, 3.9),
            (99.0, 101.0),
            (3.12, 3.86),
            (0.02, 0.07),
            (1.0, 10.0),
            (7.0, 1.2e6),
            (0.4, 1.6),
        ] {
            let t = log_ticks(lo, hi);
            assert!(t.len() >= MIN_TICKS, "{lo}..{hi}: {t:?}");
            assert!(t.iter().all(|v| within(*v, lo, hi)), "{lo}..{hi}: {t:?}");
            assert!(t.windows(2).all(|w| w[0] < w[1]), "{t:?}");
            let labels: Vec<String> = t.iter().map(|v| tick_label(*v)).collect();
            let mut distinct = labels.clone();
            distinct.dedup();
            assert_eq!(distinct, labels, "{lo}..{hi}");
            let mut k = lo.log10().ceil() as i32;
            while 10f64.powi(k) <= hi {
                assert!(
                    t.iter().any(|v| (v / 10f64.powi(k) - 1.0).abs() < 1e-9) || hi / lo > 1e10,
                    "{lo}..{hi}: decade 1e{k} missing from {t:?}"
                );
                k += 1;
            }
        }
        assert!(log_ticks(0.0, 1.0).is_empty());
        assert!(log_ticks(2.0, 1.0).is_empty());
    }

    #[test]
    fn labels_carry_only_the_digits_they_need() {
        assert_eq!(tick_label(1000.0), "1000");
        assert_eq!(tick_label(20.0), "20");
        assert_eq!(tick_label(0.5), "0.5");
        assert_eq!(tick_label(0.002), "0.002");
        assert_eq!(tick_label(0.0005), "0.0005");
        assert_eq!(tick_label(3.4), "3.4");
    }
}
