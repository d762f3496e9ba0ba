//! Charts: theme shares per document, the corpus theme distribution and the top terms of
//! each theme, as PNG and SVG. Charts only read a [`RunResult`]; a theme has the same
//! colour on every chart (its index in the model picks it; `other` is grey).
//!
//! Text is drawn with DejaVu Sans embedded in the binary, so charts render the same on a
//! machine with no system fonts.

use std::path::{Path, PathBuf};
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::error::{Error, Result};
use crate::output::{document_shares, write_atomic};
use crate::run::RunResult;

/// Tableau 10, colour-blind-friendlier than plotters' defaults; `other` is grey.
const PALETTE: [RGBColor; 10] = [
    RGBColor(78, 121, 167),
    RGBColor(242, 142, 43),
    RGBColor(225, 87, 89),
    RGBColor(118, 183, 178),
    RGBColor(89, 161, 79),
    RGBColor(237, 201, 72),
    RGBColor(176, 122, 161),
    RGBColor(255, 157, 167),
    RGBColor(156, 117, 95),
    RGBColor(23, 190, 207),
];
const OTHER_COLOUR: RGBColor = RGBColor(186, 176, 172);
const FONT: &str = "sans-serif";

/// The colour of a theme (`None` = `other`).
pub fn theme_colour(theme: Option<usize>) -> RGBColor {
    theme.map_or(OTHER_COLOUR, |t| PALETTE[t % PALETTE.len()])
}

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are DejaVu Sans, a valid font: registration cannot fail.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
    });
}

type Draw<'a, DB> = DrawingArea<DB, Shift>;

fn chart_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Chart {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

fn encode_png(
    pixels: &[u8],
    (width, height): (u32, u32),
) -> std::result::Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.write_header()?.write_image_data(pixels)?;
    Ok(out)
}

/// Draws one chart to `<stem>.png` and `<stem>.svg` (each written atomically) with the
/// same generic drawing function.
macro_rules! render {
    ($dir:expr, $stem:expr, $size:expr, $draw:path, $($arg:expr),*) => {{
        register_font();
        let size: (u32, u32) = $size;
        let png_path = $dir.join(format!("{}.png", $stem));
        let svg_path = $dir.join(format!("{}.svg", $stem));
        let mut pixels = vec![255u8; (size.0 * size.1 * 3) as usize];
        {
            let root = BitMapBackend::with_buffer(&mut pixels, size).into_drawing_area();
            $draw(&root, $($arg),*).map_err(|e| chart_error(&png_path, e))?;
            root.present().map_err(|e| chart_error(&png_path, e))?;
        }
        let png = encode_png(&pixels, size).map_err(|e| chart_error(&png_path, e))?;
        write_atomic(&png_path, &png)?;
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
            $draw(&root, $($arg),*).map_err(|e| chart_error(&svg_path, e))?;
            root.present().map_err(|e| chart_error(&svg_path, e))?;
        }
        write_atomic(&svg_path, svg.as_bytes())?;
        [png_path, svg_path]
    }};
}

type DrawResult = std::result::Result<(), String>;

/// A legend column: a swatch and a name per theme.
fn legend<DB: DrawingBackend>(area: &Draw<DB>, entries: &[(String, RGBColor)]) -> DrawResult {
    let font = (FONT, 15).into_font();
    for (i, (name, colour)) in entries.iter().enumerate() {
        let y = 40 + 24 * i as i32;
        area.draw(&Rectangle::new([(10, y), (26, y + 16)], colour.filled()))
            .map_err(|e| e.to_string())?;
        area.draw(&Text::new(name.clone(), (34, y), font.clone()))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Theme names with their colours, `other` last.
fn theme_entries(result: &RunResult) -> Vec<(String, RGBColor)> {
    let mut entries: Vec<(String, RGBColor)> = result
        .model
        .themes
        .iter()
        .enumerate()
        .map(|(t, theme)| (theme.name.clone(), theme_colour(Some(t))))
        .collect();
    entries.push(("other".into(), theme_colour(None)));
    entries
}

fn document_shares_chart<DB: DrawingBackend>(root: &Draw<DB>, result: &RunResult) -> DrawResult {
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let (chart_area, legend_area) = root.split_horizontally(root.dim_in_pixel().0 as i32 - 330);
    let shares = document_shares(result);
    // A segmented range `0..m` has m + 1 rows; `0..n - 1` gives one per bar.
    let n = shares.len() as u32;
    let mut chart = ChartBuilder::on(&chart_area)
        .caption("Theme shares per document (share of passages)", (FONT, 22))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(260)
        .build_cartesian_2d(0f64..1f64, (0u32..n - 1).into_segmented())
        .map_err(|e| e.to_string())?;
    let ids = &result.doc_ids;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(TRANSPARENT)
        .y_labels(n as usize)
        .y_label_formatter(&|v| match v {
            // Rows count from the bottom; the first document goes on top.
            SegmentValue::CenterOf(i) => ids
                .get((n - 1).saturating_sub(*i) as usize)
                .cloned()
                .unwrap_or_default(),
            _ => String::new(),
        })
        .x_label_formatter(&|x| format!("{:.0}%", x * 100.0))
        .label_style((FONT, 14))
        .draw()
        .map_err(|e| e.to_string())?;
    let n_themes = result.model.themes.len();
    for (d, row) in shares.iter().enumerate() {
        let mut left = 0.0;
        for (t, &share) in row.iter().enumerate() {
            if share <= 0.0 {
                continue;
            }
            let theme = (t < n_themes).then_some(t);
            let d = n - 1 - d as u32;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [
                        (left, SegmentValue::Exact(d)),
                        (left + share, SegmentValue::Exact(d + 1)),
                    ],
                    theme_colour(theme).filled(),
                )))
                .map_err(|e| e.to_string())?;
            left += share;
        }
    }
    legend(&legend_area, &theme_entries(result))
}

