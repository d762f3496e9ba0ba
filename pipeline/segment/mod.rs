//! Segment: split each document into paragraphs with byte spans, and drop boilerplate
//! and repeated paragraphs with the reason.
//!
//! A paragraph ends at a blank line. Inside a block, each line is its own paragraph (web
//! scrapes put one paragraph per line), except that a line continues the one before it
//! when it starts with a lowercase letter or when the line before breaks off mid-sentence
//! at the block's wrap width, which keeps hard-wrapped prose together.
//!
//! Dropped: what a rule of the boilerplate list matches, the links listed under a
//! navigation heading ("See also"), exact duplicates, and pull quotes (a short paragraph
//! whose words are part of a longer one of the same document).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use regex::Regex;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ingest::Document;

/// The built-in boilerplate rules, readable and editable as TOML.
pub const DEFAULT_BOILERPLATE: &str = include_str!("boilerplate.toml");

/// A kept paragraph: `text == document.text[start..end]`. (With [`Unit::Document`] the
/// span covers the first to the last kept paragraph, and `text` joins only the kept ones.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// Index of the document in the corpus.
    pub doc: usize,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// The paragraph's text.
    pub text: String,
    /// For a whole-document unit, where each kept paragraph starts, as (offset in `text`,
    /// offset in the document); empty when `text` is the document's bytes `start..end`.
    pub pieces: Vec<(usize, usize)>,
    /// The length in bytes of a speaker label that opens `text` ("KARIMOVA: "), which is
    /// left out of the analysis: in a transcript the speakers' names would otherwise
    /// be the most distinctive terms of the passages and name discovered themes. Zero
    /// when there is none.
    pub speaker: usize,
}

/// A label that may name a speaker: one to three capitalised words and a colon at the
/// start of a paragraph ("Horizon:", "Alex Doe:", "REYES-AMADOR:").
fn speaker_label(text: &str) -> Option<&str> {
    static LABEL: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
        Regex::new(r"^\p{Lu}[\p{L}\p{M}'’.\-]*(\s\p{Lu}[\p{L}\p{M}'’.\-]*){0,2}:\s+")
            .expect("a valid pattern")
    });
    LABEL.find(text).map(|m| m.as_str())
}

/// Speaker labels: those that open at least two paragraphs of the same document, so that
/// a one-off "Syria: the long shadow" stays part of its heading.
fn mark_speakers(kept: &mut [Passage]) {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for p in kept.iter() {
        if let Some(label) = speaker_label(&p.text) {
            *counts.entry(label.trim_end().to_string()).or_default() += 1;
        }
    }
    for p in kept.iter_mut() {
        if let Some(label) = speaker_label(&p.text) {
            if counts[label.trim_end()] >= 2 {
                p.speaker = label.len();
            }
        }
    }
}

impl Passage {
    /// The text that is analyzed: `text` without its speaker label.
    pub fn content(&self) -> &str {
        &self.text[self.speaker..]
    }

    /// The document's byte range of a range of `text` that lies within one paragraph (a
    /// sentence never spans the blank line between two).
    pub fn source_range(&self, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
        let (text_at, source_at) = self
            .pieces
            .iter()
            .rev()
            .find(|(t, _)| *t <= range.start)
            .copied()
            .unwrap_or((0, self.start));
        source_at + (range.start - text_at)..source_at + (range.end - text_at)
    }
}

/// A paragraph left out of the analysis, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dropped {
    /// Index of the document in the corpus.
    #[serde(skip)]
    pub doc: usize,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// The paragraph's text.
    pub text: String,
    /// Why it was dropped: a boilerplate rule's reason, `duplicate` or `pull quote`.
    pub reason: String,
    /// For a duplicate or a pull quote, the offset of the paragraph it repeats (the one
    /// kept).
    pub duplicate_of: Option<usize>,
}

/// How a corpus is cut into units of analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// One passage per paragraph (the default).
    #[default]
    Passage,
    /// One passage per document: the whole text, boilerplate paragraphs aside.
    Document,
}

impl Unit {
    /// What one unit is called in messages.
    pub fn noun(self) -> &'static str {
        match self {
            Unit::Passage => "passage",
            Unit::Document => "document",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    rule: Vec<RuleSpec>,
}

/// One boilerplate rule as written: what a rules file and a model hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Why a paragraph it matches is dropped.
    pub reason: String,
    /// A Rust regex, tested against the trimmed paragraph.
    pub pattern: String,
    /// The longest paragraph, in characters, the rule may drop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_chars: Option<usize>,
}

/// The checked boilerplate rules.
#[derive(Debug, Clone)]
pub struct Boilerplate {
    rules: Vec<RuleSpec>,
    /// Every rule's pattern, tested in one pass over a paragraph.
    set: regex::RegexSet,
}

/// Paragraphs of several kinds, none of them page furniture: no rule should match them
/// all.
const PROBES: [&str; 4] = [
    "x",
    "42",
    "The committee met on Tuesday to discuss the budget.",
    "Ça va ? Très bien, merci.",
];

/// Why `regex` would match any paragraph, if it would: it matches the empty string within
/// a paragraph (`pattern = ""`, `(share)?`, a bare `\b`), so it needs none of the
/// paragraph's text, or it matches every one of [`PROBES`] (`.`). A pattern that matches
/// the empty string only as a whole paragraph (`^\s*$`) is fine: paragraphs are never
/// empty.
fn matches_any_paragraph(regex: &Regex) -> Option<&'static str> {
    if PROBES
        .iter()
        .any(|p| regex.find(p).is_some_and(|m| m.is_empty()))
    {
        Some("matches the empty string")
    } else if PROBES.iter().all(|p| regex.is_match(p)) {
        Some("matches any text")
    } else {
        None
    }
}

impl Boilerplate {
    /// The rules shipped with the crate (`pipeline/segment/boilerplate.toml`).
    pub fn builtin() -> Self {
        Self::parse(
            DEFAULT_BOILERPLATE,
            Path::new("<built-in boilerplate.toml>"),
        )
        .expect("the built-in boilerplate rules are tested to parse")
    }

