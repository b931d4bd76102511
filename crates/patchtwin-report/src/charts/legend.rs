//! Chart legends outside the plot area (issue 16: legends sat on the data — the water plant's
//! exposure curves between days 1–42, the downtime bars, every latency chart's deadline line).
//! A chart that has a legend is drawn at the usual [`SIZE`] and the legend gets its own band
//! below it, so the SVG grows by the legend's height and no legend entry can cover a curve,
//! bar or point.
//!
//! Entries are laid out in as many equal columns as the widest entry allows (text widths are
//! estimated, as plotters does); an entry too wide for the chart is wrapped at spaces.
//!
//! This module is not the charts' data nor their colours (`charts`); it only places entries.

use super::*;

/// How an entry's series looks, drawn as a small swatch before its text.
#[derive(Clone, Copy, Debug)]
pub(super) enum Swatch {
    /// A solid line.
    Line(RGBColor),
    /// A dashed line.
    Dashed(RGBColor),
    /// A filled box, at an opacity.
    Fill(RGBColor, f64),
}

/// One legend entry.
#[derive(Clone, Debug)]
pub(super) struct Entry {
    /// Its text.
    pub label: String,
    /// Its swatch.
    pub swatch: Swatch,
}

/// Height of a line of legend text, pixels.
const LINE_H: u32 = 20;
/// Left and right margin of the legend band, pixels.
const PAD: u32 = 16;
/// Swatch width plus the gap to the text, pixels.
const SWATCH_W: u32 = 30;
/// Gap between columns, pixels.
const GAP: u32 = 18;
/// Entries from which a legend gets two columns at least, wrapping long labels.
const MANY: usize = 7;
/// Estimated width of one character of legend text, pixels (0.6 em at the legend's size).
const CHAR_W: f64 = 0.6 * (MIN_TEXT_PX + 0.5);

/// The legend laid out: per entry, its column, its top offset and its lines of text; and the
/// band's height.
struct Layout {
    cells: Vec<(u32, u32, Vec<String>)>,
    column_w: u32,
    height: u32,
}

fn text_w(s: &str) -> u32 {
    (s.chars().count() as f64 * CHAR_W).ceil() as u32
}

