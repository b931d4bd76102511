//! Tests of the payload codec: histograms survive a round trip, random payloads with every
//! accumulator field set come back whole, a payload without the fields added since reads
//! and writes back byte for byte, and a payload of the previous layout is refused. Not the part file's header or checksum (the
//! parent module's tests and `tests/parts.rs`).

use super::*;

#[test]
fn histogram_counts_survive_a_round_trip() {
    // Values across buckets and magnitudes, including 0 and repeats.
    let mut h = Histogram::<u64>::new_with_bounds(1, 1_000_000_000, 3).expect("bounds");
    for v in [0u64, 0, 1, 2, 1023, 1024, 2047, 2049, 123_456, 999_999_999] {
        h.record(v).expect("in range");
    }
    let mut back = Histogram::<u64>::new_with_bounds(1, 1_000_000_000, 3).expect("bounds");
    fill_histogram(&mut back, &histogram_state(&h)).expect("in range");
    assert_eq!(back, h);
    for q in [0.0, 0.1, 0.5, 0.9, 0.99, 1.0] {
        assert_eq!(back.value_at_quantile(q), h.value_at_quantile(q));
    }
    assert_eq!(back.len(), 10);
}

/// A random [`RunResult`] that a part of `runs` replications could hold, with every field
/// of every accumulator set (struct literals without `..`, so that a new field must be
/// generated here before this compiles), and the identity that goes with it.
fn random_result(seed: u64) -> (RunResult, Identity, u64) {
    use rand::Rng;
    let mut g = crate::stream(seed, 0);
    let mut below = |n: u64| g.next_u64() % n.max(1);
    let runs = 1 + below(40);
    let k = 1 + below(4) as usize;
    let flows = below(4) as usize;
    let plans: Vec<String> = (0..k).map(|p| format!("plan-{p}-{}", below(100))).collect();
    let moments = |below: &mut dyn FnMut(u64) -> u64| Moments {
        n: runs,
        sum: i128::from(below(u64::MAX)) * i128::from(below(1 << 40)) - (1 << 90),
        // The same draws as when the committed fixture was written (values past 2^128 are
        // covered by `Wide`'s own decimal round trip in `estimate`).
        sumsq: crate::estimate::Wide::from_u128(
            u128::from(below(u64::MAX)) * u128::from(below(u64::MAX)),
        ),
    };
    // Values that are the top of their histogram bucket, ascending, with counts: what a
    // payload holds and what recording it back repeats exactly.
    let bucket_values = |below: &mut dyn FnMut(u64) -> u64, h: &Histogram<u64>, max: u64| {
        let mut v: Vec<u64> = (0..below(6))
            .map(|_| h.highest_equivalent(below(max)))
            .collect();
        v.sort_unstable();
        v.dedup();
        v.into_iter().map(|x| (x, 1 + below(9))).collect::<Vec<_>>()
    };
    let filled = |mut h: Histogram<u64>, counts: &[(u64, u64)]| {
        fill_histogram(&mut h, counts).expect("in range");
        h
    };
    let mut plan_results = Vec::new();
    for name in &plans {
        let ops_default = OpsAcc::default();
        let top = ops_default.downtime_minutes.high() / 2;
        let downtime = bucket_values(&mut below, &ops_default.downtime_minutes, top);
        let exposure_default = ExposureAcc::default();
        let top = exposure_default.ttc_minutes.high() / 2;
        let ttc = bucket_values(&mut below, &exposure_default.ttc_minutes, top);
        let ops = OpsAcc {
            runs,
            runs_with_trip: below(runs + 1),
            runs_with_patch_failure: below(runs + 1),
            runs_with_overrun: below(runs + 1),
            deployments: below(1000),
            failed_deployments: below(100),
            runs_changes_done: below(runs + 1),
            downtime_h: moments(&mut below),
            downtime_cost: moments(&mut below),
            overrun_h: moments(&mut below),
            loss_of_view_h: moments(&mut below),
            loss_of_control_h: moments(&mut below),
            historian_gap_h: moments(&mut below),
            faults: below(500),
            runs_with_data_loss: below(runs + 1),
            data_loss_events: below(300),
            data_loss_cost: moments(&mut below),
            data_loss_group_runs: (0..below(4)).map(|_| below(runs + 1)).collect(),
            recovery_extra_h: moments(&mut below),
            downtime_minutes: filled(ops_default.downtime_minutes, &downtime),
        };
        // The loss distribution counts every replication once.
        let mut loss_counts = std::collections::BTreeMap::new();
        let mut left = runs;
        while left > 0 {
            let n = 1 + below(left);
            *loss_counts
                .entry(f64::to_bits(below(1 << 30) as f64 / 7.0))
                .or_insert(0) += n;
            left -= n;
        }
        let exposure = ExposureAcc {
            runs,
            runs_compromised: below(runs + 1),
            runs_with_foothold: below(runs + 1),
            runs_detected_before_impact: below(runs + 1),
            ttc_minutes: filled(exposure_default.ttc_minutes, &ttc),
            exposure_days: moments(&mut below),
            impact_cost: moments(&mut below),
            loss: moments(&mut below),
            runs_dual_success: below(runs + 1),
            loss_counts,
        };
        let counts_by_time = |below: &mut dyn FnMut(u64) -> u64| {
            (0..below(4))
                .map(|_| {
                    (0..below(4))
                        .map(|_| (below(5000), 1 + below(runs)))
                        .collect::<std::collections::BTreeMap<u64, u64>>()
                })
                .collect::<Vec<_>>()
        };
        let rollout = crate::rollout::RolloutAcc {
            rollbacks: moments(&mut below),
            ns_to_share: counts_by_time(&mut below),
            days_to_close: counts_by_time(&mut below),
            pairs: below(200),
            targets: (0..below(4))
                .map(|_| (0..below(5)).map(|_| below(1 << 20) as u32).collect())
                .collect(),
            ns_to_exposure_share: counts_by_time(&mut below),
        };
        let flow = |below: &mut dyn FnMut(u64) -> u64| {
            let mut f = FlowStats::new();
            f.sent = below(1 << 40);
            f.completed = below(1 << 40);
            f.deadline_misses = below(1 << 20);
            f.timeouts = below(1 << 20);
            f.failed_polls = below(1 << 20);
            f.comm_fail_events = below(1 << 10);
            f.stale_events = below(1 << 10);
            f.lost = below(1 << 20);
            f.latency_sum_ns = u128::from(below(u64::MAX)) * u128::from(below(1 << 20));
            f.latency_sumsq_ns = u128::from(below(u64::MAX)) * u128::from(below(u64::MAX));
            f.latency_min_ns = below(1 << 30);
            f.latency_max_ns = below(1 << 50);
            f.attacker_stopped = patchtwin_sim::outcome::AttackerStopped {
                sent: below(1000),
                timeouts: below(1000),
                failed_polls: below(1000),
                comm_fail_events: below(1000),
                stale_events: below(1000),
                lost: below(1000),
            };
            f.skipped = below(1 << 30);
            let messages = below(1 << 40);
            f.late_by_run = LateByRun {
                runs: below(runs + 1),
                late: below(messages + 1),
                messages,
                late_sq: u128::from(below(u64::MAX)) * u128::from(below(1 << 20)),
                late_messages: u128::from(below(u64::MAX)) * u128::from(below(1 << 40)),
                messages_sq: u128::from(below(u64::MAX)) * u128::from(below(u64::MAX)),
            };
            let template = f.latency_histogram().into_owned();
            let max = patchtwin_sim::outcome::LATENCY_MAX_US;
            for (v, n) in bucket_values(&mut *below, &template, max) {
                f.record_latency_count(v, n).expect("in range");
            }
            f
        };
        let saturated = (0..below(4))
            .map(|_| {
                let queue = if below(2) == 0 {
                    SaturatedQueue::Link {
                        link: below(1 << 20) as u32,
                        dir: below(2) as u8,
                    }
                } else {
                    SaturatedQueue::Server {
                        asset: below(1 << 20) as u32,
                    }
                };
                let acc = crate::SaturationAcc {
                    runs: 1 + below(runs),
                    dropped: below(1 << 30),
                    first_reached_at: below(1 << 50),
                };
                (queue, acc)
            })
            .collect();
        plan_results.push(PlanResult {
            plan: name.clone(),
            flows: (0..flows).map(|_| flow(&mut below)).collect(),
            flows_after: (0..flows).map(|_| flow(&mut below)).collect(),
            ops,
            exposure,
            rollout,
            saturated,
            events: below(1 << 50),
            runs,
            link_messages: (0..below(4))
                .map(|_| [below(1 << 40), below(1 << 40)])
                .collect(),
        });
    }
    let pair = |a: usize, b: usize, below: &mut dyn FnMut(u64) -> u64| Pairwise {
        plan_a: plans[a].clone(),
        plan_b: plans[b].clone(),
        d_compromise: moments(&mut *below),
        d_trip: moments(&mut *below),
        d_downtime_h: moments(&mut *below),
        d_loss: moments(&mut *below),
        d_dual_success: moments(&mut *below),
    };
    let comparisons = (1..k).map(|p| pair(p, 0, &mut below)).collect();
    let pairwise = crate::pairs(k)
        .map(|(a, b)| pair(a, b, &mut below))
        .collect();
    let result = RunResult {
        plans: plan_results,
        comparisons,
        pairwise,
    };
    let identity = Identity {
        scenario: "random".into(),
        scenario_sha256: "0".repeat(64),
        scenario_path: "/random.yaml".into(),
        seed,
        runs: runs * 3,
        plans,
        observe_ns: 1,
        horizon_ns: 2,
        flows,
        version: "test".into(),
    };
    (result, identity, runs)
}

