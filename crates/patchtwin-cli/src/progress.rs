//! Progress of a run on stderr: a bar when stderr is a terminal, and otherwise — a Slurm or
//! Kubernetes log, a file, a pipe — a plain line every few seconds with replications done,
//! rate and estimated time left. Not here: what counts as a replication (the caller's ticks).
//!
//! The interval of the plain lines is 10 s, or `PATCHTWIN_PROGRESS_INTERVAL` seconds (a
//! decimal number; 0 prints at every tick).

use crate::BadInput;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Seconds between two progress lines when stderr is not a terminal.
const DEFAULT_INTERVAL_S: f64 = 10.0;
/// The environment variable that overrides [`DEFAULT_INTERVAL_S`].
pub const INTERVAL_VAR: &str = "PATCHTWIN_PROGRESS_INTERVAL";

/// Where progress goes.
pub enum Progress {
    /// A terminal: a bar.
    Bar(indicatif::ProgressBar),
    /// Not a terminal: a line now and then.
    Lines(Mutex<Lines>),
}

/// State of the plain progress lines.
pub struct Lines {
    total: u64,
    /// Ticks already done when this process started (a resumed run).
    already: u64,
    started: Instant,
    last: Option<Instant>,
    interval: Duration,
}

impl Progress {
    /// Progress towards `total` ticks of which `already` were done before this process.
    pub fn new(total: u64, already: u64) -> Result<Progress, BadInput> {
        use std::io::IsTerminal as _;
        if std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new(total);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{spinner} replications {pos}/{len} [{bar:30}] {eta} left",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_position(already);
            return Ok(Progress::Bar(bar));
        }
        let interval_s = match std::env::var(INTERVAL_VAR) {
            Err(_) => DEFAULT_INTERVAL_S,
            Ok(text) => match text.trim().parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => v,
                _ => {
                    return Err(BadInput(format!(
                        "error: {INTERVAL_VAR}: expected seconds between progress lines (e.g. 10 or 0.5), got `{text}`"
                    )));
                }
            },
        };
        Ok(Progress::Lines(Mutex::new(Lines {
            total,
            already,
            started: Instant::now(),
            last: None,
            interval: Duration::from_secs_f64(interval_s),
        })))
    }

    /// `done` ticks of the total are done.
    pub fn set(&self, done: u64) {
        match self {
            Progress::Bar(b) => b.set_position(done),
            Progress::Lines(m) => {
                let Ok(mut l) = m.lock() else { return };
                let now = Instant::now();
                let due =
                    l.last.is_none_or(|t| now.duration_since(t) >= l.interval) || done >= l.total;
                if !due {
                    return;
                }
                l.last = Some(now);
                complain!("{}", l.line(done, now.duration_since(l.started)));
            }
        }
    }

    /// Clears the bar (the lines need nothing).
    pub fn finish(self) {
        if let Progress::Bar(b) = self {
            b.finish_and_clear();
        }
    }
}

impl Lines {
    /// `progress: 128/800 replications (16%), 9.8/s, about 1m09s left`.
    fn line(&self, done: u64, elapsed: Duration) -> String {
        let fresh = done.saturating_sub(self.already);
        let secs = elapsed.as_secs_f64();
        let rate = if secs > 0.0 { fresh as f64 / secs } else { 0.0 };
        let pct = if self.total == 0 {
            100.0
        } else {
            100.0 * done as f64 / self.total as f64
        };
        let left = self.total.saturating_sub(done);
        let eta = if left == 0 {
            "done".to_string()
        } else if rate > 0.0 {
            format!("about {} left", clock(left as f64 / rate))
        } else {
            "time left unknown".to_string()
        };
        format!(
            "progress: {done}/{} replications ({pct:.0}%), {rate:.1}/s, {eta}",
            self.total
        )
    }
}

/// `1h02m`, `3m09s` or `42s`.
fn clock(seconds: f64) -> String {
    let s = seconds.ceil() as u64;
    match (s / 3600, (s % 3600) / 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m{s:02}s"),
        (h, m, _) => format!("{h}h{m:02}m"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_reports_rate_and_time_left() {
        let l = Lines {
            total: 800,
            already: 100,
            started: Instant::now(),
            last: None,
            interval: Duration::ZERO,
        };
        // 100 fresh ticks in 10 s: 10/s, 600 left: 60 s.
        assert_eq!(
            l.line(200, Duration::from_secs(10)),
            "progress: 200/800 replications (25%), 10.0/s, about 1m00s left"
        );
        assert_eq!(
            l.line(800, Duration::from_secs(70)),
            "progress: 800/800 replications (100%), 10.0/s, done"
        );
        assert_eq!(clock(3725.0), "1h02m");
        assert_eq!(clock(41.2), "42s");
    }
}
