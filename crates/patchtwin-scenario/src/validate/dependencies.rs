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

pub(super) fn check_function_cycles(ctx: &mut Ctx, functions: &[Function], s: &Sections) {
    use petgraph::graph::DiGraph;
    let mut g = DiGraph::<usize, ()>::new();
    let nodes: Vec<_> = (0..functions.len()).map(|i| g.add_node(i)).collect();
    for (i, f) in functions.iter().enumerate() {
        // The model's one dependency walk: the functions a function names directly.
        let mut out = Vec::new();
        patchtwin_model::walk::direct_functions(&f.depends_on, &mut out);
        for j in out.into_iter().map(|f| f.ix()) {
            if j < nodes.len() {
                g.add_edge(nodes[i], nodes[j], ());
            }
        }
    }
    if let Err(cycle) = petgraph::algo::toposort(&g, None) {
        let i = g[cycle.node_id()];
        let file_index = s.functions.get(i).map_or(i, |(fi, _)| *fi);
        ctx.err_at(
            &join_key(&join_index("functions", file_index), "depends_on"),
            format!(
                "function `{}` depends on itself through a cycle of functions",
                functions[i].id
            ),
        );
    }
}
