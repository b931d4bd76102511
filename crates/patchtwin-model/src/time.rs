//! Simulated time: integer nanoseconds since the start of the scenario.
//!
//! Integer time makes event ordering exact and runs reproducible: no rounding drift over a
//! 90-day horizon, and equal times really are equal. `u64` nanoseconds cover 584 years.

use serde::Serialize;
use std::fmt;

/// A span of simulated time in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Duration(pub u64);

/// Nanoseconds per unit, for readable constants.
pub mod unit {
    /// One microsecond in nanoseconds.
    pub const US: u64 = 1_000;
    /// One millisecond in nanoseconds.
    pub const MS: u64 = 1_000_000;
    /// One second in nanoseconds.
    pub const S: u64 = 1_000_000_000;
    /// One minute in nanoseconds.
    pub const MIN: u64 = 60 * S;
    /// One hour in nanoseconds.
    pub const H: u64 = 60 * MIN;
    /// One day in nanoseconds.
    pub const D: u64 = 24 * H;
}

impl Duration {
    /// Zero duration.
    pub const ZERO: Duration = Duration(0);

    /// From whole nanoseconds.
    pub const fn from_nanos(ns: u64) -> Self {
        Duration(ns)
    }
    /// From whole milliseconds.
    pub const fn from_millis(ms: u64) -> Self {
        Duration(ms * unit::MS)
    }
    /// From whole seconds.
    pub const fn from_secs(s: u64) -> Self {
        Duration(s * unit::S)
    }
    /// From whole days.
    pub const fn from_days(d: u64) -> Self {
        Duration(d * unit::D)
    }
    /// Nanoseconds.
    pub const fn as_nanos(self) -> u64 {
        self.0
    }
    /// Seconds as a float (for reports only, never for event ordering).
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / unit::S as f64
    }
    /// Days as a float (for reports only).
    pub fn as_days_f64(self) -> f64 {
        self.0 as f64 / unit::D as f64
    }
    /// Nearest whole nanosecond of a non-negative number of seconds, saturating.
    pub fn from_secs_f64(secs: f64) -> Self {
        if secs.is_nan() || secs <= 0.0 {
            Duration(0)
        } else {
            let ns = secs * unit::S as f64;
            if ns >= u64::MAX as f64 {
                Duration(u64::MAX)
            } else {
                Duration(ns.round() as u64)
            }
        }
    }
    /// Saturating addition.
    pub const fn saturating_add(self, other: Duration) -> Duration {
        Duration(self.0.saturating_add(other.0))
    }
}

impl fmt::Display for Duration {
    /// Prints the duration the way people say it: `250us`, `1.5ms`, `42.3s`, `41m 53s`,
    /// `2h 14m`, `3d 4h`, `45d`. Below a minute it keeps three significant decimals; above,
    /// it gives two units, rounded to the smaller one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ns = self.0;
        let trim = |v: f64| {
            let t = format!("{v:.3}");
            t.trim_end_matches('0').trim_end_matches('.').to_string()
        };
        if ns == 0 {
            f.write_str("0s")
        } else if ns < unit::US {
            write!(f, "{ns}ns")
        } else if ns < unit::MS {
            write!(f, "{}us", trim(ns as f64 / unit::US as f64))
        } else if ns < unit::S {
            write!(f, "{}ms", trim(ns as f64 / unit::MS as f64))
        } else if ns < unit::MIN {
            write!(f, "{}s", trim(ns as f64 / unit::S as f64))
        } else {
            let two = |f: &mut fmt::Formatter<'_>, big: u64, bn: &str, small: u64, sn: &str| {
                let total_small = (ns + small / 2) / small;
                let per = big / small;
                let (b, s) = (total_small / per, total_small % per);
                if s == 0 {
                    write!(f, "{b}{bn}")
                } else {
                    write!(f, "{b}{bn} {s}{sn}")
                }
            };
            if ns < unit::H {
                two(f, unit::MIN, "m", unit::S, "s")
            } else if ns < unit::D {
                two(f, unit::H, "h", unit::MIN, "m")
            } else {
                two(f, unit::D, "d", unit::H, "h")
            }
        }
    }
}

/// A point in simulated time: nanoseconds since the scenario start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct SimTime(pub u64);

impl SimTime {
    /// The scenario start.
    pub const ZERO: SimTime = SimTime(0);
    /// Later by `d`, saturating at the end of representable time.
    pub const fn after(self, d: Duration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
    /// Time elapsed since `earlier` (zero if `earlier` is later).
    pub const fn since(self, earlier: SimTime) -> Duration {
        Duration(self.0.saturating_sub(earlier.0))
    }
}

impl fmt::Display for SimTime {
    /// `d12 03:04:05.678901` — day, then clock time, down to the microsecond.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ns = self.0;
        let days = ns / unit::D;
        let rem = ns % unit::D;
        let h = rem / unit::H;
        let m = (rem % unit::H) / unit::MIN;
        let s = (rem % unit::MIN) / unit::S;
        let us = (rem % unit::S) / unit::US;
        write!(f, "d{days} {h:02}:{m:02}:{s:02}.{us:06}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_picks_readable_units() {
        assert_eq!(Duration(250 * unit::US).to_string(), "250us");
        assert_eq!(Duration(1500 * unit::MS).to_string(), "1.5s");
        assert_eq!(Duration(45 * unit::D).to_string(), "45d");
        assert_eq!(Duration(90 * unit::MIN).to_string(), "1h 30m");
        assert_eq!(Duration(2_512_772_000_000).to_string(), "41m 53s");
        assert_eq!(
            Duration(3 * unit::D + 4 * unit::H + 10 * unit::MIN).to_string(),
            "3d 4h"
        );
        assert_eq!(Duration(42_300 * unit::MS).to_string(), "42.3s");
        assert_eq!(Duration(0).to_string(), "0s");
    }

    #[test]
    fn sim_time_prints_day_and_clock() {
        let t = SimTime(2 * unit::D + 3 * unit::H + 4 * unit::MIN + 5 * unit::S + 678_901_000);
        assert_eq!(t.to_string(), "d2 03:04:05.678901");
    }
}
