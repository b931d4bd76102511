//! Scenario files to patchtwin's domain model.
//!
//! Loading goes in four stages, each reporting every problem it finds with file, line, column
//! and field path (see [`Diagnostic`]):
//!
//! 1. `source`: text → value tree + source map (syntax, budgets against hostile input);
//! 2. `structure`: value tree → the typed input structs of [`raw`], item by item;
//! 3. `validate`: input structs → [`patchtwin_model::Scenario`] (references, ranges, routes);
//! 4. the caller gets the scenario and any warnings, or all the diagnostics.
//!
//! Beside the stages: `diag` renders diagnostics with their source line; `check` holds the
//! checks of single values and the diagnostic collector, shared by `validate` and `library`
//! (the asset model library); `units` parses quantities with units; `schema` derives the JSON
//! Schema of the file format from `raw`; `provenance_line` is the format of the
//! `patchtwin-provenance:` lines an import writes into a scenario's header comments (written by
//! `patchtwin-import`, read back by `patchtwin-report`).
//!
//! This crate reads files only where asked to (the model directory, the scenario path); it
//! never writes. It knows nothing of the simulation.

mod check;
pub mod diag;
pub mod library;
pub mod provenance_line;
pub mod raw;
pub mod schema;
pub mod source;
pub mod structure;
pub mod units;
pub mod validate;

pub use diag::{Diagnostic, Diagnostics, Loc, Severity};
pub use library::{AssetModel, ModelLibrary};
use patchtwin_model::Scenario;
use serde_json::Value;
use std::path::Path;

/// A loaded scenario with what validation noticed but did not reject.
#[derive(Debug)]
pub struct Loaded {
    /// The validated scenario.
    pub scenario: Scenario,
    /// Non-fatal findings (a window that never occurs, a vulnerability that affects nothing).
    pub warnings: Vec<Diagnostic>,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
}

/// Top-level keys of a scenario file, in the order the shipped scenarios (and writers) use.
pub const TOP_LEVEL: &[&str] = &[
    "name",
    "description",
    "horizon",
    "currency",
    "zones",
    "conduits",
    "assets",
    "links",
    "flows",
    "functions",
    "process_units",
    "vulnerabilities",
    "patches",
    "controls",
    "maintenance_windows",
    "threat",
    "risk_appetite",
    "acceptance",
    "plans",
    "data_loss",
    "sensitivity",
];
const REQUIRED: &[&str] = &["name", "horizon", "zones", "assets", "plans"];

/// Reads and validates a scenario file. The model library is the built-in one, extended by a
/// `models/` directory beside the scenario or one level up, when there is one.
pub fn load_file(path: &Path) -> Result<Loaded, Diagnostics> {
    let file = path.display().to_string();
    let one = |message: String| Diagnostics {
        items: vec![Diagnostic {
            severity: crate::diag::Severity::Error,
            file: file.clone(),
            loc: None,
            path: String::new(),
            message,
            help: None,
        }],
        source: None,
    };
    let meta = std::fs::metadata(path).map_err(|e| one(format!("cannot read the file: {e}")))?;
    if meta.is_dir() {
        return Err(one(
            "this is a directory; expected a scenario file (.yaml or .json)".into(),
        ));
    }
    if meta.len() > source::MAX_INPUT_BYTES as u64 {
        // A regular file's size is known: refuse without reading it.
        return Err(one(format!(
            "the file is {} bytes; the largest accepted is {} bytes",
            meta.len(),
            source::MAX_INPUT_BYTES
        )));
    }
    let bytes = read_capped(path, source::MAX_INPUT_BYTES).map_err(one)?;
    let text = String::from_utf8(bytes).map_err(|e| one(format!("the file is not UTF-8 text (invalid byte at offset {}); expected a YAML or JSON scenario", e.utf8_error().valid_up_to())))?;
    let mut lib = ModelLibrary::builtin();
    if let Some(dir) = path.parent() {
        for candidate in [dir.join("models"), dir.join("../models")] {
            if candidate.is_dir() {
                lib.add_dir(&candidate)?;
                break;
            }
        }
    }
    load_str(&text, &file, &lib)
}