fn encode(r: &RunResult) -> String {
    serde_json::to_string(&PayloadState::of(r)).expect("plain data serialises")
}

fn decode(text: &str, id: &Identity, runs: u64) -> RunResult {
    let state: PayloadState = serde_json::from_str(text).expect("a payload");
    state.into_result(id, runs).expect("a consistent payload")
}

/// Property: any payload decodes to the accumulators it was encoded from, every field
/// (compared through `Debug`, which prints them all), and encodes again to the same bytes.
/// A field encoded but not decoded, or decoded into the wrong place, fails here.
#[test]
fn random_payloads_survive_a_round_trip() {
    let mut shapes = std::collections::BTreeSet::new();
    for seed in 0..200 {
        let (r, id, runs) = random_result(seed);
        shapes.insert((r.plans.len(), id.flows));
        let text = encode(&r);
        let back = decode(&text, &id, runs);
        assert_eq!(format!("{back:?}"), format!("{r:?}"), "seed {seed}");
        assert_eq!(encode(&back), text, "seed {seed}");
    }
    assert!(shapes.len() >= 12, "too few shapes of payload: {shapes:?}");
}

/// A payload of today's layout (seed 7 of `random_result`), committed: this build must read
/// it to the same accumulators and write it back byte for byte, so an unintended change of
/// the on-disk format fails here. Re-bless with `PATCHTWIN_BLESS=1` only when the format
/// changes on purpose: a field added (read as empty when absent, see the next test), or a
/// meaning changed, which also bumps `VERSION` (see `a_layout_1_payload_is_refused_not_misread`).
/// The bless writes this committed test file only, never a user's output.
#[test]
fn a_committed_payload_reads_and_writes_back_byte_for_byte() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/part-payload-current.json");
    let (r, id, runs) = random_result(7);
    if std::env::var_os("PATCHTWIN_BLESS").is_some() {
        std::fs::write(&path, encode(&r) + "\n").expect("write the fixture");
    }
    let committed = std::fs::read_to_string(&path).expect("the committed payload");
    let committed = committed.trim_end();
    let back = decode(committed, &id, runs);
    assert_eq!(format!("{back:?}"), format!("{r:?}"));
    assert_eq!(encode(&back), committed);
}