    /// Reads rules from a TOML file.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = crate::fsio::read_text(path)?;
        Self::parse(&text, path)
    }

    /// Parses rules from TOML text; `path` names the source in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let file: RuleFile = toml::from_str(text).map_err(|e| Error::toml(path, text, &e))?;
        Self::from_rules(file.rule, path)
    }

    /// Checks and compiles rules (a rules file's, or a model's); `path` names their source
    /// in errors.
    pub fn from_rules(rules: Vec<RuleSpec>, path: &Path) -> Result<Self> {
        let config_error = |message: String| Error::Config {
            path: PathBuf::from(path),
            message,
        };
        // Each pattern is compiled on its own first, so that an error names its rule.
        for (i, spec) in rules.iter().enumerate() {
            let rule_error = |problem: String| {
                config_error(format!("rule {} ({}): {problem}", i + 1, spec.reason))
            };
            let regex =
                Regex::new(&spec.pattern).map_err(|e| rule_error(format!("bad pattern: {e}")))?;
            if let Some(problem) = matches_any_paragraph(&regex) {
                return Err(rule_error(format!(
                    "the pattern {problem}, so it would drop every paragraph"
                )));
            }
        }
        let set = regex::RegexSet::new(rules.iter().map(|r| &r.pattern))
            .map_err(|e| config_error(format!("the rules together: {e}")))?;
        Ok(Self { rules, set })
    }

    /// The rules as written, in order.
    pub fn rules(&self) -> &[RuleSpec] {
        &self.rules
    }

    /// The reason of the first rule that matches `paragraph`, if any.
    pub fn reason(&self, paragraph: &str) -> Option<&str> {
        let chars = paragraph.chars().count();
        self.set
            .matches(paragraph)
            .iter()
            .map(|i| &self.rules[i])
            .find(|r| r.max_chars.is_none_or(|max| chars <= max))
            .map(|r| r.reason.as_str())
    }
}

/// Byte spans `[start, end)` of the trimmed paragraphs of `text`.
///
/// A blank line always ends a paragraph, and a single line break usually does too (some
/// articles put one paragraph on each line). A line break does not end one when the next
/// line starts in lower case, or when the text is hard-wrapped ([`wrap_width`]) and the
/// line before is as long as the wrapping makes lines and breaks off mid-sentence, or the
/// next line's first word would not have fitted on it: the break is where the wrapping put
/// it, not where the writer did.
pub fn paragraph_spans(text: &str) -> Vec<(usize, usize)> {
    let width = wrap_width(text);
    let mut spans: Vec<(usize, usize)> = Vec::new();
    // The line before, trimmed, when it was not blank.
    let mut previous: Option<&str> = None;
    for (line_start, line) in lines(text) {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            previous = None;
            continue;
        }
        let start = line_start + (line.len() - line.trim_start().len());
        let end = start + trimmed.len();
        // A spaced en or em dash is punctuation inside a sentence as often as it is a list
        // marker ("Kabir Taneja, a fellow at the Observer Research Foundation – a think
        // tank – told ..."): in hard-wrapped text, where the line before breaks off
        // mid-sentence, it goes on that sentence.
        let dash = trimmed.starts_with("– ") || trimmed.starts_with("— ");
        let continues = previous.is_some_and(|before| {
            let chars = before.chars().count();
            let mid_sentence = width
                .is_some_and(|w| chars <= w && chars + WRAP_SLACK >= w && !ends_sentence(before));
            let first_word = trimmed.split_whitespace().next().unwrap_or_default();
            let did_not_fit =
                width.is_some_and(|w| chars <= w && chars + 1 + first_word.chars().count() > w);
            if dash {
                // Not in a list of dash items, whose items rarely end with a full stop.
                let item = spans.last().is_some_and(|&(s, e)| starts_item(&text[s..e]));
                mid_sentence && !item
            } else {
                !starts_item(trimmed)
                    && (trimmed.chars().next().is_some_and(char::is_lowercase)
                        || mid_sentence
                        || did_not_fit)
            }
        });
        match spans.last_mut() {
            Some(last) if continues => last.1 = end,
            _ => spans.push((start, end)),
        }
        previous = Some(trimmed);
    }
    if spans.iter().all(|(s, e)| e - s <= MAX_PARAGRAPH_BYTES) {
        return spans;
    }
    let mut cut = Vec::with_capacity(spans.len());
    for (start, end) in spans {
        split_long(text, start, end, &mut cut);
    }
    cut
}

/// The width a text is hard-wrapped at, if it is: the longest of its lines that break off
/// mid-sentence (no closing punctuation) with the paragraph going on in the next line,
/// when at least [`WRAPPED_LINES`] such lines are within [`WRAP_SLACK`] characters of it
/// and it lies between [`MIN_WRAP_WIDTH`] and [`MAX_WRAP_WIDTH`]. Wrapping fills lines to
/// nearly the same width, which headings and one-paragraph-per-line articles do not; and
/// short lines that break off mid-sentence are a page's furniture (names, dates, menus),
/// as no one wraps text that narrow.
fn wrap_width(text: &str) -> Option<usize> {
    let all: Vec<(&str, usize)> = lines(text)
        .map(|(_, l)| {
            let l = l.trim();
            (l, l.chars().count())
        })
        .collect();
    // A wrapped line goes on in a line no longer than the wrapping makes them; a heading
    // of a one-paragraph-per-line article is followed by a whole paragraph.
    let broken: Vec<usize> = all
        .windows(2)
        .filter(|w| w[0].1 > 0 && (1..=MAX_WRAP_WIDTH).contains(&w[1].1))
        .filter(|w| w[0].1 <= MAX_WRAP_WIDTH && !ends_sentence(w[0].0))
        .map(|w| w[0].1)
        .collect();
    let width = *broken.iter().max()?;
    let near = broken.iter().filter(|&&n| n + WRAP_SLACK >= width).count();
    // Wrapped text has few lines longer than its width (paragraphs left unwrapped).
    let lines = all.iter().filter(|(_, n)| *n > 0).count();
    let longer = all.iter().filter(|(_, n)| *n > width).count();
    (near >= WRAPPED_LINES && width >= MIN_WRAP_WIDTH && longer * 3 < lines).then_some(width)
}

/// Whether a line starts an item of a list ("- ", "• ", "3. "): it never continues the
/// line before, however that one ends.
fn starts_item(line: &str) -> bool {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &line[digits..];
    if digits > 0 {
        return (rest.starts_with(". ") || rest.starts_with(") ")) && digits <= 3;
    }
    ["- ", "– ", "— ", "• ", "* ", "· "]
        .iter()
        .any(|marker| line.starts_with(marker))
}

/// Whether a line ends as a sentence or a clause does.
fn ends_sentence(line: &str) -> bool {
    line.ends_with(['.', '!', '?', ':', ';', '"', '”', '’', '\'', ')', '…'])
}

