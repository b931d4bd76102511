//! Deployments on an asset that is out of service: a host whose deployment comes due (first
//! try, retry, or a crew's turn) while a plan's `take_out` has it out does not start — there
//! is nothing to install on — and waits for the asset to return to service; the rollout goes
//! on with its other hosts meanwhile, and is not complete until the waiting host is done. A
//! take-out that comes while an installation is under way (the same moment included) wins:
//! nothing is installed, and the host waits likewise (or starts over if already back). When
//! the take-out ends, the host's deployment starts at once, with the same draws it would have
//! had (it is the same attempt), judged like a retried host: in the window open then, if any,
//! else against the action's own window (its work ending after that window is overrun). A
//! host whose asset stays out to the horizon is never deployed (its action never completes).
//!
//! Not here: the deployment itself (`plan`), nor what taking out does to the plant (`service`).

use crate::event::Event;
use crate::queue::EventQueue;
use crate::step::Step;
use patchtwin_model::{Action, AssetIdx};

impl Step<'_, '_> {
    /// Whether the deployment of `action` on `asset` due now must wait for the asset to
    /// return to service; if so it is set aside. Otherwise it starts, and is remembered with
    /// the asset's take-outs so far (see [`Self::installation_interrupted`]).
    pub(crate) fn deployment_waits(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        action: u16,
        asset: u32,
    ) -> bool {
        let s = &self.model.scenario;
        if let Some(k) = patchtwin_model::out_of_service::asset_out(
            s,
            AssetIdx(asset),
            &self.ops.controls_active,
        ) {
            let (aid, cid) = (&s.assets[asset as usize].id, &s.controls[k.ix()].id);
            self.note(now, aid, "plan", || {
                format!("the patch for {aid} waits for it to return to service ({cid})")
            });
            self.set_aside(q, now, action, asset);
            self.ops.waiting_hosts.push((action, asset));
            return true;
        }
        let taken = self.ops.take_outs[asset as usize];
        self.ops.installing.push((action, asset, taken));
        false
    }

    /// The installation of `action`'s patch on `asset` ends now: whether a take-out of the
    /// asset came while it was under way. Then nothing was installed: the host waits for the
    /// asset to return (or, already back, starts over at once), the same attempt with the same
    /// draws; the caller does nothing more.
    pub(crate) fn installation_interrupted(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        action: u16,
        asset: u32,
    ) -> bool {
        let Some(i) = self
            .ops
            .installing
            .iter()
            .position(|&(a, x, _)| a == action && x == asset)
        else {
            return false;
        };
        let (_, _, taken) = self.ops.installing.swap_remove(i);
        if self.ops.take_outs[asset as usize] == taken {
            return false;
        }
        let s = &self.model.scenario;
        let aid = &s.assets[asset as usize].id;
        let out = patchtwin_model::out_of_service::asset_out(
            s,
            AssetIdx(asset),
            &self.ops.controls_active,
        )
        .is_some();
        self.note(now, aid, "plan", || {
            format!(
                "{aid} was taken out of service during the installation: nothing installed; {}",
                if out {
                    "it waits for the asset to return"
                } else {
                    "it starts over"
                }
            )
        });
        self.set_aside(q, now, action, asset);
        if out {
            self.ops.waiting_hosts.push((action, asset));
        } else {
            self.retry(q, now, action, asset);
        }
        true
    }

    /// Sets a deployment aside: a crew's technician is freed, the rollout's completion is held
    /// as for a pending retry, and a one-after-another rollout moves on to its next host.
    fn set_aside(&mut self, q: &mut EventQueue<Event>, now: u64, action: u16, asset: u32) {
        let Action::ApplyPatch { work, .. } =
            &self.model.scenario.plans[self.plan].actions[action as usize]
        else {
            return;
        };
        let run = &mut self.ops.actions[action as usize];
        run.retries_pending += 1;
        match work.crew {
            Some(c) => {
                run.inflight -= 1;
                self.ops.crews[c].busy -= 1;
                self.ops.in_work[asset as usize] = false;
            }
            None => self.deploy_next(q, now, action),
        }
    }

    /// A take-out has ended: the deployments waiting for assets now back in service start
    /// (as retries do: a crew's technician takes the host, or the rollout resumes with it).
    pub(crate) fn resume_waiting_hosts(&mut self, q: &mut EventQueue<Event>, now: u64) {
        let mut i = 0;
        while i < self.ops.waiting_hosts.len() {
            let (action, asset) = self.ops.waiting_hosts[i];
            let out = patchtwin_model::out_of_service::asset_out(
                &self.model.scenario,
                AssetIdx(asset),
                &self.ops.controls_active,
            );
            if out.is_some() {
                i += 1;
                continue;
            }
            self.ops.waiting_hosts.remove(i);
            self.retry(q, now, action, asset);
        }
    }
}
