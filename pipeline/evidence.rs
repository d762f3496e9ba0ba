//! Evidence: the sentence that ties a passage to a named theme.
//!
//! A paragraph that only mentions a theme's words ("former members of the Pakistani
//! Taliban founded the group") is background; one that argues the theme ties those words to
//! what the analysis is about ("Russia supports the Taliban, whom the group fights"). So a
//! sentence is evidence for a named theme when it says one of the theme's seed terms (the
//! words of a seed phrase such as "civil war" one after another, not just "war") and, when
//! the themes file names a `focus` (the subject of the question, such as the country
//! attacked), one of the focus terms as well, in that sentence or the one before it; a
//! theme whose seed terms imply the focus (a region of the country) names it itself. A
//! heading needs no focus, since it is read in its article's context, but it needs the
//! paragraph after it to hold the theme's seed terms. A sentence that says an `exclude`
//! term (a reaction to the event) is no evidence. Its strength is the cosine similarity
//! between the sentence's reduced TF-IDF vector and the theme's seed vector. A passage's
//! evidence is read as the hand labels' guideline reads a paragraph: the motive stressed
//! ("above all, Syria", "Syria matters most") wins, else the one named first in the first
//! sentence with evidence strong enough; a reason that is none of the themes
//! (`other_reasons`) named first or stressed leaves the passage without one, and a record's
//! yardstick ("the deadliest attack since Beslan") names none. That sentence is what the
//! output cites, so that every named assignment can be checked against the words behind
//! it.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::ops::Range;

use ndarray::ArrayView2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use unicode_segmentation::UnicodeSegmentation;

use crate::analyze::Analyzer;
use crate::reduce::{cosine, FittedReduction};
use crate::segment::Passage;
use crate::tfidf::{FittedTfIdf, SparseRow};

/// A term as columns: one per word of a phrase, in order.
pub type Phrase = Vec<u32>;

/// What makes a sentence evidence, as columns; part of the fitted model.
///
/// A column is a TF-IDF vocabulary column, or, for a word of the focus or seed terms that
/// is not in the vocabulary, one past it ([`EvidenceTerms::extra`]): "Grozny" names
/// Chechnya in an article the model classifies whether or not its training articles used
/// the word, and so does a word that `--min-df`/`--max-df` pruned.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EvidenceTerms {
    /// The focus terms; empty when the themes file names no focus.
    pub focus: Vec<Phrase>,
    /// Per named theme, its seed terms.
    pub seeds: Vec<Vec<Phrase>>,
    /// Terms that make a sentence no evidence for any theme: words of a reaction to the
    /// event rather than an account of it ("condolences"); empty when the themes file names
    /// none.
    pub exclude: Vec<Phrase>,
    /// Reasons the analysis gives that are none of the named themes ("the Soviet
    /// occupation of Afghanistan"): named before a theme's seed terms, or stressed, they
    /// make the sentence argue that reason rather than the theme; empty when the themes
    /// file names none.
    pub others: Vec<Phrase>,
    /// Per named theme, whether its seed terms name the focus themselves (Chechnya is a
    /// part of Russia), so that its sentences need no focus term.
    pub implies_focus: Vec<bool>,
    /// Markers of the motive a sentence stresses most ("above all"), lowercase, matched
    /// as words in the sentence's text: stop words such as "above" and "all" carry them,
    /// so they are not analyzed.
    pub stress: Vec<String>,
    /// Markers that follow the motive they stress ("Syria matters most", "Syria, which is
    /// the big one"), lowercase, matched as words.
    pub stress_after: Vec<String>,
    /// Words of a record ("deadliest", "first"), lowercase, matched as words: in a clause
    /// where one comes before a [`EvidenceTerms::yardsticks`] word, the rest of the clause
    /// dates the record and names no motive ("the deadliest attack since the Beslan
    /// school siege").
    pub records: Vec<String>,
    /// Words that open a record's yardstick ("since"), lowercase, matched as words.
    pub yardsticks: Vec<String>,
    /// Words that make a question ask for the reason ("why"), lowercase, matched as words:
    /// in such a question, the words after the first of them name no motive.
    pub questions: Vec<String>,
    /// Whether the themes file named a focus: when it did but none of its terms has a
    /// word left after stop words, no sentence can be evidence (rather than every sentence).
    pub focus_required: bool,
    /// The words of the focus and seed terms outside the TF-IDF vocabulary, sorted: the
    /// word at index `i` has column `vocabulary size + i`.
    pub extra: Vec<String>,
}

/// The phrases of a themes file that make evidence, as written.
#[derive(Debug, Clone, Copy, Default)]
pub struct EvidencePhrases<'a> {
    /// The focus terms ([`EvidenceTerms::focus`]).
    pub focus: &'a [String],
    /// Terms of a reaction ([`EvidenceTerms::exclude`]).
    pub exclude: &'a [String],
    /// Reasons that are none of the named themes ([`EvidenceTerms::others`]).
    pub others: &'a [String],
    /// Per named theme, its seed terms.
    pub seeds: &'a [&'a [String]],
    /// Per named theme, whether its seed terms name the focus themselves (missing: no).
    pub implies_focus: &'a [bool],
    /// Markers of stress ([`EvidenceTerms::stress`]).
    pub stress: &'a [String],
    /// Markers of stress after the motive ([`EvidenceTerms::stress_after`]).
    pub stress_after: &'a [String],
    /// Words of a record ([`EvidenceTerms::records`]).
    pub records: &'a [String],
    /// Words that open a record's yardstick ([`EvidenceTerms::yardsticks`]).
    pub yardsticks: &'a [String],
    /// Words of a question that asks for the reason ([`EvidenceTerms::questions`]).
    pub questions: &'a [String],
}

/// Markers as they are matched: trimmed and lowercase.
fn marker_words(markers: &[String]) -> Vec<String> {
    markers.iter().map(|m| m.trim().to_lowercase()).collect()
}

impl EvidenceTerms {
    /// The evidence terms of a themes file's phrases, as the analyzer gives each phrase's
    /// words. A phrase with no word left after stop words is left out: it would match
    /// every sentence.
    pub fn new(phrases: EvidencePhrases, analyzer: &mut Analyzer, tfidf: &FittedTfIdf) -> Self {
        let mut analyze = |phrases: &[String]| -> Vec<Vec<String>> {
            phrases
                .iter()
                .map(|p| analyzer.tokens(p).into_iter().map(|t| t.term).collect())
                .filter(|words: &Vec<String>| !words.is_empty())
                .collect()
        };
        let focus_words = analyze(phrases.focus);
        let exclude_words = analyze(phrases.exclude);
        let other_words = analyze(phrases.others);
        let seed_words: Vec<Vec<Vec<String>>> = phrases.seeds.iter().map(|s| analyze(s)).collect();
        let mut extra: Vec<String> = focus_words
            .iter()
            .chain(&exclude_words)
            .chain(&other_words)
            .chain(seed_words.iter().flatten())
            .flatten()
            .filter(|w| tfidf.column(w).is_none())
            .cloned()
            .collect();
        extra.sort_unstable();
        extra.dedup();
        let mut terms = Self {
            focus_required: !phrases.focus.is_empty(),
            implies_focus: (0..phrases.seeds.len())
                .map(|t| phrases.implies_focus.get(t).copied().unwrap_or(false))
                .collect(),
            extra,
            stress: marker_words(phrases.stress),
            stress_after: marker_words(phrases.stress_after),
            records: marker_words(phrases.records),
            yardsticks: marker_words(phrases.yardsticks),
            questions: marker_words(phrases.questions),
            ..Self::default()
        };
        let columns = |words: &[Vec<String>]| -> Vec<Phrase> {
            let mut out: Vec<Phrase> = words
                .iter()
                .map(|w| {
                    w.iter()
                        .map(|w| terms.column(w, tfidf).expect("every word has a column"))
                        .collect()
                })
                .collect();
            out.sort();
            out.dedup();
            out
        };
        let focus = columns(&focus_words);
        let exclude = columns(&exclude_words);
        let others = columns(&other_words);
        let seeds = seed_words.iter().map(|s| columns(s)).collect();
        terms.focus = focus;
        terms.exclude = exclude;
        terms.others = others;
        terms.seeds = seeds;
        terms
    }

    /// The column of an analyzed word outside the TF-IDF vocabulary, if it is a word of
    /// the evidence terms; `vocabulary` is the vocabulary's size.
    pub fn extra_column(&self, word: &str, vocabulary: usize) -> Option<u32> {
        self.extra
            .binary_search_by(|e| e.as_str().cmp(word))
            .ok()
            .map(|i| (vocabulary + i) as u32)
    }

