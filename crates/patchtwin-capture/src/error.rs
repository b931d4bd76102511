//! Errors that stop reading a capture file. Problems inside a readable file (a cut packet, a
//! frame no decoder understands, a request never answered) are not errors: they are counted
//! and described in [`crate::Capture::warnings`], so one bad packet never hides the rest.

use std::path::PathBuf;

/// Why a capture could not be read at all, naming the file and, where there is one, the packet.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// The file could not be opened or read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The capture file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The file is empty.
    #[error("{path}: empty file, expected a pcap or pcapng capture")]
    Empty {
        /// The capture file.
        path: PathBuf,
    },
    /// The first bytes are neither a pcap nor a pcapng header.
    #[error("{path}: not a capture file: expected a pcap or pcapng header ({reason})")]
    NotACapture {
        /// The capture file.
        path: PathBuf,
        /// What the parser found instead.
        reason: String,
    },
    /// A block or record in the middle of the file is malformed beyond recovery (its length
    /// fields point nowhere), so nothing after it can be framed.
    #[error("{path}: packet {packet}: {reason}")]
    Corrupt {
        /// The capture file.
        path: PathBuf,
        /// 1-based number of the packet (record or block) that could not be read.
        packet: u64,
        /// What is wrong with it.
        reason: String,
    },
}
