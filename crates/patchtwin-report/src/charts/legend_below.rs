//! A legend drawn below the plot, outside it, for the charts of issue 17 (tornado, loss
//! exceedance): entries flow left to right and wrap, so no curve or bar is ever hidden under
//! the legend box. Text at the charts' legend size (at least `MIN_TEXT_PX`).
//!
//! Not here: the series themselves; each chart passes its entries.

use super::*;
use plotters::element::DashedPathElement;

/// What an entry's swatch looks like.
pub(super) enum Swatch {
    /// A filled box in a colour (bars, bands).
    Fill(RGBAColor),
    /// A line in a colour and width, dashed or not.
    Line(RGBColor, u32, bool),
}

/// Estimated width of a legend label, pixels (0.62 em per character at the legend size).
fn text_px(s: &str) -> i32 {
    (s.chars().count() as f64 * 0.62 * (MIN_TEXT_PX + 0.5)).ceil() as i32
}

const SWATCH_W: i32 = 24;
const ROW_H: i32 = 22;
const PAD: i32 = 12;

/// Rows the entries take in a strip `width` pixels wide.
fn rows(items: &[(Swatch, String)], width: i32) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new()];
    let mut x = PAD;
    for (k, (_, label)) in items.iter().enumerate() {
        let w = SWATCH_W + 6 + text_px(label) + 18;
        if x + w > width - PAD
            && let Some(last) = out.last()
            && !last.is_empty()
        {
            out.push(Vec::new());
            x = PAD;
        }
        if let Some(last) = out.last_mut() {
            last.push(k);
        }
        x += w;
    }
    out
}

/// Height of the strip the entries need below a chart `width` pixels wide.
pub(super) fn height(items: &[(Swatch, String)], width: u32) -> u32 {
    let n = rows(items, width as i32).len() as i32;
    (n * ROW_H + 10).max(0) as u32
}

/// Draws the entries into `area` (the strip below the plot).
pub(super) fn draw(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    items: &[(Swatch, String)],
) -> DrawResult {
    let (w, _) = area.dim_in_pixel();
    let style = legend_font().pos(Pos::new(HPos::Left, VPos::Center));
    for (r, row) in rows(items, w as i32).iter().enumerate() {
        let y = 6 + ROW_H / 2 + r as i32 * ROW_H;
        let mut x = PAD;
        for &k in row {
            let (swatch, label) = &items[k];
            match swatch {
                Swatch::Fill(c) => {
                    area.draw(&Rectangle::new(
                        [(x, y - 6), (x + SWATCH_W, y + 6)],
                        c.filled(),
                    ))?;
                }
                Swatch::Line(c, width, dashed) => {
                    let s = c.stroke_width(*width);
                    if *dashed {
                        area.draw(&DashedPathElement::new(
                            vec![(x, y), (x + SWATCH_W, y)],
                            5,
                            3,
                            s,
                        ))?;
                    } else {
                        area.draw(&PathElement::new(vec![(x, y), (x + SWATCH_W, y)], s))?;
                    }
                }
            }
            area.draw(&Text::new(
                label.clone(),
                (x + SWATCH_W + 6, y),
                style.clone(),
            ))?;
            x += SWATCH_W + 6 + text_px(label) + 18;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_wrap_to_the_strip() {
        let items: Vec<(Swatch, String)> = (0..6)
            .map(|k| {
                (
                    Swatch::Line(BLACK, 2, false),
                    format!("plan number {k} label"),
                )
            })
            .collect();
        // Each entry is about 24 + 6 + 21·8.06 + 18 ≈ 217 px: three fit in 760 px.
        let r = rows(&items, 760);
        assert_eq!(r, [vec![0, 1, 2], vec![3, 4, 5]]);
        assert_eq!(height(&items, 760), 2 * 22 + 10);
        // An entry wider than the strip still gets a row of its own.
        assert_eq!(rows(&items[..2], 100), [vec![0], vec![1]]);
    }
}
