//! Conversations and transactions: routes each packet to its conversation (one TCP
//! connection, or one UDP address pair), runs reassembly and the protocol framer per
//! direction, works out which side is the client, and pairs responses with requests.
//!
//! Which side is the client: the sender of a SYN without ACK if the capture holds one; else
//! the side not on the protocol's well-known port; else (the same port on both ends) the PDUs
//! themselves for protocols that say so (S7comm, DNP3, BACnet), or the first side that spoke.
//!
//! Memory: per conversation, the reassembly and framing buffers (bounded) and its
//! transactions (32 bytes each); outstanding requests per conversation are capped at
//! [`MAX_OUTSTANDING`] (the oldest is then counted unanswered).

use crate::proto::{self, Pdu, Protocol, Role, StreamFramer};
use crate::tcp::{Chunk, Reassembler, Segment};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};

/// Requests awaiting an answer, per conversation.
pub const MAX_OUTSTANDING: usize = 4096;
/// Conversations tracked; later ones are ignored with a warning.
pub const MAX_CONVERSATIONS: usize = 1 << 16;
/// Warnings kept verbatim; later ones are only counted.
pub const MAX_WARNINGS: usize = 200;

/// Transport-layer part of a decoded packet.
pub enum L4<'a> {
    /// A TCP segment.
    Tcp {
        /// Source port.
        src_port: u16,
        /// Destination port.
        dst_port: u16,
        /// Sequence number.
        seq: u32,
        /// SYN flag.
        syn: bool,
        /// FIN or RST flag.
        fin: bool,
        /// Payload bytes the capture holds.
        payload: &'a [u8],
        /// Payload bytes sent but not captured.
        missing: usize,
    },
    /// A UDP datagram.
    Udp {
        /// Source port.
        src_port: u16,
        /// Destination port.
        dst_port: u16,
        /// Payload bytes the capture holds.
        payload: &'a [u8],
        /// Whether the whole datagram was captured.
        complete: bool,
    },
}

/// One decoded IP packet.
pub struct Packet<'a> {
    /// 1-based record number in the file.
    pub record: u64,
    /// Capture time, nanoseconds since the Unix epoch.
    pub ts_ns: i64,
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// TCP or UDP part.
    pub l4: L4<'a>,
}

/// One request and, if it came, its response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Transaction {
    /// When the request was complete, nanoseconds since the Unix epoch.
    pub request_ns: i64,
    /// Time from the request to the response, nanoseconds; `None` if never answered.
    pub response_time_ns: Option<u64>,
    /// Request size in bytes (application PDU as carried by TCP/UDP).
    pub request_size: u32,
    /// Response size in bytes (0 if unanswered).
    pub response_size: u32,
    /// Index of the request's item in [`Conversation::items`].
    pub item: u32,
}

/// One TCP connection or UDP address pair carrying one protocol.
#[derive(Clone, Debug, Serialize)]
pub struct Conversation {
    /// The protocol.
    pub protocol: Protocol,
    /// TCP (true) or UDP.
    pub tcp: bool,
    /// The side that sends requests.
    pub client: SocketAddr,
    /// The side that answers.
    pub server: SocketAddr,
    /// Items requested, in order of first appearance.
    pub items: Vec<String>,
    /// Every request, in order of completion.
    pub transactions: Vec<Transaction>,
    /// Responses whose request the capture does not hold.
    pub orphan_responses: u64,
    /// Retransmitted or duplicated TCP segments dropped.
    pub duplicate_segments: u64,
    /// Stretches of stream bytes the capture does not hold.
    pub gaps: u64,
    /// Bytes skipped while resynchronising on a PDU boundary.
    pub skipped_bytes: u64,
}

impl Conversation {
    /// Requests never answered.
    pub fn unanswered(&self) -> usize {
        self.transactions
            .iter()
            .filter(|t| t.response_time_ns.is_none())
            .count()
    }
}

/// A problem inside a readable capture.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// 1-based packet (record) number, 0 for the whole capture.
    pub packet: u64,
    /// What happened.
    pub message: String,
}

/// Everything read from one capture.
#[derive(Clone, Debug, Serialize)]
pub struct Capture {
    /// The file it was read from.
    pub source: String,
    /// Records read.
    pub packets: u64,
    /// Conversations carrying a paired protocol, in order of first packet.
    pub conversations: Vec<Conversation>,
    /// Problems found, the first [`MAX_WARNINGS`].
    pub warnings: Vec<Warning>,
    /// Warnings beyond those kept.
    pub warnings_dropped: u64,
}

impl Capture {
    /// Requests never answered, over all conversations.
    pub fn unanswered(&self) -> usize {
        self.conversations
            .iter()
            .map(Conversation::unanswered)
            .sum()
    }
    /// Transactions over all conversations.
    pub fn transactions(&self) -> usize {
        self.conversations
            .iter()
            .map(|c| c.transactions.len())
            .sum()
    }
}

/// A request waiting for its response.
struct Outstanding {
    index: usize,
}

