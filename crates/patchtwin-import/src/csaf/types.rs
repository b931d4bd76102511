//! What a parsed advisory is: [`Advisory`] with its [`Product`]s and [`Vulnerability`]s, each
//! with its [`Remediation`]s and their [`Category`]. Plain values; reading them is
//! [`super::parse`]'s job.

/// One product of the advisory's product tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Product {
    /// CSAF product id (`CSAFPID-0001`).
    pub id: String,
    /// Vendor branch name (`Schneider Electric `), or empty when the tree gives none.
    pub vendor: String,
    /// Product name branch (`Modicon M340 CPU (part numbers BMXP34*)`).
    pub product: String,
    /// Version or range text (`< SV3.51`), or `None` when no version branch is given.
    pub version: Option<String>,
    /// The full product name (`Modicon M340 CPU (part numbers BMXP34*): < SV3.51`).
    pub full_name: String,
}

/// What a remediation is (CSAF 2.0 §3.2.3.12.1, plus 2.1's `fix_planned` and
/// `optional_patch`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Category {
    /// A fix from the vendor.
    VendorFix,
    /// A change that reduces the risk without fixing.
    Mitigation,
    /// A configuration or use change that avoids the flaw.
    Workaround,
    /// No fix is available.
    NoneAvailable,
    /// No fix is planned.
    NoFixPlanned,
    /// A fix is planned.
    FixPlanned,
    /// An optional patch.
    OptionalPatch,
    /// Something else.
    Other(String),
}

impl Category {
    pub(super) fn parse(s: &str) -> Self {
        match s {
            "vendor_fix" => Category::VendorFix,
            "mitigation" => Category::Mitigation,
            "workaround" => Category::Workaround,
            "none_available" => Category::NoneAvailable,
            "no_fix_planned" => Category::NoFixPlanned,
            "fix_planned" => Category::FixPlanned,
            "optional_patch" => Category::OptionalPatch,
            other => Category::Other(other.to_string()),
        }
    }
    /// The CSAF name.
    pub fn name(&self) -> &str {
        match self {
            Category::VendorFix => "vendor_fix",
            Category::Mitigation => "mitigation",
            Category::Workaround => "workaround",
            Category::NoneAvailable => "none_available",
            Category::NoFixPlanned => "no_fix_planned",
            Category::FixPlanned => "fix_planned",
            Category::OptionalPatch => "optional_patch",
            Category::Other(s) => s,
        }
    }
}

/// One remediation of a vulnerability.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Remediation {
    /// What it is.
    pub category: Category,
    /// The advisory's words.
    pub details: String,
    /// Products it applies to (groups expanded); empty means every affected product.
    pub product_ids: Vec<String>,
    /// Link, if any.
    pub url: Option<String>,
    /// CSAF `restart_required.category`, if given.
    pub restart_required: Option<String>,
}

/// One vulnerability of an advisory.
#[derive(Clone, Debug, PartialEq)]
pub struct Vulnerability {
    /// The CVE id, or another id the advisory gives (`ids[0].text`), or `<tracking id>-V<n>`.
    pub id: String,
    /// Whether `id` is a CVE id.
    pub is_cve: bool,
    /// The vulnerability's own title, if it has one (other than its id).
    pub title: Option<String>,
    /// CWE name and id, e.g. `Improper Access Control (CWE-284)`.
    pub cwe: Option<String>,
    /// First sentence of the `summary` note.
    pub summary: Option<String>,
    /// Affected product ids (`known_affected`, `first_affected`, `last_affected`).
    pub affected: Vec<String>,
    /// CVSS v3 vector, checked with the `cvss` crate (all eight base metrics present).
    pub cvss_v3: Option<String>,
    /// Base score of `cvss_v3`.
    pub cvss_v3_score: Option<f64>,
    /// A vector that was given but rejected, and why.
    pub cvss_problem: Option<String>,
    /// CVSS v4 vectors seen in reference URLs or notes.
    pub cvss_v4_seen: Vec<String>,
    /// The CVSS v4 vector: from a CSAF 2.1 `metrics[].content.cvss_v4` block, else the first
    /// well-formed one of `cvss_v4_seen` (a calculator URL); checked by [`crate::cvss4`]. The
    /// importer writes it as the scenario's `cvss` when present (else the v3 vector).
    pub cvss_v4: Option<String>,
    /// The earliest `first_known_exploitation_dates[].exploitation_date` (CSAF 2.1), as
    /// `YYYY-MM-DD`.
    pub first_known_exploitation: Option<String>,
    /// A coordinator's SSVC decision points from a vulnerability note titled `SSVC` (CISA's
    /// advisories), as SSVC's abbreviated vector, checked by the scenario's own reader.
    pub ssvc: Option<String>,
    /// Remediations.
    pub remediations: Vec<Remediation>,
}

impl Vulnerability {
    /// What the vendor offers, as a scenario `remediation` value: the most hopeful of the
    /// remediations' fix categories — `vendor_fix`, then `fix_planned`, `no_fix_planned`,
    /// `none_available` — or `None` when the advisory gives only mitigations and workarounds.
    /// Per vulnerability, not per product.
    pub fn remediation_status(&self) -> Option<&'static str> {
        let has = |c: Category| self.remediations.iter().any(|r| r.category == c);
        [
            (Category::VendorFix, "vendor_fix"),
            (Category::FixPlanned, "fix_planned"),
            (Category::NoFixPlanned, "no_fix_planned"),
            (Category::NoneAvailable, "none_available"),
        ]
        .into_iter()
        .find_map(|(c, name)| has(c).then_some(name))
    }
}

/// A parsed advisory.
#[derive(Clone, Debug, PartialEq)]
pub struct Advisory {
    /// Tracking id (`ICSA-23-201-01`).
    pub id: String,
    /// Document title.
    pub title: String,
    /// Publisher name.
    pub publisher: String,
    /// `csaf_version`.
    pub csaf_version: String,
    /// Tracking version (revision).
    pub revision: Option<String>,
    /// First release date (date part).
    pub initial_release: Option<String>,
    /// Current release date (date part).
    pub current_release: Option<String>,
    /// Products of the product tree.
    pub products: Vec<Product>,
    /// Vulnerabilities.
    pub vulnerabilities: Vec<Vulnerability>,
    /// Things noticed and skipped while reading.
    pub notes: Vec<String>,
}

impl Advisory {
    /// The product with this id.
    pub fn product(&self, id: &str) -> Option<&Product> {
        self.products.iter().find(|p| p.id == id)
    }
}