    /// The column of an analyzed word: its vocabulary column, or its extra column.
    pub fn column(&self, word: &str, tfidf: &FittedTfIdf) -> Option<u32> {
        tfidf
            .column(word)
            .or_else(|| self.extra_column(word, tfidf.vocabulary.len()))
    }
}

/// Splits a text's columns (as [`Analyzer::analyze_columns`] gives them, through
/// [`EvidenceTerms::extra_column`] as well) into its vocabulary columns, for its TF-IDF
/// row, and its extra columns, sorted and without repeats, for its evidence.
pub fn split_extra(mut columns: Vec<u32>, vocabulary: usize) -> (Vec<u32>, Vec<u32>) {
    if columns.iter().all(|&c| (c as usize) < vocabulary) {
        return (columns, Vec::new());
    }
    let mut extra: Vec<u32> = columns
        .iter()
        .copied()
        .filter(|&c| c as usize >= vocabulary)
        .collect();
    columns.retain(|&c| (c as usize) < vocabulary);
    extra.sort_unstable();
    extra.dedup();
    (columns, extra)
}

/// A row's columns followed by extra columns: still sorted, as every extra column is
/// past the vocabulary.
fn with_extra<'a>(row: &'a SparseRow, extra: &[u32]) -> Cow<'a, [u32]> {
    if extra.is_empty() {
        Cow::Borrowed(&row.indices)
    } else {
        Cow::Owned(row.indices.iter().chain(extra).copied().collect())
    }
}

/// Where a sentence is scored: the fitted model's vocabulary, projection and seed vectors
/// (one row per named theme).
#[derive(Clone, Copy)]
pub struct Space<'a> {
    /// The vocabulary and idf a sentence's TF-IDF row is weighed with.
    pub tfidf: &'a FittedTfIdf,
    /// The projection of that row.
    pub reduction: &'a FittedReduction,
    /// The named themes' seed vectors, one row each.
    pub anchors: ArrayView2<'a, f64>,
    /// The score at which a sentence's evidence is strong enough to give its passage a
    /// theme ([`ThemeSettings::evidence_threshold`](crate::themes::ThemeSettings::evidence_threshold)).
    pub threshold: f64,
}

/// A passage's evidence for a named theme.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// Index of the named theme.
    pub theme: usize,
    /// The evidence's strength: the cosine similarity of the sentence (without the
    /// sentence before, when the citation starts there) to the seed vector of the
    /// strongest theme it names. That is this theme's own, unless the guideline's reading
    /// chose another theme of a sentence that decided on its strongest one.
    pub score: f64,
    /// Byte range of the sentence in the passage's text (without surrounding white space),
    /// from the sentence before when that is the one that names the focus.
    pub sentence: Range<usize>,
    /// Whether the sentence is a heading that does not name the focus: it is evidence only
    /// if the paragraph after it holds the theme's seed terms ([`EvidenceTerms::find_all`]).
    pub needs_context: bool,
}

/// Whether some phrase has every one of its columns in `columns` (sorted): a text that
/// does not hold a phrase cannot say it.
fn holds(phrases: &[Phrase], columns: &[u32]) -> bool {
    phrases
        .iter()
        .any(|p| p.iter().all(|c| columns.binary_search(c).is_ok()))
}

/// Whether some phrase is said in `words` (a text's words as columns, in order): its
/// words one after another, stop words aside, as "war in Ukraine" is said in "Russia's war
/// in Ukraine" but not in "Ukraine denied it, and the war went on".
fn says(phrases: &[Phrase], words: &[Option<u32>]) -> bool {
    said_at(phrases, words).is_some()
}

/// Where the first of `phrases` said in `words` starts ([`says`]), as a word index.
fn said_at(phrases: &[Phrase], words: &[Option<u32>]) -> Option<usize> {
    said_where(phrases, words, false).map(|r| r.start)
}

/// Where `phrases` are said in `words` ([`says`]), as a range of word indices: the one
/// that starts first, or with `last`, the one that ends last (ties: the longest, so that
/// "the Soviet invasion" is said last, not the "invasion" in it).
fn said_where(phrases: &[Phrase], words: &[Option<u32>], last: bool) -> Option<Range<usize>> {
    let said = phrases.iter().filter_map(|p| {
        let mut at = words
            .windows(p.len())
            .enumerate()
            .filter(|(_, w)| w.iter().zip(p).all(|(w, c)| *w == Some(*c)))
            .map(|(i, _)| i..i + p.len());
        if last {
            at.next_back()
        } else {
            at.next()
        }
    });
    if last {
        said.max_by_key(|r| (r.end, r.len()))
    } else {
        said.min_by_key(|r| (r.start, Reverse(r.len())))
    }
}

/// The sentences of a passage as byte ranges without surrounding white space (Unicode's
/// sentence boundaries, UAX #29). Those rules break after every line break, but a single
/// line break inside a paragraph is hard wrapping (the segmenter joins such lines into one
/// paragraph), so it is read as a space; a blank line still ends a sentence.
fn sentences(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    // Most passages are one line: they are split as they are, not copied.
    let unwrapped: Cow<str> = if bytes.iter().any(|b| matches!(b, b'\n' | b'\r')) {
        let mut unwrapped = String::with_capacity(text.len());
        let mut copied = 0;
        let mut i = 0;
        while i < bytes.len() {
            if matches!(bytes[i], b'\n' | b'\r') {
                let run = bytes[i..]
                    .iter()
                    .take_while(|b| matches!(b, b'\n' | b'\r'))
                    .count();
                let breaks = &bytes[i..i + run];
                let lines = breaks
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    .max(breaks.iter().filter(|&&b| b == b'\r').count());
                if lines < 2 {
                    // ASCII replaced by as many ASCII spaces: every byte offset still
                    // points at the same character of `text`.
                    unwrapped.push_str(&text[copied..i]);
                    unwrapped.extend(std::iter::repeat_n(' ', run));
                    copied = i + run;
                }
                i += run;
            } else {
                i += 1;
            }
        }
        unwrapped.push_str(&text[copied..]);
        unwrapped.into()
    } else {
        text.into()
    };
    unwrapped
        .split_sentence_bound_indices()
        .filter_map(|(start, sentence)| {
            let trimmed = sentence.trim_start();
            let start = start + (sentence.len() - trimmed.len());
            let trimmed = trimmed.trim_end();
            (!trimmed.is_empty()).then(|| start..start + trimmed.len())
        })
        .collect()
}

/// Passages per parallel chunk, each chunk with its own analyzer caches.
const CHUNK: usize = 512;

/// The most words a heading has.
const HEADING_WORDS: usize = 12;

/// Whether a passage is a heading: one line of at most [`HEADING_WORDS`] words, one
/// sentence, that does not end in a full stop, even inside closing quotes or brackets
/// ("The Syria factor", "Why Russia?"), after its number or time, if any ("2. The Taliban
/// factor", "09:15 The grievance list").
fn is_heading(text: &str) -> bool {
    let text = without_number(text.trim());
    let last = text.trim_end_matches(['"', '\'', '”', '’', '»', ')', ']']);
    !text.contains(['\n', '\r'])
        && !last.ends_with('.')
        && text.split_whitespace().count() <= HEADING_WORDS
        && sentences(text).len() == 1
}

/// A text without the number or time it starts with ("2.", "IV)", "09:15"), which would
/// otherwise read as a sentence of its own.
fn without_number(text: &str) -> &str {
    let Some((first, rest)) = text.split_once(char::is_whitespace) else {
        return text;
    };
    let body = first.trim_end_matches(['.', ')', ':']);
    // A number needs its stop or bracket ("2."), a time its colon: a year that starts a
    // line ("2024 was ...") is no heading's number.
    let marked = first.len() > body.len() || body.contains(':');
    let numeral = body
        .chars()
        .all(|c| c.is_ascii_digit() || c == ':' || c == '.');
    // A lone letter with a full stop is an initial ("V. Putin"), not a numeral.
    let roman =
        body.chars().all(|c| "IVX".contains(c)) && (body.len() > 1 || !first.ends_with('.'));
    if !body.is_empty() && marked && (numeral || roman) {
        rest.trim_start()
    } else {
        text
    }
}

/// Whether the text between two sentences holds a blank line: a paragraph break, which
/// the focus of the sentence before does not cross (in a whole document read as one
/// passage, `--unit document`, its paragraphs are joined by blank lines).
fn breaks_paragraph(gap: &str) -> bool {
    gap.matches('\n').count() >= 2 || gap.matches('\r').count() >= 2
}

/// A text's words, lowercase, each with its byte range: what markers are matched against.
fn lowercase_words(text: &str) -> Vec<(Range<usize>, String)> {
    text.unicode_word_indices()
        .map(|(at, word)| (at..at + word.len(), word.to_lowercase()))
        .collect()
}

