//! The vulnerabilities: which assets each affects (named, or matched by software), its CVSS
//! v3.x or 4.0 vector, exploit maturity, KEV and EPSS, and its time to compromise (given, or the
//! default of `ttc`). How the attacker uses them is the simulation's.

use super::Sections;
use super::ttc::{cvss_ttc_factor, cvss4_maturity, cvss4_ttc_factor, default_ttc};
use crate::check::*;
use crate::raw::*;
use crate::source::{join_index, join_key};
use patchtwin_model::*;
use std::collections::BTreeSet;

/// Checks `vulnerabilities` against the assets built so far.
pub(super) fn vulnerabilities(
    ctx: &mut Ctx,
    root: &serde_json::Value,
    s: &Sections,
    asset_ids: &Ids,
    assets: &[Asset],
) -> (Ids, Vec<Vulnerability>) {
    let mut vuln_ids = Ids::new("vulnerabilities", written_ids(root, "vulnerabilities"));
    let mut vulnerabilities = Vec::new();
    for (i, v) in &s.vulnerabilities {
        let path = join_index("vulnerabilities", *i);
        vuln_ids.define(ctx, &v.id, &path, "vulnerability");
        vulnerabilities.push(vulnerability(ctx, v, &path, asset_ids, assets));
    }
    (vuln_ids, vulnerabilities)
}

/// One vulnerability at `path`. Failed fields are reported and left out (no score, the
/// default time to compromise), so the item itself is always built.
fn vulnerability(
    ctx: &mut Ctx,
    v: &VulnerabilityRaw,
    path: &str,
    asset_ids: &Ids,
    assets: &[Asset],
) -> Vulnerability {
    let affected = affects(
        ctx,
        asset_ids,
        assets,
        &v.affects,
        &join_key(path, "affects"),
    );
    if affected.is_empty() && ctx.clean() {
        ctx.warn(
            &join_key(path, "affects"),
            format!("vulnerability `{}` affects no asset of this plant", v.id),
        );
    }
    let (score, local_only, ttc_factor, v4_maturity) = match v.cvss.as_deref() {
        Some(vector) if vector.trim_start().starts_with("CVSS:4") => cvss4_base(ctx, vector, path),
        vector => {
            let (score, local_only, factor) = cvss_base(ctx, vector, path);
            (score, local_only, factor, None)
        }
    };
    let epss = v
        .epss
        .map(|e| fraction(ctx, e, &join_key(path, "epss"), "`epss`", 1.0));
    let ttc = v
        .ttc
        .as_ref()
        .and_then(|t| duration_dist(ctx, t, &join_key(path, "ttc")));
    if let Some(t) = &ttc
        && t.0.mean() <= 0.0
    {
        ctx.err_at(
            &join_key(path, "ttc"),
            "a time to compromise must be longer than 0".into(),
        );
    }
    let maturity = match v.exploit_maturity {
        Some(MaturityRaw::Unproven) => ExploitMaturity::Unproven,
        Some(MaturityRaw::ProofOfConcept) => ExploitMaturity::ProofOfConcept,
        Some(MaturityRaw::Functional) => ExploitMaturity::Functional,
        Some(MaturityRaw::Active) => ExploitMaturity::Active,
        None if v.kev => ExploitMaturity::Active,
        None => v4_maturity.unwrap_or(ExploitMaturity::Unproven),
    };
    if v.kev && matches!(v.exploit_maturity, Some(m) if !matches!(m, MaturityRaw::Active)) {
        ctx.warn(
            &join_key(path, "exploit_maturity"),
            format!(
                "`{}` is listed in KEV (exploited in the wild) but its maturity is not `active`",
                v.id
            ),
        );
    }
    let coordinator_ssvc = v
        .ssvc
        .as_deref()
        .and_then(|t| super::ssvc_note::coordinator_ssvc(ctx, t, &join_key(path, "ssvc")));
    let ttc_defaulted = ttc.is_none();
    let ttc = ttc.unwrap_or_else(|| default_ttc(maturity, v.kev, epss, ttc_factor));
    Vulnerability {
        id: v.id.clone(),
        title: v.title.clone().unwrap_or_default(),
        assets: affected,
        cvss_vector: v.cvss.clone(),
        cvss_base_score: score,
        exploit_maturity: maturity,
        kev: v.kev,
        epss,
        service: v.service.as_ref().map(|s| s.to_lowercase()),
        local_only,
        ttc,
        ttc_defaulted,
        remediation: v.remediation.map(|r| match r {
            RemediationRaw::NoneAvailable => RemediationStatus::NoneAvailable,
            RemediationRaw::NoFixPlanned => RemediationStatus::NoFixPlanned,
            RemediationRaw::FixPlanned => RemediationStatus::FixPlanned,
            RemediationRaw::VendorFix => RemediationStatus::VendorFix,
        }),
        coordinator_ssvc,
    }
}

