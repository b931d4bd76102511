//! Modbus/TCP: the MBAP header frames the stream (protocol id 0, length of unit id + PDU);
//! a response answers the request with the same transaction id and unit id. Requests and
//! responses look alike, so the direction (toward the server or not) tells them apart.

use super::{Frame, Pdu, Role, be16};

/// Frames one ADU: 7-byte MBAP header, then `length - 1` bytes of PDU.
pub fn frame(b: &[u8]) -> Frame {
    if b.len() >= 4 && be16(b, 2) != Some(0) {
        return Frame::Invalid;
    }
    let Some(len) = be16(b, 4) else {
        return Frame::Incomplete(None);
    };
    // Unit id + function code at least; an ADU is at most 260 bytes.
    if !(2..=254).contains(&len) {
        return Frame::Invalid;
    }
    let total = 6 + usize::from(len);
    if b.len() >= total {
        Frame::Complete(total)
    } else {
        Frame::Incomplete(Some(total))
    }
}

/// Decodes one ADU (possibly cut after its header).
pub fn decode(b: &[u8], to_server: bool) -> Option<Pdu> {
    let tid = be16(b, 0)?;
    let unit = *b.get(6)?;
    let function = *b.get(7)?;
    let key = (u64::from(tid) << 8) | u64::from(unit);
    let (role, item) = if to_server {
        (Role::Request, Some(item(unit, function, b)))
    } else {
        (Role::Response, None)
    };
    Some(Pdu {
        role,
        key,
        item,
        size: b.len(),
    })
}

/// "unit 1 fc3 @100 x10": what a request reads or writes.
fn item(unit: u8, function: u8, b: &[u8]) -> String {
    let address = be16(b, 8);
    let quantity = be16(b, 10);
    match (function, address, quantity) {
        (1..=4 | 15 | 16 | 23, Some(a), Some(q)) => format!("unit {unit} fc{function} @{a} x{q}"),
        (5 | 6, Some(a), _) => format!("unit {unit} fc{function} @{a}"),
        _ => format!("unit {unit} fc{function}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_and_pairs_by_transaction_and_unit() {
        let req = [0x00, 0x07, 0, 0, 0, 6, 1, 3, 0, 100, 0, 10];
        assert!(matches!(frame(&req), Frame::Complete(12)));
        assert!(matches!(frame(&req[..9]), Frame::Incomplete(Some(12))));
        let r = decode(&req, true).unwrap();
        assert_eq!(
            (r.role, r.key, r.item.as_deref()),
            (Role::Request, 0x0701, Some("unit 1 fc3 @100 x10"))
        );
        let resp = [0x00, 0x07, 0, 0, 0, 5, 1, 3, 2, 0, 42];
        let a = decode(&resp, false).unwrap();
        assert_eq!((a.role, a.key), (Role::Response, r.key));
        // A non-zero protocol id is not Modbus.
        assert!(matches!(frame(&[0, 1, 0, 9, 0, 6, 1]), Frame::Invalid));
    }
}