/// Whether `lower` (a text's lowercase copy) holds every word of some marker: a text that
/// does not cannot say one.
fn may_say(lower: &str, markers: &[String]) -> bool {
    (markers.iter()).any(|m| m.unicode_words().all(|w| lower.contains(w)))
}

/// Where `markers` are said in `words` ([`lowercase_words`]: a marker's words one after
/// another), as byte ranges in order of their start.
fn said_markers(words: &[(Range<usize>, String)], markers: &[String]) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    for marker in markers {
        let marker: Vec<&str> = marker.unicode_words().collect();
        if marker.is_empty() {
            continue;
        }
        for w in words.windows(marker.len()) {
            if w.iter().zip(&marker).all(|((_, a), b)| a == b) {
                found.push(w[0].0.start..w[w.len() - 1].0.end);
            }
        }
    }
    found.sort_by_key(|r| r.start);
    found
}

/// What the markers of a sentence say: where its stress markers are, and which of its
/// words date a record, as byte offsets into the sentence.
#[derive(Debug, Default)]
struct Marked {
    /// Where the first [`EvidenceTerms::stress`] marker starts.
    stress: Option<usize>,
    /// Where the first [`EvidenceTerms::stress_after`] marker starts.
    stress_after: Option<usize>,
    /// The parts that date a record ([`EvidenceTerms::dated`]).
    dated: Vec<Range<usize>>,
    /// In a question that asks for the reason ([`EvidenceTerms::questions`]), where its
    /// first question word ends.
    asked: Option<usize>,
}

/// Whether a question word at byte `at` of `sentence` opens its clause ("Why now?", "If it
/// was Syria, why wait?", "The question: why Moscow?", "1. Why Russia?") and so asks the
/// question, rather than following words it depends on ("Is that why Russia was hit?",
/// "Who knows why?").
fn opens_clause(sentence: &str, at: usize) -> bool {
    let before = sentence[..at].trim_end();
    match before.chars().last() {
        // Nothing before it but a list number or bullet.
        _ if !before.chars().any(char::is_alphabetic) => true,
        Some(c) if ",;:(—–-\"“‘\'«‹".contains(c) => true,
        _ => {
            let word = before.rsplit(|c: char| !c.is_alphanumeric()).next();
            word.is_some_and(|w| {
                ["and", "but", "so", "then", "or", "yet"].contains(&w.to_lowercase().as_str())
            })
        }
    }
}

/// Words that open a new clause: a record's yardstick ends before them ("the deadliest
/// attack since 2004 because Moscow bombed Syria" dates the record by 2004 only). English,
/// like the themes file's markers; in text of another language a yardstick ends at
/// punctuation only.
const CLAUSE_WORDS: [&str; 11] = [
    "and", "as", "after", "because", "but", "so", "when", "where", "which", "while", "who",
];

/// Where the clause that holds byte `at` of `sentence` ends: at punctuation that parts
/// clauses, or at the sentence's end.
fn clause_end(sentence: &str, at: usize) -> usize {
    let rest = &sentence[at..];
    [
        rest.find([
            ',', ';', ':', '(', ')', '[', ']', '"', '“', '”', '—', '–', '…',
        ]),
        rest.find(" - "),
        rest.find("--"),
    ]
    .into_iter()
    .flatten()
    .min()
    .map_or(sentence.len(), |i| at + i)
}

impl EvidenceTerms {
    /// What the markers of `sentence` say. Most sentences hold no marker's words at all:
    /// one lowercase copy tells, and only the others are split into words, once.
    fn marked(&self, sentence: &str) -> Marked {
        let lower = sentence.to_lowercase();
        let stress = may_say(&lower, &self.stress);
        let stress_after = may_say(&lower, &self.stress_after);
        let dated = may_say(&lower, &self.records) && may_say(&lower, &self.yardsticks);
        // A question ends with its mark, perhaps inside quotes or brackets, or before "!" or
        // an ellipsis ("why now?!", "why now?...").
        let question = (sentence.trim_end())
            .trim_end_matches(['"', '\'', '”', '’', '»', '›', ')', ']', '!', '.', '…'])
            .ends_with('?');
        let asks = question && may_say(&lower, &self.questions);
        if !(stress || stress_after || dated || asks) {
            return Marked::default();
        }
        let words = lowercase_words(sentence);
        let first = |markers: &[String]| said_markers(&words, markers).first().map(|r| r.start);
        Marked {
            stress: stress.then(|| first(&self.stress)).flatten(),
            stress_after: stress_after.then(|| first(&self.stress_after)).flatten(),
            dated: if dated {
                self.dated(sentence, &words)
            } else {
                Vec::new()
            },
            asked: asks
                .then(|| {
                    (said_markers(&words, &self.questions).into_iter())
                        .find(|r| opens_clause(sentence, r.start))
                        .map(|r| r.end)
                })
                .flatten(),
        }
    }

    /// A sentence's terms as columns, its words first and in order (a word that is neither
    /// in the vocabulary nor an evidence word is `None`, which no phrase spans), and its
    /// words with those in `dated` (byte ranges) read as none.
    fn read(
        &self,
        sentence: &str,
        dated: &[Range<usize>],
        analyzer: &mut Analyzer,
        tfidf: &FittedTfIdf,
    ) -> (Vec<Option<u32>>, Vec<Option<u32>>) {
        let (terms, n_words) = analyzer.terms_and_words(sentence);
        let columns: Vec<Option<u32>> = terms.iter().map(|t| self.column(t, tfidf)).collect();
        let mut words = columns[..n_words].to_vec();
        if !dated.is_empty() {
            // The analyzer's tokens are its words, in the same order.
            for (word, token) in words.iter_mut().zip(analyzer.tokens(sentence)) {
                if dated.iter().any(|d| d.contains(&token.start)) {
                    *word = None;
                }
            }
        }
        (columns, words)
    }

    /// Whether theme `theme`'s seed terms name the focus themselves (no: a theme the flags
    /// do not cover).
    fn implies_focus(&self, theme: usize) -> bool {
        self.implies_focus.get(theme).copied().unwrap_or(false)
    }

    /// Whether a sentence (its words as columns, in order) names the subject: a focus term,
    /// or a seed term of a theme that implies the focus, which names it for every theme
    /// ("Syria and Chechnya explain the hatred").
    fn names_subject(&self, words: &[Option<u32>]) -> bool {
        !self.focus_required
            || says(&self.focus, words)
            || (self.seeds.iter().enumerate())
                .any(|(t, seeds)| self.implies_focus(t) && says(seeds, words))
    }

    /// Whether a text whose TF-IDF columns are `columns` (sorted) names the focus.
    fn names_focus(&self, columns: &[u32]) -> bool {
        !self.focus_required || holds(&self.focus, columns)
    }

