//! Plans as written: maintenance windows, actions with staging and retries, crews and
//! the rules rollouts respect. Scheduling happens in the simulation, not here.

use crate::units::DurationText;
use schemars::JsonSchema;
use serde::Deserialize;

/// A maintenance window: recurring (`first` + `every`) or explicit (`at`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowRaw {
    /// Unique id.
    pub id: String,
    /// First occurrence, as an offset from the scenario start (e.g. `45d`).
    #[serde(default)]
    pub first: Option<DurationText>,
    /// Repeat interval (e.g. `90d`).
    #[serde(default)]
    pub every: Option<DurationText>,
    /// Explicit occurrences, as offsets from the scenario start.
    #[serde(default)]
    pub at: Option<Vec<DurationText>>,
    /// Length of each occurrence, e.g. `12h`.
    pub duration: DurationText,
    /// Zones it covers (default: the whole plant).
    #[serde(default)]
    pub zones: Option<Vec<String>>,
}

/// A staged rollout.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StagingRaw {
    /// Assets patched first.
    pub first: Vec<String>,
    /// How long to watch them before going on.
    pub soak: DurationText,
    /// Roll out the rest at the next window after the soak instead of right after it.
    #[serde(default)]
    pub rest_at_next_window: bool,
}

/// One plan action: exactly one of `patch`, `control` or `take_out`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRaw {
    /// Apply this patch.
    #[serde(default)]
    pub patch: Option<String>,
    /// Enable this control.
    #[serde(default)]
    pub control: Option<String>,
    /// Take an asset, a conduit or an attacker entry point (a remote-access path) out of
    /// service, by its id: an asset is down (its flows cut, the functions and units that
    /// depend on it lose it) and cannot be attacked, and the entry points landing on it are
    /// shut; a conduit carries nothing (plant flows and the attacker alike); an entry point
    /// lets no attack attempt through. E.g. `{take_out: rag-1, at: now, for: 30d}`.
    #[serde(default)]
    pub take_out: Option<String>,
    /// Control and `take_out` actions: how long it lasts once in effect, e.g. `30d` (default:
    /// to the end of the horizon). `{control: disable-gateway, at: now, for: 30d}` enables a
    /// control for 30 days.
    #[serde(default, rename = "for")]
    pub for_: Option<DurationText>,
    /// Patch only: where (default: every asset the patch applies to).
    #[serde(default)]
    pub assets: Option<Vec<String>>,
    /// When: `now`, an offset such as `3d`, `next_window`, or `next_window:<window id>`.
    pub at: String,
    /// Patch only: staged rollout.
    #[serde(default)]
    pub staged: Option<StagingRaw>,
    /// Patch only: the plan's crew that does the work (default: one host after another, at
    /// any hour). E.g. `technicians`.
    #[serde(default)]
    pub crew: Option<String>,
    /// Patch only: try hosts whose deployment rolled back again, e.g.
    /// `{after: next_window, max: 2}` or `{after: 2d, max: 1}`.
    #[serde(default)]
    pub retry: Option<RetryRaw>,
}

/// Retry of rolled-back hosts.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetryRaw {
    /// When, from the end of the rollback: `next_window` (the next maintenance window of any)
    /// or a delay such as `2d`.
    pub after: String,
    /// Further attempts per host at most (default 1).
    #[serde(default)]
    pub max: Option<u32>,
}

/// A crew of a plan: technicians who each deploy one host at a time, during a daily shift.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CrewRaw {
    /// Unique id within the plan, e.g. `technicians`.
    pub id: String,
    /// Hosts worked on at once, e.g. `2`.
    pub technicians: u32,
    /// Start of the daily shift from midnight (the horizon starts at midnight), e.g. `7h`
    /// (default 0).
    #[serde(default)]
    pub shift_start: Option<DurationText>,
    /// Length of the daily shift, e.g. `8h` (default 24h: always on duty).
    #[serde(default)]
    pub shift_length: Option<DurationText>,
}

/// A rule the plan's crews respect: at most `at_most` of `assets` worked on at once.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MaxDownRaw {
    /// The group, e.g. the HMIs of one line: `[hmi-1, hmi-2, hmi-3]`.
    pub assets: Vec<String>,
    /// How many of them may be down together, e.g. `1`.
    pub at_most: u32,
}

/// A candidate plan.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRaw {
    /// Unique id.
    pub id: String,
    /// Plain-words description for the report.
    #[serde(default)]
    pub description: Option<String>,
    /// Ordered actions (empty: do nothing, the usual baseline).
    #[serde(default)]
    pub actions: Vec<ActionRaw>,
    /// Crews its patch actions may name with `crew:`.
    #[serde(default)]
    pub crews: Vec<CrewRaw>,
    /// Rules its crews respect, e.g. `[{assets: [hmi-1, hmi-2], at_most: 1}]`.
    #[serde(default)]
    pub max_down: Vec<MaxDownRaw>,
}
