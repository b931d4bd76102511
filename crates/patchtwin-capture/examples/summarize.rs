//! Prints what the importer finds in capture files: one line per conversation.
fn main() {
    for path in std::env::args().skip(1) {
        match patchtwin_capture::read_capture(std::path::Path::new(&path)) {
            Ok(c) => {
                println!(
                    "{path}: {} packets, {} warnings (+{})",
                    c.packets,
                    c.warnings.len(),
                    c.warnings_dropped
                );
                for w in c.warnings.iter().take(5) {
                    println!("  warning packet {}: {}", w.packet, w.message);
                }
                for conv in &c.conversations {
                    println!(
                        "  {:?} {} -> {}: {} transactions, {} unanswered, {} orphan responses, {} dup segs, {} gaps, {} skipped, {} items",
                        conv.protocol,
                        conv.client,
                        conv.server,
                        conv.transactions.len(),
                        conv.unanswered(),
                        conv.orphan_responses,
                        conv.duplicate_segments,
                        conv.gaps,
                        conv.skipped_bytes,
                        conv.items.len()
                    );
                }
            }
            Err(e) => println!("{e}"),
        }
    }
}