    /// The evidence in one passage, if any, read as the hand labels' guideline reads a
    /// paragraph: the motive it stresses (the first motive named after a marker such as
    /// "above all", or the last one named before a marker such as "matters most", in the
    /// first sentence that stresses one), else the one named first in the first sentence
    /// that decides (ties: the theme listed first). A sentence decides when the
    /// evidence of a theme it says reaches [`Space::threshold`]; its motives are then every
    /// theme it says, and in any sentence the other reasons ([`EvidenceTerms::others`]),
    /// which make the passage argue no named theme. When no sentence decides, the
    /// strongest weak evidence (ties: the earlier sentence, then the theme listed first).
    /// `row` is the passage's TF-IDF row and `extra` its extra columns ([`split_extra`]).
    ///
    /// The focus may be named in the sentence itself or in the one before it: a topic
    /// sentence often names the subject ("Russia's own history also plays a part.") and
    /// the next one argues the motive. A theme whose seed terms imply the focus needs none.
    /// A heading needs no focus either: it is read in the context of its article, and has
    /// no room to name the subject again; whether that context bears it out is
    /// [`EvidenceTerms::find_all`]'s to check.
    fn find(
        &self,
        text: &str,
        row: &SparseRow,
        extra: &[u32],
        analyzer: &mut Analyzer,
        space: Space,
    ) -> Option<Evidence> {
        // A focus made only of stop words admits no sentence, headings included.
        if self.focus_required && self.focus.is_empty() {
            return None;
        }
        let heading = is_heading(text);
        // The cheap test on the whole passage spares splitting most passages of a large
        // corpus into sentences.
        let columns = with_extra(row, extra);
        let named = |theme: usize| holds(&self.seeds[theme], &columns);
        let focus_anywhere = heading
            || self.names_focus(&columns)
            || (0..self.seeds.len()).any(|t| self.implies_focus(t) && named(t));
        if !(focus_anywhere && (0..self.seeds.len()).any(named)) {
            return None;
        }
        // The first sentence's verdict that decides (`Some(None)`: another reason).
        let mut first: Option<Option<Evidence>> = None;
        let mut best: Option<Evidence> = None;
        // The sentence before, when it names the focus.
        let mut focus_before: Option<Range<usize>> = None;
        // The sentence before, when it was not read.
        let mut unread: Option<Range<usize>> = None;
        for range in sentences(text) {
            let sentence = &text[range.clone()];
            let marked = self.marked(sentence);
            // Once a sentence has decided, only a stressed motive can overrule it: the
            // sentences without a stress marker are not read, except for the focus of the
            // one before a stressed sentence.
            if first.is_some() && marked.stress.is_none() && marked.stress_after.is_none() {
                unread = Some(range);
                focus_before = None;
                continue;
            }
            if let Some(before) = unread.take() {
                let sentence = &text[before.clone()];
                let dated = self.marked(sentence).dated;
                let (_, words) = self.read(sentence, &dated, analyzer, space.tfidf);
                if self.names_subject(&words) {
                    focus_before = Some(before);
                }
            }
            // A record's yardstick names no motive: its words are read as none (the
            // sentence's score still counts them).
            let (columns, words) = self.read(sentence, &marked.dated, analyzer, space.tfidf);
            let focus_here = self.names_subject(&words);
            // A question that asks why names the subject, but the motives after its "why"
            // set the puzzle rather than answer it ("why would a group whose war is against
            // the Taliban strike Moscow?"); one named before it is the one asked about ("if
            // it was revenge for Syria, why now?").
            let words = match marked.asked {
                Some(at) => {
                    let mut unsaid = marked.dated.clone();
                    unsaid.push(at..sentence.len());
                    self.read(sentence, &unsaid, analyzer, space.tfidf).1
                }
                None => words,
            };
            let words = &words[..];
            let vocabulary = space.tfidf.vocabulary.len() as u32;
            let before = focus_before
                .take()
                .filter(|b| !breaks_paragraph(&text[b.end..range.start]));
            // What is cited: with the sentence before when that is where the focus is, so
            // that the citation holds both the subject and the motive.
            let cited = if heading || focus_here {
                Some(range.clone())
            } else {
                before.map(|b| b.start..range.end)
            };
            if focus_here {
                focus_before = Some(range.clone());
            }
            // A sentence of reaction may still name the subject for the next one; one
            // without its subject argues nothing.
            let Some(cited) = cited.filter(|_| !says(&self.exclude, words)) else {
                continue;
            };
            // Each theme the sentence says, with its score.
            let mut vector = None;
            let mut said: Vec<Evidence> = Vec::new();
            for (theme, seeds) in self.seeds.iter().enumerate() {
                if says(seeds, words) {
                    let vector = vector.get_or_insert_with(|| {
                        let row = space.tfidf.transform_columns(
                            columns
                                .iter()
                                .flatten()
                                .copied()
                                .filter(|&c| c < vocabulary)
                                .collect(),
                        );
                        space.reduction.project(&row)
                    });
                    said.push(Evidence {
                        theme,
                        score: cosine(vector.view(), space.anchors.row(theme)),
                        sentence: cited.clone(),
                        needs_context: heading && !focus_here,
                    });
                }
            }
            // The strongest theme says whether the sentence argues a motive; which one it
            // argues is the guideline's choice among all it names, and the strongest
            // score is the evidence's strength.
            let strength = said
                .iter()
                .map(|e| e.score)
                .fold(f64::NEG_INFINITY, f64::max);
            let decides = strength >= space.threshold;
            // The motive named first in `words` (some of the sentence's), or with `last`
            // the one named last: a theme it says, when it decides, or another reason
            // (`None`). Ties: the longer phrase, then the theme listed first, then the
            // other reasons.
            let motive = |words: &[Option<u32>], last: bool| -> Option<Option<Evidence>> {
                let themes = said.iter().filter(|_| decides).filter_map(|e| {
                    let at = said_where(&self.seeds[e.theme], words, last)?;
                    Some((
                        at,
                        Some(Evidence {
                            score: strength,
                            ..e.clone()
                        }),
                    ))
                });
                let other = said_where(&self.others, words, last).map(|at| (at, None));
                let named = themes.chain(other).enumerate();
                let found = if last {
                    named.max_by_key(|(i, (at, _))| (at.end, at.len(), Reverse(*i)))
                } else {
                    named.min_by_key(|(i, (at, _))| (at.start, Reverse(at.len()), *i))
                };
                found.map(|(_, (_, motive))| motive)
            };
            // Stressed: the first motive after a marker, or the last before a marker
            // that follows its motive.
            let stressed = (marked.stress)
                .and_then(|at| motive(&words[self.words_before(sentence, at, analyzer)..], false))
                .or_else(|| {
                    let at = self.words_before(sentence, marked.stress_after?, analyzer);
                    motive(&words[..at], true)
                });
            if let Some(stressed) = stressed {
                return stressed;
            }
            if first.is_none() && decides {
                first = motive(words, false);
            }
            // Otherwise the strongest weak evidence, which only `other`'s confidence uses.
            for e in said {
                if best.as_ref().is_none_or(|b| e.score > b.score) {
                    best = Some(e);
                }
            }
        }
        first.unwrap_or(best)
    }

    /// The parts of `sentence` (its `words`, [`lowercase_words`]) that date a record
    /// rather than argue a motive: in a clause where a record word comes before a
    /// yardstick ("the deadliest attack on Russian soil since the Beslan school siege"),
    /// from the yardstick to the clause's end or a word that opens another clause
    /// ([`CLAUSE_WORDS`]), as byte ranges.
    fn dated(&self, sentence: &str, words: &[(Range<usize>, String)]) -> Vec<Range<usize>> {
        let records = said_markers(words, &self.records);
        said_markers(words, &self.yardsticks)
            .into_iter()
            .filter(|y| {
                (records.iter()).any(|r| r.end <= y.start && clause_end(sentence, r.end) >= y.start)
            })
            .map(|y| {
                let end = clause_end(sentence, y.end);
                let next_clause = (words.iter())
                    .find(|(w, word)| w.start >= y.end && CLAUSE_WORDS.contains(&word.as_str()))
                    .map_or(end, |(w, _)| w.start);
                y.start..end.min(next_clause)
            })
            .collect()
    }

    /// How many of the analyzer's words of `sentence` start before byte `at`: the index
    /// `said_at` gives the word there. The words of the sentence as written (aliases such
    /// as "IS" are read in capitals).
    fn words_before(&self, sentence: &str, at: usize, analyzer: &mut Analyzer) -> usize {
        analyzer
            .tokens(sentence)
            .iter()
            .take_while(|t| t.start < at)
            .count()
    }

    /// Each passage's evidence ([`EvidenceTerms::find`] on its text without a
    /// speaker's label), and a heading's only if the paragraph after it bears it out. The
    /// result does not depend on the number of threads, as caching is invisible in the
    /// terms. Passages of one chunk (one article's, say) are read by `analyzer` itself,
    /// with the caches it has warmed: a fork would copy those caches, which costs more than
    /// that article's evidence. More are read in parallel, a fork per chunk.
    pub fn find_all(
        &self,
        passages: &[Passage],
        rows: &[SparseRow],
        extras: &[Vec<u32>],
        analyzer: &mut Analyzer,
        space: Space,
    ) -> Vec<Option<Evidence>> {
        if self.seeds.is_empty() {
            return vec![None; passages.len()];
        }
        let mut found: Vec<Option<Evidence>> = if passages.len() <= CHUNK {
            (0..passages.len())
                .map(|i| self.find_in(&passages[i], &rows[i], &extras[i], analyzer, space))
                .collect()
        } else {
            self.find_parallel(passages, rows, extras, analyzer, space)
        };
        // A heading needs no focus, but it announces what follows: it keeps its theme only
        // when the next paragraph of its article holds the words of one of that theme's
        // seed terms. That tells a section heading ("The Syria factor") from a site's
        // tagline or a teaser that happens to hold a seed word.
        for i in 0..found.len() {
            let Some(theme) = found[i]
                .as_ref()
                .filter(|e| e.needs_context)
                .map(|e| e.theme)
            else {
                continue;
            };
            let announced = passages
                .get(i + 1)
                .is_some_and(|next| next.doc == passages[i].doc)
                && holds(
                    &self.seeds[theme],
                    &with_extra(&rows[i + 1], &extras[i + 1]),
                );
            if !announced {
                found[i] = None;
            }
        }
        found
    }

    /// [`EvidenceTerms::find`] on a passage's text without its speaker's label, with the
    /// cited range in the whole text.
    fn find_in(
        &self,
        passage: &Passage,
        row: &SparseRow,
        extra: &[u32],
        analyzer: &mut Analyzer,
        space: Space,
    ) -> Option<Evidence> {
        let mut found = self.find(passage.content(), row, extra, analyzer, space)?;
        found.sentence =
            found.sentence.start + passage.speaker..found.sentence.end + passage.speaker;
        Some(found)
    }

