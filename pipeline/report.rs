//! Report: one self-contained HTML page of a run (charts inlined as SVG, no network):
//! the theme table, each theme's exemplar passages with their document and offsets, the
//! per-document distributions and the run's settings. It only reads the run's results.

use std::fmt::Write as _;
use std::path::Path;

use crate::output::{document_shares, RunInfo};
use crate::run::RunResult;
use crate::themes::ThemeKind;

/// Documents listed in the distribution table; the CSV has them all.
const MAX_DOCUMENT_ROWS: usize = 200;

/// HTML-escapes text. Five replacements; a templating crate would be more than this page
/// needs.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

const STYLE: &str = "body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:1250px;margin:2em auto;padding:0 1em;color:#222}\
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}\
th{background:#f4f4f4}td.num{text-align:right}blockquote{margin:.5em 0 1em 0;padding:.4em 1em;border-left:4px solid #ccc;background:#fafafa}mark{background:#fde68a}\
.swatch{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:middle}figure{margin:1.5em 0}svg{max-width:100%;height:auto}\
pre{background:#f6f6f6;padding:1em;overflow:auto}.muted{color:#666}";

/// The `report.html` page of a run, inlining the SVG charts found in `plots` (a chart that
/// is missing is left out). It is returned, not written: the outputs stage puts it in the
/// output folder with the other files of the run, as one set.
pub fn render_report(result: &RunResult, info: &RunInfo, plots: Option<&Path>) -> String {
    let model = &result.model;
    let n = result.passages.len().max(1) as f64;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>thematic report</title><style>{STYLE}</style></head><body>\n"
    );
    let _ = writeln!(h, "<h1>Themes of {} documents</h1>", result.doc_ids.len());
    let _ = writeln!(
        h,
        "<p>{} passages analysed, {} paragraphs dropped as boilerplate or duplicates, {} themes ({} named, {} discovered); {} passages are <em>other</em>.</p>",
        result.passages.len(),
        result.dropped.len(),
        model.themes.len(),
        model.n_named(),
        model.themes.len() - model.n_named(),
        result.assignments.iter().filter(|a| a.theme.is_none()).count()
    );

    let _ = writeln!(h, "<h2>Themes</h2><table><tr><th>theme</th><th>kind</th><th>top terms</th><th>passages</th><th>share</th><th>NPMI</th></tr>");
    for (t, theme) in model.themes.iter().enumerate() {
        let size = result
            .assignments
            .iter()
            .filter(|a| a.theme == Some(t))
            .count();
        let colour = crate::chart::theme_colour(Some(t));
        let terms: Vec<&str> = model.theme_terms[t]
            .iter()
            .map(|w| w.term.as_str())
            .collect();
        let _ = writeln!(
            h,
            "<tr><td><span class=\"swatch\" style=\"background:rgb({},{},{})\"></span>{}</td><td>{}</td><td>{}</td><td class=\"num\">{size}</td><td class=\"num\">{:.1}%</td><td class=\"num\">{}</td></tr>",
            colour.0,
            colour.1,
            colour.2,
            esc(&theme.name),
            if theme.kind == ThemeKind::Seeded { "named" } else { "discovered" },
            esc(&terms.join(", ")),
            100.0 * size as f64 / n,
            result
                .quality
                .as_ref()
                .and_then(|q| q.npmi[t])
                .map_or_else(|| "-".to_string(), |v| format!("{v:.2}"))
        );
    }
    let _ = writeln!(h, "</table>");
    if let Some(q) = &result.quality {
        let _ = writeln!(
            h,
            "<p class=\"muted\">NPMI: mean normalized pointwise mutual information of each theme's top-term pairs over the passages (-1 never together, 0 independent, 1 always together). Topic diversity (distinct terms among all themes' top terms): {:.2}.</p>",
            q.diversity
        );
    }

    if let Some(dir) = plots {
        for (stem, caption) in [
            ("theme_distribution", "Passages per theme"),
            ("document_shares", "Theme shares per document"),
            ("theme_document_heatmap", "Theme x document"),
            ("passage_map", "Passage map"),
            ("top_terms", "Top terms per theme"),
            ("confidence", "Confidence per theme"),
            ("choosing_k", "Choosing k"),
        ] {
            if let Ok(svg) = std::fs::read_to_string(dir.join(format!("{stem}.svg"))) {
                let _ = writeln!(
                    h,
                    "<figure>{svg}<figcaption class=\"muted\">{caption}</figcaption></figure>"
                );
            }
        }
    }

    let _ = writeln!(h, "<h2>Evidence: exemplar passages</h2>");
    for (t, theme) in model.themes.iter().enumerate() {
        let _ = writeln!(h, "<h3>{}</h3>", esc(&theme.name));
        if !theme.description.is_empty() {
            let _ = writeln!(h, "<p class=\"muted\">{}</p>", esc(&theme.description));
        }
        if result.exemplars[t].is_empty() {
            let _ = writeln!(h, "<p class=\"muted\">No passage took this theme.</p>");
        }
        for e in &result.exemplars[t] {
            // The sentence that gave a named theme is marked.
            let text = match e.evidence_in_text {
                Some((s, end)) => format!(
                    "{}<mark>{}</mark>{}",
                    esc(&e.text[..s]),
                    esc(&e.text[s..end]),
                    esc(&e.text[end..])
                ),
                None => esc(&e.text),
            };
            let _ = writeln!(
                h,
                "<blockquote>{}<br><span class=\"muted\">{} bytes {}..{}, confidence {:.2}</span></blockquote>",
                text,
                esc(&e.doc),
                e.start,
                e.end,
                e.confidence
            );
        }
    }

    let _ = writeln!(h, "<h2>Documents</h2><table><tr><th>document</th>");
    for theme in &model.themes {
        let _ = write!(h, "<th>{}</th>", esc(&theme.name));
    }
    let _ = writeln!(h, "<th>other</th></tr>");
    for (doc, shares) in result
        .doc_ids
        .iter()
        .zip(document_shares(result))
        .take(MAX_DOCUMENT_ROWS)
    {
        let _ = write!(h, "<tr><td>{}</td>", esc(doc));
        for s in shares {
            let _ = write!(h, "<td class=\"num\">{:.0}%</td>", s * 100.0);
        }
        let _ = writeln!(h, "</tr>");
    }
    let _ = writeln!(h, "</table>");
    if result.doc_ids.len() > MAX_DOCUMENT_ROWS {
        let _ = writeln!(
            h,
            "<p class=\"muted\">First {MAX_DOCUMENT_ROWS} of {} documents; documents.csv has them all.</p>",
            result.doc_ids.len()
        );
    }

    // Where the outputs went is not part of what was computed; leaving it out keeps the
    // page the same for the same input, wherever it is written.
    let mut settings = serde_json::to_value(info).expect("plain structs serialize");
    if let Some(map) = settings.as_object_mut() {
        map.remove("model_file");
        map.remove("plots");
    }
    let settings = serde_json::to_string_pretty(&settings).expect("plain values serialize");
    let _ = writeln!(h, "<h2>Settings</h2><pre>{}</pre>", esc(&settings));
    let _ = writeln!(h, "</body></html>");
    h
}
