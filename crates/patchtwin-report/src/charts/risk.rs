//! The exposure-versus-operations chart: each plan's P(compromise) against its P(process
//! trip), with 95% interval bars.
//!
//! Each plan's name sits next to its point (`place_labels`: overlapping names are nudged apart
//! and joined to their point by a leader line), and a point equal to an earlier plan's says
//! "same as …".
//!
//! This module is not the ranking of plans (`recommend`); it places the summary's estimates.

use super::*;

pub(super) fn exposure_vs_operations(summary: &Summary) -> Chart {
    let title = "Exposure versus operational risk".to_string();
    let caption =
        "Each plan as a point: P(a target is compromised) against P(an unplanned process \
                   trip), both over the horizon, with 95% intervals as bars. Lower left is \
                   better on both counts; a plan that moves down but right trades exposure for \
                   operational risk."
            .to_string();
    let points: Vec<(String, crate::Est, crate::Est)> = summary
        .plans
        .iter()
        .map(|p| (p.id.clone(), p.operations.p_trip, p.exposure.p_compromise))
        .collect();
    let svg = render(&title, |root| {
        let xmax = prob_axis_max(points.iter().map(|p| p.1.hi).fold(0.0, f64::max));
        let ymax = prob_axis_max(points.iter().map(|p| p.2.hi).fold(0.0, f64::max));
        let mut chart = ChartBuilder::on(root)
            .caption(&title, caption_font())
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(60)
            .build_cartesian_2d(0f64..xmax, 0f64..ymax)?;
        chart
            .configure_mesh()
            .label_style(axis_font())
            .axis_desc_style(axis_font())
            .x_desc("P(unplanned process trip)")
            .y_desc("P(compromise)")
            .x_label_formatter(&pct_label)
            .y_label_formatter(&pct_label)
            .light_line_style(NO_LIGHT_LINES)
            .draw()?;
        let (cap_x, cap_y) = (xmax / 120.0, ymax / 70.0);
        for (j, (_, x, y)) in points.iter().enumerate() {
            let color = plan_color(j);
            let bar = color.stroke_width(2);
            let (xm, ym) = (x.mean, y.mean);
            let (xl, xh) = (x.lo.max(0.0), x.hi.min(1.0));
            let (yl, yh) = (y.lo.max(0.0), y.hi.min(1.0));
            chart.draw_series([
                PathElement::new(vec![(xl, ym), (xh, ym)], bar),
                PathElement::new(vec![(xl, ym - cap_y), (xl, ym + cap_y)], bar),
                PathElement::new(vec![(xh, ym - cap_y), (xh, ym + cap_y)], bar),
                PathElement::new(vec![(xm, yl), (xm, yh)], bar),
                PathElement::new(vec![(xm - cap_x, yl), (xm + cap_x, yl)], bar),
                PathElement::new(vec![(xm - cap_x, yh), (xm + cap_x, yh)], bar),
            ])?;
            chart.draw_series(std::iter::once(Circle::new((xm, ym), 6, color.filled())))?;
        }
        // Plan names beside their points (`place_labels`), with a thin leader line when a
        // crowd pushed one further off; a point equal to an earlier plan's says so.
        let centres: Vec<(i32, i32)> = points
            .iter()
            .map(|(_, x, y)| chart.backend_coord(&(x.mean, y.mean)))
            .collect();
        let texts: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(j, (id, x, y))| {
                match points[..j]
                    .iter()
                    .find(|(_, a, b)| a.mean == x.mean && b.mean == y.mean)
                {
                    Some((first, _, _)) => format!("{id} (same as {first})"),
                    None => id.clone(),
                }
            })
            .collect();
        let sizes: Vec<(i32, i32)> = texts
            .iter()
            .map(|t| {
                (
                    (t.chars().count() as f64 * LABEL_CHAR_W).ceil() as i32,
                    LABEL_H,
                )
            })
            .collect();
        let (xr, yr) = chart.plotting_area().get_pixel_range();
        let boxes = place_labels(&centres, &sizes, (xr.start, yr.start, xr.end, yr.end));
        for (j, ((text, &(cx, cy)), &(x, y, w, h))) in
            texts.iter().zip(&centres).zip(&boxes).enumerate()
        {
            let nx = cx.clamp(x, x + w);
            let ny = cy.clamp(y, y + h);
            if (nx - cx).pow(2) + (ny - cy).pow(2) > LEADER_PX * LEADER_PX {
                root.draw(&PathElement::new(
                    vec![(cx, cy), (nx, ny)],
                    plan_color(j).mix(0.7).stroke_width(1),
                ))?;
            }
            let style = ("sans-serif", font_px(MIN_TEXT_PX + 0.5))
                .into_font()
                .color(&plan_color(j))
                .pos(Pos::new(HPos::Left, VPos::Top));
            root.draw(&Text::new(text.clone(), (x, y), style))?;
        }
        Ok(())
    });
    Chart {
        kind: ChartKind::ExposureVsOperations,
        file: "exposure-vs-operations.svg".into(),
        title,
        caption,
        svg,
    }
}