/// The CVSS v3 vector, when given: its base score, whether it needs local, adjacent or
/// physical access, and its exploitability factor on the time to compromise (1 without a
/// usable vector). An incomplete or invalid vector is reported and gives no score.
fn cvss_base(ctx: &mut Ctx, vector: Option<&str>, path: &str) -> (Option<f64>, bool, f64) {
    let mut ttc_factor = 1.0;
    let (score, local_only) = match vector {
        Some(vector) => match vector.parse::<cvss::v3::Vector>() {
            Ok(parsed)
                if [
                    parsed.av.is_none(),
                    parsed.ac.is_none(),
                    parsed.pr.is_none(),
                    parsed.ui.is_none(),
                    parsed.s.is_none(),
                    parsed.c.is_none(),
                    parsed.i.is_none(),
                    parsed.a.is_none(),
                ]
                .contains(&true) =>
            {
                ctx.err_help(
                        &join_key(path, "cvss"),
                        format!("incomplete CVSS v3 vector `{vector}`: a base vector needs all of AV, AC, PR, UI, S, C, I and A"),
                        "expected e.g. `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`".into(),
                    );
                (None, false)
            }
            Ok(parsed) => {
                ttc_factor = cvss_ttc_factor(&parsed);
                use cvss::v3::metric::base::AttackVector;
                let local = matches!(
                    parsed.av,
                    Some(AttackVector::Local | AttackVector::Physical | AttackVector::Adjacent)
                );
                (Some(parsed.base_score().value()), local)
            }
            Err(e) => {
                ctx.err_help(
                    &join_key(path, "cvss"),
                    format!("invalid CVSS v3 vector `{vector}`: {e}"),
                    "expected e.g. `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`".into(),
                );
                (None, false)
            }
        },
        None => (None, false),
    };
    (score, local_only, ttc_factor)
}

/// A CVSS 4.0 vector: its base score (CVSS-B, FIRST's 4.0 scoring), whether it needs local,
/// adjacent or physical access, its exploitability factor on the time to compromise
/// (`cvss4_ttc_factor`), and the exploit maturity its threat metric E states. A malformed or
/// incomplete vector is reported and gives no score, factor 1 and no maturity.
fn cvss4_base(
    ctx: &mut Ctx,
    vector: &str,
    path: &str,
) -> (Option<f64>, bool, f64, Option<ExploitMaturity>) {
    match vector.trim().parse::<cvss::v4::Vector>() {
        Ok(parsed) => {
            // The crate keeps the metrics private; its normalized text names each once.
            let text = parsed.to_string();
            let metric = |name: &str| {
                text.split('/').skip(1).find_map(|part| {
                    let (k, val) = part.split_once(':')?;
                    (k == name).then(|| val.to_string())
                })
            };
            let local = matches!(metric("AV").as_deref(), Some("A" | "L" | "P"));
            (
                Some(parsed.score().value()),
                local,
                cvss4_ttc_factor(metric),
                cvss4_maturity(metric),
            )
        }
        Err(e) => {
            ctx.err_help(
                &join_key(path, "cvss"),
                format!("invalid CVSS 4.0 vector `{vector}`: {e}"),
                "expected all eleven base metrics, e.g. \
                 `CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N`"
                    .into(),
            );
            (None, false, 1.0, None)
        }
    }
}

/// The assets an `affects` (or a patch's `applies_to`) names: listed ids plus every asset whose
/// software matches (vendor and product, and version when listed; case and surrounding spaces
/// ignored), in index order.
pub(super) fn affects(
    ctx: &mut Ctx,
    ids: &Ids,
    assets: &[Asset],
    a: &AffectsRaw,
    path: &str,
) -> Vec<AssetIdx> {
    let mut set = BTreeSet::new();
    for (i, id) in a.assets.iter().enumerate() {
        if let Some(x) = ids.resolve(ctx, id, &join_index(&join_key(path, "assets"), i), "asset") {
            set.insert(AssetIdx(x));
        }
    }
    for m in &a.software {
        let norm = |s: &str| s.trim().to_lowercase();
        for (i, asset) in assets.iter().enumerate() {
            let hit = asset.software.iter().any(|sw| {
                norm(&sw.vendor) == norm(&m.vendor)
                    && norm(&sw.product) == norm(&m.product)
                    && m.versions
                        .as_ref()
                        .is_none_or(|vs| vs.iter().any(|v| norm(&v.0) == norm(&sw.version)))
            });
            if hit {
                set.insert(AssetIdx(i as u32));
            }
        }
    }
    if a.assets.is_empty() && a.software.is_empty() {
        ctx.err_at(
            path,
            "name the affected `assets`, or a `software` match, or both".into(),
        );
    }
    set.into_iter().collect()
}
