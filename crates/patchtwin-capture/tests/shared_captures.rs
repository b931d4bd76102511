//! The six shared captures against expectations derived independently: Wireshark 4.0.17's
//! dissectors run through tshark once by hand (the commands are beside each number; tshark is
//! not needed to run these tests) and hand counts. Skips, saying why, if the folder is absent.

use patchtwin_capture::{Capture, Protocol, discover_flows, read_capture};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn capture(relative: &str) -> Option<Capture> {
    // The shared data sits beside the workspace root (`../shared`); a git worktree one level
    // further down (`wt/NAME`) finds it one more level up.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let candidates = ["../shared/data/ics-pcaps", "../../shared/data/ics-pcaps"];
    let dir = candidates.iter().map(|c| root.join(c)).find(|d| d.is_dir());
    let path: PathBuf = dir
        .unwrap_or_else(|| root.join(candidates[0]))
        .join(relative);
    if !path.exists() {
        eprintln!(
            "skipped: {} is absent (the shared captures are not on this machine)",
            path.display()
        );
        return None;
    }
    Some(read_capture(&path).unwrap_or_else(|e| panic!("{e}")))
}

/// (requests, answered) per client address.
fn per_client(c: &Capture) -> BTreeMap<String, (usize, usize)> {
    let mut m = BTreeMap::new();
    for conv in &c.conversations {
        let e = m.entry(conv.client.ip().to_string()).or_insert((0, 0));
        e.0 += conv.transactions.len();
        e.1 += conv.transactions.len() - conv.unanswered();
    }
    m
}