fn distribution_chart<DB: DrawingBackend>(root: &Draw<DB>, result: &RunResult) -> DrawResult {
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let entries = theme_entries(result);
    let n_themes = result.model.themes.len();
    let counts: Vec<usize> = (0..=n_themes)
        .map(|t| {
            let theme = (t < n_themes).then_some(t);
            result
                .assignments
                .iter()
                .filter(|a| a.theme == theme)
                .count()
        })
        .collect();
    let max = counts.iter().copied().max().unwrap_or(1).max(1) as f64;
    let n = entries.len() as u32;
    let mut chart = ChartBuilder::on(root)
        .caption(
            format!("Passages per theme ({} passages)", result.passages.len()),
            (FONT, 22),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(330)
        .build_cartesian_2d(0f64..max * 1.12, (0u32..n - 1).into_segmented())
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(TRANSPARENT)
        .y_labels(n as usize)
        .y_label_formatter(&|v| match v {
            // Rows count from the bottom; the first theme goes on top.
            SegmentValue::CenterOf(i) => entries
                .get((n - 1).saturating_sub(*i) as usize)
                .map(|e| e.0.clone())
                .unwrap_or_default(),
            _ => String::new(),
        })
        .x_desc("passages")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .label_style((FONT, 14))
        .draw()
        .map_err(|e| e.to_string())?;
    for (t, &count) in counts.iter().enumerate() {
        let i = n - 1 - t as u32;
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(i)),
                    (count as f64, SegmentValue::Exact(i + 1)),
                ],
                entries[t].1.filled(),
            )))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(std::iter::once(Text::new(
                count.to_string(),
                (count as f64 + max * 0.01, SegmentValue::CenterOf(i)),
                TextStyle::from((FONT, 14).into_font()).pos(
                    plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Left,
                        plotters::style::text_anchor::VPos::Center,
                    ),
                ),
            )))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

const TERMS_PER_THEME: usize = 8;

fn top_terms_chart<DB: DrawingBackend>(root: &Draw<DB>, result: &RunResult) -> DrawResult {
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let (title, body) = root.split_vertically(44);
    title
        .draw(&Text::new(
            "Top terms per theme (class-based TF-IDF weight)",
            (12, 10),
            (FONT, 22).into_font(),
        ))
        .map_err(|e| e.to_string())?;
    let themes = &result.model.themes;
    let columns = 2usize;
    let rows = themes.len().div_ceil(columns).max(1);
    let panels = body.split_evenly((rows, columns));
    for (t, panel) in panels.iter().enumerate().take(themes.len()) {
        let terms: Vec<_> = result.model.theme_terms[t]
            .iter()
            .take(TERMS_PER_THEME)
            .collect();
        let max = terms.iter().map(|w| w.weight).fold(0.0, f64::max).max(1e-9);
        let n = terms.len().max(1) as u32;
        let mut chart = ChartBuilder::on(panel)
            .caption(&themes[t].name, (FONT, 17))
            .margin(10)
            .x_label_area_size(24)
            .y_label_area_size(140)
            .build_cartesian_2d(0f64..max * 1.05, (0u32..n - 1).into_segmented())
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .y_labels(n as usize)
            .x_labels(4)
            .y_label_formatter(&|v| match v {
                // Heaviest term at the top.
                SegmentValue::CenterOf(i) => terms
                    .get((n - 1 - (*i).min(n - 1)) as usize)
                    .map(|w| w.term.clone())
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .x_label_formatter(&|x| format!("{x:.2}"))
            .label_style((FONT, 13))
            .draw()
            .map_err(|e| e.to_string())?;
        for (i, w) in terms.iter().enumerate() {
            let row = n - 1 - i as u32;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [
                        (0.0, SegmentValue::Exact(row)),
                        (w.weight, SegmentValue::Exact(row + 1)),
                    ],
                    theme_colour(Some(t)).filled(),
                )))
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// Draws every chart of a run into `dir`; returns the files written.
pub fn draw_charts(result: &RunResult, dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let docs = result.doc_ids.len() as u32;
    files.extend(render!(
        dir,
        "document_shares",
        (1250, 110 + 44 * docs),
        document_shares_chart,
        result
    ));
    let bars = result.model.themes.len() as u32 + 1;
    files.extend(render!(
        dir,
        "theme_distribution",
        (1000, 110 + 40 * bars),
        distribution_chart,
        result
    ));
    let rows = (result.model.themes.len() as u32).div_ceil(2).max(1);
    files.extend(render!(
        dir,
        "top_terms",
        (1200, 44 + 270 * rows),
        top_terms_chart,
        result
    ));
    Ok(files)
}
