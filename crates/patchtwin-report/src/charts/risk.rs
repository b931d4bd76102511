//! The exposure-versus-operations chart: each plan's P(compromise) against its P(process
//! trip), with 95% interval bars.
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
        // Plan names beside their points, each at the first of a few spots that overlaps no
        // earlier name and no point (widths estimated at 0.6 em per character).
        let centres: Vec<(i32, i32)> = points
            .iter()
            .map(|(_, x, y)| chart.backend_coord(&(x.mean, y.mean)))
            .collect();
        let mut placed: Vec<(i32, i32, i32, i32)> = centres
            .iter()
            .map(|&(x, y)| (x - 7, y - 7, x + 7, y + 7))
            .collect();
        for (j, ((id, _, _), &(cx, cy))) in points.iter().zip(&centres).enumerate() {
            let w = (id.chars().count() as f64 * 8.4).ceil() as i32;
            let h = 16;
            let spots = [
                (cx + 10, cy - h - 4),
                (cx + 10, cy + 4),
                (cx - 10 - w, cy - h - 4),
                (cx - 10 - w, cy + 4),
                (cx - w / 2, cy - h - 14),
                (cx - w / 2, cy + 14),
            ];
            let free = |&(x, y): &(i32, i32)| {
                placed
                    .iter()
                    .all(|&(a, b, c, d)| x + w < a || x > c || y + h < b || y > d)
            };
            let (x, y) = spots.iter().copied().find(free).unwrap_or(spots[0]);
            placed.push((x, y, x + w, y + h));
            let style = ("sans-serif", font_px(MIN_TEXT_PX + 0.5))
                .into_font()
                .color(&plan_color(j))
                .pos(Pos::new(HPos::Left, VPos::Top));
            root.draw(&Text::new(id.clone(), (x, y), style))?;
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
