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
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontStyle;

use crate::error::{Error, Result};
use crate::fsio::write_atomic;
use crate::output::document_shares;
use crate::run::RunResult;

/// Tableau 10, colour-blind-friendlier than plotters' defaults, then a darker shade of
/// each for themes 11 to 20; `other` is grey.
const PALETTE: [RGBColor; 20] = [
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
    RGBColor(31, 71, 136),
    RGBColor(180, 95, 6),
    RGBColor(140, 30, 40),
    RGBColor(40, 110, 105),
    RGBColor(40, 100, 35),
    RGBColor(150, 120, 20),
    RGBColor(100, 60, 110),
    RGBColor(200, 80, 130),
    RGBColor(90, 60, 40),
    RGBColor(0, 110, 130),
];
const OTHER_COLOUR: RGBColor = RGBColor(186, 176, 172);
const FONT: &str = "sans-serif";

/// The colour of a theme (`None` = `other`): the palette's, then hues a golden angle
/// apart, so that no two themes of a run share a colour however many there are.
pub fn theme_colour(theme: Option<usize>) -> RGBColor {
    match theme {
        None => OTHER_COLOUR,
        Some(t) if t < PALETTE.len() => PALETTE[t],
        Some(t) => {
            let hue = ((t - PALETTE.len()) as f64 * 0.381_966).fract();
            let (r, g, b) = HSLColor(hue, 0.6, 0.42).rgb();
            RGBColor(r, g, b)
        }
    }
}

/// The height a legend of `entries` rows needs ([`legend`]).
fn legend_height(entries: usize) -> u32 {
    40 + 24 * entries as u32 + 20
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

/// Charts with a row or column per document show at most this many (the first by id);
/// a corpus of thousands would make a picture nobody can read.
const MAX_DOCUMENTS: usize = 40;

fn documents_caption(title: &str, result: &RunResult) -> String {
    let n = result.doc_ids.len();
    if n > MAX_DOCUMENTS {
        format!("{title}, first {MAX_DOCUMENTS} of {n} documents")
    } else {
        title.to_string()
    }
}

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
    let mut shares = document_shares(result);
    shares.truncate(MAX_DOCUMENTS);
    // A segmented range `0..m` has m + 1 rows; `0..n - 1` gives one per bar.
    let n = shares.len() as u32;
    let mut chart = ChartBuilder::on(&chart_area)
        .caption(
            documents_caption("Theme shares per document (share of passages)", result),
            (FONT, 22),
        )
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
                anchored((FONT, 14).into_font(), HPos::Left),
            )))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Text in `font`, centred vertically on its position and aligned horizontally by `h`.
fn anchored<'a>(font: FontDesc<'a>, h: HPos) -> TextStyle<'a> {
    TextStyle::from(font).pos(Pos::new(h, VPos::Center))
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

/// Every passage at its place on the plane of the reduced vectors' two main directions,
/// coloured by theme.
fn passage_map_chart<DB: DrawingBackend>(root: &Draw<DB>, result: &RunResult) -> DrawResult {
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let (chart_area, legend_area) = root.split_horizontally(root.dim_in_pixel().0 as i32 - 330);
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for [x, y] in &result.map {
        (x0, x1, y0, y1) = (x0.min(*x), x1.max(*x), y0.min(*y), y1.max(*y));
    }
    if result.map.is_empty() || x0 >= x1 {
        (x0, x1) = (-1.0, 1.0);
    }
    if result.map.is_empty() || y0 >= y1 {
        (y0, y1) = (-1.0, 1.0);
    }
    let (px, py) = ((x1 - x0) * 0.05, (y1 - y0) * 0.05);
    let mut chart = ChartBuilder::on(&chart_area)
        .caption(
            "Passage map (first two principal directions of the LSA vectors)",
            (FONT, 20),
        )
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(50)
        .build_cartesian_2d(x0 - px..x1 + px, y0 - py..y1 + py)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        // `+ 0.0` turns a tick at -0.0 (or one that rounds to it) into "0.0".
        .x_label_formatter(&|x| format!("{:.1}", (x * 10.0).round() / 10.0 + 0.0))
        .y_label_formatter(&|y| format!("{:.1}", (y * 10.0).round() / 10.0 + 0.0))
        .label_style((FONT, 13))
        .draw()
        .map_err(|e| e.to_string())?;
    // `other` first, so the themed points are drawn over it.
    let mut order: Vec<usize> = (0..result.map.len()).collect();
    order.sort_by_key(|&i| result.assignments[i].theme.is_some());
    chart
        .draw_series(order.into_iter().map(|i| {
            let [x, y] = result.map[i];
            Circle::new(
                (x, y),
                4,
                theme_colour(result.assignments[i].theme).mix(0.8).filled(),
            )
        }))
        .map_err(|e| e.to_string())?;
    legend(&legend_area, &theme_entries(result))
}