/// Splits `s` at spaces into lines of at most `max_w` estimated pixels (a single word longer
/// than that stays whole).
fn wrap(s: &str, max_w: u32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in s.split(' ') {
        match lines.last_mut() {
            Some(last) if text_w(&format!("{last} {word}")) <= max_w => {
                last.push(' ');
                last.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

fn layout(entries: &[Entry], width: u32) -> Layout {
    let avail = width.saturating_sub(2 * PAD).max(SWATCH_W + 40);
    let widest = entries
        .iter()
        .map(|e| SWATCH_W + text_w(&e.label))
        .max()
        .unwrap_or(0)
        .min(avail);
    let mut cols = ((avail + GAP) / (widest + GAP)).clamp(1, entries.len().max(1) as u32);
    // Many entries in one column make the legend taller than the chart (review finding 21:
    // twelve latency curves): from MANY entries on, two columns at least, long labels wrapped.
    if entries.len() >= MANY {
        cols = cols.max(2);
    }
    let column_w = (avail + GAP) / cols - GAP;
    let mut cells = Vec::new();
    let mut top = 8;
    for row in entries.chunks(cols as usize) {
        let mut row_lines = 1;
        for (c, e) in row.iter().enumerate() {
            let lines = wrap(&e.label, column_w - SWATCH_W);
            row_lines = row_lines.max(lines.len() as u32);
            cells.push((c as u32, top, lines));
        }
        top += row_lines * LINE_H + 2;
    }
    Layout {
        cells,
        column_w,
        height: if entries.is_empty() { 0 } else { top + 6 },
    }
}

/// Height of the legend band for `entries` on a chart `width` pixels wide (0 without entries).
pub(super) fn height(entries: &[Entry], width: u32) -> u32 {
    layout(entries, width).height
}

/// Draws `entries` into `area`, the band below the plot.
pub(super) fn draw(area: &DrawingArea<SVGBackend<'_>, Shift>, entries: &[Entry]) -> DrawResult {
    let (width, _) = area.dim_in_pixel();
    let lay = layout(entries, width);
    let style = legend_font().pos(Pos::new(HPos::Left, VPos::Center));
    for (e, (col, top, lines)) in entries.iter().zip(&lay.cells) {
        let x = (PAD + col * (lay.column_w + GAP)) as i32;
        let y = (*top + LINE_H / 2) as i32;
        match e.swatch {
            Swatch::Line(c) => area.draw(&PathElement::new(
                vec![(x, y), (x + 22, y)],
                c.stroke_width(3),
            ))?,
            Swatch::Dashed(c) => {
                area.draw(&PathElement::new(
                    vec![(x, y), (x + 8, y)],
                    c.stroke_width(3),
                ))?;
                area.draw(&PathElement::new(
                    vec![(x + 13, y), (x + 22, y)],
                    c.stroke_width(3),
                ))?;
            }
            Swatch::Fill(c, opacity) => area.draw(&Rectangle::new(
                [(x, y - 6), (x + 22, y + 6)],
                c.mix(opacity).filled(),
            ))?,
        }
        for (k, line) in lines.iter().enumerate() {
            let ty = y + (k as u32 * LINE_H) as i32;
            area.draw(&Text::new(
                line.clone(),
                (x + SWATCH_W as i32, ty),
                style.clone(),
            ))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(label: &str) -> Entry {
        Entry {
            label: label.into(),
            swatch: Swatch::Line(BLACK),
        }
    }

    /// Short entries share a row; entries never overlap, and each stays inside the band.
    #[test]
    fn entries_fill_columns_without_overlap() {
        let entries: Vec<Entry> = ["a", "bb", "ccc", "dddd", "eeeee"]
            .map(entry)
            .into_iter()
            .collect();
        let lay = layout(&entries, 760);
        assert_eq!(lay.cells.len(), 5);
        assert!(lay.cells.iter().all(|c| c.1 == lay.cells[0].1), "one row");
        let cols: Vec<u32> = lay.cells.iter().map(|c| c.0).collect();
        assert_eq!(cols, [0, 1, 2, 3, 4]);
        assert!(PAD + 5 * lay.column_w + 4 * GAP <= 760);
        assert_eq!(lay.height, 8 + LINE_H + 2 + 6);
        assert_eq!(height(&[], 760), 0);
    }

    /// Many long entries share two columns, wrapped to fit, instead of one tall column.
    #[test]
    fn many_long_entries_take_two_columns() {
        let labels: Vec<String> = (0..12)
            .map(|k| format!("harden-now-patch-in-window-{k} — before the changes of the plan"))
            .collect();
        let entries: Vec<Entry> = labels.iter().map(|l| entry(l)).collect();
        let lay = layout(&entries, 760);
        assert!(lay.cells.iter().any(|c| c.0 == 1), "a second column");
        assert!(2 * lay.column_w + GAP <= 760 - 2 * PAD);
        for (_, _, lines) in &lay.cells {
            for l in lines {
                assert!(SWATCH_W + text_w(l) <= lay.column_w, "{l}");
            }
        }
        // Fewer rows than entries: 12 entries in 6 rows of at most 2 lines each.
        let rows: std::collections::BTreeSet<u32> = lay.cells.iter().map(|c| c.1).collect();
        assert_eq!(rows.len(), 6);
    }

    /// A label wider than the chart wraps at spaces onto more lines, and the next row starts
    /// below all of them.
    #[test]
    fn a_label_wider_than_the_chart_wraps() {
        let long = "word ".repeat(40);
        let entries = [entry(long.trim()), entry("next")];
        let lay = layout(&entries, 760);
        let lines = &lay.cells[0].2;
        assert!(lines.len() >= 2, "{lines:?}");
        assert_eq!(lines.join(" "), long.trim());
        for l in lines {
            assert!(SWATCH_W + text_w(l) <= lay.column_w, "{l}");
        }
        // One column: the second entry sits under every line of the first.
        assert_eq!(lay.cells[1].0, 0);
        assert!(lay.cells[1].1 >= lay.cells[0].1 + lines.len() as u32 * LINE_H);
    }
}
