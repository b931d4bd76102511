//! S7comm over ISO-on-TCP: TPKT (RFC 1006) frames the stream, COTP data (DT) carries the S7
//! PDU. A Job (ROSCTR 1) is answered by an Ack or Ack-Data (2, 3) with the same PDU
//! reference; user-data PDUs (7) say in their parameter header whether they are a request or
//! a response. COTP connection setup and push notifications are not transactions.

use super::{Frame, Pdu, Role, be16};

/// Frames one TPKT packet: version 3, reserved 0, big-endian total length.
pub fn frame(b: &[u8]) -> Frame {
    if b.first().is_some_and(|&v| v != 3) || b.get(1).is_some_and(|&r| r != 0) {
        return Frame::Invalid;
    }
    let Some(len) = be16(b, 2) else {
        return Frame::Incomplete(None);
    };
    let total = usize::from(len);
    if total < 7 {
        return Frame::Invalid;
    }
    if b.len() >= total {
        Frame::Complete(total)
    } else {
        Frame::Incomplete(Some(total))
    }
}

/// Decodes one TPKT packet (possibly cut after the S7 header).
pub fn decode(b: &[u8]) -> Option<Pdu> {
    let cotp_len = usize::from(*b.get(4)?);
    if *b.get(5)? != 0xF0 {
        return None; // COTP connection request/confirm/disconnect: no S7 PDU.
    }
    let s = 5 + cotp_len;
    if *b.get(s)? != 0x32 {
        return None;
    }
    let rosctr = *b.get(s + 1)?;
    let reference = be16(b, s + 4)?;
    let header = if matches!(rosctr, 2 | 3) { 12 } else { 10 };
    let param = s + header;
    let (role, userdata) = match rosctr {
        1 => (Role::Request, false),
        2 | 3 => (Role::Response, false),
        7 => match b.get(param + 5).map(|t| t >> 4) {
            Some(4) => (Role::Request, true),
            Some(8) => (Role::Response, true),
            _ => (Role::Other, true),
        },
        _ => (Role::Other, false),
    };
    let key = u64::from(reference) | (u64::from(userdata) << 16);
    let item = (role == Role::Request).then(|| item(b, param, userdata));
    Some(Pdu {
        role,
        key,
        item,
        size: b.len(),
    })
}

/// "read var 84 db1 @0 x10 (+1 more)", "setup communication", "userdata 4/1".
fn item(b: &[u8], param: usize, userdata: bool) -> String {
    if userdata {
        let group = b.get(param + 5).map_or(0, |t| t & 0x0F);
        let sub = b.get(param + 6).copied().unwrap_or(0);
        return format!("userdata group {group} sub {sub}");
    }
    let function = b.get(param).copied().unwrap_or(0);
    let name = match function {
        0x04 => "read var",
        0x05 => "write var",
        0xF0 => return "setup communication".into(),
        0x28 => return "pi service".into(),
        _ => return format!("function 0x{function:02x}"),
    };
    let count = b.get(param + 1).copied().unwrap_or(0);
    // Any-type item: 12 10 0a | transport size | length | db | area | 3-byte bit address.
    let first = param + 2;
    let length = be16(b, first + 4);
    let db = be16(b, first + 6);
    let area = b.get(first + 8);
    let address = b
        .get(first + 9..first + 12)
        .map(|a| (u32::from(a[0]) << 16 | u32::from(a[1]) << 8 | u32::from(a[2])) >> 3);
    match (area, db, address, length) {
        (Some(area), Some(db), Some(addr), Some(len)) => {
            let more = if count > 1 {
                format!(" (+{} more)", count - 1)
            } else {
                String::new()
            };
            format!("{name} area 0x{area:02x} db{db} @{addr} x{len}{more}")
        }
        _ => format!("{name} ({count} items)"),
    }
}