/// Fields added later read as empty when a payload does not have them (the late counts, the
/// skipped polls, the messages per link), and such a payload writes back byte for byte, since
/// those fields are left out when empty: today's payload with them stripped is the test.
/// (A payload committed from before these fields is `part-payload-layout-1.json`, which the
/// rollout's change of unit made unreadable on purpose: see the next test.)
#[test]
fn a_payload_without_the_added_fields_still_reads() {
    let (result, id, runs) = random_result(7);
    let mut value: serde_json::Value =
        serde_json::from_str(&encode(&result)).expect("a payload is JSON");
    fn strip(v: &mut serde_json::Value, removed: &mut usize) {
        match v {
            serde_json::Value::Object(map) => {
                for key in ["late_by_run", "skipped", "link_messages"] {
                    *removed += usize::from(map.remove(key).is_some());
                }
                map.values_mut().for_each(|x| strip(x, removed));
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|x| strip(x, removed)),
            _ => {}
        }
    }
    let mut removed = 0;
    strip(&mut value, &mut removed);
    assert!(removed > 0, "the generator sets the added fields");
    let older = serde_json::to_string(&value).expect("JSON");
    let back = decode(&older, &id, runs);
    let mut flows = 0;
    for p in &back.plans {
        for f in p.flows.iter().chain(&p.flows_after) {
            assert_eq!(f.skipped, 0);
            assert_eq!(f.late_by_run, LateByRun::default());
            flows += 1;
        }
        assert!(p.link_messages.is_empty());
    }
    assert!(flows > 0, "the payload holds flows");
    // Written back, it is the same payload (compared as JSON values: the stripped copy went
    // through a map that sorts its keys).
    let again: serde_json::Value = serde_json::from_str(&encode(&back)).expect("JSON");
    assert_eq!(again, value);
}

/// A payload of layout 1 (committed as written by that code: rollout times in whole hours)
/// is not misread as today's: decoding it fails on the field that changed meaning, and a part
/// file whose header says layout 1 is refused with the way out.
#[test]
fn a_layout_1_payload_is_refused_not_misread() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/part-payload-layout-1.json");
    let committed = std::fs::read_to_string(&path).expect("the committed payload");
    let e = serde_json::from_str::<PayloadState>(committed.trim_end())
        .err()
        .expect("a layout-1 payload does not decode");
    assert!(e.to_string().contains("ns_to_share"), "{e}");
    let (result, id, runs) = random_result(7);
    let part = crate::part::Part {
        identity: id,
        span: crate::part::Span {
            first: 0,
            end: runs,
            part: None,
        },
        threads: 1,
        wall_s: 0.0,
        result,
    };
    let sha = |b: &[u8]| format!("{}", b.len());
    let bytes = crate::part::encode(&part, sha);
    let text = String::from_utf8(bytes).expect("UTF-8");
    let old = text.replacen(
        &format!("\"version\":{}", crate::part::VERSION),
        "\"version\":1",
        1,
    );
    assert_ne!(old, text, "the header carries the layout version");
    let e = crate::part::decode(old.as_bytes(), sha).expect_err("a layout-1 part is refused");
    assert!(
        e.to_string().contains("part file version 1")
            && e.to_string()
                .contains("merge with the patchtwin that wrote it"),
        "{e}"
    );
}