#[test]
fn modbus_gateway_with_five_clients() {
    let Some(c) = capture("iti-ics-security-tools/modbus_test.pcap") else {
        return;
    };
    // tshark -Y mbtcp: requests = frames to port 502, answered = responses with
    // modbus.request_frame. tshark counts 62 requests from .156 but pairs 63 responses to
    // requests from it: one request frame carries two ADUs, which it counts once.
    let expected: BTreeMap<String, (usize, usize)> = [
        ("192.168.0.112", (119, 111)),
        ("192.168.0.133", (120, 118)),
        ("192.168.0.144", (120, 119)),
        ("192.168.0.156", (63, 63)),
        ("192.168.0.21", (720, 704)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(per_client(&c), expected);
    assert!(
        c.conversations
            .iter()
            .all(|v| v.server.to_string() == "192.168.0.20:502")
    );
    // tshark -Y "modbus.response_time && ip.dst==192.168.0.144": 119 values summing to
    // 21.749136 s, median 70.073 ms, max 910.274 ms.
    let flows = discover_flows(&c);
    let f = flows
        .iter()
        .find(|f| f.client.to_string() == "192.168.0.144")
        .unwrap();
    assert_eq!(f.response_times_s.len(), 119);
    let sum: f64 = f.response_times_s.iter().sum();
    assert!((sum - 21.749136).abs() < 1e-6, "sum {sum}");
    assert!((f.response_quantile(0.5).unwrap() - 0.070073).abs() < 1e-9);
    assert!((f.response_quantile(1.0).unwrap() - 0.910274).abs() < 1e-9);
}

#[test]
fn modbus_back_to_back_master() {
    let Some(c) = capture("zeek/modbusBig.pcap") else {
        return;
    };
    // tshark: 2774 requests to 502, 2773 responses carrying modbus.response_time, summing to
    // 23.939576 s. The S7 port-102 traffic in this file carries no S7comm PDU (COTP data
    // that tshark does not dissect as S7 either), so it yields no transactions.
    assert_eq!(c.conversations.len(), 1);
    let conv = &c.conversations[0];
    assert_eq!(conv.protocol, Protocol::ModbusTcp);
    assert_eq!(conv.transactions.len(), 2774);
    // The importer pairs all 2774 (one more than tshark, adding 11.450 ms to the sum) and
    // finds one response whose request precedes the capture.
    let flows = discover_flows(&c);
    let sum: f64 = flows[0].response_times_s.iter().sum();
    assert_eq!(
        (flows[0].response_times_s.len(), conv.orphan_responses),
        (2774, 1)
    );
    assert!((sum - (23.939576 + 0.011450)).abs() < 1e-6, "sum {sum}");
}

#[test]
fn s7comm_read_cycle() {
    let Some(c) = capture("iti-ics-security-tools/s7comm_clean.pcap") else {
        return;
    };
    // tshark -Y s7comm: 2637 Jobs (ROSCTR 1) and 2625 Ack-Data (ROSCTR 3).
    assert_eq!(c.conversations.len(), 1);
    let conv = &c.conversations[0];
    assert_eq!(conv.client.to_string(), "192.168.0.21:65371");
    assert_eq!(conv.transactions.len(), 2637);
    // Every Job is answered: 12 answers sit in retransmitted or duplicated segments (173 of
    // them) that tshark's defaults do not dissect again.
    assert_eq!(conv.unanswered(), 0);
    assert!(conv.duplicate_segments > 0);
    // A 1 s read cycle: each item is read about once a second.
    let f = &discover_flows(&c)[0];
    let busiest = f.items.iter().max_by_key(|i| i.requests).unwrap();
    let p = busiest.period.unwrap();
    assert!((p.median_s - 1.0).abs() < 0.05, "{busiest:?}");
}

#[test]
fn dnp3_polls_and_select_operate() {
    let Some(c) = capture("cisagov-icsnpp/dnp3_example.pcap") else {
        return;
    };
    // tshark -Y dnp3.al.func, from the master: 97 READ (1), 134 SELECT (3), 133 OPERATE (4);
    // from the outstation: 360 RESPONSE (129), 3 UNSOLICITED (130), 1 CONFIRM.
    assert_eq!(c.transactions(), 97 + 134 + 133);
    // The polling connection uses port 20000 on both ends; the master is known from DIR.
    let poll = c
        .conversations
        .iter()
        .find(|v| v.client.port() == 20000)
        .unwrap();
    assert_eq!(poll.client.to_string(), "10.10.20.5:20000");
    assert_eq!(poll.transactions.len(), 97);
    // All 364 are answered, each response matched by application sequence; tshark decodes
    // only 360 responses (which four it leaves out is not yet traced).
    assert_eq!(c.unanswered(), 0);
}

#[test]
fn enip_class3_and_spliced_recordings() {
    let Some(c) = capture("cisagov-icsnpp/enip_cip_example.pcap") else {
        return;
    };
    // tshark -Y "enip && tcp": 134 SendUnitData requests and 133 replies on the class-3
    // connection; one ListIdentity request and reply on a connection recorded 12 years later.
    // The file's snaplen is 129 bytes: replies are cut, and are still paired from their
    // headers. Class-1 I/O on UDP 2222 is not request/response and yields nothing.
    let per = per_client(&c);
    assert_eq!(per.get("192.168.10.105"), Some(&(134, 133)));
    assert_eq!(per.get("10.1.1.167"), Some(&(1, 1)));
    assert_eq!(per.len(), 2);
}

#[test]
fn bacnet_read_property() {
    let Some(c) = capture("cisagov-icsnpp/bacnet_example.pcap") else {
        return;
    };
    // tshark -Y bacapp, bacapp.type: 1520 confirmed requests (0); 30 simple ACKs (2),
    // 1400 complex ACKs (3), 90 errors (5) = 1520 answers.
    assert_eq!(c.transactions(), 1520);
    assert_eq!(c.unanswered(), 0);
    // Both ends use 47808: the client is the side sending confirmed requests.
    assert!(
        c.conversations
            .iter()
            .all(|v| v.server.port() == 47808
                && v.client.ip().to_string().starts_with("172.20.32.2"))
    );
}