/// Live state of one conversation. Side 0 is the lower (address, port).
struct Live {
    conv: Conversation,
    ends: [SocketAddr; 2],
    client: Option<usize>,
    streams: [Reassembler; 2],
    framers: [StreamFramer; 2],
    outstanding: BTreeMap<u64, VecDeque<Outstanding>>,
    outstanding_count: usize,
    item_index: HashMap<String, u32>,
}

/// Builds a [`Capture`] packet by packet.
pub struct Tracker {
    capture: Capture,
    live: Vec<Live>,
    index: HashMap<(bool, SocketAddr, SocketAddr), usize>,
    skipped_linktypes: BTreeMap<i32, u64>,
    pdus: Vec<Pdu>,
}

impl Tracker {
    /// An empty tracker for the named capture.
    pub fn new(source: String) -> Tracker {
        Tracker {
            capture: Capture {
                source,
                packets: 0,
                conversations: Vec::new(),
                warnings: Vec::new(),
                warnings_dropped: 0,
            },
            live: Vec::new(),
            index: HashMap::new(),
            skipped_linktypes: BTreeMap::new(),
            pdus: Vec::new(),
        }
    }

    /// Counts a record.
    pub fn count_packet(&mut self) {
        self.capture.packets += 1;
    }

    /// Records a warning about one packet.
    pub fn warn(&mut self, packet: u64, message: &str) {
        if self.capture.warnings.len() < MAX_WARNINGS {
            self.capture.warnings.push(Warning {
                packet,
                message: message.to_string(),
            });
        } else {
            self.capture.warnings_dropped += 1;
        }
    }

    /// Notes a frame of a link type the reader does not decode.
    pub fn skip_linktype(&mut self, linktype: i32) {
        *self.skipped_linktypes.entry(linktype).or_default() += 1;
    }

    /// Takes one decoded packet.
    pub fn packet(&mut self, p: Packet<'_>) {
        let (tcp, src_port, dst_port) = match p.l4 {
            L4::Tcp {
                src_port, dst_port, ..
            } => (true, src_port, dst_port),
            L4::Udp {
                src_port, dst_port, ..
            } => (false, src_port, dst_port),
        };
        let src = SocketAddr::new(p.src, src_port);
        let dst = SocketAddr::new(p.dst, dst_port);
        let (lo, hi) = if src <= dst { (src, dst) } else { (dst, src) };
        let side = usize::from(src != lo);
        let id = match self.index.get(&(tcp, lo, hi)) {
            Some(&id) => id,
            None => {
                let protocol = Protocol::from_port(dst_port, tcp)
                    .or_else(|| Protocol::from_port(src_port, tcp));
                let Some(protocol) = protocol else { return };
                if self.live.len() >= MAX_CONVERSATIONS {
                    self.warn(p.record, "too many conversations; this one is ignored");
                    return;
                }
                self.live.push(Live::new(protocol, tcp, [lo, hi]));
                self.index.insert((tcp, lo, hi), self.live.len() - 1);
                self.live.len() - 1
            }
        };
        let live = &mut self.live[id];
        let mut pdus = std::mem::take(&mut self.pdus);
        match p.l4 {
            L4::Tcp {
                seq,
                syn,
                payload,
                missing,
                ..
            } => {
                if syn && live.client.is_none() && payload.is_empty() {
                    // SYN alone opens; SYN+ACK answers. Either way the roles are known now.
                    live.client = Some(side);
                }
                live.tcp_segment(
                    side,
                    Segment {
                        seq,
                        syn,
                        payload,
                        missing,
                        ts_ns: p.ts_ns,
                    },
                    &mut pdus,
                );
            }
            L4::Udp { payload, .. } => {
                live.settle_client_by_port(side);
                let to_server = live.client.map(|c| c == side);
                if let Some(pdu) =
                    proto::datagram(live.conv.protocol, payload, to_server.unwrap_or(true))
                {
                    pdus.push(pdu);
                }
            }
        }
        let mut warning = None;
        for pdu in pdus.drain(..) {
            warning = live.pair(side, pdu, p.ts_ns).or(warning);
        }
        self.pdus = pdus;
        if let Some(w) = warning {
            self.warn(p.record, w);
        }
    }

    /// Ends the capture: held segments are given up, outstanding requests stay unanswered.
    pub fn finish(mut self) -> Capture {
        let mut pdus = Vec::new();
        for live in &mut self.live {
            for side in 0..2 {
                let protocol = live.conv.protocol;
                let to_server = live.client.map_or(side == 1, |c| c == side);
                let framer = &mut live.framers[side];
                live.streams[side].finish(&mut |chunk| match chunk {
                    Chunk::Data(d, _) => framer.data(protocol, d, to_server, &mut pdus),
                    Chunk::Gap(n) => framer.gap(protocol, n, to_server, &mut pdus),
                });
                // Completions after the last packet have no time to pair with; dropped.
                pdus.clear();
            }
            live.conv.duplicate_segments = live.streams.iter().map(|s| s.duplicates).sum();
            live.conv.gaps = live.streams.iter().map(|s| s.gaps).sum();
            live.conv.skipped_bytes = live.framers.iter().map(|f| f.skipped).sum();
            let client = live.client.unwrap_or(0);
            live.conv.client = live.ends[client];
            live.conv.server = live.ends[1 - client];
        }
        for (linktype, n) in std::mem::take(&mut self.skipped_linktypes) {
            self.warn(
                0,
                &format!("{n} frames of link type {linktype} not decoded"),
            );
        }
        self.capture.conversations = self
            .live
            .into_iter()
            .map(|l| l.conv)
            .filter(|c| !c.transactions.is_empty() || c.orphan_responses > 0)
            .collect();
        self.capture
    }
}

