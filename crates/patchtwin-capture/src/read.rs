//! Streaming reader: a pcap or pcapng file, record by record, into decoded IP packets handed to
//! the [`Tracker`]. Memory is the parser's buffer (grown only as far as the largest record,
//! at most [`MAX_RECORD`]) plus what the tracker keeps; the file itself is never loaded.
//!
//! Not here: TCP reassembly ([`crate::tcp`]), protocol decoding ([`crate::proto`]).

use crate::error::CaptureError;
use crate::track::{Capture, L4, Packet, Tracker};
use etherparse::{LaxNetSlice, LaxSlicedPacket, TransportSlice};
use pcap_parser::{Linktype, PcapBlockOwned, PcapError, pcapng::Block};
use std::io::Read;
use std::net::IpAddr;
use std::path::Path;

/// Largest record accepted; a larger length field is taken as corruption.
pub const MAX_RECORD: usize = 16 << 20;
/// The parser's initial buffer.
pub const INITIAL_BUFFER: usize = 1 << 16;

/// Reads one capture file (pcap or pcapng, detected from its header) into transactions.
pub fn read_capture(path: &Path) -> Result<Capture, CaptureError> {
    let file = std::fs::File::open(path).map_err(|source| CaptureError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    read_capture_from(std::io::BufReader::new(file), path)
}

/// Reads a capture from any byte stream; `path` only names it in errors and warnings.
pub fn read_capture_from<R: Read + Send>(reader: R, path: &Path) -> Result<Capture, CaptureError> {
    let mut tracker = Tracker::new(path.display().to_string());
    read_into(reader, path, &mut tracker)?;
    Ok(tracker.finish())
}

/// Per-interface facts a pcapng file declares once and every packet refers to.
struct Interface {
    linktype: Linktype,
    /// Timestamp units per second.
    resolution: u64,
    offset_s: i64,
}

/// Feeds every record of `reader` to `tracker`.
fn read_into<R: Read + Send>(
    reader: R,
    path: &Path,
    tracker: &mut Tracker,
) -> Result<(), CaptureError> {
    let corrupt = |packet: u64, reason: String| CaptureError::Corrupt {
        path: path.to_path_buf(),
        packet,
        reason,
    };
    let mut reader = match pcap_parser::create_reader(INITIAL_BUFFER, reader) {
        Ok(r) => r,
        Err(PcapError::Eof) => {
            return Err(CaptureError::Empty {
                path: path.to_path_buf(),
            });
        }
        Err(e) => {
            return Err(CaptureError::NotACapture {
                path: path.to_path_buf(),
                reason: describe(&e),
            });
        }
    };
    let mut legacy: Option<(Linktype, bool)> = None;
    let mut interfaces: Vec<Interface> = Vec::new();
    let mut buffer = INITIAL_BUFFER;
    let mut record: u64 = 0;
    loop {
        match reader.next() {
            Ok((offset, block)) => {
                match block {
                    PcapBlockOwned::LegacyHeader(h) => {
                        legacy = Some((h.network, h.is_nanosecond_precision()));
                    }
                    PcapBlockOwned::Legacy(b) => {
                        record += 1;
                        if let Some((linktype, nanos)) = legacy {
                            let frac = u64::from(b.ts_usec) * if nanos { 1 } else { 1000 };
                            let ts = i64::from(b.ts_sec) * 1_000_000_000 + frac as i64;
                            let cut = b.caplen < b.origlen;
                            decode_frame(tracker, record, ts, linktype, b.data, cut);
                        }
                    }
                    PcapBlockOwned::NG(Block::SectionHeader(_)) => interfaces.clear(),
                    PcapBlockOwned::NG(Block::InterfaceDescription(idb)) => {
                        interfaces.push(Interface {
                            linktype: idb.linktype,
                            resolution: idb.ts_resolution().unwrap_or(1_000_000).max(1),
                            offset_s: idb.ts_offset(),
                        });
                    }
                    PcapBlockOwned::NG(Block::EnhancedPacket(epb)) => {
                        record += 1;
                        match interfaces.get(epb.if_id as usize) {
                            Some(ifc) => {
                                let raw = (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low);
                                let ns =
                                    u128::from(raw) * 1_000_000_000 / u128::from(ifc.resolution);
                                let ts = (ns.min(i64::MAX as u128) as i64)
                                    .saturating_add(ifc.offset_s.saturating_mul(1_000_000_000));
                                let cut = epb.caplen < epb.origlen;
                                let data = &epb.data[..(epb.caplen as usize).min(epb.data.len())];
                                decode_frame(tracker, record, ts, ifc.linktype, data, cut);
                            }
                            None => tracker.warn(record, "packet names an undeclared interface"),
                        }
                    }
                    PcapBlockOwned::NG(Block::SimplePacket(spb)) => {
                        record += 1;
                        // No timestamp: the packet cannot be timed, so it is left out.
                        let _ = spb;
                        tracker.warn(record, "simple packet block has no timestamp; skipped");
                    }
                    PcapBlockOwned::NG(_) => {}
                }
                reader.consume(offset);
            }
            Err(PcapError::Eof) => return Ok(()),
            Err(PcapError::Incomplete(_)) => {
                if reader.refill().is_err() {
                    return Err(corrupt(record + 1, "read error".into()));
                }
            }
            Err(PcapError::BufferTooSmall) => {
                // A record larger than the buffer: grow it, up to a bound a sane record fits.
                if buffer >= MAX_RECORD || !reader.grow(buffer * 2) {
                    return Err(corrupt(record + 1, describe(&PcapError::BufferTooSmall)));
                }
                buffer *= 2;
                if reader.refill().is_err() {
                    return Err(corrupt(record + 1, "read error".into()));
                }
            }
            Err(PcapError::UnexpectedEof) => {
                tracker.warn(
                    record + 1,
                    "file ends inside this record (truncated capture)",
                );
                return Ok(());
            }
            Err(e) => return Err(corrupt(record + 1, describe(&e))),
        }
    }
}

fn describe(e: &PcapError<&[u8]>) -> String {
    match e {
        PcapError::HeaderNotRecognized => "header not recognized".into(),
        PcapError::NomError(_, kind) => format!("malformed block ({kind:?})"),
        PcapError::OwnedNomError(_, kind) => format!("malformed block ({kind:?})"),
        PcapError::BufferTooSmall => format!("record larger than {MAX_RECORD} bytes"),
        PcapError::Incomplete(_) | PcapError::UnexpectedEof => "file ends inside a record".into(),
        PcapError::ReadError => "read error".into(),
        PcapError::Eof => "end of file".into(),
    }
}

/// Decodes one link-layer frame down to TCP or UDP and hands it to the tracker. Frames that
/// are not IP, or IP that is neither TCP nor UDP, are counted and otherwise ignored.
fn decode_frame(
    tracker: &mut Tracker,
    record: u64,
    ts_ns: i64,
    linktype: Linktype,
    data: &[u8],
    cut: bool,
) {
    tracker.count_packet();
    let sliced = match linktype {
        Linktype::ETHERNET => LaxSlicedPacket::from_ethernet(data).ok(),
        Linktype::RAW | Linktype::IPV4 | Linktype::IPV6 => LaxSlicedPacket::from_ip(data).ok(),
        Linktype::LINUX_SLL if data.len() >= 16 => {
            let ether_type = u16::from_be_bytes([data[14], data[15]]);
            Some(LaxSlicedPacket::from_ether_type(
                ether_type.into(),
                &data[16..],
            ))
        }
        Linktype::NULL | Linktype::LOOP if data.len() >= 4 => {
            LaxSlicedPacket::from_ip(&data[4..]).ok()
        }
        _ => {
            tracker.skip_linktype(linktype.0);
            return;
        }
    };
    let Some(sliced) = sliced else { return };
    let (src, dst, ip_payload_len, fragmented) = match &sliced.net {
        Some(LaxNetSlice::Ipv4(ip)) => {
            let h = ip.header();
            let len = usize::from(h.total_len()).saturating_sub(h.slice().len());
            let frag = h.more_fragments() || h.fragments_offset().value() != 0;
            (
                IpAddr::V4(h.source_addr()),
                IpAddr::V4(h.destination_addr()),
                len,
                frag,
            )
        }
        Some(LaxNetSlice::Ipv6(ip)) => {
            let h = ip.header();
            let frag = ip.payload().fragmented;
            let ext = ip.payload().payload.as_ptr() as usize
                - h.slice().as_ptr() as usize
                - h.slice().len();
            let len = usize::from(h.payload_length()).saturating_sub(ext);
            (
                IpAddr::V6(h.source_addr()),
                IpAddr::V6(h.destination_addr()),
                len,
                frag,
            )
        }
        _ => return,
    };
    if fragmented {
        tracker.warn(record, "IP fragment; fragments are not reassembled");
        return;
    }
    let l4 = match &sliced.transport {
        Some(TransportSlice::Tcp(tcp)) => {
            let header_len = tcp.slice().len() - tcp.payload().len();
            let seg_len = ip_payload_len.saturating_sub(header_len);
            let payload = tcp.payload();
            L4::Tcp {
                src_port: tcp.source_port(),
                dst_port: tcp.destination_port(),
                seq: tcp.sequence_number(),
                syn: tcp.syn(),
                fin: tcp.fin() || tcp.rst(),
                payload: &payload[..payload.len().min(seg_len)],
                // Bytes the sender sent but the capture does not hold (snaplen, cut frame).
                missing: seg_len.saturating_sub(payload.len()),
            }
        }
        Some(TransportSlice::Udp(udp)) => {
            let declared = usize::from(udp.length()).saturating_sub(8);
            let payload = udp.payload();
            L4::Udp {
                src_port: udp.source_port(),
                dst_port: udp.destination_port(),
                payload: &payload[..payload.len().min(declared)],
                complete: !cut && payload.len() >= declared,
            }
        }
        _ => return,
    };
    tracker.packet(Packet {
        record,
        ts_ns,
        src,
        dst,
        l4,
    });
}