/// Estimated width of one character of a scatter label, pixels (0.6 em at 12.5 px, rounded up).
const LABEL_CHAR_W: f64 = 8.4;
/// Height of a scatter label's box, pixels.
const LABEL_H: i32 = 16;
/// Half the side of the box a point's marker occupies, pixels.
const MARKER_R: i32 = 7;
/// A label whose box is further than this from its point gets a leader line, pixels.
const LEADER_PX: i32 = 14;

/// Label boxes `(x, y, w, h)` (top left, size) for points at `centres` (pixels) with label
/// sizes `sizes`, inside `bounds` `(x0, y0, x1, y1)` when they fit. Each label goes to the first
/// of a ring of spots next to its point (right above, right below, left above, left below,
/// above, below, right, left) that overlaps no marker and no earlier label; when all are
/// taken, the same spots further out, ring after ring (nudged apart, a leader line then joins
/// label and point); if nothing is free within reach, the spot that overlaps least.
pub(super) fn place_labels(
    centres: &[(i32, i32)],
    sizes: &[(i32, i32)],
    bounds: (i32, i32, i32, i32),
) -> Vec<(i32, i32, i32, i32)> {
    let overlap = |a: (i32, i32, i32, i32), b: (i32, i32, i32, i32)| -> i64 {
        let w = (a.0 + a.2).min(b.0 + b.2) - a.0.max(b.0);
        let h = (a.1 + a.3).min(b.1 + b.3) - a.1.max(b.1);
        if w > 0 && h > 0 {
            i64::from(w) * i64::from(h)
        } else {
            0
        }
    };
    let markers: Vec<(i32, i32, i32, i32)> = centres
        .iter()
        .map(|&(x, y)| (x - MARKER_R, y - MARKER_R, 2 * MARKER_R, 2 * MARKER_R))
        .collect();
    let mut placed: Vec<(i32, i32, i32, i32)> = Vec::new();
    for (&(cx, cy), &(w, h)) in centres.iter().zip(sizes) {
        let fit = |(x, y): (i32, i32)| {
            let x = x.clamp(bounds.0, (bounds.2 - w).max(bounds.0));
            let y = y.clamp(bounds.1, (bounds.3 - h).max(bounds.1));
            (x, y, w, h)
        };
        let cost = |b: (i32, i32, i32, i32)| -> i64 {
            markers.iter().chain(&placed).map(|&m| overlap(b, m)).sum()
        };
        let mut best: Option<((i32, i32, i32, i32), i64)> = None;
        'rings: for ring in 0..12 {
            let d = 3 + ring * (h + 2);
            let spots = [
                (cx + MARKER_R + d, cy - h - d),
                (cx + MARKER_R + d, cy + d),
                (cx - MARKER_R - d - w, cy - h - d),
                (cx - MARKER_R - d - w, cy + d),
                (cx - w / 2, cy - MARKER_R - d - h),
                (cx - w / 2, cy + MARKER_R + d),
                (cx + MARKER_R + d, cy - h / 2),
                (cx - MARKER_R - d - w, cy - h / 2),
            ];
            for spot in spots {
                let b = fit(spot);
                let c = cost(b);
                if best.is_none_or(|(_, bc)| c < bc) {
                    best = Some((b, c));
                }
                if c == 0 {
                    break 'rings;
                }
            }
        }
        placed.push(best.map_or(fit((cx, cy)), |(b, _)| b));
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overlaps(a: (i32, i32, i32, i32), b: (i32, i32, i32, i32)) -> bool {
        a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3
    }

    /// Distance from a point to the nearest point of a box.
    fn gap(c: (i32, i32), b: (i32, i32, i32, i32)) -> f64 {
        let dx = f64::from((b.0 - c.0).max(c.0 - (b.0 + b.2)).max(0));
        let dy = f64::from((b.1 - c.1).max(c.1 - (b.1 + b.3)).max(0));
        dx.hypot(dy)
    }

    /// Separate points: every label right beside its own point (within 12 px) and closer to
    /// it than to any other point.
    #[test]
    fn labels_sit_next_to_their_points() {
        let centres = [(100, 300), (400, 120), (650, 380)];
        let sizes = [(60, 16), (120, 16), (90, 16)];
        let boxes = place_labels(&centres, &sizes, (60, 40, 740, 390));
        for (k, (&c, &b)) in centres.iter().zip(&boxes).enumerate() {
            assert!(gap(c, b) <= 12.0, "label {k} {b:?} is {} px off", gap(c, b));
            for (m, &o) in centres.iter().enumerate() {
                assert!(
                    m == k || gap(o, b) > gap(c, b),
                    "label {k} nearer point {m}"
                );
            }
            assert!(b.0 >= 60 && b.0 + b.2 <= 740 && b.1 >= 40 && b.1 + b.3 <= 390);
        }
    }

    /// A crowd (five plans at nearly one point, one pair identical, as on a plant where no
    /// plan changes the risk): labels are nudged apart — none overlaps another or covers a
    /// marker — and each stays within a few label heights of its point.
    #[test]
    fn crowded_labels_are_nudged_apart() {
        let centres = [(300, 200), (302, 201), (300, 200), (305, 198), (298, 203)];
        let sizes = [(90, 16), (140, 16), (200, 16), (70, 16), (110, 16)];
        let boxes = place_labels(&centres, &sizes, (60, 40, 740, 390));
        for i in 0..boxes.len() {
            for j in 0..i {
                assert!(
                    !overlaps(boxes[i], boxes[j]),
                    "{:?} and {:?}",
                    boxes[i],
                    boxes[j]
                );
            }
            for &(x, y) in &centres {
                let m = (x - MARKER_R, y - MARKER_R, 2 * MARKER_R, 2 * MARKER_R);
                assert!(
                    !overlaps(boxes[i], m),
                    "label {i} covers the marker at {x},{y}"
                );
            }
            assert!(
                gap(centres[i], boxes[i]) <= 60.0,
                "label {i} {:?}",
                boxes[i]
            );
        }
    }

    /// Near the plot's edge a label is kept inside the plot.
    #[test]
    fn labels_stay_inside_the_plot() {
        let boxes = place_labels(&[(735, 45)], &[(150, 16)], (60, 40, 740, 390));
        let b = boxes[0];
        assert!(
            b.0 >= 60 && b.0 + b.2 <= 740 && b.1 >= 40 && b.1 + b.3 <= 390,
            "{b:?}"
        );
        assert!(gap((735, 45), b) <= 12.0, "{b:?}");
    }
}
