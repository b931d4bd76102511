//! What the vendor offers against a vulnerability (`Vulnerability::remediation`, CSAF's
//! remediation categories) in the words of the SSVC reasons: with no fix to install, the
//! only levers are the plan's controls. Formatting only; validation rejects a patch for a
//! vulnerability the vendor offers no fix for.

use patchtwin_model::{RemediationStatus, Vulnerability};

/// The clause the SSVC reasons carry for `v`'s remediation status, if it is known.
pub fn ssvc_note(v: &Vulnerability) -> Option<String> {
    let words = match v.remediation? {
        RemediationStatus::NoneAvailable => {
            "no fix available from the vendor (none_available): only controls can lower the priority"
        }
        RemediationStatus::NoFixPlanned => {
            "the vendor will not fix it (no_fix_planned): only controls or replacement can lower the priority"
        }
        RemediationStatus::FixPlanned => {
            "a vendor fix is announced, not released (fix_planned): controls until it ships"
        }
        RemediationStatus::VendorFix => "a vendor fix is released (vendor_fix)",
    };
    Some(format!("; {words}"))
}