/// The fewest characters per line that [`wrap_width`] takes for hard wrapping.
const MIN_WRAP_WIDTH: usize = 40;
/// The most characters per line that [`wrap_width`] takes for hard wrapping.
const MAX_WRAP_WIDTH: usize = 100;
/// How many lines must break off near the wrap width.
const WRAPPED_LINES: usize = 3;
/// How far short of the wrap width a wrapped line may end.
const WRAP_SLACK: usize = 15;

/// Paragraphs longer than this are cut (at whitespace when there is any) so that one
/// runaway line, a whole book without a newline, cannot become a single passage whose
/// analysis holds the whole file's words at once.
pub const MAX_PARAGRAPH_BYTES: usize = 16 * 1024;

/// Cuts `[start, end)` of `text` into trimmed pieces of at most [`MAX_PARAGRAPH_BYTES`].
fn split_long(text: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let mut from = start;
    while end - from > MAX_PARAGRAPH_BYTES {
        let mut cut = from + MAX_PARAGRAPH_BYTES;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        if let Some(space) = text[from..cut].rfind(char::is_whitespace) {
            if space > 0 {
                cut = from + space;
            }
        }
        push_trimmed(text, from, cut, out);
        from = cut;
    }
    push_trimmed(text, from, end, out);
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let piece = &text[start..end];
    let trimmed = piece.trim();
    if !trimmed.is_empty() {
        let s = start + (piece.len() - piece.trim_start().len());
        out.push((s, s + trimmed.len()));
    }
}

/// Lines with their byte offsets, ending at `\n`, `\r\n` or a lone `\r`.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= bytes.len() {
            return None;
        }
        let start = pos;
        while pos < bytes.len() && bytes[pos] != b'\n' && bytes[pos] != b'\r' {
            pos += 1;
        }
        let line = &text[start..pos];
        if pos < bytes.len() {
            pos += if bytes[pos] == b'\r' && bytes.get(pos + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
        }
        Some((start, line))
    })
}

/// The reason of the navigation rules.
const NAVIGATION: &str = "navigation";

/// The most words of a heading over a list of links ("See also", "More on this story").
const LIST_HEADING_WORDS: usize = 4;

/// The most words of a link's title in such a list.
const LINK_WORDS: usize = 12;

/// Whether a line dropped as navigation is the heading of a list of links, whose items
/// follow it one per line ("See also [edit]").
fn is_list_heading(text: &str) -> bool {
    let text = text.trim().trim_end_matches("[edit]").trim_end();
    text.split_whitespace().count() <= LIST_HEADING_WORDS
}

/// Whether a paragraph reads as one link's title in a list: one short line that ends in no
/// sentence's stop ("Russian intervention in the Syrian civil war"), and is no wiki's
/// section heading ("Background [edit]", after a table of contents).
fn is_link(text: &str) -> bool {
    let text = text.trim();
    let last = text.trim_end_matches(['"', '\'', '”', '’', ')', ']']);
    !text.contains(['\n', '\r'])
        && !text.ends_with("[edit]")
        && !last.ends_with(['.', '?', '!', ':'])
        && text.split_whitespace().count() <= LINK_WORDS
}

/// The fewest words of a paragraph read as a pull quote when it repeats another one's
/// text: a short line such as a heading ("The Taliban factor") may well recur in prose.
const PULL_QUOTE_WORDS: usize = 5;

/// The longest paragraph read as a pull quote, in bytes.
const PULL_QUOTE_BYTES: usize = 300;

/// Pull quotes among a document's paragraphs: short paragraphs whose words are words of a
/// longer paragraph of the same document, one after another, white space aside (a quote
/// set off in a box, often re-wrapped over several lines). Each as (its index, the index
/// of the longest paragraph it repeats, which is kept). A heading is no pull quote of the
/// paragraph it opens ("The legacy of the Chechen wars" over "The legacy of the Chechen
/// wars is ..."). Written by hand: no library matches sequences of words, and one pass
/// over the document's words, looking up the opening words of the short paragraphs, costs
/// less than building a string matcher for each document.
fn pull_quotes(paragraphs: &[Passage]) -> Vec<(usize, usize)> {
    // The short paragraphs, as (index, words).
    let quotes: Vec<(usize, Vec<&str>)> = (paragraphs.iter().enumerate())
        .filter(|(_, p)| p.text.len() <= PULL_QUOTE_BYTES)
        .map(|(i, p)| (i, p.text.split_ascii_whitespace().collect::<Vec<_>>()))
        .filter(|(_, words)| words.len() >= PULL_QUOTE_WORDS)
        .collect();
    if quotes.is_empty() {
        return Vec::new();
    }
    // A word's length as a bit (32 and longer share one).
    let length_bit = |word: &str| 1u32 << (word.len().min(32) - 1);
    // The lengths of the short paragraphs' first words, by first byte: a table lookup
    // spares hashing almost every word of the document.
    let mut starts = [0u32; 256];
    // The short paragraphs by their opening words.
    let mut openings: FxHashMap<&[&str], Vec<usize>> = FxHashMap::default();
    for (q, (_, words)) in quotes.iter().enumerate() {
        starts[words[0].as_bytes()[0] as usize] |= length_bit(words[0]);
        openings
            .entry(&words[..PULL_QUOTE_WORDS])
            .or_default()
            .push(q);
    }
    let sentence_end = |t: &str| {
        t.trim_end_matches(['"', '\'', '”', '’', '»', ')'])
            .ends_with(['.', '?', '!'])
    };
    // Per short paragraph, the longest paragraph that holds it, and its number of words.
    let mut holder: Vec<Option<(usize, usize)>> = vec![None; quotes.len()];
    // One buffer for every paragraph's words.
    let mut container: Vec<&str> = Vec::new();
    for (j, paragraph) in paragraphs.iter().enumerate() {
        container.clear();
        container.extend(paragraph.text.split_ascii_whitespace());
        for at in 0..container.len().saturating_sub(PULL_QUOTE_WORDS - 1) {
            let word = container[at];
            if starts[word.as_bytes()[0] as usize] & length_bit(word) == 0 {
                continue;
            }
            let Some(found) = openings.get(&container[at..at + PULL_QUOTE_WORDS]) else {
                continue;
            };
            for &q in found {
                // Only a longer paragraph holds a pull quote (one of as many words is a
                // duplicate, white space aside).
                let (i, quote) = (quotes[q].0, &quotes[q].1);
                let heading = j == i + 1 && at == 0 && !sentence_end(&paragraphs[i].text);
                if container.len() > quote.len()
                    && container[at..].starts_with(quote)
                    && !heading
                    && holder[q].is_none_or(|(_, words)| words < container.len())
                {
                    holder[q] = Some((j, container.len()));
                }
            }
        }
    }
    (quotes.iter().zip(holder))
        .filter_map(|((i, _), h)| h.map(|(j, _)| (*i, j)))
        .collect()
}

