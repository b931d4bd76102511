//! Expected value of perfect information from expected losses at equally likely values.
//!
//! Not here: where the values come from (`sweep`).

/// EVPI from expected losses `l[k][p]` at equally likely values `k` for plans `p`.
pub fn evpi(l: &[Vec<f64>]) -> f64 {
    if l.is_empty() || l[0].is_empty() {
        return 0.0;
    }
    let k = l.len() as f64;
    let plans = l[0].len();
    let best_on_average = (0..plans)
        .map(|p| l.iter().map(|row| row[p]).sum::<f64>() / k)
        .fold(f64::INFINITY, f64::min);
    let with_information = l
        .iter()
        .map(|row| row.iter().copied().fold(f64::INFINITY, f64::min))
        .sum::<f64>()
        / k;
    (best_on_average - with_information).max(0.0)
}
