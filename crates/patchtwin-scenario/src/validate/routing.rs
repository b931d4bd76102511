//! Routing: the least-latency path of every flow through network devices, one Dijkstra per
//! distinct consumer. Runs only on a plant where every item was built (`Ctx::clean`).

use crate::check::*;
use patchtwin_model::*;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

/// Routes every flow along the path of least latency through network devices. One Dijkstra
/// per distinct consumer; ties resolve to the lower asset index, so routes are deterministic.
pub(super) fn route_flows(
    ctx: &mut Ctx,
    assets: &[Asset],
    links: &[Link],
    flows: &[Flow],
    flow_paths: &[String],
) -> Vec<Route> {
    let n = assets.len();
    let mut adjacency: Vec<Vec<(u32, u32, bool)>> = vec![Vec::new(); n];
    for (li, l) in links.iter().enumerate() {
        let [a, b] = l.ends;
        adjacency[a.ix()].push((b.0, li as u32, true));
        adjacency[b.ix()].push((a.0, li as u32, false));
    }
    for adj in &mut adjacency {
        adj.sort_unstable();
    }
    let mut by_source: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (fi, f) in flows.iter().enumerate() {
        by_source.entry(f.consumer.0).or_default().push(fi);
    }
    let mut routes = vec![
        Route {
            hops: Vec::new(),
            links: Vec::new()
        };
        flows.len()
    ];
    let mut dist = vec![u64::MAX; n];
    let mut prev: Vec<Option<(u32, u32, bool)>> = vec![None; n];
    for (src, fis) in by_source {
        dist.iter_mut().for_each(|d| *d = u64::MAX);
        prev.iter_mut().for_each(|p| *p = None);
        let mut heap = BinaryHeap::new();
        dist[src as usize] = 0;
        heap.push(Reverse((0u64, src)));
        while let Some(Reverse((d, u))) = heap.pop() {
            if d > dist[u as usize] {
                continue;
            }
            // Only the source and network devices forward.
            if u != src && !assets[u as usize].kind.is_network_device() {
                continue;
            }
            for &(v, li, forward) in &adjacency[u as usize] {
                // Cost: latency plus one microsecond per hop, so equal-latency paths prefer
                // fewer hops.
                let nd = d
                    .saturating_add(links[li as usize].latency.0)
                    .saturating_add(1_000);
                if nd < dist[v as usize] {
                    dist[v as usize] = nd;
                    prev[v as usize] = Some((u, li, forward));
                    heap.push(Reverse((nd, v)));
                }
            }
        }
        for fi in fis {
            let f = &flows[fi];
            let dst = f.producer.0;
            if dist[dst as usize] == u64::MAX {
                ctx.err_help(
                    &flow_paths[fi],
                    format!("flow `{}` cannot be routed: no path of links from `{}` to `{}`", f.id, assets[f.consumer.ix()].id, assets[dst as usize].id),
                    "messages travel over `links` and are forwarded only by network devices (switch, router, firewall, ips); add the missing link".into(),
                );
                continue;
            }
            let mut hops = vec![AssetIdx(dst)];
            let mut route_links = Vec::new();
            let mut at = dst;
            while let Some((p, li, fwd)) = prev[at as usize] {
                route_links.push((LinkIdx(li), fwd));
                hops.push(AssetIdx(p));
                at = p;
                if at == src {
                    break;
                }
            }
            hops.reverse();
            route_links.reverse();
            routes[fi] = Route {
                hops,
                links: route_links,
            };
        }
    }
    routes
}