/// Cuts every document into passages; returns the kept passages and the dropped ones.
pub fn segment(
    documents: &[Document],
    boilerplate: &Boilerplate,
    unit: Unit,
) -> (Vec<Passage>, Vec<Dropped>) {
    let mut passages = Vec::new();
    let mut dropped = Vec::new();
    for (doc, document) in documents.iter().enumerate() {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut kept: Vec<Passage> = Vec::new();
        // Whether the paragraphs so far are a list of links under a heading such as
        // "See also".
        let mut links = false;
        for (start, end) in paragraph_spans(&document.text) {
            let text = &document.text[start..end];
            let rule = boilerplate.reason(text);
            links = match rule {
                Some(NAVIGATION) => is_list_heading(text),
                Some(_) => false,
                None => links && is_link(text),
            };
            let reason = if let Some(reason) = rule {
                Some((reason.to_string(), None))
            } else if links {
                Some((NAVIGATION.to_string(), None))
            } else if let Some(&first) = seen.get(text) {
                Some(("duplicate".to_string(), Some(first)))
            } else {
                seen.insert(text, start);
                None
            };
            match reason {
                Some((reason, duplicate_of)) => dropped.push(Dropped {
                    doc,
                    start,
                    end,
                    text: text.to_string(),
                    reason,
                    duplicate_of,
                }),
                None => kept.push(Passage {
                    doc,
                    start,
                    end,
                    text: text.to_string(),
                    pieces: Vec::new(),
                    speaker: 0,
                }),
            }
        }
        let quotes = pull_quotes(&kept);
        if !quotes.is_empty() {
            let mut quote = vec![false; kept.len()];
            for &(i, of) in &quotes {
                quote[i] = true;
                dropped.push(Dropped {
                    doc,
                    start: kept[i].start,
                    end: kept[i].end,
                    text: kept[i].text.clone(),
                    reason: "pull quote".to_string(),
                    duplicate_of: Some(kept[of].start),
                });
            }
            kept = kept
                .into_iter()
                .zip(quote)
                .filter_map(|(p, quote)| (!quote).then_some(p))
                .collect();
            // The document's dropped paragraphs in the order of the text.
            let first = dropped.partition_point(|d| d.doc < doc);
            dropped[first..].sort_by_key(|d| d.start);
        }
        match unit {
            Unit::Passage => {
                mark_speakers(&mut kept);
                passages.extend(kept);
            }
            Unit::Document => {
                // The whole document as one unit: its span runs from the first kept
                // paragraph to the last; the text joins only the kept paragraphs.
                if let (Some(first), Some(last)) = (kept.first(), kept.last()) {
                    let mut text = String::new();
                    let mut pieces = Vec::with_capacity(kept.len());
                    for p in &kept {
                        if !text.is_empty() {
                            text.push_str("\n\n");
                        }
                        pieces.push((text.len(), p.start));
                        text.push_str(&p.text);
                    }
                    passages.push(Passage {
                        doc,
                        start: first.start,
                        end: last.end,
                        text,
                        pieces,
                        speaker: 0,
                    });
                }
            }
        }
    }
    (passages, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        Document::utf8("t.txt", text)
    }

    #[test]
    fn lines_and_blank_lines_separate_paragraphs_and_offsets_slice_back() {
        let text = "Title line\n\n  First para.\nSecond para.\r\nthird continues it\r\rLast";
        let spans = paragraph_spans(text);
        let parts: Vec<&str> = spans.iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(
            parts,
            [
                "Title line",
                "First para.",
                "Second para.\r\nthird continues it",
                "Last"
            ]
        );
    }

    /// A text hard-wrapped at 60 characters, lines starting in capitals and digits too, with
    /// a heading and a short closing line; a one-paragraph-per-line article with headings.
    #[test]
    fn hard_wrapped_paragraphs_are_joined_and_lines_of_prose_are_not() {
        let wrapped = "The attack\n\n\
            Gunmen opened fire in the hall on a Friday evening when the\n\
            Russian capital was preparing for a concert. More than 140\n\
            people died, and the building burned for hours before the\n\
            fire was out.\n\n\
            Analysts pointed to the group's grievances over Syria and\n\
            Chechnya.\n\
            Photo: a memorial outside the hall\n\n\
            A short closing line.\n";
        let spans = paragraph_spans(wrapped);
        let parts: Vec<&str> = spans.iter().map(|&(s, e)| &wrapped[s..e]).collect();
        assert_eq!(parts.len(), 5, "{parts:?}");
        assert_eq!(parts[0], "The attack");
        assert!(parts[1].starts_with("Gunmen") && parts[1].ends_with("fire was out."));
        assert!(parts[2].starts_with("Analysts") && parts[2].ends_with("Chechnya."));
        assert_eq!(parts[3], "Photo: a memorial outside the hall");
        assert!(wrap_width(wrapped).is_some());

        let per_line = "Why Russia\n\
            The group has threatened Russia for years over its role in Syria and elsewhere in the region.\n\
            Syria and the caliphate\n\
            Russian aircraft bombed the group's strongholds from 2015 until the caliphate fell apart\n\
            Moscow also courted the Taliban, the group's rival in Afghanistan, with diplomatic visits\n\
            Analysts expect more attacks.\n";
        assert_eq!(wrap_width(per_line), None);
        assert_eq!(paragraph_spans(per_line).len(), 6);

        // Headings of a one-paragraph-per-line article, each followed by its paragraph.
        let paragraph = "The group has threatened Russia for years, and analysts say the attack \
            drew on grievances that reach back decades, to wars fought long before most of \
            the attackers were born, and to a propaganda that never let them be forgotten.";
        let headings = [
            "Why did ISIS-K target Russia and not the West",
            "The long shadow of Russia's war in Syria",
            "Chechnya and the North Caucasus",
            "Moscow's courting of the Taliban",
        ];
        let article: String = headings
            .iter()
            .map(|h| format!("{h}\n{paragraph}\n"))
            .collect();
        assert_eq!(wrap_width(&article), None);
        assert_eq!(paragraph_spans(&article).len(), 8);

        let comments = "Jane Roe\nMar 27\nGreat piece, thank you.\n\n\
            John Doe\nMar 28\nWhat about the Taliban?\n\nAnn Poe\nMar 29\nAgreed.\n";
        assert_eq!(
            wrap_width(comments),
            None,
            "names and dates are not wrapping"
        );
        assert_eq!(paragraph_spans(comments).len(), 9);

        let list = format!(
            "{}\n- the first point, which is long enough to look like a wrapped line\n\
             - the second point\n2. a numbered one\n",
            "Some text that is wrapped at the same width as the others in here\n".repeat(3)
        );
        assert!(wrap_width(&list).is_some());
        let items: Vec<&str> = paragraph_spans(&list)
            .iter()
            .map(|&(s, e)| &list[s..e])
            .collect();
        assert_eq!(items.len(), 4, "{items:?}");
        assert_eq!(items[3], "2. a numbered one");

        // A spaced dash that the wrapping put at the start of a line goes on the sentence;
        // after a line that ends one, it starts an item.
        let dashes = "Kabir Taneja, a fellow at the Strategic Studies Programme of the\n\
            Observer Research Foundation – a think tank based in New Delhi, India\n\
            – told Al Jazeera that Russia is seen by ISIL and its affiliates as\n\
            a crusading power against Muslims, he said on Friday in an interview.\n\
            – A list item after a whole sentence.\n";
        let parts: Vec<&str> = paragraph_spans(dashes)
            .iter()
            .map(|&(s, e)| &dashes[s..e])
            .collect();
        assert_eq!(parts.len(), 2, "{parts:?}");
        assert!(parts[0].ends_with("in an interview."), "{parts:?}");
        assert_eq!(parts[1], "– A list item after a whole sentence.");
        // Items of a dash list, none ending a sentence, stay items in wrapped text.
        let list = format!(
            "{}The reports agree on four points:\n\
             – warnings from the United States reached the Federal Security Service\n\
             – the hall had no armed guards and several of its emergency exits were\n\
             – the migrants who were detained afterwards mostly had their papers\n\
             – the regional police were not told about the warnings that night\n",
            "Some text that is wrapped at the same width as the others in here\n".repeat(3)
        );
        assert!(wrap_width(&list).is_some());
        let items: Vec<&str> = paragraph_spans(&list)
            .iter()
            .map(|&(s, e)| &list[s..e])
            .filter(|p| p.starts_with('–'))
            .collect();
        assert_eq!(items.len(), 4, "{items:?}");
    }

    #[test]
    fn speaker_labels_that_open_several_paragraphs_are_left_out_of_the_analysis() {
        let text = "HOST: Why Russia?\n\nJane Doe: Syria, mostly.\n\n\
            Syria: the long shadow\n\nHOST: And Chechnya?\n\nJane Doe: That too.\n\n\
            Moscow: a city in mourning.";
        let (passages, _) = segment(&[doc(text)], &Boilerplate::builtin(), Unit::Passage);
        let content: Vec<&str> = passages.iter().map(Passage::content).collect();
        assert_eq!(
            content,
            [
                "Why Russia?",
                "Syria, mostly.",
                "Syria: the long shadow",
                "And Chechnya?",
                "That too.",
                "Moscow: a city in mourning."
            ]
        );
        assert!(
            passages[0].text.starts_with("HOST: "),
            "the text keeps its label"
        );
        let (whole, _) = segment(&[doc(text)], &Boilerplate::builtin(), Unit::Document);
        assert_eq!(whole[0].content(), whole[0].text);
    }

    #[test]
    fn a_runaway_line_is_cut_at_whitespace_into_bounded_passages() {
        let text = "word ".repeat(10_000) + "élan";
        let spans = paragraph_spans(&text);
        assert!(spans.len() >= 3, "{} pieces", spans.len());
        let mut previous_end = 0;
        for &(s, e) in &spans {
            assert!(e - s <= MAX_PARAGRAPH_BYTES);
            assert!(s >= previous_end);
            assert_eq!(text[s..e].trim(), &text[s..e]);
            assert!(text[s..e].starts_with("word") || text[s..e].starts_with("élan"));
            previous_end = e;
        }
        assert_eq!(&text[spans.last().unwrap().1 - "élan".len()..], "élan");
        // No whitespace at all: cut on character boundaries.
        let text = "é".repeat(20_000);
        let spans = paragraph_spans(&text);
        assert_eq!(spans.iter().map(|(s, e)| e - s).sum::<usize>(), text.len());
    }

    #[test]
    fn duplicates_are_kept_once_and_reported() {
        let d = doc("Same words here.\nOther words.\nSame words here.\n");
        let (kept, dropped) = segment(&[d], &Boilerplate::builtin(), Unit::Passage);
        assert_eq!(kept.len(), 2);
        assert_eq!(dropped.len(), 1);
        assert_eq!(dropped[0].start, 30);
        assert!(
            dropped[0].reason.starts_with("duplicate"),
            "{}",
            dropped[0].reason
        );
    }

    #[test]
    fn a_pull_quote_is_dropped_as_a_repeat_of_the_paragraph_it_quotes() {
        let text = "The Taliban factor\n\n\
            \"Attacking Moscow lets them say they are avenging Muslims in Syria,\" he said. \
            The Taliban factor is older.\n\n\
            \"Attacking Moscow lets them say\n\n\
            \x20   they are   avenging Muslims in Syria,\"\n\n\
            Russia bombed Syria. Russia bombed Syria for years, the analysts said.\n\n\
            bombed Syria for years\n";
        let (kept, dropped) = segment(&[doc(text)], &Boilerplate::builtin(), Unit::Passage);
        let quoted = text.find("\"Attacking").unwrap();
        let reasons: Vec<(&str, &str, Option<usize>)> = dropped
            .iter()
            .map(|d| (d.text.trim(), d.reason.as_str(), d.duplicate_of))
            .collect();
        assert_eq!(
            reasons,
            [
                (
                    "\"Attacking Moscow lets them say",
                    "pull quote",
                    Some(quoted)
                ),
                (
                    "they are   avenging Muslims in Syria,\"",
                    "pull quote",
                    Some(quoted)
                ),
            ],
            "re-wrapped lines of five words or more, in the order of the text"
        );
        let kept: Vec<&str> = kept.iter().map(|p| p.text.as_str()).collect();
        assert!(
            kept.contains(&"The Taliban factor"),
            "a heading of three words"
        );
        assert!(
            kept.contains(&"bombed Syria for years"),
            "four words: {kept:?}"
        );

        let text = "The legacy of the Chechen wars\n\n\
            The legacy of the Chechen wars is long, the analysts said.\n\n\
            the wars in Chechnya and Syri\n\n\
            Russia fought the wars in Chechnya and Syria, and more.\n\n\
            fought the wars in Chechnya\n\n\
            Russia fought the wars in Chechnya\n";
        let (_, dropped) = segment(&[doc(text)], &Boilerplate::builtin(), Unit::Passage);
        let longest = text.find("Russia fought the wars in Chechnya and").unwrap();
        let dropped: Vec<(&str, Option<usize>)> = dropped
            .iter()
            .map(|d| (d.text.as_str(), d.duplicate_of))
            .collect();
        assert_eq!(
            dropped,
            [
                ("fought the wars in Chechnya", Some(longest)),
                ("Russia fought the wars in Chechnya", Some(longest)),
            ],
            "a heading over its paragraph and part of a word are no pull quotes; a quote \
             points at the longest paragraph it repeats"
        );
    }

    #[test]
    fn the_links_listed_under_a_navigation_heading_are_navigation() {
        let text = "See also:\n\n\
            Tajik migrants face raids\n\n\
            More on this story\n\n\
            Kyiv denies any role\n\n\
            See also [edit]\n\n\
            Crocus City Hall attack\n\n\
            Russian intervention in the Syrian civil war\n\n\
            Background [edit]\n\n\
            Analysts tied the attack to Syria\n\n\
            Read more\n\n\
            Why the Taliban and ISKP are at war\n\n\
            The group has attacked Russia before.\n\n\
            Short line without a stop\n";
        let (kept, dropped) = segment(&[doc(text)], &Boilerplate::builtin(), Unit::Passage);
        let dropped: Vec<(&str, &str)> = dropped
            .iter()
            .map(|d| (d.text.as_str(), d.reason.as_str()))
            .collect();
        assert_eq!(
            dropped,
            [
                ("See also:", "navigation"),
                ("Tajik migrants face raids", "navigation"),
                ("More on this story", "navigation"),
                ("Kyiv denies any role", "navigation"),
                ("See also [edit]", "navigation"),
                ("Crocus City Hall attack", "navigation"),
                ("Russian intervention in the Syrian civil war", "navigation"),
                ("Read more", "navigation"),
                ("Why the Taliban and ISKP are at war", "navigation"),
            ]
        );
        let kept: Vec<&str> = kept.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            kept,
            [
                "Background [edit]",
                "Analysts tied the attack to Syria",
                "The group has attacked Russia before.",
                "Short line without a stop",
            ],
            "a section heading or a sentence ends the list"
        );
    }

    /// Lines as they appear in the seed articles (and in web scrapes generally), each with
    /// the reason it must be dropped for.
    #[test]
    fn boilerplate_lines_of_the_seeds_are_dropped_with_their_reason() {
        let b = Boilerplate::builtin();
        let cases = [
            ("- Advertisement -", "advertisement"),
            (
                "PREV Macron’s latest statements on Ukraine are part of a trend",
                "navigation",
            ),
            (
                "NEXT Shoigu claims that forces are withdrawing",
                "navigation",
            ),
            (
                "Read more: “Extreme brutality” and a long list of enemies.",
                "navigation",
            ),
            (
                "See also: White House: the so-called The Islamic State is an enemy",
                "navigation",
            ),
            ("Must read", "navigation"),
            ("More articles", "navigation"),
            ("Latest article", "navigation"),
            ("Leave a Reply", "comment prompt"),
            ("Leave a Comment", "comment prompt"),
            (
                "This site uses Akismet to reduce spam. Learn how your comment data is processed.",
                "comment prompt",
            ),
            ("Source link", "source link"),
            (
                "Source: https://www.example.com/world/story-123",
                "source link",
            ),
            ("Source » example.com", "source link"),
            ("Tags: Islamic State targeting Russia role", "tag line"),
            ("#Islamic #State #attacking #Russia", "tag line"),
            ("Sunday, April 21, 2024", "dateline"),
            ("2024-03-23 03:12:35", "dateline"),
            (
                "First modification: 03/23/2024 – 04:12 Last modification: 03/23/2024 – 04:15",
                "dateline",
            ),
            ("01:08", "timestamp"),
            ("4 min", "timestamp"),
            ("Author:Justyna Zuber", "byline"),
            ("Translation: Rhodesia Costea", "byline"),
            ("With Reuters and EFE", "byline"),
            (
                "Main photo source: PAP/EPA/Maksym Shipenkov",
                "photo caption or credit",
            ),
            (
                "Emergency vehicles parked in front of the hall. © Stringer AFP",
                "photo caption or credit",
            ),
            (
                "After the attack, concerns are growing in EuropeJane Doe/Fakty TVN",
                "photo caption or credit",
            ),
            ("10.1 C", "weather widget"),
            ("1711176789", "bare number or punctuation"),
            ("--", "bare number or punctuation"),
        ];
        for (line, reason) in cases {
            assert_eq!(b.reason(line), Some(reason), "line: {line}");
        }
    }

    /// Page furniture of news sites in general, beyond the seeds': lines of the kinds met in
    /// the unseen_dev articles (tests/fixtures), some of them verbatim, and made-up ones.
    #[test]
    fn common_news_furniture_is_dropped_with_its_reason() {
        let b = Boilerplate::builtin();
        let cases = [
            ("Share this article", "share prompt"),
            ("Share on Facebook", "share prompt"),
            ("Follow us on Telegram", "share prompt"),
            ("Subscribe to our newsletter", "share prompt"),
            ("Interview by Jane Doe", "byline"),
            (
                "(Reporting by Jane Doe in Paris; additional reporting by John Roe; Editing by Ann Poe)",
                "byline",
            ),
            ("March 27, 2024, 08:15 CET", "dateline"),
            ("25 March 2024, 18:40 local time", "dateline"),
            ("14:05 GMT", "timestamp"),
            ("2:05 pm", "timestamp"),
            (
                "This interview has been edited for length and clarity.",
                "editor's note",
            ),
            (
                "Jane Doe is a former analyst who writes on security. The views expressed are her own.",
                "editor's note",
            ),
            (
                "This episode transcript was generated automatically and has been lightly edited for clarity.",
                "editor's note",
            ),
            (
                "Correction: An earlier version of this story misstated the date of the warning.",
                "editor's note",
            ),
            ("This is an excerpt from our spring issue.", "editor's note"),
            (
                "(This story has been corrected to give the year of the intervention.)",
                "editor's note",
            ),
            (
                "(The writer is a former diplomat who served in Tashkent. Views are personal.)",
                "author's note",
            ),
            ("The author is a researcher at a university in Almaty.", "author's note"),
            ("Cite this article: Doe, J. (2024). Why Moscow?", "citation"),
            ("Not interested any more? Unsubscribe", "newsletter footer"),
            ("That's all for this week. See you Monday.", "newsletter footer"),
            ("Listen on your favourite podcast app", "share prompt"),
            ("Liked this? Forward it to a friend.", "share prompt"),
            ("Subscribe to the Morning Wire for daily news", "share prompt"),
            ("Download the Daily Post app for alerts.", "share prompt"),
            ("Get our briefing in your inbox every Friday.", "share prompt"),
            ("Have a story idea? Send us your tips.", "contact prompt"),
            ("Seen a claim we should check? Send it to our tipline.", "contact prompt"),
            ("Get the briefing every morning. Sign up", "share prompt"),
            ("Letters to the editor: letters@example.org", "contact prompt"),
            ("Reporting by Jane Doe; editing by John Roe", "byline"),
            ("Photographs by Ann Poe", "byline"),
            ("[Photo: crowds at a vigil in the rain]", "photo caption or credit"),
            ("Copyright 2024 Example Media. All rights reserved.", "copyright"),
            ("Copyright 2024 The Associated Press", "copyright"),
            ("COPYRIGHT © 2023-2024 Example Media Group", "copyright"),
            ("(c) 2024 Al Jazeera Media Network", "copyright"),
            ("© 2024 Eurasia Migrant Rights Monitor", "copyright"),
            ("© 2024-2025 dpa", "copyright"),
            ("Click here to subscribe", "share prompt"),
            ("Click here to sign up for our daily newsletter.", "share prompt"),
            ("Tap here to follow us on WhatsApp", "share prompt"),
            ("[APPLAUSE]", "media note"),
            ("[VIDEO 3:12] Mourners gather at the memorial", "media note"),
            ("Skip to content", "navigation"),
            ("[End of transcript]", "navigation"),
            ("Topics: Security · Europe", "navigation"),
            ("News | Sport | Weather | Culture | Opinion", "navigation"),
            ("Home · World · Business · Science", "navigation"),
            ("Opinion | Our view", "masthead or section label"),
            ("March 4, 2024 · 6 min read", "timestamp"),
            ("Read Next", "navigation"),
            ("Contents", "navigation"),
            (
                "World  Politics  Ideas  Long Reads  Culture  Podcasts        Subscribe | Log in",
                "navigation",
            ),
            ("Article   Talk   Read   Edit   View history   Tools", "navigation"),
            (
                "3. ^ Doe, Jane (23 March 2024). \"Gunmen open fire\". Example Wire.",
                "citation",
            ),
            ("^ \"Death toll revised\". Example Daily. 29 April 2024.", "citation"),
            (
                "8. Doe, J. (25 March 2024). \"Syria's long shadow\". Example Quarterly.",
                "citation",
            ),
            (
                "Doe, J. and Roe, K. (2024) 'From Grozny to Raqqa', Journal of Examples, 3(2): 5-7.",
                "citation",
            ),
            (
                "Dr Jane Doe, historian of the North Caucasus, Example University, Krakow",
                "affiliation",
            ),
            (
                "6. Rahimov, D.; Clarke, E. (2024). \"ISKP's Central Asian turn\". Studies 9 (3).",
                "citation",
            ),
            (
                "10. \"Taliban condemn attack near Moscow\". Kabul Dispatch. 23 March 2024.",
                "citation",
            ),
            (
                "[12] “Security Alert: U.S. Embassy Moscow”. U.S. Embassy & Consulates, March 7, 2024.",
                "citation",
            ),
            (
                "Prof. John R. Roe, Professor of International Security, Example College",
                "affiliation",
            ),
            (
                "This page was last edited on 2 July 2024, at 11:46 (UTC).",
                "dateline",
            ),
            (
                "Text is available under a Creative Commons Attribution-ShareAlike licence.",
                "copyright",
            ),
            ("[Share] [Save] [Gift this article]", "share prompt"),
            ("Share   Email   Comments (186)", "share prompt"),
            ("KEYWORDS: RUSSIA-SECURITY/ATTACK", "tag line"),
            ("Related in Opinion: \"The new geometry of Asia\"", "navigation"),
            (
                "Translator's note: This column first appeared in Arabic. The translation \
                 aims to stay close to the author's style, which is rhetorical, in places \
                 ironic, and full of questions. Square brackets mark clarifications added by \
                 the translator. Quranic references have been rendered in English paraphrase, \
                 and the title has been translated literally.",
                "editor's note",
            ),
        ];
        for (line, reason) in cases {
            assert_eq!(b.reason(line), Some(reason), "line: {line}");
        }
    }

    #[test]
    fn prose_and_headings_are_kept() {
        let b = Boilerplate::builtin();
        for line in [
            "Previous threats",
            "Authorities respond to the ferry crisis",
            "By then the gunmen had fled the hall",
            "What is the Islamic State?",
            "The Syrian conflict and tensions in the Sahel",
            "By 2030, the group said it would expand its operations across the region and beyond.",
            "Reporter: Has the war in Ukraine distracted the Russian president?",
            "Share prices fell in Moscow on Monday after the attack.",
            "Follow the money, investigators say, and the trail leads to Central Asia.",
            "March 27, 2024, was the day the suspects first appeared in court.",
            "March 22, 2024, 20:13 Gunmen open fire at Crocus City Hall",
            "10:30 putin",
            "14:05 local",
            "“The views expressed are his own,” a Kremlin spokesman said of the analyst.",
            "Russian intervention was key to quelling the rebellion and defeating IS, which had annexed territories.",
            "Correction officers at the prison said the suspects were held apart.",
            "The writer Ivan Petrov was at the concert with his daughter.",
            "The authorities were warned twice, the author of the report says.",
            "The authors are clear that Russia's campaign in Syria made it the group's first target.",
            "Doe, J., the analyst, said the attack (March 2024) was revenge for Syria, and many agreed with him at the time, though not all of them for the same reasons; the rest of this long paragraph goes on well past any reference list's length, as prose does when it argues a point at length and cites no one at all, so that no rule meant for a reference can take it: it is an argument, not an entry, and it ends with a full stop.",
            "Jane Doe, who teaches at Example University, says the attack was revenge.",
            "Meanwhile, U.S. officials cited a report by the Soufan Center (2023) warning of it.",
            "2. \"Revenge for Syria,\" the group wrote. Analysts agree. Since 2015 it has said so.",
            "Washington, D.C. officials said the attack (March 2024) had been planned for months.",
            "Mark Youngman, a researcher at the University of Portsmouth who studies the region, said:",
            "Harold Chambers, a political and security analyst at the Geneva Academy, told us —",
            "Syria, Chechnya and the Taliban",
            "The writer was in Grozny when Russian troops stormed the city, and he says Chechnya explains the attack.",
            "The writer is convinced that Syria explains the attack.",
            "Listen to the warnings, the analysts said, and the pattern is plain.",
            "Analysts said the group wanted to punish Russia for Syria | a claim others doubted, and one the Kremlin rejected outright in a statement.",
            "The group struck.  Russia mourned.  The Kremlin blamed Kyiv.  Analysts disagreed.",
            "Contents of the suspects' phones were shown on state television.",
            "Share the blame, the editorial said, with the services that ignored the warning.",
            "Read next to the Syrian record, the claim looks less strange.",
            "In 2x^2 terms, the risk grew.",
            "Crocus City Hall\t145 dead\t551 injured\t22 March 2024",
            "Crocus City Hall  145 dead  551 injured  22 March 2024",
            "Russia  blames  Ukraine  for  the  attack",
            "Share email addresses of suspects with the FSB, the committee demanded.",
            "The footage, which is published under a Creative Commons licence, shows the gunmen.",
            "ISIS-K: WHY RUSSIA?",
            "MISSED SIGNALS",
            "THE CENTRAL ASIAN PIPELINE",
            "The Kremlin said it would donate to the families of the victims, and asked others to donate.",
            "Opinion | Russia was warned about the attack and was too busy to listen",
            "Syria, Chechnya, Afghanistan: the group's list of grievances is long.",
            "[The group's statement] was posted on Telegram within hours, the analysts said, and shared widely.",
            "Recruiters in Moscow paid Tajik migrants a few hundred dollars to sign up.",
            "Update: Russia's Investigative Committee said four suspects had been charged.",
            "The FSB set up a tip line for witnesses of the attack.",
            "Related to that: the group's attack on Iran in January.",
            "Keywords matter: the group's magazine used the word 'crusader' 40 times.",
            "The translator's notes in the margin were removed.",
            "Copyright law in Russia changed in 2024, analysts said.",
            "Copyright 2024: who owns the footage of the attack?",
            "(c) Recruitment and the Central Asian diaspora",
            "(c) 2024 saw the group's deadliest attack abroad.",
            "(c) 2024 elections in Russia",
            "(c) 2024 Moscow was struck, and the group claimed the attack.",
            "Click here, the recruiter's message said, and a new life begins.",
            "Click here to subscribe, the fake site said, and the malware installed itself.",
        ] {
            assert_eq!(b.reason(line), None, "line: {line}");
        }
    }

    /// A Unicode word boundary would take the whole rule set off the regex engine's fast
    /// path (80 times slower on the seeds).
    #[test]
    fn built_in_rules_write_word_boundaries_in_ascii() {
        let bare = DEFAULT_BOILERPLATE.replace("(?-u:\\b)", "");
        let comments: String = bare.lines().filter(|l| l.starts_with('#')).collect();
        assert_eq!(bare.matches("\\b").count(), comments.matches("\\b").count());
    }

    #[test]
    fn a_bad_rule_names_the_rule() {
        let err = Boilerplate::parse(
            "[[rule]]\nreason = \"x\"\npattern = \"(\"\n",
            Path::new("b.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("b.toml") && err.contains("rule 1"), "{err}");
    }

    /// Regression: `pattern = ""` was accepted, and dropped every paragraph.
    #[test]
    fn a_rule_that_matches_any_paragraph_is_refused_naming_the_rule() {
        let rules = |pattern: &str| {
            let text = format!(
                "[[rule]]\nreason = \"a\"\npattern = '^x$'\n\
                 [[rule]]\nreason = \"b\"\npattern = '{pattern}'\n"
            );
            Boilerplate::parse(&text, Path::new("b.toml")).map(|_| ())
        };
        for pattern in [
            "",
            "x*",
            "(?i)(share)?",
            r"(?-u:\b)",
            "$",
            "^",
            ".",
            "(?s).+",
            r"\S",
        ] {
            let err = rules(pattern).unwrap_err().to_string();
            assert!(
                err.starts_with("b.toml: ") && err.contains("rule 2 (b)"),
                "{pattern:?}: {err}"
            );
            assert!(err.contains("every paragraph"), "{pattern:?}: {err}");
        }
        // A pattern that matches the empty string only where the paragraph is empty, or
        // that matches only some paragraphs, is a rule like any other.
        for pattern in ["^$", r"^\s*$", r"^[\p{N}\p{P}]*$", "(?i)^share", "e"] {
            rules(pattern).unwrap_or_else(|e| panic!("{pattern:?}: {e}"));
        }
    }

    /// Regression: a syntax error printed the whole line at fault, however long.
    #[test]
    fn a_syntax_error_on_a_long_line_shows_only_a_snippet() {
        let text = format!(
            "[[rule]] reason = \"x\" {}",
            "pattern = \"y\" ".repeat(50_000)
        );
        let err = Boilerplate::parse(&text, Path::new("b.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("b.toml") && err.contains("line 1, column"),
            "{err}"
        );
        assert!(err.len() < 600, "{} bytes", err.len());
    }

    #[test]
    fn document_unit_gives_one_passage_per_document() {
        let d = doc("One para.\n\nTwo para.\n- Advertisement -\n");
        let (kept, _) = segment(&[d], &Boilerplate::builtin(), Unit::Document);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].text, "One para.\n\nTwo para.");
    }

    #[test]
    fn source_range_maps_text_back_to_the_document() {
        let source = "One para.\n\n- Advertisement -\n\nTwo para.\n";
        let (kept, _) = segment(&[doc(source)], &Boilerplate::builtin(), Unit::Document);
        let p = &kept[0];
        // The advertisement between them is not in `text`, so "Two" moved.
        let two = p.text.find("Two").unwrap();
        let range = p.source_range(two..two + 3);
        assert_eq!(&source[range], "Two");
        assert_eq!(&source[p.source_range(0..3)], "One");
        let (paragraphs, _) = segment(&[doc(source)], &Boilerplate::builtin(), Unit::Passage);
        let q = &paragraphs[1];
        assert_eq!(&source[q.source_range(4..8)], "para");
    }
}
