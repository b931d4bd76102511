//! Dependencies of functions and process units (one asset, flow or function, or `k` of `of`,
//! nested at most 8 deep) and the rule that functions do not depend on themselves through a
//! cycle. Resolution only; the walk over dependencies at run time is the simulation's.

use super::Sections;
use crate::check::*;
use crate::raw::*;
use crate::source::{join_index, join_key};
use patchtwin_model::*;

pub(super) struct Refs<'a> {
    pub(super) assets: &'a Ids,
    pub(super) flows: &'a Ids,
    pub(super) functions: &'a Ids,
}

pub(super) fn dependencies(
    ctx: &mut Ctx,
    refs: &Refs,
    raw: &[DependencyRaw],
    path: &str,
) -> Vec<Dependency> {
    raw.iter()
        .enumerate()
        .filter_map(|(i, d)| dependency(ctx, refs, d, &join_index(path, i), 0))
        .collect()
}

fn dependency(
    ctx: &mut Ctx,
    refs: &Refs,
    d: &DependencyRaw,
    path: &str,
    depth: usize,
) -> Option<Dependency> {
    let tolerate = d.tolerate.map_or(Duration::ZERO, |t| t.0);
    let named = [
        d.asset.is_some(),
        d.flow.is_some(),
        d.function.is_some(),
        d.k.is_some() || d.of.is_some(),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if named != 1 {
        ctx.err_help(path, format!("a dependency names exactly one of `asset`, `flow`, `function`, or `k` with `of`; this one names {named}"), "e.g. `- flow: scada-poll-plc-1` or `- {k: 1, of: [{asset: scada-a}, {asset: scada-b}]}`".into());
        return None;
    }
    let target = if let Some(a) = &d.asset {
        DependencyTarget::Asset(AssetIdx(refs.assets.resolve(
            ctx,
            a,
            &join_key(path, "asset"),
            "asset",
        )?))
    } else if let Some(f) = &d.flow {
        DependencyTarget::Flow(FlowIdx(refs.flows.resolve(
            ctx,
            f,
            &join_key(path, "flow"),
            "flow",
        )?))
    } else if let Some(f) = &d.function {
        DependencyTarget::Function(FunctionIdx(refs.functions.resolve(
            ctx,
            f,
            &join_key(path, "function"),
            "function",
        )?))
    } else {
        let (Some(k), Some(of)) = (d.k, &d.of) else {
            ctx.err_at(path, "k-of-n redundancy needs both `k` and `of`".into());
            return None;
        };
        if depth > 8 {
            ctx.err_at(path, "k-of-n dependencies nest at most 8 deep".into());
            return None;
        }
        if k == 0 || k as usize > of.len() {
            ctx.err_at(
                &join_key(path, "k"),
                format!(
                    "`k` must be between 1 and the number of alternatives ({}), got {k}",
                    of.len()
                ),
            );
            return None;
        }
        let inner: Vec<Dependency> = of
            .iter()
            .enumerate()
            .filter_map(|(i, x)| {
                dependency(
                    ctx,
                    refs,
                    x,
                    &join_index(&join_key(path, "of"), i),
                    depth + 1,
                )
            })
            .collect();
        if inner.len() != of.len() {
            return None;
        }
        DependencyTarget::KOfN { k, of: inner }
    };
    Some(Dependency { target, tolerate })
}

/// Every cycle of functions, one diagnostic each (all in one pass): each strongly connected
/// group of functions that depend on each other, and each function that depends on itself, is
/// reported at its first function in file order, at the dependency that takes the cycle's
/// first step, with one shortest cycle through it spelled out.
pub(super) fn check_function_cycles(ctx: &mut Ctx, functions: &[Function], s: &Sections) {
    let next: Vec<Vec<usize>> = functions
        .iter()
        .map(|f| {
            // The model's one dependency walk: the functions a function names directly.
            let mut out = Vec::new();
            patchtwin_model::walk::direct_functions(&f.depends_on, &mut out);
            let mut out: Vec<usize> = out
                .into_iter()
                .map(|f| f.ix())
                .filter(|j| *j < functions.len())
                .collect();
            out.sort_unstable();
            out.dedup();
            out
        })
        .collect();
    for start in cycle_starts(&next) {
        let path = shortest_cycle(&next, start);
        let names: Vec<&str> = path.iter().map(|&k| functions[k].id.as_str()).collect();
        let file_index = s.functions.get(start).map_or(start, |(fi, _)| *fi);
        // Located at the dependency that takes the first step of the cycle (the line a user
        // must change), not at the list's first entry.
        let list = join_key(&join_index("functions", file_index), "depends_on");
        let step = functions[start].depends_on.iter().position(|d| {
            let mut named = Vec::new();
            patchtwin_model::walk::direct_functions(std::slice::from_ref(d), &mut named);
            named.iter().any(|f| f.ix() == path[1])
        });
        ctx.err_at(
            &step.map_or_else(|| list.clone(), |j| join_index(&list, j)),
            format!(
                "function `{}` depends on itself through a cycle of functions: {}; a function may depend on another only if that one does not depend back on it",
                functions[start].id,
                names.join(" → ")
            ),
        );
    }
}

/// The first node (lowest index) of every cycle group of the graph `next`: its strongly
/// connected components of more than one node, and the nodes with an edge to themselves;
/// ascending.
fn cycle_starts(next: &[Vec<usize>]) -> Vec<usize> {
    use petgraph::graph::DiGraph;
    let mut g = DiGraph::<usize, ()>::new();
    let nodes: Vec<_> = (0..next.len()).map(|i| g.add_node(i)).collect();
    for (i, out) in next.iter().enumerate() {
        for &j in out {
            g.add_edge(nodes[i], nodes[j], ());
        }
    }
    let mut starts: Vec<usize> = petgraph::algo::tarjan_scc(&g)
        .into_iter()
        .filter(|c| c.len() > 1 || next[g[c[0]]].contains(&g[c[0]]))
        .map(|c| {
            c.iter()
                .map(|n| g[*n])
                .min()
                .expect("a component has a node")
        })
        .collect();
    starts.sort_unstable();
    starts
}

/// A shortest cycle from `start` back to it (breadth first, lower indices first), as the
/// nodes visited, `start` at both ends. `start` must lie on a cycle.
fn shortest_cycle(next: &[Vec<usize>], start: usize) -> Vec<usize> {
    let mut from = vec![usize::MAX; next.len()];
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(u) = queue.pop_front() {
        for &v in &next[u] {
            if v == start {
                let mut path = vec![start];
                let mut at = u;
                while at != start {
                    path.push(at);
                    at = from[at];
                }
                // start, u, …, the first step: the steps back in walking order.
                path[1..].reverse();
                path.push(start);
                return path;
            }
            if from[v] == usize::MAX {
                from[v] = u;
                queue.push_back(v);
            }
        }
    }
    vec![start, start]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cycle_is_found_with_a_shortest_path() {
        // 0 ↔ 1, 2 → 2, 3 → 4 → 5 → 3 with a chord 4 → 3, and 6 → 0 (into a cycle, not on one).
        let next = vec![
            vec![1],
            vec![0],
            vec![2],
            vec![4],
            vec![3, 5],
            vec![3],
            vec![0],
        ];
        assert_eq!(cycle_starts(&next), [0, 2, 3]);
        assert_eq!(shortest_cycle(&next, 0), [0, 1, 0]);
        assert_eq!(shortest_cycle(&next, 2), [2, 2]);
        assert_eq!(shortest_cycle(&next, 3), [3, 4, 3]);
        assert_eq!(shortest_cycle(&next, 5), [5, 3, 4, 5]);
        assert!(cycle_starts(&[vec![1], vec![2], vec![]]).is_empty());
    }
}