    /// [`EvidenceTerms::find`] for many passages, in parallel, a fork of `analyzer` per
    /// chunk.
    fn find_parallel(
        &self,
        passages: &[Passage],
        rows: &[SparseRow],
        extras: &[Vec<u32>],
        analyzer: &Analyzer,
        space: Space,
    ) -> Vec<Option<Evidence>> {
        passages
            .par_chunks(CHUNK)
            .zip(rows.par_chunks(CHUNK))
            .zip(extras.par_chunks(CHUNK))
            .flat_map_iter(|((passages, rows), extras)| {
                let mut worker = analyzer.fork();
                (0..passages.len())
                    .map(|i| self.find_in(&passages[i], &rows[i], &extras[i], &mut worker, space))
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::AnalyzerSettings;
    use crate::reduce::ReductionSettings;
    use crate::tfidf::TfIdfSettings;

    /// A small fitted pipeline over `texts`, with one named theme.
    struct Fixture {
        texts: Vec<String>,
        analyzer: Analyzer,
        tfidf: FittedTfIdf,
        reduction: FittedReduction,
        anchors: ndarray::Array2<f64>,
        terms: EvidenceTerms,
        rows: Vec<SparseRow>,
        /// The score at which evidence decides ([`Space::threshold`]).
        threshold: f64,
    }

    impl Fixture {
        fn new(texts: &[&str], seed: &[&str], focus: &[&str]) -> Self {
            Self::themes(texts, &[seed], focus)
        }

        /// A fixture with one named theme per entry of `seeds`.
        fn themes(texts: &[&str], seeds: &[&[&str]], focus: &[&str]) -> Self {
            let mut analyzer = Analyzer::new(AnalyzerSettings::default()).unwrap();
            let docs: Vec<Vec<String>> = texts.iter().map(|t| analyzer.terms(t)).collect();
            let tfidf = TfIdfSettings::default().fit(&docs).unwrap();
            let rows: Vec<SparseRow> = docs.iter().map(|d| tfidf.transform(d)).collect();
            let reduction = ReductionSettings {
                dimensions: 3,
                ..Default::default()
            }
            .fit(&rows, tfidf.vocabulary.len(), 7)
            .unwrap();
            let seed_rows: Vec<SparseRow> = seeds
                .iter()
                .map(|seed| tfidf.transform(&analyzer.terms(&seed.join(" "))))
                .collect();
            let anchors = reduction.transform(&seed_rows);
            let strings = |w: &[&str]| w.iter().map(|w| w.to_string()).collect::<Vec<_>>();
            let seeds: Vec<Vec<String>> = seeds.iter().map(|s| strings(s)).collect();
            let seeds: Vec<&[String]> = seeds.iter().map(Vec::as_slice).collect();
            let focus = strings(focus);
            let phrases = EvidencePhrases {
                focus: &focus,
                seeds: &seeds,
                ..Default::default()
            };
            let terms = EvidenceTerms::new(phrases, &mut analyzer, &tfidf);
            let texts = strings(texts);
            Self {
                texts,
                analyzer,
                tfidf,
                reduction,
                anchors,
                terms,
                rows,
                threshold: crate::themes::ThemeSettings::default().evidence_threshold(),
            }
        }

        /// The evidence in text `i`.
        /// The theme of each text's evidence, if any.
        fn found_themes(&mut self) -> Vec<Option<usize>> {
            (0..self.texts.len())
                .map(|t| self.find(t).map(|e| e.theme))
                .collect()
        }

        fn find(&mut self, i: usize) -> Option<Evidence> {
            self.terms.find(
                &self.texts[i],
                &self.rows[i],
                &[],
                &mut self.analyzer,
                Space {
                    tfidf: &self.tfidf,
                    reduction: &self.reduction,
                    anchors: self.anchors.view(),
                    threshold: self.threshold,
                },
            )
        }

        /// The evidence in a new text, read as `classify` reads one.
        fn classify(&mut self, text: &str) -> Option<Evidence> {
            let vocabulary = self.tfidf.vocabulary.len();
            let (tfidf, terms) = (&self.tfidf, &self.terms);
            let column = |w: &str| terms.column(w, tfidf);
            let columns = self.analyzer.analyze_columns(&[text], &column);
            let (columns, extra) = split_extra(columns[0].clone(), vocabulary);
            let row = self.tfidf.transform_columns(columns);
            self.terms.find(
                text,
                &row,
                &extra,
                &mut self.analyzer,
                Space {
                    tfidf: &self.tfidf,
                    reduction: &self.reduction,
                    anchors: self.anchors.view(),
                    threshold: self.threshold,
                },
            )
        }
    }

    const TEXTS: [&str; 4] = [
        "The Taliban rule Kabul. Russia courts the Taliban government with diplomatic ties.",
        "Former members of the Taliban founded the group in the mountains.",
        "Russia hosts a concert. Tickets sold out in the capital.",
        "The weather in the mountains was cold and the concert was cancelled.",
    ];
    const SEED: [&str; 2] = ["Taliban", "diplomatic ties"];

    #[test]
    fn the_evidence_is_the_sentence_that_names_the_focus_and_a_seed_term() {
        let mut f = Fixture::new(&TEXTS, &SEED, &["Russia"]);
        let found = f
            .find(0)
            .expect("the second sentence ties Russia to the Taliban");
        assert_eq!(found.theme, 0);
        assert!(TEXTS[0][found.sentence.clone()].starts_with("Russia courts"));
        assert!(found.score > 0.0 && found.score <= 1.0 + 1e-12, "{found:?}");
        // The Taliban without the focus, and the focus without a seed term, are no evidence.
        for i in 1..4 {
            assert_eq!(f.find(i), None, "passage {i}");
        }
    }

    const TWO_THEMES: [&[&str]; 2] = [&["Syria"], &["Chechnya"]];

    #[test]
    fn the_first_sentence_strong_enough_decides_and_in_it_the_first_motive_named() {
        let texts = [
            "Russia bombed Syria. Russia fought in Chechnya and Syria.",
            "Russia fought in Chechnya and bombed Syria.",
            "Russia fought in Chechnya and, above all, bombed Syria.",
            "Russia fought in Chechnya and especially\nbombed Syria, chiefly Aleppo.",
            "Russia fought in Chechnya, courted Syria and, above all, bombed Syria.",
            "The weather in the mountains was cold and the concert was cancelled.",
        ];
        let mut f = Fixture::themes(&texts, &TWO_THEMES, &["Russia"]);
        // Every score decides: the rule, not the scores, picks.
        f.threshold = -1.0;
        let found = f.find(0).unwrap();
        assert_eq!(
            (found.theme, &texts[0][found.sentence]),
            (0, "Russia bombed Syria.")
        );
        assert_eq!(f.find(1).unwrap().theme, 1, "Chechnya is named first");
        assert_eq!(
            f.find(2).unwrap().theme,
            1,
            "no stress markers in the themes file"
        );
        f.terms.stress = marker_words(&["Above all".to_string(), "especially".to_string()]);
        assert_eq!(f.find(1).unwrap().theme, 1);
        assert_eq!(f.find(2).unwrap().theme, 0, "Syria is stressed");
        assert_eq!(f.find(3).unwrap().theme, 0, "a marker across a line break");
        let found = f.find(4).unwrap();
        assert_eq!(found.theme, 0, "Syria named before the marker and after it");
        // Nothing decides: the strongest weak evidence is kept, for `other`'s confidence.
        f.threshold = 2.0;
        let found = f.find(1).unwrap();
        let alone = [score_alone(&texts, 1, 0), score_alone(&texts, 1, 1)];
        let strongest = if alone[0] >= alone[1] { 0 } else { 1 };
        assert_eq!(found.theme, strongest, "{found:?} {alone:?}");
        assert!((found.score - alone[strongest]).abs() < 1e-12);
    }

    /// Evidence terms for [`TWO_THEMES`] with the focus "Russia", `others`, the stress
    /// markers "above all" and "most of all", and `implies_focus`.
    fn two_themes_terms(f: &mut Fixture, others: &[&str], implies_focus: &[bool]) -> EvidenceTerms {
        let strings = |w: &[&str]| w.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        let seeds: Vec<Vec<String>> = TWO_THEMES.iter().map(|s| strings(s)).collect();
        let seeds: Vec<&[String]> = seeds.iter().map(Vec::as_slice).collect();
        let phrases = EvidencePhrases {
            focus: &strings(&["Russia"]),
            others: &strings(others),
            seeds: &seeds,
            implies_focus,
            stress: &strings(&["above all", "most of all"]),
            ..Default::default()
        };
        EvidenceTerms::new(phrases, &mut f.analyzer, &f.tfidf)
    }

    #[test]
    fn another_reason_named_first_or_stressed_takes_the_passage_from_the_themes() {
        let texts = [
            "Russia occupied Afghanistan in the 1980s and fought in Chechnya.",
            "Russia fought in Chechnya and occupied Afghanistan in the 1980s.",
            "Russia fought in Chechnya and, above all, exploits its migrants.",
            "Russia fought in Chechnya. Above all, Russia bombed Syria.",
            "Russia fought in Chechnya. Most of all, the group wants the migrants.",
            "Russia fought in Chechnya. Above all, the weather was cold.",
        ];
        let mut f = Fixture::themes(&texts, &TWO_THEMES, &["Russia"]);
        f.threshold = -1.0;
        assert_eq!(f.find(0).unwrap().theme, 1, "no other reasons yet");
        f.terms = two_themes_terms(&mut f, &["occupied Afghanistan", "migrants"], &[]);
        assert_eq!(f.find(0), None, "the Soviet war is named first");
        assert_eq!(f.find(1).unwrap().theme, 1, "Chechnya is named first");
        assert_eq!(f.find(2), None, "the migrants are stressed");
        let found = f.find(3).unwrap();
        assert_eq!(
            (found.theme, &texts[3][found.sentence]),
            (0, "Above all, Russia bombed Syria."),
            "a motive stressed in a later sentence decides"
        );
        assert_eq!(f.find(4), None, "a later sentence stresses another reason");
        assert_eq!(f.find(5).unwrap().theme, 1, "a marker before no motive");
        // A sentence that does not name the subject stresses nothing, and the focus of a
        // sentence reaches the next one only.
        for text in [
            "Russia fought in Chechnya. The gunmen were mainly Tajik migrants.",
            "Russia fought in Chechnya. The weather was cold. Above all, they bombed Syria.",
        ] {
            let found = f.classify(text).unwrap();
            assert_eq!(
                (found.theme, &text[found.sentence]),
                (1, "Russia fought in Chechnya."),
                "{text}"
            );
        }
    }

    #[test]
    fn a_theme_that_implies_the_focus_needs_none_and_names_it_for_the_others() {
        let texts = [
            "Chechnya was flattened twice.",
            "Syria and Chechnya explain the hatred.",
            "Syria explains the hatred. Chechnya was flattened twice.",
            "Syria explains the hatred.",
        ];
        let mut f = Fixture::themes(&texts, &TWO_THEMES, &["Russia"]);
        f.threshold = -1.0;
        assert!(
            (0..4).all(|i| f.find(i).is_none()),
            "no sentence names Russia"
        );
        f.terms = two_themes_terms(&mut f, &[], &[false, true]);
        assert_eq!(f.find(0).unwrap().theme, 1);
        let found = f.find(1).unwrap();
        assert_eq!(
            found.theme, 0,
            "Chechnya names Russia; Syria is named first"
        );
        assert_eq!(found.sentence, 0..texts[1].len());
        let found = f.find(2).unwrap();
        assert_eq!(
            (found.theme, &texts[2][found.sentence]),
            (1, "Chechnya was flattened twice."),
            "the subject named after Syria is no focus for it"
        );
        assert_eq!(f.find(3), None);
        let found = f
            .classify("Grozny burned. Chechnya was flattened.")
            .unwrap();
        assert_eq!(found.theme, 1, "a model reads the flag too");
    }

    #[test]
    fn a_marker_after_a_motive_stresses_the_one_named_last_before_it() {
        let texts = [
            "Russia fought in Chechnya and bombed Syria, which matters most.",
            "Russia bombed Syria and fought in Chechnya, which matters most.",
            "Russia fought in Chechnya. Russia bombed Syria, which is the big one.",
            // The last said, not the last of those said first.
            "Russia bombed Syria, fought in Chechnya and bombed Syria again, the big one.",
            // No motive before the marker: the first named.
            "Which matters most for Russia: Chechnya or Syria?",
            // Another reason that ends with a theme's seed term is said last.
            "Russia bombed Syria and fought the war in Chechnya, which matters most.",
            "Russia fought in Chechnya, but what matters most to Russia is Syria.",
        ];
        let mut f = Fixture::themes(&texts, &TWO_THEMES, &["Russia"]);
        f.threshold = -1.0;
        f.terms = two_themes_terms(&mut f, &["war in Chechnya"], &[]);
        let first = [
            Some(1),
            Some(0),
            Some(1),
            Some(0),
            Some(1),
            Some(0),
            Some(1),
        ];
        assert_eq!(
            f.found_themes(),
            first,
            "no markers after in the themes file"
        );
        let markers = ["Matters most".to_string(), "the big one".into()];
        f.terms.stress_after = marker_words(&markers);
        let stressed = [Some(0), Some(1), Some(0), Some(0), Some(1), None, Some(1)];
        assert_eq!(
            f.found_themes(),
            stressed,
            "the motive named last before the marker"
        );
        // A marker before the motive is read first.
        f.terms.stress = marker_words(&["what matters most".to_string()]);
        let stressed = [Some(0), Some(1), Some(0), Some(0), Some(1), None, Some(0)];
        assert_eq!(
            f.found_themes(),
            stressed,
            "what matters most is named after it"
        );
    }

    #[test]
    fn a_record_dated_by_a_motive_names_no_motive() {
        let texts = [
            "It was the DEADLIEST attack in Russia Since the war in Chechnya.",
            "The group has hated Russia since the war in Chechnya.",
            "Since the war in Chechnya, it was the worst attack in Russia.",
            "Russia's first attack since the war in Chechnya; Russia bombed Syria.",
            "It was the first attack, since Russia bombed Syria, in Moscow.",
            "The deadliest attack in Russia, SINCE the war in Chechnya.",
            // The yardstick ends where another clause begins.
            "It was the deadliest attack in Russia since 2004 because Russia fought in Chechnya.",
            "It was the worst attack since 2004 - Russia fought in Chechnya for years.",
        ];
        let mut f = Fixture::themes(&texts, &TWO_THEMES, &["Russia"]);
        f.threshold = -1.0;
        let strings = |w: &[&str]| w.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        let all = [
            Some(1),
            Some(1),
            Some(1),
            Some(1),
            Some(0),
            Some(1),
            Some(1),
            Some(1),
        ];
        assert_eq!(f.found_themes(), all, "no record words in the themes file");
        f.terms.records = marker_words(&strings(&["deadliest", "Worst", "first"]));
        assert_eq!(f.found_themes(), all, "no yardsticks in the themes file");
        f.terms.yardsticks = marker_words(&strings(&["since"]));
        // The yardstick after a record, in its clause; not before one, nor past a comma.
        let dated = [
            None,
            Some(1),
            Some(1),
            Some(0),
            Some(0),
            Some(1),
            Some(1),
            Some(1),
        ];
        assert_eq!(f.found_themes(), dated);
    }

    #[test]
    fn a_question_that_asks_why_names_no_motive_after_its_why() {
        let texts = [
            "Why would a group whose war is in Syria strike Russia?",
            "Why would a group whose war is in Syria strike Russia?\u{201D}",
            "Why Russia, Syria or Chechnya? Nobody knows.",
            // The motive named before "why" is the one asked about.
            "If Russia is hated for Syria, why now?",
            // Not a question, or not one that asks why.
            "That is why Russia is hated for Syria.",
            "Is Russia hated for Syria?",
            // The question names the subject for the answer after it.
            "Why Russia? Chechnya, above all.",
            "Why Russia? Because it bombed Syria.",
            // Why as the question word of a clause, after a bullet or "and"; a question
            // that ends in "?!" or inside guillemets.
            "- Why would a group whose war is in Syria strike Russia?!",
            "«And why would a group whose war is in Syria strike Russia?»",
            // "why" that does not ask: it follows the words it depends on.
            "Is that why Russia is hated for Syria?",
            "Who knows why Russia is hated for Syria?",
        ];
        let mut f = Fixture::themes(&texts, &TWO_THEMES, &["Russia"]);
        f.threshold = -1.0;
        let mut all = vec![Some(0); texts.len()];
        all[6] = Some(1);
        assert_eq!(
            f.found_themes(),
            all,
            "no question words in the themes file"
        );
        f.terms.questions = marker_words(&["Why".to_string()]);
        let asked = [
            None,
            None,
            None,
            Some(0),
            Some(0),
            Some(0),
            Some(1),
            Some(0),
            None,
            None,
            Some(0),
            Some(0),
        ];
        assert_eq!(f.found_themes(), asked);
    }

    #[test]
    fn a_stress_marker_is_its_words_and_counts_as_the_analyzer_counts() {
        let mut analyzer = Analyzer::new(AnalyzerSettings {
            aliases: vec![crate::analyze::Alias {
                term: "islamic state".into(),
                variants: vec!["IS".into()],
            }],
            ..Default::default()
        })
        .unwrap();
        let terms = EvidenceTerms {
            stress: marker_words(&[" Above all".into(), "mainly".into(), "--".into()]),
            ..Default::default()
        };
        let stressed_from = |analyzer: &mut Analyzer, sentence: &str| {
            let at = terms.marked(sentence).stress?;
            Some(terms.words_before(sentence, at, analyzer))
        };
        // Where "chechnya" and "syria" are among the analyzer's words of a sentence.
        let at = |analyzer: &mut Analyzer, sentence: &str, word: &str| {
            let (terms, n) = analyzer.terms_and_words(sentence);
            terms[..n].iter().position(|t| t == word).unwrap()
        };
        for sentence in [
            "Russia cited Chechnya and, ABOVE ALL, Syria.",
            // "IS" is the group only in capitals: counted as written, not lowercased.
            "IS cited Chechnya and, above all, Syria.",
            "Russia cited Chechnya and above\nall Syria.",
            "Remainly Chechnya, mainly Syria.",
        ] {
            let stressed = stressed_from(&mut analyzer, sentence).unwrap();
            assert!(
                at(&mut analyzer, sentence, "chechnya") < stressed
                    && stressed <= at(&mut analyzer, sentence, "syria"),
                "{sentence}: {stressed}"
            );
        }
        for sentence in ["Above allies, Syria.", "Chechnya, then Syria."] {
            assert_eq!(stressed_from(&mut analyzer, sentence), None, "{sentence}");
        }
    }

    /// The score of the evidence in `texts[text]` for theme `theme` of [`TWO_THEMES`]
    /// alone (the same fit: the same score as among both).
    fn score_alone(texts: &[&str], text: usize, theme: usize) -> f64 {
        let mut g = Fixture::themes(texts, &[TWO_THEMES[theme]], &["Russia"]);
        g.threshold = -1.0;
        g.find(text).unwrap().score
    }

    #[test]
    fn only_evidence_that_reaches_the_threshold_decides() {
        let texts = [
            "Russia bombed Syria from the air for years. Russia fought in Chechnya.",
            "Russia fought in Chechnya. Russia bombed Syria from the air for years.",
            "Russia bombed Syria from the air for years.",
            "Russia fought in Chechnya.",
            "Russia fought in Chechnya and, above all, bombed Syria for years.",
            "The weather in the mountains was cold and the concert was cancelled.",
            "Russia bombed Syria for years and, above all, fought in Chechnya.",
        ];
        let mut f = Fixture::themes(&texts, &TWO_THEMES, &["Russia"]);
        f.terms.stress = marker_words(&["above all".to_string()]);
        // Each sentence scores the same in any passage: its own vector.
        let (syria, chechnya) = (score_alone(&texts, 2, 0), score_alone(&texts, 3, 1));
        assert!((syria - chechnya).abs() > 1e-9, "{syria} {chechnya}");
        f.threshold = (syria + chechnya) / 2.0;
        let (weak_first, strong_theme) = if syria < chechnya { (0, 1) } else { (1, 0) };
        let found = f.find(weak_first).unwrap();
        assert_eq!(
            found.theme, strong_theme,
            "the later, stronger sentence decides"
        );
        // The threshold decides whether a sentence argues a motive, not which: the stressed
        // motive wins when the other reaches the threshold and it does not, and nothing
        // decides when neither does.
        let scores = [score_alone(&texts, 4, 0), score_alone(&texts, 4, 1)];
        assert!((scores[0] - scores[1]).abs() > 1e-9, "{scores:?}");
        let weaker = if scores[0] < scores[1] { 0 } else { 1 };
        // Text 4 stresses Syria, text 6 Chechnya.
        let stressing_weaker = if weaker == 0 { 4 } else { 6 };
        let scores = [
            score_alone(&texts, stressing_weaker, 0),
            score_alone(&texts, stressing_weaker, 1),
        ];
        f.threshold = (scores[0] + scores[1]) / 2.0;
        assert!(scores[weaker] < f.threshold, "the same words: {scores:?}");
        let found = f.find(stressing_weaker).unwrap();
        assert_eq!(found.theme, weaker, "{found:?} {scores:?}");
        // Its strength is the sentence's, which decided: the model keeps it.
        assert!((found.score - scores[1 - weaker]).abs() < 1e-12);
        assert!(found.score >= f.threshold);
        f.threshold = scores[0].max(scores[1]) + 1e-6;
        let found = f.find(stressing_weaker).unwrap();
        assert!(found.score < f.threshold, "only weak evidence: {found:?}");
    }

    #[test]
    fn a_sentence_of_reaction_is_no_evidence_but_may_name_the_subject_for_the_next() {
        let texts = [
            "The Taliban condemned the attack and sent condolences to Russia.",
            "Russia courts the Taliban. The Taliban condemned the attack on Russia.",
            "Russia condemned the attack. The Taliban are its partners now.",
            "The weather in the mountains was cold.",
        ];
        let mut f = Fixture::new(&texts, &SEED, &["Russia"]);
        let exclude = ["condemned".to_string(), "condolences".to_string()];
        let seeds = SEED.map(String::from);
        let focus = ["Russia".to_string()];
        assert!(
            f.find(0).is_some(),
            "without `exclude`, a reaction is evidence"
        );
        let seeds: [&[String]; 1] = [&seeds];
        let phrases = |exclude| EvidencePhrases {
            focus: &focus,
            exclude,
            seeds: &seeds,
            ..Default::default()
        };
        f.terms = EvidenceTerms::new(phrases(&exclude), &mut f.analyzer, &f.tfidf);
        assert_eq!(f.find(0), None);
        let found = f.find(1).expect("the first sentence still counts");
        assert_eq!(&texts[1][found.sentence], "Russia courts the Taliban.");
        let found = f
            .find(2)
            .expect("the reaction names Russia for the next sentence");
        assert_eq!(&texts[2][found.sentence], texts[2]);
        // A word of `exclude` the model never saw excludes a sentence `classify` reads.
        let exclude = ["mourned".to_string()];
        f.terms = EvidenceTerms::new(phrases(&exclude), &mut f.analyzer, &f.tfidf);
        assert!(f.classify("Russia courts the Taliban.").is_some());
        assert_eq!(f.classify("Russia mourned with the Taliban."), None);
    }

    #[test]
    fn sentences_run_across_single_line_breaks_but_not_blank_lines() {
        let text = "Russia has long courted\nthe Taliban. Then  \r\n came more.\n\nNew paragraph.";
        let got: Vec<&str> = sentences(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            got,
            [
                "Russia has long courted\nthe Taliban.",
                "Then  \r\n came more.",
                "New paragraph."
            ]
        );
        assert!(sentences(" \n ").is_empty());
        let text = "Ünïcode café.\nÉté.";
        let got: Vec<&str> = sentences(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(got, ["Ünïcode café.", "Été."]);
    }

    #[test]
    fn a_seed_phrase_is_its_words_one_after_another() {
        // "ties" alone and "diplomatic" alone are not "diplomatic ties", nor are both words
        // apart or in the other order; stop words between them do not count.
        let texts = [
            "Russia cut its ties with the club. Russia sent a diplomatic note.",
            "Russia has diplomatic ties with many states.",
            "Russia's ties to Kabul are diplomatic in name only.",
            "Russia has diplomatic and trade ties with Kabul.",
            "Russia restored diplomatic and ties, a typo.",
            "The weather was cold.",
        ];
        let mut f = Fixture::new(&texts, &["diplomatic ties"], &["Russia"]);
        assert_eq!(f.find(0), None, "one word in each sentence");
        assert!(f.find(1).is_some());
        assert_eq!(f.find(2), None, "the other order");
        assert_eq!(f.find(3), None, "a word between");
        assert!(f.find(4).is_some(), "only a stop word between");
    }

    #[test]
    fn phrases_are_words_even_when_the_analyzer_makes_n_grams() {
        let settings = AnalyzerSettings {
            ngram_max: 2,
            ..Default::default()
        };
        let mut analyzer = Analyzer::new(settings).unwrap();
        let docs = vec![analyzer.terms("Russia has diplomatic ties with Kabul.")];
        let tfidf = TfIdfSettings::default().fit(&docs).unwrap();
        let seeds = ["diplomatic ties".to_string()];
        let phrases = EvidencePhrases {
            seeds: &[&seeds],
            ..Default::default()
        };
        let terms = EvidenceTerms::new(phrases, &mut analyzer, &tfidf);
        let columns = |w: &str| tfidf.column(w).unwrap();
        assert_eq!(
            terms.seeds,
            [vec![vec![columns("diplomat"), columns("tie")]]]
        );
    }

    #[test]
    fn without_a_focus_any_sentence_with_a_seed_term_counts() {
        let mut f = Fixture::new(&TEXTS, &SEED, &[]);
        let found = f
            .find(1)
            .expect("a seed term is enough when no focus is named");
        assert_eq!(found.sentence, 0..TEXTS[1].len());
    }

    #[test]
    fn the_focus_may_be_named_in_the_sentence_before() {
        let texts = [
            "Russia has its own history. The Taliban rule Kabul.",
            "The Taliban rule Kabul. Russia has its own history.",
            "Russia has its own history. The weather was cold. The Taliban rule Kabul.",
            "Russia has its own history.\n\nThe Taliban rule Kabul.",
            "The weather was cold and the concert was cancelled.",
        ];
        let mut f = Fixture::new(&texts, &SEED, &["Russia"]);
        let found = f.find(0).expect("the focus is in the sentence before");
        assert_eq!(
            &texts[0][found.sentence], texts[0],
            "the citation holds the focus too"
        );
        assert_eq!(f.find(1), None, "the sentence after does not count");
        assert_eq!(f.find(2), None, "only the sentence right before counts");
        assert_eq!(
            f.find(3),
            None,
            "the focus does not cross a paragraph break"
        );
    }

    #[test]
    fn a_heading_needs_no_focus_but_a_sentence_does() {
        let texts = [
            "The Taliban factor",
            "The Taliban factor.",
            "The Taliban factor\nand more",
            "Russia courts the Taliban government with diplomatic ties.",
            "The weather was cold and the concert was cancelled.",
        ];
        let mut f = Fixture::new(&texts, &SEED, &["Russia"]);
        let found = f
            .find(0)
            .expect("a heading is read in its article's context");
        assert_eq!(found.sentence, 0..texts[0].len());
        assert_eq!(f.find(1), None, "a full stop makes it a sentence");
        assert_eq!(f.find(2), None, "two lines are not a heading");
        let long =
            "The Taliban and many other words that make this line far too long for a heading";
        assert!(!is_heading(long) && is_heading("Why Russia?"));
        assert!(!is_heading(
            "“Russia will answer for supporting the Taliban.”"
        ));
        assert!(!is_heading(
            "The Kremlin points to Kyiv. Is there any evidence?"
        ));
        // A heading's number or time is no sentence of its own; a year is no number.
        for heading in [
            "2. The Taliban factor",
            "09:15 The grievance list",
            "IV) Why now?",
            "II. The Syria factor",
        ] {
            assert!(is_heading(heading), "{heading}");
        }
        assert!(!is_heading("2. Russia courts the Taliban. Why?"));
        assert!(!is_heading("V. Putin blamed Ukraine for the attack"));
        assert_eq!(without_number("2024 was the year"), "2024 was the year");
        assert_eq!(without_number("I think so"), "I think so");
    }

    #[test]
    fn a_focus_of_stop_words_admits_no_sentence() {
        let texts = [TEXTS[0], TEXTS[1], "The Taliban factor"];
        let mut f = Fixture::new(&texts, &SEED, &["the"]);
        assert!(f.terms.focus.is_empty() && f.terms.focus_required);
        assert_eq!(f.find(0), None);
        assert_eq!(f.find(2), None, "not even a heading");
    }

    #[test]
    fn terms_outside_the_vocabulary_still_make_evidence_in_new_texts() {
        // Neither "Islamic Emirate" nor "Kremlin" is in the fitted vocabulary.
        let seed = ["Taliban", "Islamic Emirate"];
        let mut f = Fixture::new(&TEXTS, &seed, &["Russia", "Kremlin"]);
        assert_eq!(f.terms.extra, ["emir", "islam", "kremlin"]);
        let text = "Tickets sold out. The Kremlin courts the Islamic Emirate in Kabul.";
        let found = f
            .classify(text)
            .expect("evidence from words the model never saw");
        assert_eq!(
            &text[found.sentence],
            "The Kremlin courts the Islamic Emirate in Kabul."
        );
        assert_eq!(
            f.classify("The Kremlin courts an emirate."),
            None,
            "half a phrase"
        );
        assert_eq!(
            f.classify("The Islamic Emirate rules Kabul."),
            None,
            "no focus"
        );
    }

    /// [`EvidenceTerms::find_all`] over the fixture's texts `order` (indices, repeats
    /// allowed), each in the document `docs` gives it.
    fn find_all(f: &mut Fixture, order: &[usize], docs: &[usize]) -> Vec<Option<Evidence>> {
        find_all_with_speakers(f, order, docs, &vec![0; order.len()])
    }

    /// [`find_all`] with a speaker's label of `speakers[i]` bytes opening passage `i`.
    fn find_all_with_speakers(
        f: &mut Fixture,
        order: &[usize],
        docs: &[usize],
        speakers: &[usize],
    ) -> Vec<Option<Evidence>> {
        let passages: Vec<Passage> = order
            .iter()
            .zip(docs)
            .zip(speakers)
            .map(|((&i, &doc), &speaker)| Passage {
                doc,
                start: 0,
                end: f.texts[i].len(),
                text: f.texts[i].clone(),
                pieces: Vec::new(),
                speaker,
            })
            .collect();
        let rows: Vec<SparseRow> = order.iter().map(|&i| f.rows[i].clone()).collect();
        f.terms.find_all(
            &passages,
            &rows,
            &vec![Vec::new(); order.len()],
            &mut f.analyzer,
            Space {
                tfidf: &f.tfidf,
                reduction: &f.reduction,
                anchors: f.anchors.view(),
                threshold: crate::themes::ThemeSettings::default().evidence_threshold(),
            },
        )
    }

    #[test]
    fn find_all_matches_find_passage_by_passage_in_one_chunk_or_many() {
        let mut f = Fixture::new(&TEXTS, &SEED, &["Russia"]);
        // One article's passages are read by the analyzer itself; more than a chunk's, in
        // parallel by forks.
        for n in [TEXTS.len(), CHUNK + TEXTS.len()] {
            let order: Vec<usize> = (0..n).map(|i| i % TEXTS.len()).collect();
            let all = find_all(&mut f, &order, &vec![0; n]);
            assert_eq!(all.len(), n);
            for (i, found) in all.iter().enumerate() {
                assert_eq!(found, &f.find(i % TEXTS.len()), "passage {i} of {n}");
            }
            assert!(all[0].is_some());
        }
    }

    #[test]
    fn a_speakers_label_is_not_read_as_the_focus_and_citations_keep_file_offsets() {
        let texts = [
            "PUTIN: The Taliban rule Kabul.",
            "Putin courts the Taliban.",
        ];
        let mut f = Fixture::new(&texts, &SEED, &["Putin"]);
        let label = "PUTIN: ".len();
        let found = find_all_with_speakers(&mut f, &[0, 1], &[0, 0], &[0, 0]);
        assert!(found[0].is_some(), "read whole, the label names the focus");
        let found = find_all_with_speakers(&mut f, &[0, 1], &[0, 0], &[label, 0]);
        assert_eq!(found[0], None, "the label is not the speaker's words");
        let text = "PUTIN: Putin courts the Taliban.";
        let mut f = Fixture::new(&[text, texts[1]], &SEED, &["Putin"]);
        let found = find_all_with_speakers(&mut f, &[0], &[0], &[label]);
        let found = found[0].as_ref().expect("the focus in the speaker's words");
        assert_eq!(&text[found.sentence.clone()], "Putin courts the Taliban.");
    }

    #[test]
    fn a_heading_keeps_its_theme_only_when_the_next_paragraph_holds_a_seed_term() {
        let texts = [
            "The Taliban factor",
            "Former members of the Taliban founded the group.",
            "The weather was cold and the concert was cancelled.",
            "Russia and the Taliban factor",
        ];
        let mut f = Fixture::new(&texts, &SEED, &["Russia"]);
        assert!(f.find(0).is_some(), "a heading on its own");
        let all = find_all(&mut f, &[0, 1, 0, 2, 0], &[0, 0, 0, 0, 0]);
        assert!(all[0].is_some(), "the next paragraph is about the Taliban");
        assert_eq!(all[2], None, "the next paragraph is about something else");
        assert_eq!(all[4], None, "no paragraph follows");
        let all = find_all(&mut f, &[0, 1], &[0, 1]);
        assert_eq!(all[0], None, "the next paragraph is another document's");
        let all = find_all(&mut f, &[3, 2], &[0, 0]);
        assert!(
            all[0].is_some(),
            "a heading that names the focus needs no context"
        );
    }
}
