//! TCP stream reassembly for one direction of one connection: in-order bytes out of segments
//! that arrive duplicated, retransmitted (whole or overlapping), out of order, across the
//! 32-bit sequence wrap, or cut short by the capture's snaplen.
//!
//! Sequence numbers are compared by their wrapping difference read as `i32`, so a stream that
//! crosses 2³² behaves like any other. Bytes the capture does not hold (a cut packet, a
//! segment never captured) become a [`Chunk::Gap`]: the protocol framer drops what it was
//! assembling and resynchronises. Out-of-order segments wait in a buffer bounded by
//! [`MAX_PENDING_BYTES`]; beyond it, the hole is declared a gap rather than waiting forever.
//!
//! Not here: which side is the client, protocol framing ([`crate::proto`]).

/// Out-of-order bytes held per direction before the missing ones are given up on.
pub const MAX_PENDING_BYTES: usize = 1 << 20;
/// A jump larger than this (either way) is a new stream on a reused port, not a segment.
const MAX_JUMP: i32 = 64 << 20;

/// What reassembly hands to the framer.
#[derive(Debug, PartialEq, Eq)]
pub enum Chunk<'a> {
    /// The next in-order bytes, and the time of the packet that made them available.
    Data(&'a [u8], i64),
    /// This many bytes are missing here (`usize::MAX`: unknown, the stream restarted).
    Gap(usize),
}

/// A segment waiting for the bytes before it.
struct Pending {
    seq: u32,
    data: Vec<u8>,
    /// Bytes after `data` the sender sent but the capture cut off.
    missing: usize,
}

/// Reassembly state of one direction.
#[derive(Default)]
pub struct Reassembler {
    next: Option<u32>,
    pending: Vec<Pending>,
    pending_bytes: usize,
    /// Segments (or parts) received again after their bytes were delivered.
    pub duplicates: u64,
    /// Gaps declared (bytes never seen).
    pub gaps: u64,
}

/// One captured segment.
pub struct Segment<'a> {
    /// Its sequence number.
    pub seq: u32,
    /// SYN flag: the stream starts at `seq + 1`.
    pub syn: bool,
    /// The bytes the capture holds.
    pub payload: &'a [u8],
    /// Bytes after `payload` that were sent but not captured.
    pub missing: usize,
    /// Capture time, nanoseconds.
    pub ts_ns: i64,
}

fn diff(a: u32, b: u32) -> i32 {
    a.wrapping_sub(b) as i32
}

