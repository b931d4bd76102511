//! The one walk through dependencies: what a list of [`Dependency`] rests on, through
//! k-of-n groups and the functions it names. The simulation's attacker index, its function
//! ordering and SSVC's consequence and exposure rules all read the plant's dependency graph
//! through these functions, so they cannot disagree on what "depends on" means. Validation
//! (which must first check that the indices are in range and the functions acyclic) can use
//! [`direct_functions`] once it has.
//!
//! Pure functions of a validated [`Scenario`]: no I/O, no allocation beyond the results.

use crate::{AssetIdx, Dependency, DependencyTarget, FlowIdx, FunctionIdx, Scenario};

/// An asset or a flow a dependency list rests on, after k-of-n groups and functions are
/// expanded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DependencyLeaf {
    /// The asset must be up.
    Asset(AssetIdx),
    /// The flow must deliver.
    Flow(FlowIdx),
}

/// The functions `deps` names directly (also inside k-of-n groups, not through other
/// functions), in the order they appear, repeats kept.
pub fn direct_functions(deps: &[Dependency], out: &mut Vec<FunctionIdx>) {
    for d in deps {
        match &d.target {
            DependencyTarget::Function(f) => out.push(*f),
            DependencyTarget::KOfN { of, .. } => direct_functions(of, out),
            DependencyTarget::Asset(_) | DependencyTarget::Flow(_) => {}
        }
    }
}

impl Scenario {
    /// Calls `leaf` for every asset and flow `deps` rests on: directly, inside k-of-n groups,
    /// or through the functions it names (each function expanded once; a leaf reached twice is
    /// reported twice).
    pub fn for_each_dependency_leaf(
        &self,
        deps: &[Dependency],
        leaf: &mut impl FnMut(DependencyLeaf),
    ) {
        let mut seen = vec![false; self.functions.len()];
        self.walk_leaves(deps, &mut seen, leaf);
    }

    fn walk_leaves(
        &self,
        deps: &[Dependency],
        seen: &mut [bool],
        leaf: &mut impl FnMut(DependencyLeaf),
    ) {
        for d in deps {
            match &d.target {
                DependencyTarget::Asset(a) => leaf(DependencyLeaf::Asset(*a)),
                DependencyTarget::Flow(f) => leaf(DependencyLeaf::Flow(*f)),
                DependencyTarget::Function(f) => {
                    if !std::mem::replace(&mut seen[f.ix()], true) {
                        self.walk_leaves(&self.functions[f.ix()].depends_on, seen, leaf);
                    }
                }
                DependencyTarget::KOfN { of, .. } => self.walk_leaves(of, seen, leaf),
            }
        }
    }

    /// The controllers `deps` rests on — controllers it names, and the producers of the flows
    /// it needs when they are controllers — sorted, each once. What an attacker holding one
    /// of them can stop (the unit's process, or a target unit).
    pub fn controllers_behind(&self, deps: &[Dependency]) -> Vec<AssetIdx> {
        let mut out = Vec::new();
        self.for_each_dependency_leaf(deps, &mut |leaf| {
            let a = match leaf {
                DependencyLeaf::Asset(a) => a,
                DependencyLeaf::Flow(f) => self.flows[f.ix()].producer,
            };
            if self.assets[a.ix()].kind.is_controller() {
                out.push(a);
            }
        });
        out.sort_unstable_by_key(|a| a.0);
        out.dedup();
        out
    }

    /// Every asset `deps` rests on — assets it names and both ends of the flows it needs —
    /// sorted, each once.
    pub fn assets_behind(&self, deps: &[Dependency]) -> Vec<AssetIdx> {
        let mut out = Vec::new();
        self.for_each_dependency_leaf(deps, &mut |leaf| match leaf {
            DependencyLeaf::Asset(a) => out.push(a),
            DependencyLeaf::Flow(f) => {
                out.push(self.flows[f.ix()].consumer);
                out.push(self.flows[f.ix()].producer);
            }
        });
        out.sort_unstable_by_key(|a| a.0);
        out.dedup();
        out
    }
}