impl Live {
    fn new(protocol: Protocol, tcp: bool, ends: [SocketAddr; 2]) -> Live {
        Live {
            conv: Conversation {
                protocol,
                tcp,
                client: ends[0],
                server: ends[1],
                items: Vec::new(),
                transactions: Vec::new(),
                orphan_responses: 0,
                duplicate_segments: 0,
                gaps: 0,
                skipped_bytes: 0,
            },
            ends,
            client: None,
            streams: Default::default(),
            framers: Default::default(),
            outstanding: BTreeMap::new(),
            outstanding_count: 0,
            item_index: HashMap::new(),
        }
    }

    /// If only one end uses the protocol's well-known port, the other end is the client.
    fn settle_client_by_port(&mut self, sender: usize) {
        if self.client.is_some() {
            return;
        }
        let tcp = self.conv.tcp;
        let serves =
            |end: &SocketAddr| Protocol::from_port(end.port(), tcp) == Some(self.conv.protocol);
        match (serves(&self.ends[0]), serves(&self.ends[1])) {
            (true, false) => self.client = Some(1),
            (false, true) => self.client = Some(0),
            _ if !self.conv.protocol.self_describing() => self.client = Some(sender),
            _ => {}
        }
    }

    fn tcp_segment(&mut self, side: usize, seg: Segment<'_>, pdus: &mut Vec<Pdu>) {
        if !seg.payload.is_empty() || seg.missing > 0 {
            self.settle_client_by_port(side);
        }
        let protocol = self.conv.protocol;
        // Before the roles are known (self-describing protocols), "to server" is unused.
        let to_server = self.client.is_none_or(|c| c == side);
        let framer = &mut self.framers[side];
        self.streams[side].segment(seg, &mut |chunk| match chunk {
            Chunk::Data(d, _) => framer.data(protocol, d, to_server, pdus),
            Chunk::Gap(n) => framer.gap(protocol, n, to_server, pdus),
        });
    }

    /// Pairs one PDU sent by `side` at `ts_ns`; returns a warning if something is off.
    fn pair(&mut self, side: usize, pdu: Pdu, ts_ns: i64) -> Option<&'static str> {
        match pdu.role {
            Role::Other => None,
            Role::Request => {
                if self.client.is_none() {
                    self.client = Some(side);
                }
                let item = self.item(pdu.item.unwrap_or_default());
                let index = self.conv.transactions.len();
                self.conv.transactions.push(Transaction {
                    request_ns: ts_ns,
                    response_time_ns: None,
                    request_size: pdu.size as u32,
                    response_size: 0,
                    item,
                });
                self.outstanding
                    .entry(pdu.key)
                    .or_default()
                    .push_back(Outstanding { index });
                self.outstanding_count += 1;
                if self.outstanding_count > MAX_OUTSTANDING {
                    // The oldest waits forever: stop tracking it (it stays unanswered).
                    let oldest = self
                        .outstanding
                        .iter()
                        .filter_map(|(k, q)| q.front().map(|o| (o.index, *k)))
                        .min();
                    if let Some((_, key)) = oldest {
                        self.drop_front(key);
                    }
                }
                None
            }
            Role::Response => {
                if self.client.is_none() {
                    self.client = Some(1 - side);
                }
                let Some(index) = self.drop_front(pdu.key) else {
                    self.conv.orphan_responses += 1;
                    return None;
                };
                let t = &mut self.conv.transactions[index];
                let Ok(elapsed) = u64::try_from(ts_ns - t.request_ns) else {
                    return Some(
                        "response timestamped before its request (clock stepped back?); not paired",
                    );
                };
                t.response_time_ns = Some(elapsed);
                t.response_size = pdu.size as u32;
                None
            }
        }
    }

    fn drop_front(&mut self, key: u64) -> Option<usize> {
        let queue = self.outstanding.get_mut(&key)?;
        let o = queue.pop_front()?;
        if queue.is_empty() {
            self.outstanding.remove(&key);
        }
        self.outstanding_count -= 1;
        Some(o.index)
    }

    fn item(&mut self, label: String) -> u32 {
        if let Some(&i) = self.item_index.get(&label) {
            return i;
        }
        let i = self.conv.items.len() as u32;
        self.conv.items.push(label.clone());
        self.item_index.insert(label, i);
        i
    }
}