impl Reassembler {
    /// Takes one segment; calls `out` with every chunk it makes deliverable, in order.
    pub fn segment(&mut self, seg: Segment<'_>, out: &mut dyn FnMut(Chunk<'_>)) {
        let mut seq = seg.seq;
        if seg.syn {
            seq = seq.wrapping_add(1);
            if self.next.is_some_and(|n| n != seq) {
                self.reset(out);
            }
            self.next = Some(seq);
        }
        let next = *self.next.get_or_insert(seq);
        if seg.payload.is_empty() && seg.missing == 0 {
            return;
        }
        let d = diff(seq, next);
        if !(-MAX_JUMP..=MAX_JUMP).contains(&d) {
            // A new stream on the same ports (or garbage): start over where this one starts.
            self.reset(out);
            self.next = Some(seq);
            return self.segment(Segment { syn: false, ..seg }, out);
        }
        if d > 0 {
            self.hold(seq, seg.payload, seg.missing, out);
            return;
        }
        self.deliver(seq, seg.payload, seg.missing, seg.ts_ns, out);
        self.drain(seg.ts_ns, out);
    }

    /// Delivers the part of a segment starting at or before `next` that is new.
    fn deliver(
        &mut self,
        seq: u32,
        payload: &[u8],
        missing: usize,
        ts_ns: i64,
        out: &mut dyn FnMut(Chunk<'_>),
    ) {
        let next = self.next.unwrap_or(seq);
        let skip = (-diff(seq, next)).max(0) as usize;
        let total = payload.len() + missing;
        if skip >= total {
            self.duplicates += 1;
            return;
        }
        if skip > 0 {
            self.duplicates += 1;
        }
        if skip < payload.len() {
            out(Chunk::Data(&payload[skip..], ts_ns));
        }
        if missing > 0 {
            self.gaps += 1;
            out(Chunk::Gap(missing.min(total - skip)));
        }
        self.next = Some(next.wrapping_add((total - skip) as u32));
    }

    /// Delivers every held segment that has become contiguous.
    fn drain(&mut self, ts_ns: i64, out: &mut dyn FnMut(Chunk<'_>)) {
        while let Some(next) = self.next {
            let Some(i) = self.pending.iter().position(|p| diff(p.seq, next) <= 0) else {
                return;
            };
            let p = self.pending.swap_remove(i);
            self.pending_bytes -= p.data.len();
            self.deliver(p.seq, &p.data, p.missing, ts_ns, out);
        }
    }

    /// Keeps a segment that arrived before the bytes preceding it.
    fn hold(&mut self, seq: u32, payload: &[u8], missing: usize, out: &mut dyn FnMut(Chunk<'_>)) {
        if self
            .pending
            .iter()
            .any(|p| p.seq == seq && p.data.len() >= payload.len())
        {
            self.duplicates += 1;
            return;
        }
        self.pending_bytes += payload.len();
        self.pending.push(Pending {
            seq,
            data: payload.to_vec(),
            missing,
        });
        if self.pending_bytes > MAX_PENDING_BYTES {
            self.skip_hole(out);
        }
    }

    /// Gives up on the missing bytes before the earliest held segment.
    fn skip_hole(&mut self, out: &mut dyn FnMut(Chunk<'_>)) {
        let Some(next) = self.next else { return };
        let Some(first) = self
            .pending
            .iter()
            .map(|p| p.seq)
            .min_by_key(|&s| diff(s, next))
        else {
            return;
        };
        self.gaps += 1;
        out(Chunk::Gap(diff(first, next).max(0) as usize));
        self.next = Some(first);
        self.drain(i64::MIN, out);
    }

    /// Forgets everything: the stream restarts.
    fn reset(&mut self, out: &mut dyn FnMut(Chunk<'_>)) {
        if !self.pending.is_empty() || self.next.is_some() {
            out(Chunk::Gap(usize::MAX));
        }
        self.pending.clear();
        self.pending_bytes = 0;
        self.next = None;
    }

    /// Called at the end of the capture: held segments are never completed.
    pub fn finish(&mut self, out: &mut dyn FnMut(Chunk<'_>)) {
        while !self.pending.is_empty() {
            self.skip_hole(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(segs: &[(u32, bool, &[u8], usize)]) -> (Vec<String>, Reassembler) {
        let mut r = Reassembler::default();
        let mut got = Vec::new();
        let mut push = |c: Chunk<'_>| match c {
            Chunk::Data(d, _) => got.push(String::from_utf8_lossy(d).into_owned()),
            Chunk::Gap(n) => got.push(format!("<gap {n}>")),
        };
        for (i, &(seq, syn, payload, missing)) in segs.iter().enumerate() {
            let seg = Segment {
                seq,
                syn,
                payload,
                missing,
                ts_ns: i as i64,
            };
            r.segment(seg, &mut push);
        }
        r.finish(&mut push);
        (got, r)
    }

    #[test]
    fn duplicates_and_overlapping_retransmissions_deliver_each_byte_once() {
        let (got, r) = run(&[
            (100, true, b"", 0),
            (101, false, b"abc", 0),
            (101, false, b"abc", 0),
            (102, false, b"bcdef", 0),
        ]);
        assert_eq!(got, ["abc", "def"]);
        assert_eq!(r.duplicates, 2);
    }

    #[test]
    fn out_of_order_segments_wait_for_the_hole() {
        let (got, _) = run(&[
            (10, false, b"ab", 0),
            (14, false, b"ef", 0),
            (12, false, b"cd", 0),
        ]);
        assert_eq!(got, ["ab", "cd", "ef"]);
    }

    #[test]
    fn sequence_wrap_is_continuous() {
        let start = u32::MAX - 1;
        let (got, _) = run(&[
            (start, false, b"xy", 0),
            (0, false, b"z", 0),
            (1, false, b"w", 0),
        ]);
        assert_eq!(got, ["xy", "z", "w"]);
        // Out of order across the wrap too.
        let (got, _) = run(&[
            (start, false, b"xy", 0),
            (1, false, b"w", 0),
            (0, false, b"z", 0),
        ]);
        assert_eq!(got, ["xy", "z", "w"]);
    }

    #[test]
    fn cut_segments_and_unfilled_holes_become_gaps() {
        let (got, _) = run(&[(0, false, b"ab", 3), (5, false, b"fg", 0)]);
        assert_eq!(got, ["ab", "<gap 3>", "fg"]);
        let (got, _) = run(&[(0, false, b"ab", 0), (9, false, b"zz", 0)]);
        assert_eq!(got, ["ab", "<gap 7>", "zz"]);
    }
}
