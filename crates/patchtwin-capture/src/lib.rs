//! Packet captures of OT polling traffic into evidence for the twin: pcap and pcapng files
//! ([`read_capture`]) into request/response transactions per conversation ([`Capture`]),
//! discovered flows with poll periods, sizes and response times ([`discover_flows`]), endpoint
//! to asset mapping by address ([`map_endpoints`]), scenario `flows:` entries with the evidence
//! as comments ([`flows_yaml`]), and a model-versus-capture check of response times
//! ([`compare()`]).
//!
//! Protocols paired: Modbus/TCP, S7comm, DNP3, EtherNet/IP (CIP explicit), BACnet/IP
//! ([`proto`]). TCP streams are reassembled ([`tcp`]).
//!
//! Not here: reading or editing scenario files, running the model, printing — the CLI does
//! those. No dependency on Wireshark or tshark.
//!
//! Modules, in the order data flows through them: `read` (pcap/pcapng records, link and
//! network layers), `tcp` (stream reassembly), `proto` (request/response pairing per protocol),
//! `track` (conversations and their transactions), `discover` (flows, periods, items),
//! `yaml` (scenario text), `compare` (model versus capture) and `error`.

pub mod compare;
pub mod discover;
pub mod error;
pub mod proto;
pub mod read;
pub mod tcp;
pub mod track;
pub mod yaml;

pub use compare::{CompareOptions, Comparison, QuantileRow, Verdict, compare};
pub use discover::{DiscoveredFlow, EndpointMapping, ItemStats, discover_flows, map_endpoints};
pub use error::CaptureError;
pub use proto::Protocol;
pub use read::{read_capture, read_capture_from};
pub use track::{Capture, Conversation, Transaction, Warning};
pub use yaml::{Fitted, evidence_lines, fitted, flows_yaml};