/// Reads at most `limit + 1` bytes of `path`, so that a device or a stream (`/dev/zero`, a
/// pipe) is refused after the limit instead of being read to exhaustion; the file's reported
/// size is not trusted (a device reports 0). The error says what went wrong.
///
/// Opening never waits: a named pipe (FIFO) that no program writes to would block `open`
/// forever, so it is opened non-blocking and refused when nothing was written
/// ([`open_for_reading`]); a pipe with a writer (process substitution, `<(cmd)`) is read as
/// any file.
pub fn read_capped(path: &Path, limit: usize) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let file = open_for_reading(path).map_err(|e| format!("cannot read the file: {e}"))?;
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the file: {e}"))?;
    if bytes.len() > limit {
        return Err(format!(
            "the input is larger than {limit} bytes; the largest accepted is {limit} bytes"
        ));
    }
    if bytes.is_empty() && is_fifo(path) {
        return Err(
            "this is a named pipe (FIFO) that no program is writing to, so there is nothing to \
             read; give the file itself, or start the program that writes the pipe first"
                .into(),
        );
    }
    Ok(bytes)
}

/// Opens `path` for reading without blocking in `open`. On Unix it is opened with
/// `O_NONBLOCK` (for a FIFO with no writer, `open` would otherwise wait for one forever) and
/// then switched back to blocking reads, so a pipe that has a writer is read to its end as
/// before, and one without a writer reads as empty at once.
pub fn open_for_reading(path: &Path) -> std::io::Result<std::fs::File> {
    #[cfg(unix)]
    {
        use rustix::fs::{Mode, OFlags};
        let fd = rustix::fs::open(
            path,
            OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        rustix::fs::fcntl_setfl(&fd, OFlags::empty())?;
        Ok(std::fs::File::from(fd))
    }
    #[cfg(not(unix))]
    {
        std::fs::File::open(path)
    }
}

/// Whether `path` is a named pipe (FIFO) or another pipe.
fn is_fifo(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        std::fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo())
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

/// Validates scenario text. `file` is used in diagnostics only.
pub fn load_str(text: &str, file: &str, lib: &ModelLibrary) -> Result<Loaded, Diagnostics> {
    let fail = |items: Vec<Diagnostic>| {
        let mut items = items;
        items.sort_by_key(|d| d.loc.map(|l| (l.line, l.column)).unwrap_or((u32::MAX, 0)));
        Diagnostics {
            items,
            source: Some(text.to_string()),
        }
    };
    let (root, map) = source::read(text)
        .map_err(|errs| fail(errs.into_iter().map(|e| e.into_diagnostic(file)).collect()))?;
    let Value::Object(top) = &root else {
        return Err(fail(vec![Diagnostic {
            severity: crate::diag::Severity::Error,
            file: file.into(),
            loc: map.value(""),
            path: String::new(),
            message: format!(
                "expected a scenario mapping with `name`, `horizon`, `zones`, `assets` and `plans`, found {}",
                units::describe(&root)
            ),
            help: None,
        }]));
    };
    let mut diags = Vec::new();
    for key in top.keys() {
        if !TOP_LEVEL.contains(&key.as_str()) {
            diags.push(Diagnostic {
                severity: crate::diag::Severity::Error,
                file: file.into(),
                loc: map.key(key),
                path: key.clone(),
                message: format!("unknown field `{key}`"),
                help: Some(diag::nearest(key, TOP_LEVEL.iter().copied()).map_or_else(
                    || format!("the top level takes: {}", TOP_LEVEL.join(", ")),
                    |n| format!("did you mean `{n}`?"),
                )),
            });
        }
    }
    for key in REQUIRED {
        if !top.contains_key(*key) {
            diags.push(Diagnostic {
                severity: crate::diag::Severity::Error,
                file: file.into(),
                loc: Some(Loc { line: 1, column: 1 }),
                path: String::new(),
                message: format!("missing field `{key}`"),
                help: None,
            });
        }
    }
    let one = |key: &str, diags: &mut Vec<Diagnostic>| -> Option<Value> {
        let v = top.get(key)?;
        Some(v.clone()).filter(|v| {
            !v.is_null() || {
                diags.push(Diagnostic {
                    severity: crate::diag::Severity::Error,
                    file: file.into(),
                    loc: map.value(key),
                    path: key.into(),
                    message: format!("`{key}` is empty"),
                    help: None,
                });
                false
            }
        })
    };
    let scalar = |key: &str, diags: &mut Vec<Diagnostic>| -> Option<Value> { one(key, diags) };
    let name = scalar("name", &mut diags).and_then(|v| {
        structure::typed::<String>(&v, "name", file, &map)
            .map_err(|d| diags.push(d))
            .ok()
    });
    let description = scalar("description", &mut diags)
        .and_then(|v| {
            structure::typed::<String>(&v, "description", file, &map)
                .map_err(|d| diags.push(d))
                .ok()
        })
        .unwrap_or_default();
    let horizon = scalar("horizon", &mut diags).and_then(|v| {
        structure::typed::<units::DurationText>(&v, "horizon", file, &map)
            .map_err(|d| diags.push(d))
            .ok()
    });
    let currency = scalar("currency", &mut diags).and_then(|v| {
        structure::typed::<String>(&v, "currency", file, &map)
            .map_err(|d| diags.push(d))
            .ok()
    });
    let threat = scalar("threat", &mut diags).and_then(|v| {
        structure::typed::<raw::ThreatRaw>(&v, "threat", file, &map)
            .map_err(|d| diags.push(d))
            .ok()
    });
    let risk_appetite = scalar("risk_appetite", &mut diags).and_then(|v| {
        structure::typed::<raw::RiskAppetiteRaw>(&v, "risk_appetite", file, &map)
            .map_err(|d| diags.push(d))
            .ok()
    });
    let acceptance = scalar("acceptance", &mut diags).and_then(|v| {
        structure::typed::<raw::AcceptanceRaw>(&v, "acceptance", file, &map)
            .map_err(|d| diags.push(d))
            .ok()
    });
    let sensitivity = scalar("sensitivity", &mut diags).and_then(|v| {
        structure::typed::<raw::SensitivityRaw>(&v, "sensitivity", file, &map)
            .map_err(|d| diags.push(d))
            .ok()
    });
    let sections = validate::Sections {
        name,
        description,
        horizon,
        currency,
        zones: structure::list(&root, "zones", file, &map, &mut diags),
        conduits: structure::list(&root, "conduits", file, &map, &mut diags),
        assets: structure::list(&root, "assets", file, &map, &mut diags),
        links: structure::list(&root, "links", file, &map, &mut diags),
        flows: structure::list(&root, "flows", file, &map, &mut diags),
        functions: structure::list(&root, "functions", file, &map, &mut diags),
        process_units: structure::list(&root, "process_units", file, &map, &mut diags),
        vulnerabilities: structure::list(&root, "vulnerabilities", file, &map, &mut diags),
        patches: structure::list(&root, "patches", file, &map, &mut diags),
        controls: structure::list(&root, "controls", file, &map, &mut diags),
        windows: structure::list(&root, "maintenance_windows", file, &map, &mut diags),
        threat,
        risk_appetite,
        acceptance,
        plans: structure::list(&root, "plans", file, &map, &mut diags),
        data_loss: structure::list(&root, "data_loss", file, &map, &mut diags),
        sensitivity,
    };
    // The earlier stages' errors go into the checker's list: a check that needs every item
    // built (routing) must see that an item is missing.
    let mut ctx = validate::Ctx::with_errors(file, &map, diags);
    let scenario = validate::validate(&mut ctx, &root, &sections, lib);
    let diags = ctx.diags;
    match scenario {
        Some(scenario) if diags.is_empty() => Ok(Loaded {
            scenario,
            warnings: ctx.warnings,
            sha256: sha256_hex(text.as_bytes()),
        }),
        _ => Err(fail(diags)),
    }
}

/// SHA-256 of `data` as lowercase hex (FIPS 180-4; small and dependency-free).
pub fn sha256_hex(data: &[u8]) -> String {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for chunk in msg.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, word) in chunk.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let mut v = h;
        for i in 0..64 {
            let s1 = v[4].rotate_right(6) ^ v[4].rotate_right(11) ^ v[4].rotate_right(25);
            let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
            let t1 = v[7]
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = v[0].rotate_right(2) ^ v[0].rotate_right(13) ^ v[0].rotate_right(22);
            let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
            let t2 = s0.wrapping_add(maj);
            v = [
                t1.wrapping_add(t2),
                v[0],
                v[1],
                v[2],
                v[3].wrapping_add(t1),
                v[4],
                v[5],
                v[6],
            ];
        }
        for (a, b) in h.iter_mut().zip(v) {
            *a = a.wrapping_add(b);
        }
    }
    h.iter().map(|x| format!("{x:08x}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn sha256_matches_known_vectors() {
        assert_eq!(
            super::sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            super::sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
