//! DNP3: link frames (0x05 0x64, length, control, addresses, CRC every 16 bytes) frame the
//! stream; the transport layer (FIR, FIN, 6-bit sequence that wraps 63 → 0) joins frames into
//! application messages; the application header's 4-bit sequence pairs a response with its
//! request, per master/outstation address pair, so pipelined requests pair correctly.
//!
//! CRCs are not checked: a capture holds what was on the wire, and a framing error shows up
//! as a message that does not decode. Confirmations, unsolicited responses and the
//! "no acknowledgement" functions expect no answer and are [`Role::Other`].

use super::{Frame, Pdu, Role, le16};

/// Frames one link-layer frame.
pub fn frame(b: &[u8]) -> Frame {
    if b.first().is_some_and(|&x| x != 0x05) || b.get(1).is_some_and(|&x| x != 0x64) {
        return Frame::Invalid;
    }
    let Some(&len) = b.get(2) else {
        return Frame::Incomplete(None);
    };
    if len < 5 {
        return Frame::Invalid;
    }
    let user = usize::from(len) - 5;
    let total = 10 + user + 2 * user.div_ceil(16);
    if b.len() >= total {
        Frame::Complete(total)
    } else {
        Frame::Incomplete(Some(total))
    }
}

/// A transport-layer message being joined, for one direction.
#[derive(Default)]
pub struct Transport {
    partial: Option<Partial>,
}

struct Partial {
    data: Vec<u8>,
    next_seq: u8,
    addresses: (u16, u16),
    bytes: usize,
}

/// Application messages longer than this are not real (the standard's fragment limit is 2048
/// bytes per fragment; we allow generously for multi-fragment joins).
const MAX_MESSAGE: usize = 1 << 16;

impl Transport {
    /// Takes one link frame (possibly cut); returns the PDU if it completes a message.
    pub fn link_frame(&mut self, b: &[u8]) -> Option<Pdu> {
        let control = *b.get(3)?;
        let dst = le16(b, 4)?;
        let src = le16(b, 6)?;
        let user = usize::from(*b.get(2)?).saturating_sub(5);
        // Only user-data frames (confirmed 3, unconfirmed 4, from the primary) carry transport.
        if user == 0 || control & 0x40 == 0 || !matches!(control & 0x0F, 3 | 4) {
            return None;
        }
        let frame_len = 10 + user + 2 * user.div_ceil(16);
        let data: Vec<u8> = b
            .get(10..)?
            .chunks(18)
            .flat_map(|block| &block[..block.len().min(16)])
            .copied()
            .take(user)
            .collect();
        let th = *data.first()?;
        let (fin, fir, seq) = (th & 0x80 != 0, th & 0x40 != 0, th & 0x3F);
        if fir {
            self.partial = Some(Partial {
                data: Vec::new(),
                next_seq: seq,
                addresses: (src, dst),
                bytes: 0,
            });
        }
        let p = self.partial.as_mut()?;
        if p.next_seq != seq || p.addresses != (src, dst) || p.data.len() > MAX_MESSAGE {
            self.partial = None; // A fragment went missing: the message is lost.
            return None;
        }
        p.next_seq = (seq + 1) & 0x3F;
        p.data.extend_from_slice(&data[1..]);
        p.bytes += frame_len;
        if !fin {
            return None;
        }
        let p = self.partial.take()?;
        application(&p.data, control & 0x80 != 0, src, dst, p.bytes)
    }
}

/// Classifies a complete application message.
fn application(app: &[u8], from_master: bool, src: u16, dst: u16, size: usize) -> Option<Pdu> {
    let seq = app.first()? & 0x0F;
    let function = *app.get(1)?;
    let (master, outstation) = if from_master { (src, dst) } else { (dst, src) };
    let key = u64::from(seq) | u64::from(master) << 8 | u64::from(outstation) << 24;
    let role = match (from_master, function) {
        // Confirm and the *_NR ("no response") functions expect nothing back.
        (true, 0x00 | 0x06 | 0x08 | 0x0A | 0x0C) => Role::Other,
        (true, 0x01..=0x21) => Role::Request,
        (false, 0x81 | 0x83) => Role::Response,
        _ => Role::Other,
    };
    let item = (role == Role::Request).then(|| match (app.get(2), app.get(3)) {
        (Some(g), Some(v)) => format!("fc{function} g{g}v{v}"),
        _ => format!("fc{function}"),
    });
    Some(Pdu {
        role,
        key,
        item,
        size,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A link frame from `src` to `dst` carrying `user` (transport header + app), CRCs zeroed.
    fn link(from_master: bool, src: u16, dst: u16, user: &[u8]) -> Vec<u8> {
        let mut f = vec![
            0x05,
            0x64,
            (user.len() + 5) as u8,
            if from_master { 0xC4 } else { 0x44 },
        ];
        f.extend_from_slice(&dst.to_le_bytes());
        f.extend_from_slice(&src.to_le_bytes());
        f.extend_from_slice(&[0, 0]);
        for block in user.chunks(16) {
            f.extend_from_slice(block);
            f.extend_from_slice(&[0, 0]);
        }
        f
    }

    #[test]
    fn pairs_by_application_sequence_across_a_wrapping_transport_sequence() {
        let mut t = Transport::default();
        let req = link(true, 1, 10, &[0xC0 | 63, 0xC5, 0x01, 60, 2]);
        let Frame::Complete(n) = frame(&req) else {
            panic!("not framed")
        };
        assert_eq!(n, req.len());
        let r = t.link_frame(&req).unwrap();
        assert_eq!(
            (r.role, r.item.as_deref()),
            (Role::Request, Some("fc1 g60v2"))
        );
        // A two-fragment response whose transport sequence wraps from 63 to 0.
        let mut o = Transport::default();
        assert!(
            o.link_frame(&link(false, 10, 1, &[0x40 | 63, 0xC5, 0x81, 0, 0]))
                .is_none()
        );
        let a = o.link_frame(&link(false, 10, 1, &[0x80, 1, 2, 3])).unwrap();
        assert_eq!((a.role, a.key), (Role::Response, r.key));
        // A fragment out of sequence loses the message.
        let mut o = Transport::default();
        assert!(
            o.link_frame(&link(false, 10, 1, &[0x40 | 5, 0xC5, 0x81, 0, 0]))
                .is_none()
        );
        assert!(o.link_frame(&link(false, 10, 1, &[0x80 | 7, 1])).is_none());
    }
}
