//! Classification of remediation texts: whether a text describes installing an update (a
//! patch candidate) and which control kind, if any, a mitigation or workaround maps to.
//!
//! Plain keyword rules a reader can predict. This module does not decide targets or build
//! controls; that is [`super::draft`].

/// Whether a remediation text describes installing an update.
pub fn describes_update(text: &str) -> bool {
    let t = text.to_lowercase();
    [
        "update to",
        "update the",
        "upgrade",
        "updated version",
        "latest version",
        "firmware",
        "patch",
        "hotfix",
        "hot fix",
        "service pack",
        "corrected in",
        "fixed in",
        "includes a fix",
        "new version",
        "released",
        "version v",
        "or later",
    ]
    .iter()
    .any(|k| t.contains(k))
}

/// The control kind a remediation text maps to, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ControlKind {
    /// Restrict the conduits into the affected assets' zones.
    Segmentation,
    /// Restrict vendor remote access.
    RemoteAccess,
    /// Application allowlisting on the affected hosts.
    Allowlisting,
    /// OT monitoring of the affected zones.
    Monitoring,
    /// IPS / WAF on the conduits into the affected zones.
    VirtualPatch,
}

/// Classifies a mitigation or workaround text.
pub fn classify(text: &str) -> Option<ControlKind> {
    let t = format!(" {} ", text.to_lowercase());
    let any = |keys: &[&str]| keys.iter().any(|k| t.contains(k));
    if any(&[
        "web application firewall",
        " waf ",
        " waf,",
        "intrusion prevention",
        " ips ",
        "deep packet inspection",
        "reverse proxy",
        "virtual patch",
    ]) {
        Some(ControlKind::VirtualPatch)
    } else if any(&[
        "allowlist",
        "allow-list",
        "allow list",
        "whitelist",
        "application control",
    ]) {
        Some(ControlKind::Allowlisting)
    } else if any(&[
        "intrusion detection",
        "network monitoring",
        "monitor network",
        "monitor traffic",
        "monitor the network",
        "security monitoring",
        "anomal",
    ]) {
        Some(ControlKind::Monitoring)
    } else if any(&[
        "remote access",
        "remote connection",
        " vpn",
        "virtual private network",
    ]) {
        Some(ControlKind::RemoteAccess)
    } else if any(&[
        "firewall",
        "isolate",
        "network access",
        "network exposure",
        "accessible from the internet",
        "trusted network",
        "segment",
        "business network",
        "block port",
        "restrict access to port",
        "internet-facing",
    ]) {
        Some(ControlKind::Segmentation)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        use ControlKind::*;
        assert_eq!(
            classify(
                "Locate control system networks and remote devices behind firewalls and isolate them from business networks."
            ),
            Some(Segmentation)
        );
        assert_eq!(
            classify(
                "When remote access is required, use secure methods, such as virtual private networks (VPNs)"
            ),
            Some(RemoteAccess)
        );
        assert_eq!(
            classify(
                "Consider using a web application firewall to block HTML responses from PI Web API servers."
            ),
            Some(VirtualPatch)
        );
        assert_eq!(
            classify("Avoid opening files from unknown sources in Solid Edge."),
            None
        );
        assert_eq!(classify("Disable the Telnet service"), None);
        assert!(describes_update("Upgrade Ignition 8 Gateway to v8.0.10"));
        assert!(describes_update(
            "ControlLogix 5570: Corrected in v33.016, 34.013, 35.012, 36.011 and later"
        ));
        assert!(!describes_update(
            "Tailor user privileges to each user's specific needs"
        ));
    }
}
