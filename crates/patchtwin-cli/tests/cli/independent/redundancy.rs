//! k-of-n redundancy against a simulation written here: a unit that needs two of three
//! controllers, each faulting on its own, trips only when two outages overlap.

use super::*;

/// SplitMix64: the reference's own generator (no patchtwin code), uniform on [0, 1).
struct SplitMix(u64);

impl SplitMix {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn exponential(&mut self, rate: f64) -> f64 {
        -(1.0 - self.uniform()).ln() / rate
    }
}

/// One run of the reference, hours: whether the unit tripped, and its downtime. Each
/// controller faults as a Poisson process (`rate` per hour) and is down `reboot` hours after
/// every fault (a fault while down keeps it down until the later end). The unit stops when
/// fewer than two controllers are up, waits until two are, then restarts for `restart` hours
/// (losing two again meanwhile stops it again).
fn reference_run(
    r: &mut SplitMix,
    rate: f64,
    reboot: f64,
    restart: f64,
    horizon: f64,
) -> (bool, f64) {
    let mut events: Vec<(f64, usize, i32)> = Vec::new();
    for asset in 0..3 {
        let mut t = r.exponential(rate);
        while t < horizon {
            events.push((t, asset, 1));
            events.push((t + reboot, asset, -1));
            t += r.exponential(rate);
        }
    }
    // Ends before starts at the same instant (never happens with continuous times).
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.2.cmp(&b.2)));
    let mut outages = [0i32; 3];
    let (mut tripped, mut down) = (false, 0.0);
    // None: running; Some((stopped at, restart ends at if restarting)).
    let mut stopped: Option<(f64, Option<f64>)> = None;
    let mut i = 0;
    loop {
        let next = events.get(i).map_or(f64::INFINITY, |e| e.0);
        if let Some((since, Some(end))) = stopped
            && end <= next
            && end < horizon
        {
            down += end - since;
            stopped = None;
            continue;
        }
        if next >= horizon {
            break;
        }
        let (t, asset, step) = events[i];
        i += 1;
        outages[asset] += step;
        let lost = outages.iter().filter(|o| **o > 0).count() >= 2;
        stopped = match stopped {
            None if lost => {
                tripped = true;
                Some((t, None))
            }
            Some((since, Some(_))) if lost => Some((since, None)),
            Some((since, None)) if !lost => Some((since, Some(t + restart))),
            other => other,
        };
    }
    if let Some((since, _)) = stopped {
        down += horizon - since;
    }
    (tripped, down)
}

#[test]
fn a_two_of_three_unit_trips_when_outages_overlap_as_simulated_here() {
    // Three PLCs, each faulting at 0.05 per day and down 1 day per fault, over 100 days; the
    // unit needs two of them, restarts in 2 h, and costs 1,000 per hour down.
    let yaml = r#"
name: two-of-three
horizon: 100d
zones: [{id: cell, purdue_level: 1}]
assets:
  - {id: p1, kind: plc, zone: cell, model: fast-plc, overrides: {fault_rate_per_day: 0.05, reboot_time: 1d}}
  - {id: p2, kind: plc, zone: cell, model: fast-plc, overrides: {fault_rate_per_day: 0.05, reboot_time: 1d}}
  - {id: p3, kind: plc, zone: cell, model: fast-plc, overrides: {fault_rate_per_day: 0.05, reboot_time: 1d}}
process_units:
  - id: line
    depends_on: [{k: 2, of: [{asset: p1}, {asset: p2}, {asset: p3}]}]
    restart_time: 2h
    downtime_cost_per_hour: 1000
plans: [{id: defer}]
"#;
    let tmp = util::TempDir::new("indep-k-of-n");
    let file = tmp.write("plant.yaml", yaml.as_bytes());
    let runs: f64 = 8000.0;
    let s = run(&file, 8000, 1, &tmp.path().join("out"));
    let ops = &s["plans"][0]["operations"];
    // The reference: 200,000 runs of its own.
    let draws = 200_000;
    let mut r = SplitMix(0x20F3);
    let (mut trips, mut sum, mut sum2) = (0u32, 0.0, 0.0);
    for _ in 0..draws {
        let (tripped, down) = reference_run(&mut r, 0.05 / 24.0, 24.0, 2.0, 2400.0);
        trips += u32::from(tripped);
        sum += down;
        sum2 += down * down;
    }
    let n = f64::from(draws);
    let p_ref = f64::from(trips) / n;
    let mean_ref = sum / n;
    let var_ref = sum2 / n - mean_ref * mean_ref;
    // Faults: three Poisson counts of mean 5.
    let faults = num(ops, &["faults_per_run"]);
    let z = (faults - 15.0) / (15.0 / runs).sqrt();
    assert!(
        z.abs() < 4.0,
        "faults per run {faults}, Poisson mean 15, z = {z:.2}"
    );
    let p = num(ops, &["p_trip", "mean"]);
    let z = (p - p_ref) / (p_ref * (1.0 - p_ref) * (1.0 / runs + 1.0 / n)).sqrt();
    eprintln!("2-of-3: P(trip) {p}, reference {p_ref:.5}, z = {z:.2}");
    assert!(
        z.abs() < 4.0,
        "P(trip) {p}, reference {p_ref:.5}, z = {z:.2}"
    );
    let hours = num(ops, &["downtime_h", "mean"]);
    let z = (hours - mean_ref) / (var_ref * (1.0 / runs + 1.0 / n)).sqrt();
    eprintln!("2-of-3: downtime {hours} h per run, reference {mean_ref:.4} h, z = {z:.2}");
    assert!(
        z.abs() < 4.0,
        "downtime {hours} h per run, reference {mean_ref:.4} h, z = {z:.2}"
    );
    // Without redundancy every fault would stop the unit: P(trip) = 1 − e^−15, about 1, and
    // about 26 h down per fault; the overlap rule is what keeps the unit running.
    assert!(
        p < 0.8 && hours < 0.1 * 15.0 * 26.0,
        "P(trip) {p}, {hours} h"
    );
}
