//! Traffic as written: flows, their arrivals, sizes, storms and what happens on loss.
//! Routing and deadlines are checked in `validate`, not here.

use crate::units::{DurationText, SizeText};
use schemars::JsonSchema;
use serde::Deserialize;

/// The shape of a flow's traffic.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FlowKindRaw {
    /// Request/response: the consumer polls the producer.
    Poll,
    /// The producer publishes; the consumer watches the data's age.
    Publish,
}

/// What happens when a flow keeps failing.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OnLossRaw {
    /// Consecutive failed polls (after retries) before the consumer marks the producer failed
    /// (default 3).
    #[serde(default)]
    pub after_timeouts: Option<u32>,
    /// Data older than this marks the producer failed (stale).
    #[serde(default)]
    pub watchdog: Option<DurationText>,
}

/// Periodic traffic that operations depend on.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowRaw {
    /// Unique id.
    pub id: String,
    /// `poll` (request/response) or `publish` (produced/consumed, GOOSE-like).
    pub kind: FlowKindRaw,
    /// Protocol, e.g. `modbus_tcp`, `opc_ua`, `goose`, `mqtt`, `s7comm`.
    pub protocol: String,
    /// The asset that uses the data: the poller, or the subscriber. A publish flow may name
    /// several subscribers, e.g. `[ied-2, ied-3, ied-4]` (multicast GOOSE, sampled values): one
    /// message leaves the publisher and is copied where the routes part; each subscriber's
    /// copy is a flow of its own, `<id>/<subscriber>` (e.g. `gse-trip/ied-3`), with its own
    /// latency, deadline and loss detection.
    pub consumer: ConsumerRaw,
    /// The asset that produces the data: the polled server, or the publisher.
    pub producer: String,
    /// Period, e.g. `100ms`.
    pub period: DurationText,
    /// Offset within the period (default 0).
    #[serde(default)]
    pub phase: Option<DurationText>,
    /// Request size (poll only; default 64B).
    #[serde(default)]
    pub request_size: Option<SizeText>,
    /// Response or publication size (default 256B).
    #[serde(default)]
    pub response_size: Option<SizeText>,
    /// Time the poller waits for an answer (poll only; default the period).
    #[serde(default)]
    pub timeout: Option<DurationText>,
    /// Retries after a timeout (poll only; default 0).
    #[serde(default)]
    pub retries: Option<u32>,
    /// Latency target for deadline-miss rates (default the timeout, or the period). A poll's
    /// latency runs from the request to the answer taken in; a publication's is its transfer
    /// time (IEC 61850-5): from the end of the publisher's scan, when the message is ready,
    /// to the subscriber having taken it in — so a GOOSE trip's `deadline: 3ms` is TT6.
    #[serde(default)]
    pub deadline: Option<DurationText>,
    /// Consequence on loss.
    #[serde(default)]
    pub on_loss: Option<OnLossRaw>,
    /// `periodic` (default) or `poisson`: exponential gaps with the period as their mean
    /// (event-driven traffic, alarms, operator requests).
    #[serde(default)]
    pub arrivals: Option<ArrivalsRaw>,
    /// `fixed` (default) or `exponential`: message sizes exponential with the given sizes as
    /// means (variable-length reads, file transfers).
    #[serde(default)]
    pub sizes: Option<SizesRaw>,
    /// A scheduled storm (burst) in every observation window, e.g. a fault storm
    /// `{start: 5s, duration: 2s, period: 1ms}` (1,000 messages/s for 2 s, 5 s into each
    /// window); with `every: 10s` it repeats (on/off traffic).
    #[serde(default)]
    pub storm: Option<StormRaw>,
    /// Deadline target: the probability that a message (a poll's round trip, a publication)
    /// is later than `deadline` must be at most this, e.g. `1e-4`. Reported per plan before and
    /// after with an exact (Clopper–Pearson) interval; the recommendation requires it.
    #[serde(default)]
    pub deadline_p_max: Option<f64>,
}

/// A flow's scheduled storm: `{start: 5s, duration: 2s, period: 1ms, every: 10s}`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StormRaw {
    /// Offset of the (first) storm from the start of each observation window, e.g. `5s`.
    pub start: DurationText,
    /// How long a storm lasts, e.g. `2s`.
    pub duration: DurationText,
    /// Gap between messages during the storm, e.g. `1ms` (1,000 messages/s); at least 10us.
    pub period: DurationText,
    /// Repeat the storm with this period, start to start (on/off traffic), e.g. `10s`; at
    /// least `duration`.
    #[serde(default)]
    pub every: Option<DurationText>,
}

/// How a flow's messages are spaced.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ArrivalsRaw {
    /// One message per period.
    Periodic,
    /// Poisson arrivals with mean gap `period`. A poll master waits for its answer (or
    /// timeout) before polling again, so on a poll flow an arrival while the previous request
    /// is outstanding is skipped: the rate sent is λ / (1 + λ·B) for a busy time B (500/s with
    /// B ≈ 1 ms sends about 330/s; `flows.csv` shows what was sent). Publications are never
    /// skipped.
    Poisson,
}

/// How a flow's message sizes vary.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SizesRaw {
    /// Always the given sizes.
    Fixed,
    /// Exponential with the given sizes as means.
    Exponential,
}

/// A flow's consumer: one asset id, or for a publish flow a list of subscribers
/// (`consumer: ied-2` or `consumer: [ied-2, ied-3]`).
#[derive(Debug, JsonSchema)]
#[serde(untagged)]
pub enum ConsumerRaw {
    /// One consumer.
    One(String),
    /// The subscribers of a multicast publication.
    Many(Vec<String>),
}

impl ConsumerRaw {
    /// The consumers as written, in order.
    pub fn ids(&self) -> Vec<&str> {
        match self {
            ConsumerRaw::One(id) => vec![id.as_str()],
            ConsumerRaw::Many(ids) => ids.iter().map(String::as_str).collect(),
        }
    }
}

impl<'de> Deserialize<'de> for ConsumerRaw {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = ConsumerRaw;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an asset id, or a list of asset ids (the subscribers)")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ConsumerRaw, E> {
                Ok(ConsumerRaw::One(v.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<ConsumerRaw, A::Error> {
                let mut ids = Vec::new();
                while let Some(id) = seq.next_element::<String>()? {
                    ids.push(id);
                }
                Ok(ConsumerRaw::Many(ids))
            }
        }
        d.deserialize_any(V)
    }
}
