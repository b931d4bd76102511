//! The chart of a capture check: the model's and the capture's response-time CDFs of one
//! flow, in the report's chart style (SVG by plotters).
//!
//! Not here: the numbers (`super::check`).

use super::check::Checked;
use patchtwin_model::Scenario;

/// The model's and the capture's response-time CDFs of one flow, in the report's chart style.
pub(super) fn cdf_chart(s: &Scenario, c: &Checked) -> String {
    use plotters::prelude::*;
    let f = &s.flows[c.flow];
    let title = format!("Response time of {}: model and capture", f.id);
    let measured: Vec<(f64, f64)> = {
        let n = c.captured.response_times_s.len() as f64;
        c.captured
            .response_times_s
            .iter()
            .enumerate()
            .map(|(k, x)| (x * 1e3, (k + 1) as f64 / n))
            .collect()
    };
    let all = c.model_cdf.iter().chain(&measured).map(|p| p.0);
    let lo = all.clone().fold(f64::INFINITY, f64::min).max(1e-3) / 1.5;
    let hi = all.fold(0.0, f64::max).max(lo * 10.0) * 1.5;
    let mut buf = String::new();
    let drawn: Result<(), Box<dyn std::error::Error>> = (|| {
        let root = SVGBackend::with_string(&mut buf, (760, 440)).into_drawing_area();
        root.fill(&WHITE)?;
        let axis = ("sans-serif", 14).into_font().color(&RGBColor(40, 40, 40));
        let mut chart = ChartBuilder::on(&root)
            .caption(&title, ("sans-serif", 18).into_font())
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(60)
            .build_cartesian_2d((lo..hi).log_scale(), 0f64..1.0)?;
        chart
            .configure_mesh()
            .label_style(axis.clone())
            .axis_desc_style(axis)
            .x_desc("response time, ms (log scale)")
            .y_desc("share answered within")
            .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
            .light_line_style(RGBAColor(255, 255, 255, 0.0))
            .draw()?;
        let curves = [
            (
                format!("model ({} replies)", c.comparison.samples.0),
                RGBColor(0, 114, 178),
                &c.model_cdf,
            ),
            (
                format!("capture ({} replies)", c.comparison.samples.1),
                RGBColor(213, 94, 0),
                &measured,
            ),
        ];
        for (label, color, points) in curves {
            chart
                .draw_series(LineSeries::new(
                    points.iter().copied(),
                    color.stroke_width(2),
                ))?
                .label(label)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(160, 160, 160))
            .label_font(("sans-serif", 13))
            .draw()?;
        root.present()?;
        Ok(())
    })();
    match drawn {
        Ok(()) => buf,
        Err(e) => format!(
            "<svg width=\"760\" height=\"440\" xmlns=\"http://www.w3.org/2000/svg\"><text x=\"20\" y=\"40\" font-family=\"sans-serif\" font-size=\"14\">the chart could not be drawn: {}</text></svg>\n",
            e.to_string().replace(['<', '>', '&'], " ")
        ),
    }
}
