//! Hostile input: empty, garbage, truncated files, random byte mutations of the shared
//! captures (never a panic; an error names the file and packet), and a multi-hundred-MB file
//! streamed with bounded memory (ignored by default; run by hand with /usr/bin/time -v).

use patchtwin_capture::{CaptureError, read_capture, read_capture_from};
use std::path::{Path, PathBuf};

fn shared(relative: &str) -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let found = ["../shared/data/ics-pcaps", "../../shared/data/ics-pcaps"]
        .iter()
        .map(|c| root.join(c).join(relative))
        .find(|p| p.exists());
    if found.is_none() {
        eprintln!("skipped: the shared captures are absent");
    }
    found
}

fn read(bytes: &[u8]) -> Result<patchtwin_capture::Capture, CaptureError> {
    read_capture_from(bytes, Path::new("mem.pcap"))
}

#[test]
fn empty_and_garbage_are_errors_naming_the_file() {
    let e = read(b"").unwrap_err();
    assert!(
        matches!(e, CaptureError::Empty { .. }) && e.to_string().starts_with("mem.pcap:"),
        "{e}"
    );
    let e = read(b"this is not a capture file at all, just text").unwrap_err();
    assert!(matches!(e, CaptureError::NotACapture { .. }), "{e}");
}

#[test]
fn truncated_captures_keep_what_was_read_and_warn() {
    let Some(path) = shared("zeek/modbusBig.pcap") else {
        return;
    };
    let bytes = std::fs::read(path).unwrap();
    let full = read(&bytes).unwrap();
    let half = read(&bytes[..bytes.len() / 2 + 7]).unwrap();
    assert!(half.transactions() > 0 && half.transactions() < full.transactions());
    assert!(
        half.warnings
            .iter()
            .any(|w| w.message.contains("truncated")),
        "{:?}",
        half.warnings
    );
}

/// xorshift64*: a fixed, dependency-free stream of mutations.
fn next(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

#[test]
fn random_mutations_of_every_shared_capture_never_panic() {
    let files = [
        "zeek/modbusBig.pcap",
        "iti-ics-security-tools/modbus_test.pcap",
        "iti-ics-security-tools/s7comm_clean.pcap",
        "cisagov-icsnpp/dnp3_example.pcap",
        "cisagov-icsnpp/enip_cip_example.pcap",
        "cisagov-icsnpp/bacnet_example.pcap",
    ];
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    for file in files {
        let Some(path) = shared(file) else { return };
        let original = std::fs::read(path).unwrap();
        for round in 0..12 {
            let mut bytes = original.clone();
            let flips = 1 + next(&mut state) as usize % 64;
            for _ in 0..flips {
                let at = next(&mut state) as usize % bytes.len();
                bytes[at] = next(&mut state) as u8;
            }
            if round % 4 == 3 {
                bytes.truncate(next(&mut state) as usize % bytes.len());
            }
            // Ok or a clear error; a panic fails the test.
            match read(&bytes) {
                Ok(c) => assert!(c.transactions() <= c.packets as usize * 4),
                Err(e) => assert!(e.to_string().starts_with("mem.pcap:"), "{e}"),
            }
        }
    }
}

/// Writes a pcap of `records` Modbus request/response pairs (plus 1 kB of filler per frame so
/// the file is large) and reads it back. Run by hand:
/// `cargo test -p patchtwin-capture --release --test hostile -- --ignored --nocapture`.
#[test]
#[ignore = "writes a ~400 MB file; run by hand to measure peak memory"]
fn a_large_file_streams_in_bounded_memory() {
    use std::io::Write;
    let path = std::env::temp_dir().join(format!(
        "patchtwin-capture-large-{}.pcap",
        std::process::id()
    ));
    let pairs: u32 = 180_000;
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        w.write_all(&[
            0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0,
            0,
        ])
        .unwrap();
        let (mut cseq, mut sseq) = (1u32, 1u32);
        for i in 0..pairs {
            let tid = (i % 65536) as u16;
            let req = [&tid.to_be_bytes()[..], &[0, 0, 0, 6, 1, 3, 0, 0, 0, 10]].concat();
            let resp = [
                &tid.to_be_bytes()[..],
                &[0, 0, 0, 23, 1, 3, 20],
                &[0u8; 20][..],
            ]
            .concat();
            let t = u64::from(i) * 100_000; // a poll every 100 ms, answered after 2 ms
            for (to_server, payload, at) in [(true, req, t), (false, resp, t + 2_000)] {
                let padded = payload;
                let seq = if to_server { &mut cseq } else { &mut sseq };
                let frame = frame(to_server, *seq, &padded);
                *seq = seq.wrapping_add(padded.len() as u32);
                record(&mut w, at, &frame);
                // A 1 kB frame of other traffic (port 80) between the two.
                record(&mut w, at + 1, &filler());
            }
        }
    }
    let c = read_capture(&path).unwrap();
    std::fs::remove_file(&path).ok();
    assert_eq!(c.transactions(), pairs as usize);
    assert_eq!(c.unanswered(), 0);
}

fn record(w: &mut impl std::io::Write, at_us: u64, frame: &[u8]) {
    let mut h = Vec::with_capacity(16);
    h.extend(((at_us / 1_000_000) as u32).to_le_bytes());
    h.extend(((at_us % 1_000_000) as u32).to_le_bytes());
    h.extend((frame.len() as u32).to_le_bytes());
    h.extend((frame.len() as u32).to_le_bytes());
    w.write_all(&h).unwrap();
    w.write_all(frame).unwrap();
}

fn frame(to_server: bool, seq: u32, payload: &[u8]) -> Vec<u8> {
    let (src, dst, sport, dport) = if to_server {
        ([10, 0, 0, 1], [10, 0, 0, 2], 40000u16, 502u16)
    } else {
        ([10, 0, 0, 2], [10, 0, 0, 1], 502, 40000)
    };
    let mut f = vec![0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00];
    let total = (20 + 20 + payload.len()) as u16;
    f.extend([0x45, 0]);
    f.extend(total.to_be_bytes());
    f.extend([0, 0, 0x40, 0, 64, 6, 0, 0]);
    f.extend(src);
    f.extend(dst);
    f.extend(sport.to_be_bytes());
    f.extend(dport.to_be_bytes());
    f.extend(seq.to_be_bytes());
    f.extend([0, 0, 0, 1, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0]);
    f.extend_from_slice(payload);
    f
}

fn filler() -> Vec<u8> {
    let mut f = frame(true, 0, &[0u8; 1000]);
    f[36..38].copy_from_slice(&80u16.to_be_bytes()); // destination port 80: not a paired protocol
    f
}
