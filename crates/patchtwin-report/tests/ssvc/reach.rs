//! One reach rule: SSVC's system exposure against the simulated attacker's index on every
//! plan of every shipped scenario.

use patchtwin_report::ssvc::{EndState, SystemExposure, system_exposure};

/// On every plan of every shipped scenario, at the plan's end state and with its controls
/// but none of its patches: the vulnerabilities SSVC calls open or controlled are exactly
/// those with a (vulnerability, asset) pair the simulated attacker's index counts as exposed
/// (what exposure-days integrate), and the index's exposed pairs are the model rule's.
#[test]
fn ssvc_exposure_is_the_simulated_attackers_reach_on_every_shipped_plan() {
    use patchtwin_model::{AssetIdx, VulnIdx, reach};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let mut compared = 0;
    for name in [
        "ews-actively-exploited",
        "water-treatment",
        "substation",
        "packaging-line",
        "large-plant",
        "vendor-remote-access",
    ] {
        let s = patchtwin_scenario::load_file(&root.join(format!("{name}.yaml")))
            .unwrap_or_else(|d| panic!("{}", d.render()))
            .scenario;
        let index = patchtwin_sim::compiled::reach::AttackIndex::new(&s);
        for plan in &s.plans {
            let end = EndState::of(&s, plan);
            for st in [end.clone(), end.without_patches()] {
                let fixed = |v: u32, a: u32| st.patched.contains(&(v as usize, a as usize));
                let mut sim = Vec::new();
                index.for_each_exposed(
                    &s,
                    &st.controls,
                    &fixed,
                    &mut Vec::new(),
                    &mut Vec::new(),
                    |v, a| sim.push((v, a)),
                );
                sim.sort_unstable();
                let open = |v: VulnIdx, a: AssetIdx| !fixed(v.0, a.0);
                let mut rule: Vec<(u32, u32)> = reach::exposed_pairs(&s, &st.controls, &open)
                    .into_iter()
                    .map(|(v, a)| (v.0, a.0))
                    .collect();
                rule.sort_unstable();
                assert_eq!(sim, rule, "{name}, plan {}", plan.id);
                for v in 0..s.vulnerabilities.len() {
                    let e = system_exposure(&s, &st, v);
                    let exposed = sim.iter().any(|(pv, _)| *pv as usize == v);
                    assert_eq!(
                        e.value != SystemExposure::Small,
                        exposed,
                        "{name}, plan {}, {}: SSVC says {} ({}), the simulated attacker's \
                         exposed pairs {:?}",
                        plan.id,
                        s.vulnerabilities[v].id,
                        e.value,
                        e.reason,
                        sim.iter()
                            .filter(|(pv, _)| *pv as usize == v)
                            .collect::<Vec<_>>()
                    );
                    compared += 1;
                }
            }
        }
    }
    assert!(compared > 100, "{compared} comparisons");
}
