//! Conduits and plant flows: one rule for what a conduit carries. A flow the plant runs
//! through a conduit whose protocol list leaves its protocol out shows that the conduit
//! passes that protocol in reality; the conduit is taken to carry it — for the plant's flows
//! and for the attacker alike (`patchtwin_model::reach`) — and a warning names the flow and
//! the conduit so the list can be completed. Blocking it is rehearsed with a segmentation
//! control, which then cuts the flow and the attacker's use of that protocol together. Not the
//! routing itself (`routing`) and not the attacker's direction rule.

use crate::check::*;
use crate::source::join_key;
use patchtwin_model::reach::{conduits_crossed, protocol_list_admits};
use patchtwin_model::*;

/// Warns about every (flow, conduit) pair where the conduit's own protocol list does not name
/// the flow's protocol, and adds the protocol to the conduit. Runs on the routes `routing`
/// found.
pub(super) fn widen_conduits_for_flows(
    ctx: &mut Ctx,
    conduits: &mut [Conduit],
    assets: &[Asset],
    flows: &[Flow],
    routes: &[Route],
    flow_paths: &[String],
) {
    for ((f, route), path) in flows.iter().zip(routes).zip(flow_paths) {
        for ci in conduits_crossed(conduits, |a| assets[a.ix()].zone, &route.hops) {
            let c = &mut conduits[ci.ix()];
            if protocol_list_admits(&c.protocols, Some(&f.protocol)) {
                continue;
            }
            ctx.warn(
                &join_key(path, "protocol"),
                format!(
                    "flow {} uses {} through conduit {}, whose protocols [{}] leave it out: \
                     the conduit is taken to carry {} (for the attacker too); add it to the \
                     list, or rehearse blocking it with a segmentation control",
                    f.id,
                    f.protocol,
                    c.id,
                    c.protocols.join(", "),
                    f.protocol
                ),
            );
            c.protocols.push(f.protocol.clone());
        }
    }
}
