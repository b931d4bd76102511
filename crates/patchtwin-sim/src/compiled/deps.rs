//! The dependencies of functions and process units compiled once per scenario for
//! incremental evaluation, and who depends directly on each asset, flow and function.
//! Read-only during runs.

use patchtwin_model::{Dependency, DependencyTarget, Scenario};

/// What one compiled dependency asks for.
#[derive(Clone, Copy, Debug)]
pub(crate) enum DepKind {
    Asset,
    Flow,
    Function,
    /// At least `k` of the alternatives hold.
    KOfN {
        k: u32,
    },
}

/// One dependency compiled for evaluation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FlatDep {
    pub(crate) kind: DepKind,
    /// Asset, flow or function index; for k-of-n, the first alternative's position in
    /// [`DependentIndex::deps`].
    pub(crate) index: u32,
    /// Number of alternatives (k-of-n only).
    pub(crate) len: u32,
    /// Tolerance (ns), plus those of every enclosing k-of-n (unused for k-of-n itself).
    pub(crate) tol_ns: u64,
}

/// Owners (by position: functions `0..F`, then process units `F..`) per target, in
/// compressed rows.
#[derive(Debug, Default)]
pub(crate) struct Rows {
    start: Vec<u32>,
    owners: Vec<u32>,
}

impl Rows {
    /// Rows for targets `0..n` from (target, owner) pairs.
    fn build(n: usize, mut pairs: Vec<(u32, u32)>) -> Self {
        pairs.sort_unstable();
        pairs.dedup();
        let mut start = vec![0u32; n + 1];
        for &(t, _) in &pairs {
            start[t as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        Rows {
            start,
            owners: pairs.into_iter().map(|(_, o)| o).collect(),
        }
    }

    pub(crate) fn get(&self, target: u32) -> &[u32] {
        let t = target as usize;
        &self.owners[self.start[t] as usize..self.start[t + 1] as usize]
    }
}

/// The dependencies of functions and process units compiled once per scenario for
/// incremental evaluation: flat lists (kind, index, tolerance in ns), and who depends
/// directly on each asset, flow and function (also inside k-of-n).
///
/// Functions and units are "owners" `0..F` (functions, by scenario index) and `F..F+U`
/// (process units).
#[derive(Debug, Default)]
pub struct DependentIndex {
    /// Every compiled dependency: each owner's list, and the alternatives of each k-of-n.
    pub(crate) deps: Vec<FlatDep>,
    /// Per owner, its dependency list in `deps` (start, len), in `depends_on` order.
    pub(crate) lists: Vec<(u32, u32)>,
    /// Owners depending on each asset.
    pub(crate) by_asset: Rows,
    /// Owners depending on each flow.
    pub(crate) by_flow: Rows,
    /// Owners depending on each function.
    pub(crate) by_function: Rows,
}

impl DependentIndex {
    /// Compiles the dependencies of a validated scenario.
    pub fn new(s: &Scenario) -> Self {
        let mut ix = DependentIndex::default();
        let (mut assets, mut flows, mut functions) = (Vec::new(), Vec::new(), Vec::new());
        let owners = s
            .functions
            .iter()
            .map(|f| &f.depends_on)
            .chain(s.process_units.iter().map(|u| &u.depends_on));
        for (o, deps) in owners.enumerate() {
            let o = o as u32;
            let list = ix.push_list(deps, 0, &mut |t: &DependencyTarget| match t {
                DependencyTarget::Asset(a) => assets.push((a.0, o)),
                DependencyTarget::Flow(f) => flows.push((f.0, o)),
                DependencyTarget::Function(f) => functions.push((f.0, o)),
                DependencyTarget::KOfN { .. } => {}
            });
            ix.lists.push(list);
        }
        ix.by_asset = Rows::build(s.assets.len(), assets);
        ix.by_flow = Rows::build(s.flows.len(), flows);
        ix.by_function = Rows::build(s.functions.len(), functions);
        ix
    }

    /// Appends `deps` (with `extra` tolerance from enclosing k-of-n) contiguously, then the
    /// alternatives of each k-of-n among them; returns (start, len) of `deps`.
    fn push_list(
        &mut self,
        deps: &[Dependency],
        extra: u64,
        seen: &mut impl FnMut(&DependencyTarget),
    ) -> (u32, u32) {
        let start = self.deps.len();
        for d in deps {
            seen(&d.target);
            let (kind, index) = match &d.target {
                DependencyTarget::Asset(a) => (DepKind::Asset, a.0),
                DependencyTarget::Flow(f) => (DepKind::Flow, f.0),
                DependencyTarget::Function(f) => (DepKind::Function, f.0),
                DependencyTarget::KOfN { k, .. } => (DepKind::KOfN { k: *k }, 0),
            };
            self.deps.push(FlatDep {
                kind,
                index,
                len: 0,
                // The same sum, in the same order, as the tolerance the scenario states.
                tol_ns: d.tolerate.as_nanos() + extra,
            });
        }
        for (i, d) in deps.iter().enumerate() {
            if let DependencyTarget::KOfN { of, .. } = &d.target {
                let tol = self.deps[start + i].tol_ns;
                let (cs, cl) = self.push_list(of, tol, seen);
                self.deps[start + i].index = cs;
                self.deps[start + i].len = cl;
            }
        }
        (start as u32, deps.len() as u32)
    }

    /// Owner `o`'s dependency list.
    pub(crate) fn list(&self, o: usize) -> &[FlatDep] {
        let (s, l) = self.lists[o];
        &self.deps[s as usize..(s + l) as usize]
    }
}
