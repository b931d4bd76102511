//! BACnet/IP over UDP: BVLC header, NPDU (with optional destination/source network fields),
//! APDU. A confirmed request is answered by a Simple-, Complex-ACK, Error, Reject or Abort with
//! the same invoke id. Unconfirmed services (Who-Is, I-Am, COV notifications) and network-layer
//! messages expect no answer; segment ACKs are not transactions.

use super::{Pdu, Role, be16};

/// Decodes one BVLC datagram (possibly cut after the APDU header).
pub fn decode(b: &[u8]) -> Option<Pdu> {
    if *b.first()? != 0x81 {
        return None;
    }
    let npdu = match *b.get(1)? {
        0x0A | 0x0B => 4,
        0x04 => 10, // Forwarded-NPDU carries the original source address.
        _ => return None,
    };
    if *b.get(npdu)? != 0x01 {
        return None;
    }
    let control = *b.get(npdu + 1)?;
    if control & 0x80 != 0 {
        return None; // Network-layer message, no APDU.
    }
    let mut at = npdu + 2;
    if control & 0x20 != 0 {
        at += 3 + usize::from(*b.get(at + 2)?);
    }
    if control & 0x08 != 0 {
        at += 3 + usize::from(*b.get(at + 2)?);
    }
    if control & 0x20 != 0 {
        at += 1; // Hop count.
    }
    let apdu = &b.get(at..)?;
    let kind = apdu.first()? >> 4;
    let (role, invoke) = match kind {
        0 => (Role::Request, *apdu.get(2)?),
        2 | 3 | 5 | 6 | 7 => (Role::Response, *apdu.get(1)?),
        _ => (Role::Other, 0),
    };
    let item = (role == Role::Request).then(|| request_item(apdu));
    let size = usize::from(be16(b, 2)?).max(b.len());
    Some(Pdu {
        role,
        key: u64::from(invoke),
        item,
        size,
    })
}

/// "service 12 object 0x00800001 property 85" for ReadProperty; the service otherwise.
fn request_item(apdu: &[u8]) -> String {
    let segmented = apdu[0] & 0x08 != 0;
    let at = if segmented { 5 } else { 3 };
    let Some(&service) = apdu.get(at) else {
        return "confirmed".into();
    };
    // Context tag 0 (object identifier, 4 bytes) then context tag 1 (property identifier).
    let object = (apdu.get(at + 1) == Some(&0x0C))
        .then(|| apdu.get(at + 2..at + 6))
        .flatten()
        .map(|o| u32::from_be_bytes([o[0], o[1], o[2], o[3]]));
    let property = match apdu.get(at + 6) {
        Some(0x19) => apdu.get(at + 7).map(|&p| u32::from(p)),
        Some(0x1A) => be16(apdu, at + 7).map(u32::from),
        _ => None,
    };
    match (object, property) {
        (Some(o), Some(p)) => format!("service {service} object 0x{o:08x} property {p}"),
        (Some(o), None) => format!("service {service} object 0x{o:08x}"),
        _ => format!("service {service}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_property_pairs_with_its_complex_ack_by_invoke_id() {
        let req = [
            0x81, 0x0A, 0, 17, 0x01, 0x04, 0x02, 0x05, 0x2A, 0x0C, 0x0C, 0x00, 0x80, 0x00, 0x01,
            0x19, 0x55,
        ];
        let r = decode(&req).unwrap();
        assert_eq!((r.role, r.key), (Role::Request, 0x2A));
        assert_eq!(
            r.item.as_deref(),
            Some("service 12 object 0x00800001 property 85")
        );
        let ack = [
            0x81, 0x0A, 0, 12, 0x01, 0x00, 0x30, 0x2A, 0x0C, 0x0C, 0x00, 0x80,
        ];
        let a = decode(&ack).unwrap();
        assert_eq!((a.role, a.key), (Role::Response, 0x2A));
        // Who-Is (unconfirmed) expects no answer.
        assert_eq!(
            decode(&[
                0x81, 0x0B, 0, 8, 0x01, 0x20, 0xFF, 0xFF, 0, 0xFF, 0x10, 0x08
            ])
            .unwrap()
            .role,
            Role::Other
        );
    }
}
