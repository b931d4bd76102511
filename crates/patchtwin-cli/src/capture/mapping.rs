//! Which asset each captured address is: the scenario's own `addresses:` of its assets, and a
//! mapping file of `address: asset-id` lines (every asset checked against the scenario, a line
//! contradicting the scenario's addresses rejected, errors with file and line).
//!
//! Not here: reading captures, matching flows (the parent module).

use patchtwin_model::Scenario;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::Path;

/// Largest mapping file read, bytes.
const MAX_MAP_BYTES: u64 = 1 << 20;

/// The scenario's addresses, then those of the mapping file `file` when one is given.
pub(super) fn mapping(
    file: Option<&Path>,
    s: &Scenario,
) -> Result<BTreeMap<IpAddr, String>, String> {
    let mut map: BTreeMap<IpAddr, String> = s
        .assets
        .iter()
        .flat_map(|a| a.addresses.iter().map(move |ip| (*ip, a.id.clone())))
        .collect();
    if let Some(file) = file {
        map.extend(read_mapping(file, s)?);
    }
    Ok(map)
}

/// Reads a mapping file: `address: asset-id` lines, every asset checked against the scenario
/// and against the addresses the scenario gives its assets.
pub(super) fn read_mapping(path: &Path, s: &Scenario) -> Result<BTreeMap<IpAddr, String>, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("error: {shown}: cannot read: {e}"))?;
    if !meta.is_file() || meta.len() > MAX_MAP_BYTES {
        return Err(format!(
            "error: {shown}: expected a mapping file (a text file of at most {MAX_MAP_BYTES} bytes)"
        ));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("error: {shown}: cannot read as UTF-8 text: {e}"))?;
    let mut map = BTreeMap::new();
    let mut first_line: BTreeMap<IpAddr, usize> = BTreeMap::new();
    let mut errors = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line_no = n + 1;
        let line = raw.split(" #").next().unwrap_or("").trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // The last `: ` separates the address from the asset (IPv6 addresses hold colons).
        let Some((addr, asset)) = line
            .rsplit_once(": ")
            .or_else(|| line.strip_suffix(':').map(|a| (a, "")))
        else {
            errors.push(format!(
                "error: {shown}:{line_no}: expected `address: asset-id`, found `{line}`"
            ));
            continue;
        };
        let addr = addr.trim().trim_matches(|c| c == '"' || c == '\'');
        let asset = asset.trim().trim_matches(|c| c == '"' || c == '\'');
        let Ok(ip) = addr.parse::<IpAddr>() else {
            errors.push(format!(
                "error: {shown}:{line_no}: `{addr}` is not an IP address (expected e.g. `192.168.0.20: plc-1`)"
            ));
            continue;
        };
        if s.asset_by_id(asset).is_none() {
            let hint = patchtwin_scenario::diag::did_you_mean(
                asset,
                s.assets.iter().map(|a| a.id.as_str()),
            );
            errors.push(format!(
                "error: {shown}:{line_no}: address {ip}: unknown asset `{asset}`{hint}; the mapping names assets of the scenario"
            ));
            continue;
        }
        if let Some(owner) = s.assets.iter().find(|a| a.addresses.contains(&ip))
            && owner.id != asset
        {
            errors.push(format!(
                "error: {shown}:{line_no}: address {ip} is asset `{asset}` here but `{}` in the scenario's `addresses:`; one of them is wrong",
                owner.id
            ));
            continue;
        }
        if let Some(first) = first_line.get(&ip) {
            errors.push(format!(
                "error: {shown}:{line_no}: address {ip} is already mapped on line {first}"
            ));
            continue;
        }
        first_line.insert(ip, line_no);
        map.insert(ip, asset.to_string());
    }
    if errors.is_empty() {
        Ok(map)
    } else {
        Err(errors.join("\n"))
    }
}
