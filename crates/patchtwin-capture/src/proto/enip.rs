//! EtherNet/IP encapsulation (24-byte header: command, length, session handle, status, sender
//! context, options) with CIP explicit messaging. Connected (class 3) messages — SendUnitData —
//! pair by session and the CIP sequence count of the connected data item; every other
//! command pairs by command and sender context, which the target echoes. Requests and replies
//! share one format, so the direction tells them apart.

use super::{Frame, Pdu, Role, le16, le32};

const SEND_UNIT_DATA: u16 = 0x0070;

/// Frames one encapsulation packet.
pub fn frame(b: &[u8]) -> Frame {
    if let Some(command) = le16(b, 0)
        && !matches!(
            command,
            0x0001 | 0x0004 | 0x0063 | 0x0064 | 0x0065 | 0x0066 | 0x006F | 0x0070 | 0x0072 | 0x0073
        )
    {
        return Frame::Invalid;
    }
    let Some(len) = le16(b, 2) else {
        return Frame::Incomplete(None);
    };
    let total = 24 + usize::from(len);
    if b.len() >= total {
        Frame::Complete(total)
    } else {
        Frame::Incomplete(Some(total))
    }
}

/// Decodes one encapsulation packet (possibly cut after its header).
pub fn decode(b: &[u8], to_server: bool) -> Option<Pdu> {
    let command = le16(b, 0)?;
    let session = le32(b, 4)?;
    let context = u64::from_le_bytes(b.get(12..20)?.try_into().ok()?);
    let role = match (command, to_server) {
        (0x0066, _) => Role::Other, // UnregisterSession has no reply.
        (_, true) => Role::Request,
        (_, false) => Role::Response,
    };
    let cip = cip_message(b);
    let key = if command == SEND_UNIT_DATA {
        let sequence = cip.map(|(seq, _)| seq)?;
        u64::from(command) << 48 | u64::from(session) << 16 | u64::from(sequence)
    } else {
        (u64::from(command) << 48) ^ context
    };
    let item = (role == Role::Request).then(|| match cip {
        Some((_, at)) => cip_label(b, at),
        None => format!("command 0x{command:04x}"),
    });
    Some(Pdu {
        role,
        key,
        item,
        size: b.len(),
    })
}

/// Finds the CIP message in the common packet format: returns the connected sequence count
/// (0 for unconnected) and where the CIP request starts.
fn cip_message(b: &[u8]) -> Option<(u16, usize)> {
    let count = le16(b, 30)?;
    let mut at = 32;
    for _ in 0..count.min(8) {
        let kind = le16(b, at)?;
        let len = usize::from(le16(b, at + 2)?);
        match kind {
            0x00B1 => return Some((le16(b, at + 4)?, at + 6)),
            0x00B2 => return Some((0, at + 4)),
            _ => at += 4 + len,
        }
    }
    None
}

/// "cip 0x4c path 91 05 ...": service and request path of a CIP request.
fn cip_label(b: &[u8], at: usize) -> String {
    let Some(&service) = b.get(at) else {
        return "cip".into();
    };
    let words = usize::from(b.get(at + 1).copied().unwrap_or(0));
    let path: Vec<String> = b
        .get(at + 2..at + 2 + 2 * words)
        .unwrap_or(&[])
        .iter()
        .take(16)
        .map(|x| format!("{x:02x}"))
        .collect();
    format!("cip 0x{:02x} path {}", service & 0x7F, path.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit_data(session: u32, seq: u16, cip: &[u8]) -> Vec<u8> {
        let mut items = vec![0, 0, 0, 0, 0, 0, 2, 0, 0xA1, 0, 4, 0, 1, 2, 3, 4, 0xB1, 0];
        items.extend_from_slice(&((cip.len() + 2) as u16).to_le_bytes());
        items.extend_from_slice(&seq.to_le_bytes());
        items.extend_from_slice(cip);
        let mut p = vec![0x70, 0];
        p.extend_from_slice(&(items.len() as u16).to_le_bytes());
        p.extend_from_slice(&session.to_le_bytes());
        p.extend_from_slice(&[0; 16]);
        p.extend_from_slice(&items);
        p
    }

    #[test]
    fn connected_messages_pair_by_sequence_count() {
        let req = unit_data(9, 41, &[0x4C, 2, 0x20, 0x6B, 0x24, 1]);
        assert!(matches!(frame(&req), Frame::Complete(n) if n == req.len()));
        let r = decode(&req, true).unwrap();
        assert_eq!(r.item.as_deref(), Some("cip 0x4c path 20 6b 24 01"));
        let a = decode(&unit_data(9, 41, &[0xCC, 0, 0, 0]), false).unwrap();
        assert_eq!((a.role, a.key), (Role::Response, r.key));
        assert_ne!(
            decode(&unit_data(9, 42, &[0xCC, 0, 0, 0]), false)
                .unwrap()
                .key,
            r.key
        );
    }
}
