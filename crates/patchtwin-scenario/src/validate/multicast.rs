//! Multicast publications: a publish flow whose `consumer` is a list of subscribers. Checks
//! the list (a publish flow, at least one subscriber, none twice, none the publisher) and
//! names each subscriber's copy `<id>/<subscriber>`; building the copies is `flows`'s, and how
//! one message reaches them all is the simulation's (`patchtwin_model::Flow::multicast`).

use crate::check::*;
use crate::raw::*;
use crate::source::{join_index, join_key};

/// The most subscribers one publication may name.
pub(super) const MAX_SUBSCRIBERS: usize = 256;

/// The copy of the publication `f` at `path` for each subscriber written in its `consumer`
/// list: (the copy's flow id, the subscriber, where it is written), in the order written,
/// without the ones reported (a repeated subscriber, the publisher itself); and whether the
/// list is usable (nothing reported).
pub(super) fn copies(
    ctx: &mut Ctx,
    f: &FlowRaw,
    path: &str,
    subscribers: &[String],
) -> (Vec<(String, String, String)>, bool) {
    let list = join_key(path, "consumer");
    let mut ok = true;
    if matches!(f.kind, FlowKindRaw::Poll) {
        ctx.err_at(
            &list,
            format!(
                "a poll flow has one consumer (the poller), got a list of {}; only a publish \
                 flow can name several subscribers",
                subscribers.len()
            ),
        );
        ok = false;
    }
    if subscribers.is_empty() {
        ctx.err_at(
            &list,
            "a publication needs at least one subscriber, e.g. `[ied-2, ied-3]`".into(),
        );
        ok = false;
    } else if subscribers.len() > MAX_SUBSCRIBERS {
        ctx.err_at(
            &list,
            format!(
                "at most {MAX_SUBSCRIBERS} subscribers per publication, got {}",
                subscribers.len()
            ),
        );
        ok = false;
    }
    let mut out: Vec<(String, String, String)> = Vec::new();
    for (j, sub) in subscribers.iter().enumerate() {
        let at = join_index(&list, j);
        if *sub == f.producer {
            ctx.err_at(
                &at,
                format!("`{sub}` is the publisher of this flow: it cannot also subscribe to it"),
            );
            ok = false;
            continue;
        }
        if out.iter().any(|(_, s, _)| s == sub) {
            ctx.err_at(
                &at,
                format!("subscriber `{sub}` is listed twice: each subscriber gets one copy"),
            );
            ok = false;
            continue;
        }
        out.push((copy_id(&f.id, sub), sub.clone(), at));
    }
    (out, ok)
}

/// The flow id of `subscriber`'s copy of the publication `id`.
pub(super) fn copy_id(id: &str, subscriber: &str) -> String {
    format!("{id}/{subscriber}")
}

/// A reference to the publication's own id names no single flow: it is answered with the
/// copies' ids.
pub(super) fn name_the_copies(ids: &mut Ids, f: &FlowRaw, copies: &[(String, String, String)]) {
    let names: Vec<String> = copies.iter().map(|(c, _, _)| format!("`{c}`")).collect();
    ids.instead.insert(
        f.id.clone(),
        format!(
            "`{}` is a multicast publication: name one subscriber's copy, one of {}",
            f.id,
            names.join(", ")
        ),
    );
}