/// Themes x documents, each cell the document's share of passages in the theme.
fn heatmap_chart<DB: DrawingBackend>(root: &Draw<DB>, result: &RunResult) -> DrawResult {
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let mut shares = document_shares(result);
    shares.truncate(MAX_DOCUMENTS);
    let entries = theme_entries(result);
    let (title, body) = root.split_vertically(44);
    title
        .draw(&Text::new(
            documents_caption("Share of each document's passages per theme", result),
            (12, 10),
            (FONT, 22).into_font(),
        ))
        .map_err(|e| e.to_string())?;
    let (label_w, header_h, cell_w, cell_h) = (300i32, 170i32, 70i32, 34i32);
    let font = (FONT, 14).into_font();
    for (d, id) in result.doc_ids.iter().take(MAX_DOCUMENTS).enumerate() {
        let x = label_w + cell_w * d as i32 + cell_w / 2;
        body.draw(&Text::new(
            id.clone(),
            (x - 7, header_h - 8),
            font.clone().transform(FontTransform::Rotate270),
        ))
        .map_err(|e| e.to_string())?;
    }
    for (t, (name, colour)) in entries.iter().enumerate() {
        let y = header_h + cell_h * t as i32;
        body.draw(&Text::new(
            name.clone(),
            (label_w - 8, y + cell_h / 2),
            anchored(font.clone(), HPos::Right),
        ))
        .map_err(|e| e.to_string())?;
        for (d, row) in shares.iter().enumerate() {
            let share = row[t];
            let x = label_w + cell_w * d as i32;
            // White blended towards the theme's colour by the share.
            let fill = RGBColor(
                (255.0 - (255.0 - colour.0 as f64) * share) as u8,
                (255.0 - (255.0 - colour.1 as f64) * share) as u8,
                (255.0 - (255.0 - colour.2 as f64) * share) as u8,
            );
            body.draw(&Rectangle::new(
                [(x, y), (x + cell_w, y + cell_h)],
                fill.filled(),
            ))
            .map_err(|e| e.to_string())?;
            body.draw(&Rectangle::new(
                [(x, y), (x + cell_w, y + cell_h)],
                RGBColor(220, 220, 220),
            ))
            .map_err(|e| e.to_string())?;
            body.draw(&Text::new(
                format!("{:.0}%", share * 100.0),
                (x + cell_w / 2, y + cell_h / 2),
                anchored(font.clone(), HPos::Center),
            ))
            .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

const CONFIDENCE_BINS: usize = 20;

/// Per theme (and `other`), a histogram of passage confidence, with the `other`
/// threshold drawn as a line.
fn confidence_chart<DB: DrawingBackend>(root: &Draw<DB>, result: &RunResult) -> DrawResult {
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let (title, body) = root.split_vertically(44);
    let threshold = result.model.settings.other_threshold;
    title
        .draw(&Text::new(
            format!("Confidence of the passages of each theme (dashed: `other` below {threshold})"),
            (12, 10),
            (FONT, 22).into_font(),
        ))
        .map_err(|e| e.to_string())?;
    let entries = theme_entries(result);
    let n_themes = result.model.themes.len();
    let rows = entries.len().div_ceil(2).max(1);
    let panels = body.split_evenly((rows, 2));
    for ((t, (name, colour)), panel) in entries.iter().enumerate().zip(panels.iter()) {
        let theme = (t < n_themes).then_some(t);
        let mut bins = [0u32; CONFIDENCE_BINS];
        for a in result.assignments.iter().filter(|a| a.theme == theme) {
            bins[((a.confidence * CONFIDENCE_BINS as f64) as usize).min(CONFIDENCE_BINS - 1)] += 1;
        }
        let top = bins.iter().copied().max().unwrap_or(0).max(1);
        let mut chart = ChartBuilder::on(panel)
            .caption(name, (FONT, 16))
            .margin(10)
            .x_label_area_size(24)
            .y_label_area_size(40)
            .build_cartesian_2d(0f64..1f64, 0u32..top + top / 8 + 1)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .x_labels(6)
            .y_labels(4)
            .x_label_formatter(&|x| format!("{x:.1}"))
            .label_style((FONT, 12))
            .draw()
            .map_err(|e| e.to_string())?;
        let width = 1.0 / CONFIDENCE_BINS as f64;
        chart
            .draw_series(bins.iter().enumerate().map(|(b, &count)| {
                let x = b as f64 * width;
                Rectangle::new([(x, 0), (x + width * 0.9, count)], colour.filled())
            }))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(DashedLineSeries::new(
                [(threshold, 0), (threshold, top + top / 8 + 1)],
                6,
                4,
                BLACK.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Silhouette and inertia against k over the sweep, the k used marked.
fn choosing_k_chart<DB: DrawingBackend>(root: &Draw<DB>, result: &RunResult) -> DrawResult {
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let used = result.model.clusters.centroids.nrows();
    let (title, body) = root.split_vertically(44);
    title
        .draw(&Text::new(
            format!("Choosing k (dashed: k = {used}, the k used)"),
            (12, 10),
            (FONT, 22).into_font(),
        ))
        .map_err(|e| e.to_string())?;
    let sweep = &result.k_sweep;
    let k0 = sweep.first().map_or(1, |s| s.k) as f64 - 0.5;
    let k1 = sweep.last().map_or(2, |s| s.k) as f64 + 0.5;
    let panels = body.split_evenly((1, 2));
    type Value = fn(&crate::cluster::KScore) -> f64;
    let series: [(&str, Value); 2] = [
        ("mean silhouette (higher is better)", |s| s.silhouette),
        ("inertia (mean squared distance)", |s| s.inertia),
    ];
    for ((caption, value), panel) in series.iter().zip(panels.iter()) {
        let values: Vec<f64> = sweep.iter().map(value).collect();
        let lo = values
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min)
            .min(0.0);
        let hi = values
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max)
            .max(lo + 1e-6);
        let pad = (hi - lo) * 0.1;
        let mut chart = ChartBuilder::on(panel)
            .caption(*caption, (FONT, 17))
            .margin(14)
            .x_label_area_size(36)
            .y_label_area_size(60)
            .build_cartesian_2d(k0..k1, lo..hi + pad)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .x_labels(sweep.len().max(2))
            .x_label_formatter(&|k| format!("{k:.0}"))
            .y_label_formatter(&|v| format!("{v:.3}"))
            .x_desc("k")
            .label_style((FONT, 14))
            .draw()
            .map_err(|e| e.to_string())?;
        let colour = theme_colour(Some(0));
        chart
            .draw_series(LineSeries::new(
                sweep.iter().map(|s| (s.k as f64, value(s))),
                colour.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(
                sweep
                    .iter()
                    .map(|s| Circle::new((s.k as f64, value(s)), 5, colour.filled())),
            )
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(DashedLineSeries::new(
                [(used as f64, lo), (used as f64, hi + pad)],
                6,
                4,
                BLACK.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Draws every chart of a run into `dir`; returns the files written.
pub fn draw_charts(result: &RunResult, dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let docs = result.doc_ids.len().min(MAX_DOCUMENTS) as u32;
    let legend = legend_height(result.model.themes.len() + 1);
    files.extend(render!(
        dir,
        "document_shares",
        (1250, (110 + 44 * docs).max(legend)),
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
    files.extend(render!(
        dir,
        "passage_map",
        (1250, 800.max(legend)),
        passage_map_chart,
        result
    ));
    let shown = result.doc_ids.len().min(MAX_DOCUMENTS) as u32;
    let rows = result.model.themes.len() as u32 + 1;
    files.extend(render!(
        dir,
        "theme_document_heatmap",
        (320 + 70 * shown + 20, 44 + 170 + 34 * rows + 20),
        heatmap_chart,
        result
    ));
    let panels = (result.model.themes.len() as u32 + 1).div_ceil(2);
    files.extend(render!(
        dir,
        "confidence",
        (1200, 44 + 230 * panels),
        confidence_chart,
        result
    ));
    if !result.k_sweep.is_empty() {
        files.extend(render!(
            dir,
            "choosing_k",
            (1200, 520),
            choosing_k_chart,
            result
        ));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_theme_of_a_run_has_its_own_colour() {
        let colours: Vec<RGBColor> = (0..200).map(Some).chain([None]).map(theme_colour).collect();
        for (i, a) in colours.iter().enumerate() {
            for b in &colours[i + 1..] {
                assert_ne!(a, b, "colour {i} repeats");
            }
        }
    }
}
