//! Tornado charts of `patchtwin sensitivity` as standalone SVG: one per decision metric, one
//! bar per input from its low end to its high end, largest swing on top. They are the
//! report's charts (`patchtwin_report::charts::tornado_charts`, legend below the plot, text
//! at least 12 px) drawn from the view of [`crate::view`], so `sensitivity.md` and a run's
//! report show the same pictures.
//!
//! No statistics here and no file I/O.

use crate::Sensitivity;

/// The charts: (file name under `charts/`, title, SVG).
pub fn charts(s: &Sensitivity) -> Vec<(String, String, String)> {
    patchtwin_report::charts::tornado_charts(&crate::view::robustness(s))
        .into_iter()
        .map(|c| (c.file, c.title, c.svg))
        .collect()
}
