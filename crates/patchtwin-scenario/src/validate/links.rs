//! The links between assets: two different known ends, bandwidth (warned about when
//! implausible), latency, jitter and loss. Routing over them is `routing`'s.

use super::Sections;
use crate::check::*;
use crate::source::{join_index, join_key};
use patchtwin_model::time::unit;
use patchtwin_model::*;
use std::collections::BTreeSet;

/// Bandwidths outside this range (bits per second) are legal but warned about: slower than the
/// slowest serial modems, faster than the fastest Ethernet.
const PLAUSIBLE_BPS: (u64, u64) = (300, 400_000_000_000);

/// Checks `links`. A link without an id is named after its ends (`a--b`).
pub(super) fn links(ctx: &mut Ctx, s: &Sections, asset_ids: &Ids) -> Vec<Link> {
    let mut links = Vec::new();
    let mut link_ids = Ids::new("links", BTreeSet::new());
    for (i, l) in &s.links {
        let path = join_index("links", *i);
        if l.between.len() != 2 {
            ctx.err_at(
                &join_key(&path, "between"),
                format!("a link connects exactly 2 assets, got {}", l.between.len()),
            );
            continue;
        }
        let a = asset_ids.resolve(
            ctx,
            &l.between[0],
            &join_index(&join_key(&path, "between"), 0),
            "asset",
        );
        let b = asset_ids.resolve(
            ctx,
            &l.between[1],
            &join_index(&join_key(&path, "between"), 1),
            "asset",
        );
        if l.between[0] == l.between[1] {
            ctx.err_at(
                &join_key(&path, "between"),
                format!(
                    "a link connects two different assets, got `{}` twice",
                    l.between[0]
                ),
            );
            continue;
        }
        let id =
            l.id.clone()
                .unwrap_or_else(|| format!("{}--{}", l.between[0], l.between[1]));
        link_ids.define(ctx, &id, &path, "link");
        let jitter = l
            .jitter
            .as_ref()
            .and_then(|j| duration_dist(ctx, j, &join_key(&path, "jitter")));
        let loss = l.loss.map_or(0.0, |v| {
            fraction(ctx, v, &join_key(&path, "loss"), "`loss`", 0.99)
        });
        if !(PLAUSIBLE_BPS.0..=PLAUSIBLE_BPS.1).contains(&l.bandwidth.0) {
            ctx.warn(
                &join_key(&path, "bandwidth"),
                format!(
                    "a bandwidth of {} bps is outside what industrial links carry (300bps to \
                     400Gbps); is the unit right?",
                    l.bandwidth.0
                ),
            );
        }
        if let (Some(a), Some(b)) = (a, b) {
            links.push(Link {
                id,
                ends: [AssetIdx(a), AssetIdx(b)],
                bandwidth_bps: l.bandwidth.0,
                latency: l.latency.map_or(Duration(5 * unit::US), |d| d.0),
                jitter,
                loss,
            });
        }
    }
    links
}
