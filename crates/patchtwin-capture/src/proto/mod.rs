//! Application protocols: framing a byte stream (TCP) or a datagram (UDP) into PDUs, and
//! telling for each PDU whether it is a request, a response or neither, with the key that
//! pairs a response with its request and a label for the item a request reads or writes.
//!
//! One module per protocol; each is enough to pair, not a full dissector.
//! Not here: reassembly ([`crate::tcp`]), pairing and timing ([`crate::track`]).

pub mod bacnet;
pub mod dnp3;
pub mod enip;
pub mod modbus;
pub mod s7;

use serde::Serialize;

/// An application protocol the importer pairs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Protocol {
    /// Modbus/TCP (TCP 502).
    ModbusTcp,
    /// Siemens S7comm over ISO-on-TCP (TPKT/COTP, TCP 102).
    S7comm,
    /// DNP3 over TCP or UDP (20000).
    Dnp3,
    /// EtherNet/IP encapsulation with CIP explicit messaging (TCP/UDP 44818).
    EthernetIp,
    /// BACnet/IP (UDP 47808).
    BacnetIp,
}

impl Protocol {
    /// The name scenario files use in a flow's `protocol:`.
    pub fn scenario_name(self) -> &'static str {
        match self {
            Protocol::ModbusTcp => "modbus_tcp",
            Protocol::S7comm => "s7comm",
            Protocol::Dnp3 => "dnp3",
            Protocol::EthernetIp => "ethernet_ip",
            Protocol::BacnetIp => "bacnet_ip",
        }
    }

    /// The protocol served on a well-known port, for the given transport.
    pub fn from_port(port: u16, tcp: bool) -> Option<Protocol> {
        match (port, tcp) {
            (502, true) => Some(Protocol::ModbusTcp),
            (102, true) => Some(Protocol::S7comm),
            (20000, _) => Some(Protocol::Dnp3),
            (44818, _) => Some(Protocol::EthernetIp),
            (47808, false) => Some(Protocol::BacnetIp),
            _ => None,
        }
    }

    /// Whether a PDU says by itself if it is a request or a response (otherwise the direction
    /// relative to the server does).
    pub fn self_describing(self) -> bool {
        matches!(self, Protocol::S7comm | Protocol::Dnp3 | Protocol::BacnetIp)
    }
}

/// What a PDU is in the request/response exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Expects an answer.
    Request,
    /// Answers a request with the same key.
    Response,
    /// Neither (confirmations, unsolicited data, session keep-alives, broadcasts).
    Other,
}

/// One decoded PDU.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pdu {
    /// Request, response or neither.
    pub role: Role,
    /// Pairs a response with its request within one conversation.
    pub key: u64,
    /// What a request reads or writes (function, address, object), for per-item periods.
    pub item: Option<String>,
    /// Bytes of the PDU as carried by TCP or UDP.
    pub size: usize,
}

/// Result of looking for one PDU at the start of a stream buffer.
pub enum Frame {
    /// A PDU of this many bytes is complete.
    Complete(usize),
    /// More bytes are needed; the PDU's total length if the header already says it.
    Incomplete(Option<usize>),
    /// The buffer does not start with a PDU of this protocol: drop one byte and retry.
    Invalid,
}

/// Per-direction protocol state for a TCP stream: bytes waiting to form a PDU, plus the
/// DNP3 transport layer's partial message.
#[derive(Default)]
pub struct StreamFramer {
    buf: Vec<u8>,
    dnp3: dnp3::Transport,
    /// Bytes skipped while looking for the start of a PDU.
    pub skipped: u64,
}

/// A stream buffer never holds more than this; a longer "PDU" is taken as garbage.
const MAX_BUFFER: usize = 1 << 16;

impl StreamFramer {
    /// Appends in-order bytes and returns the PDUs they complete.
    pub fn data(&mut self, protocol: Protocol, bytes: &[u8], to_server: bool, out: &mut Vec<Pdu>) {
        self.buf.extend_from_slice(bytes);
        let mut start = 0;
        while start < self.buf.len() {
            let rest = &self.buf[start..];
            let frame = match protocol {
                Protocol::ModbusTcp => modbus::frame(rest),
                Protocol::S7comm => s7::frame(rest),
                Protocol::Dnp3 => dnp3::frame(rest),
                Protocol::EthernetIp => enip::frame(rest),
                Protocol::BacnetIp => Frame::Invalid,
            };
            match frame {
                Frame::Complete(n) => {
                    let pdu = &self.buf[start..start + n];
                    let decoded = match protocol {
                        Protocol::ModbusTcp => modbus::decode(pdu, to_server),
                        Protocol::S7comm => s7::decode(pdu),
                        Protocol::Dnp3 => self.dnp3.link_frame(pdu),
                        Protocol::EthernetIp => enip::decode(pdu, to_server),
                        Protocol::BacnetIp => None,
                    };
                    out.extend(decoded);
                    start += n;
                }
                Frame::Incomplete(_) => break,
                Frame::Invalid => {
                    self.skipped += 1;
                    start += 1;
                }
            }
        }
        self.buf.drain(..start);
        if self.buf.len() > MAX_BUFFER {
            self.skipped += self.buf.len() as u64;
            self.buf.clear();
        }
    }

    /// `missing` bytes were sent but not captured. If they only cut the tail of the PDU being
    /// assembled (a snaplen-cut packet), that PDU is still decoded from its header, with its
    /// declared size, and the stream stays in step; otherwise whatever was being assembled is
    /// lost and the next bytes are scanned for the start of a PDU.
    pub fn gap(&mut self, protocol: Protocol, missing: usize, to_server: bool, out: &mut Vec<Pdu>) {
        let declared = match protocol {
            Protocol::ModbusTcp => modbus::frame(&self.buf),
            Protocol::S7comm => s7::frame(&self.buf),
            Protocol::Dnp3 => dnp3::frame(&self.buf),
            Protocol::EthernetIp => enip::frame(&self.buf),
            Protocol::BacnetIp => Frame::Invalid,
        };
        if let Frame::Incomplete(Some(total)) = declared
            && self.buf.len().saturating_add(missing) == total
        {
            let decoded = match protocol {
                Protocol::ModbusTcp => modbus::decode(&self.buf, to_server),
                Protocol::S7comm => s7::decode(&self.buf),
                Protocol::Dnp3 => self.dnp3.link_frame(&self.buf),
                Protocol::EthernetIp => enip::decode(&self.buf, to_server),
                Protocol::BacnetIp => None,
            };
            out.extend(decoded.map(|p| Pdu { size: total, ..p }));
            self.buf.clear();
            return;
        }
        self.skipped += self.buf.len() as u64;
        self.buf.clear();
        self.dnp3 = dnp3::Transport::default();
    }
}

/// Decodes one UDP datagram.
pub fn datagram(protocol: Protocol, payload: &[u8], to_server: bool) -> Option<Pdu> {
    match protocol {
        Protocol::BacnetIp => bacnet::decode(payload),
        Protocol::EthernetIp => match enip::frame(payload) {
            Frame::Complete(n) => enip::decode(&payload[..n], to_server),
            _ => None,
        },
        Protocol::Dnp3 => {
            let mut transport = dnp3::Transport::default();
            match dnp3::frame(payload) {
                Frame::Complete(n) => transport.link_frame(&payload[..n]),
                _ => None,
            }
        }
        Protocol::ModbusTcp | Protocol::S7comm => None,
    }
}

/// Big-endian u16 at `at`, if present.
pub(crate) fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

/// Little-endian u16 at `at`, if present.
pub(crate) fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

/// Little-endian u32 at `at`, if present.
pub(crate) fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}
