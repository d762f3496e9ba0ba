//! Analyze: turn a passage's text into terms, as a chain of small steps.
//!
//! Unicode word segmentation (UAX #29) -> typographic apostrophes folded -> alias folding
//! on the raw words (so "Islamic State in Khorasan" becomes one term before "in" is dropped
//! as a stop word) -> lowercase -> possessive `'s` stripped -> stop words and tokens without
//! letters dropped -> Snowball stem -> optional n-grams.
//!
//! Everything a word becomes (its term, or nothing) is worked out once per distinct word
//! and cached, and terms are small integer ids: the hot loop allocates nothing per token.
//! A corpus is analyzed in parallel chunks whose ids are merged into one sorted vocabulary,
//! so the result does not depend on the number of threads.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use rust_stemmers::{Algorithm, Stemmer};
use serde::{Deserialize, Serialize};
use unicode_segmentation::UnicodeSegmentation;

use crate::error::{Error, Result};

/// How text becomes terms. Saved in the model, so `classify` analyzes new text exactly as
/// the run did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalyzerSettings {
    /// Snowball language, lowercase English name (`english`, `russian`, `spanish`, ...).
    pub language: String,
    /// Drop the language's stop words (NLTK's lists).
    pub stop_words: bool,
    /// Longest n-gram of terms to emit (1 = words only).
    pub ngram_max: usize,
    /// Minimum length in characters of a word term.
    pub min_chars: usize,
    /// Alias folding: each entry is a canonical term and the phrases folded into it.
    pub aliases: Vec<Alias>,
}

/// A canonical term and the phrases that mean it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alias {
    /// The single term every variant becomes (used as is, not stemmed).
    pub term: String,
    /// Phrases folded into `term`. A variant written in capitals (an acronym such as `IS`)
    /// matches only in capitals, so it never swallows the ordinary word "is".
    pub variants: Vec<String>,
}

impl Default for AnalyzerSettings {
    /// English, stop words on, single words, terms of 2+ characters, no aliases.
    fn default() -> Self {
        Self {
            language: "english".into(),
            stop_words: true,
            ngram_max: 1,
            min_chars: 2,
            aliases: Vec::new(),
        }
    }
}

impl AnalyzerSettings {
    /// Checks the language and `ngram_max`.
    pub fn validate(&self) -> Result<()> {
        self.checked_language().map(|_| ())
    }

    /// The Snowball algorithm and stop-word language code, once every setting is checked.
    fn checked_language(&self) -> Result<(Algorithm, &'static str)> {
        if self.ngram_max == 0 {
            return Err(Error::Setting {
                setting: "--ngram-max",
                message: "must be at least 1".into(),
            });
        }
        language(&self.language).ok_or_else(|| Error::Setting {
            setting: "--language",
            message: format!("unknown Snowball language {:?}", self.language),
        })
    }
}

/// A word of the text with its byte span, after folding and stemming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The term (a stem, or an alias's canonical term).
    pub term: String,
    /// Byte offset where the word (or aliased phrase) starts.
    pub start: usize,
    /// Byte offset one past its end.
    pub end: usize,
}

/// A word variant of an alias phrase: matched case-insensitively unless it is an acronym.
#[derive(Debug, Clone)]
struct AliasWord {
    text: String,
    exact_case: bool,
}

/// The words of an alias phrase as they are matched.
fn alias_words(variant: &str) -> Vec<AliasWord> {
    variant
        .unicode_words()
        .map(|w| {
            let w = fold_quotes(w).into_owned();
            AliasWord {
                exact_case: is_acronym(&w),
                text: if is_acronym(&w) { w } else { w.to_lowercase() },
            }
        })
        .collect()
}

/// What an alias phrase matches, as a key: two phrases with the same key fold the same
/// words ("Islamic  State" and "islamic state"; not "IS" and "is", as an acronym matches
/// only in capitals). Empty when the phrase has no words, and so matches nothing.
pub(crate) fn alias_key(variant: &str) -> Vec<String> {
    alias_words(variant).into_iter().map(|w| w.text).collect()
}

/// The checked settings and the tables built from them; shared by every worker.
struct Tables {
    settings: AnalyzerSettings,
    algorithm: Algorithm,
    /// (FxHash here and below: every new word is looked up, and the keys are short.)
    stop_words: FxHashSet<&'static str>,
    /// First words (lowercase) of alias phrases -> their index in `phrases`.
    aliases: FxHashMap<String, u32>,
    /// Alias phrases with the same first word and their terms, longest first.
    phrases: Vec<Vec<(Vec<AliasWord>, String)>>,
}

/// What a distinct word of the text becomes.
#[derive(Debug, Clone, Copy)]
struct WordInfo {
    /// Its term id, or `None` for a stop word, a number or a too-short word.
    term: Option<u32>,
    /// The alias phrases that can start with it (an index into `Tables::phrases`), found
    /// once here rather than at each of its occurrences ("is" starts "IS-K").
    phrases: Option<u32>,
    /// How often it was seen (to pick each term's display form).
    count: u32,
}

/// The analyzer: checked settings plus per-worker caches. [`Analyzer::fork`] gives a worker
/// its own copy of the caches over the same tables.
pub struct Analyzer {
    tables: Arc<Tables>,
    stemmer: Stemmer,
    /// Word as written -> what it becomes. Corpora repeat a small vocabulary many times.
    /// (FxHash: these keys are short, and SipHash's DoS resistance buys nothing here.)
    words: FxHashMap<String, WordInfo>,
    /// Term id -> term, and back.
    terms: Vec<String>,
    term_ids: FxHashMap<String, u32>,
    /// Surface forms of alias phrases (rare, so kept apart from `words`).
    alias_surfaces: HashMap<(u32, String), u32>,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("settings", &self.tables.settings)
            .finish()
    }
}

fn language(name: &str) -> Option<(Algorithm, &'static str)> {
    Some(match name {
        "arabic" => (Algorithm::Arabic, "ar"),
        "danish" => (Algorithm::Danish, "da"),
        "dutch" => (Algorithm::Dutch, "nl"),
        "english" => (Algorithm::English, "en"),
        "finnish" => (Algorithm::Finnish, "fi"),
        "french" => (Algorithm::French, "fr"),
        "german" => (Algorithm::German, "de"),
        "greek" => (Algorithm::Greek, "el"),
        "hungarian" => (Algorithm::Hungarian, "hu"),
        "italian" => (Algorithm::Italian, "it"),
        "norwegian" => (Algorithm::Norwegian, "no"),
        "portuguese" => (Algorithm::Portuguese, "pt"),
        "romanian" => (Algorithm::Romanian, "ro"),
        "russian" => (Algorithm::Russian, "ru"),
        "spanish" => (Algorithm::Spanish, "es"),
        "swedish" => (Algorithm::Swedish, "sv"),
        "tamil" => (Algorithm::Tamil, "ta"),
        "turkish" => (Algorithm::Turkish, "tr"),
        _ => return None,
    })
}

/// Words NLTK's English list lacks that carry no topic in news text: reporting verbs and
/// hedges ("said", "would", "also") would otherwise name discovered themes.
const ENGLISH_REPORTING_WORDS: [&str; 16] = [
    "also",
    "said",
    "says",
    "say",
    "told",
    "tells",
    "according",
    "would",
    "could",
    "may",
    "might",
    "must",
    "one",
    "many",
    "much",
    "including",
];

const QUOTES: [char; 3] = ['\u{2019}', '\u{2018}', '\u{02BC}'];

fn fold_quotes(word: &str) -> std::borrow::Cow<'_, str> {
    if word.contains(QUOTES) {
        word.replace(QUOTES, "'").into()
    } else {
        word.into()
    }
}

fn is_acronym(word: &str) -> bool {
    word.chars().any(char::is_alphabetic) && !word.chars().any(char::is_lowercase)
}

/// The lowercase word without a possessive `'s` (or bare `'`), as readers know it.
fn surface(folded: &str) -> String {
    strip_possessive(&folded.to_lowercase()).to_string()
}

fn strip_possessive(lower: &str) -> &str {
    lower
        .strip_suffix("'s")
        .or_else(|| lower.strip_suffix('\''))
        .unwrap_or(lower)
}

/// English endings that make another form of the same word ("strikes", "striking";
/// "priority", "priorities"), as opposed to another word with the same stem ("business"
/// beside "busy", "independent" beside "independence").
const INFLECTIONS: [&str; 10] = ["", "s", "es", "ed", "d", "ing", "e", "y", "ies", "ied"];

/// Whether two lowercase English words are forms of one word: what follows their common
/// beginning is an inflection's ending in both, after a doubled final consonant
/// ("planned", "travelled"). Hand-written because the stemmer, the one tool at hand, is
/// what conflates the two in the first place.
fn same_word(a: &str, b: &str) -> bool {
    let common = a
        .char_indices()
        .zip(b.chars())
        .take_while(|((_, x), y)| x == y)
        .last()
        .map(|((i, x), _)| (i + x.len_utf8(), x));
    let Some((common, last)) = common else {
        return a == b;
    };
    let ending = |word: &str| {
        let rest = &word[common..];
        INFLECTIONS.contains(&rest)
            || rest
                .strip_prefix(last)
                .is_some_and(|r| !r.is_empty() && INFLECTIONS.contains(&r))
    };
    ending(a) && ending(b)
}

/// The words of `text` with their byte offsets: `text.unicode_word_indices()`, faster.
///
/// unicode-segmentation segments an all-ASCII string with a fast path, but any other
/// string (a passage with one curly quote) with UAX #29's tables, character by character,
/// which was most of the analysis. So the text is cut into pieces, each segmented on its
/// own, and the ASCII ones take the fast path. The cuts are where UAX #29 always breaks and
/// whose rules look no further: after ASCII white space followed by an ASCII character
/// that is not white space. (The rules join white space only to more white space, CR to
/// LF, and a following combining mark, joiner or format character, none of them ASCII;
/// and no rule looks back through white space.)
fn words(text: &str) -> Vec<(usize, &str)> {
    let bytes = text.as_bytes();
    let cut = |i: usize| {
        bytes[i - 1].is_ascii_whitespace() && bytes[i].is_ascii() && !bytes[i].is_ascii_whitespace()
    };
    let mut words = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        // The ASCII before the next non-ASCII character, up to the last cut; else the least
        // piece that holds that character.
        let end = match bytes[start..].iter().position(|b| !b.is_ascii()) {
            None => bytes.len(),
            Some(at) => (start + 1..start + at)
                .rev()
                .find(|&i| cut(i))
                .or_else(|| (start + at + 1..bytes.len()).find(|&i| cut(i)))
                .unwrap_or(bytes.len()),
        };
        words.extend(
            text[start..end]
                .unicode_word_indices()
                .map(|(i, word)| (start + i, word)),
        );
        start = end;
    }
    words
}

/// A themes-file entry that matches other words of a corpus through its stem
/// ([`Analyzer::stem_collisions`]).
#[derive(Debug, Clone, PartialEq)]
pub struct StemCollision {
    /// The entry as written.
    pub entry: String,
    /// The other words, with their counts, most frequent first.
    pub others: Vec<(String, u64)>,
    /// The stem they share.
    pub stem: String,
}

/// A corpus's passages as term ids, with the sorted vocabulary of every term seen.
#[derive(Debug, Clone, Default)]
pub struct AnalyzedCorpus {
    /// Every term seen, sorted; a term's id is its index.
    pub terms: Vec<String>,
    /// Per passage, its terms (words, then n-grams) as ids into `terms`.
    pub passages: Vec<Vec<u32>>,
    /// Per term, its most frequent surface form (ties: alphabetically first).
    pub display: Vec<String>,
    /// Per term, every surface form seen (lowercase, without a possessive) and how often.
    pub surfaces: Vec<BTreeMap<String, u64>>,
}

/// Passages per parallel chunk: large enough that merging chunk vocabularies is cheap,
/// small enough to keep both cores busy.
const CHUNK: usize = 2048;

impl Analyzer {
    /// Checks the settings and builds the analyzer.
    pub fn new(settings: AnalyzerSettings) -> Result<Self> {
        let (algorithm, code) = settings.checked_language()?;
        let stop_words = if settings.stop_words {
            let mut words: FxHashSet<&'static str> = stop_words::lookup(code)
                .unwrap_or(&[])
                .iter()
                .copied()
                .collect();
            if code == "en" {
                words.extend(ENGLISH_REPORTING_WORDS);
            }
            words
        } else {
            Default::default()
        };
        let mut aliases: FxHashMap<String, Vec<(Vec<AliasWord>, String)>> = FxHashMap::default();
        for alias in &settings.aliases {
            for variant in alias.variants.iter().chain(std::iter::once(&alias.term)) {
                let words = alias_words(variant);
                let Some(first) = words.first() else { continue };
                aliases
                    .entry(first.text.to_lowercase())
                    .or_default()
                    .push((words, alias.term.to_lowercase()));
            }
        }
        let mut phrases = Vec::with_capacity(aliases.len());
        let aliases = aliases
            .into_iter()
            .map(|(first, mut starting)| {
                starting.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.1.cmp(&b.1)));
                phrases.push(starting);
                (first, phrases.len() as u32 - 1)
            })
            .collect();
        Ok(Self::with_tables(Arc::new(Tables {
            settings,
            algorithm,
            stop_words,
            aliases,
            phrases,
        })))
    }

    fn with_tables(tables: Arc<Tables>) -> Self {
        Self {
            stemmer: Stemmer::create(tables.algorithm),
            tables,
            words: FxHashMap::default(),
            terms: Vec::new(),
            term_ids: FxHashMap::default(),
            alias_surfaces: HashMap::new(),
        }
    }

    /// An analyzer with the same settings and a copy of this one's caches, for another
    /// worker: words this one has seen are not stemmed again. (Caching is invisible in the
    /// terms; the word counts copied along are read only by [`Analyzer::analyze_corpus`],
    /// whose workers start empty.)
    pub fn fork(&self) -> Self {
        Self {
            words: self.words.clone(),
            terms: self.terms.clone(),
            term_ids: self.term_ids.clone(),
            ..Self::with_tables(Arc::clone(&self.tables))
        }
    }

    /// The settings this analyzer was built from.
    pub fn settings(&self) -> &AnalyzerSettings {
        &self.tables.settings
    }

    fn intern(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.term_ids.get(term) {
            return id;
        }
        let id = self.terms.len() as u32;
        self.terms.push(term.to_string());
        self.term_ids.insert(term.to_string(), id);
        id
    }

    /// What `word` (as written) becomes; worked out on first sight, then cached.
    fn word(&mut self, word: &str) -> WordInfo {
        if let Some(info) = self.words.get_mut(word) {
            info.count += 1;
            return *info;
        }
        let lowercase = fold_quotes(word).to_lowercase();
        let lower = strip_possessive(&lowercase);
        let tables = &self.tables;
        // "ISKP’s" starts the alias "ISKP" as much as "ISKP" does.
        let alias_start =
            tables.aliases.contains_key(&lowercase) || tables.aliases.contains_key(lower);
        let phrases = alias_start
            .then(|| {
                (tables.aliases.get(&lowercase))
                    .or_else(|| tables.aliases.get(&surface(&lowercase)))
                    .copied()
            })
            .flatten();
        let keep = lower.chars().count() >= tables.settings.min_chars
            && lower.chars().any(char::is_alphabetic)
            && !tables.stop_words.contains(lower);
        let term = keep.then(|| {
            let stem = self.stemmer.stem(lower);
            self.intern(&stem)
        });
        let info = WordInfo {
            term,
            phrases,
            count: 1,
        };
        self.words.insert(word.to_string(), info);
        info
    }

    /// Calls `emit(term id, start, end)` for each term of `text` in order (no n-grams).
    fn scan(&mut self, text: &str, mut emit: impl FnMut(u32, usize, usize)) {
        let words = words(text);
        let mut i = 0;
        while i < words.len() {
            let (start, word) = words[i];
            let info = self.word(word);
            if let Some(phrases) = info.phrases {
                if let Some((len, term)) = self.alias_at(phrases, &words[i..]) {
                    let (last_start, last) = words[i + len - 1];
                    let end = last_start + last.len();
                    let id = self.intern(&term);
                    *self
                        .alias_surfaces
                        .entry((id, fold_quotes(&text[start..end]).to_lowercase()))
                        .or_default() += 1;
                    // The first word was counted as a word of its own; it was not one.
                    if let Some(first) = self.words.get_mut(word) {
                        first.count -= 1;
                    }
                    emit(id, start, end);
                    i += len;
                    continue;
                }
            }
            if let Some(id) = info.term {
                emit(id, start, start + word.len());
            }
            i += 1;
        }
    }

    /// The longest of `phrases` (those that can start with `words[0]`) starting at
    /// `words[0]`: (words consumed, canonical term).
    fn alias_at(&self, phrases: u32, words: &[(usize, &str)]) -> Option<(usize, String)> {
        self.tables.phrases[phrases as usize]
            .iter()
            .find_map(|(phrase, term)| {
                let matches = phrase.len() <= words.len()
                    && phrase.iter().zip(words).all(|(p, (_, w))| {
                        let w = fold_quotes(w);
                        let w = w.strip_suffix("'s").unwrap_or(&w);
                        if p.exact_case {
                            w == p.text
                        } else if w.is_ascii() {
                            // `p.text` is lowercase: the same test without a lowercase copy.
                            w.eq_ignore_ascii_case(&p.text)
                        } else {
                            w.to_lowercase() == p.text
                        }
                    });
                matches.then(|| (phrase.len(), term.clone()))
            })
    }

    /// The words of `text` as terms with byte spans (no n-grams).
    pub fn tokens(&mut self, text: &str) -> Vec<Token> {
        let mut spans = Vec::new();
        self.scan(text, |id, start, end| spans.push((id, start, end)));
        spans
            .into_iter()
            .map(|(id, start, end)| Token {
                term: self.terms[id as usize].clone(),
                start,
                end,
            })
            .collect()
    }

    /// The words of the corpus that one-word `entries` (an analyst's terms) match only
    /// because they share a stem, per entry with such words. "busy" matches "business" (both
    /// stem to "busi"); "strikes" matching "striking" is no such case ([`same_word`]). A
    /// word is compared with every form the entries themselves give its stem, and alias
    /// terms, whose forms the themes file lists, are left out. The test knows English
    /// endings only: for another language there is nothing to report.
    pub fn stem_collisions(
        &mut self,
        entries: &[&str],
        corpus: &AnalyzedCorpus,
    ) -> Vec<StemCollision> {
        if self.tables.settings.language != "english" {
            return Vec::new();
        }
        let tables = Arc::clone(&self.tables);
        let is_alias = |term: &str| tables.settings.aliases.iter().any(|a| a.term == term);
        let analyzed: Vec<Vec<(String, String)>> = entries
            .iter()
            .map(|entry| {
                self.tokens(entry)
                    .into_iter()
                    .map(|t| (t.term, surface(&fold_quotes(&entry[t.start..t.end]))))
                    .collect()
            })
            .collect();
        let mut declared: HashMap<&str, Vec<&str>> = HashMap::new();
        for (term, form) in analyzed.iter().flatten() {
            declared.entry(term).or_default().push(form);
        }
        // A phrase's words must follow one another, which another word with the same stem
        // seldom does: only one-word entries are reported.
        let mut found = Vec::new();
        for (entry, words) in entries.iter().zip(&analyzed) {
            let [(term, _)] = &words[..] else {
                continue;
            };
            if is_alias(term) {
                continue;
            }
            let Ok(id) = corpus.terms.binary_search(term) else {
                continue;
            };
            let mut others: Vec<(String, u64)> = corpus.surfaces[id]
                .iter()
                .filter(|(form, _)| !declared[term.as_str()].iter().any(|d| same_word(d, form)))
                .map(|(form, &count)| (form.clone(), count))
                .collect();
            if !others.is_empty() {
                others.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                found.push(StemCollision {
                    entry: entry.to_string(),
                    others,
                    stem: term.clone(),
                });
            }
        }
        found
    }

    /// Term ids of `text` (ids into this analyzer's own interner): words, then n-grams.
    fn ids(&mut self, text: &str) -> Vec<u32> {
        self.ids_and_words(text).0
    }

    /// [`Analyzer::ids`], and how many of them, at the front, are words.
    fn ids_and_words(&mut self, text: &str) -> (Vec<u32>, usize) {
        let mut ids = Vec::new();
        self.scan(text, |id, _, _| ids.push(id));
        let n_words = ids.len();
        for n in 2..=self.tables.settings.ngram_max {
            for w in 0..n_words.saturating_sub(n - 1) {
                let gram = ids[w..w + n]
                    .iter()
                    .map(|&id| self.terms[id as usize].as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                let id = self.intern(&gram);
                ids.push(id);
            }
        }
        (ids, n_words)
    }

    /// The terms of `text`: word terms followed by their n-grams up to `ngram_max`.
    pub fn terms(&mut self, text: &str) -> Vec<String> {
        self.terms_and_words(text).0
    }

    /// [`Analyzer::terms`], and how many of them, at the front, are the words (in order).
    pub fn terms_and_words(&mut self, text: &str) -> (Vec<String>, usize) {
        let (ids, words) = self.ids_and_words(text);
        let terms = ids
            .into_iter()
            .map(|id| self.terms[id as usize].clone())
            .collect();
        (terms, words)
    }

    /// Analyzes texts for a fitted vocabulary: each text's terms as the columns `column`
    /// gives them (terms it does not know are dropped). The same chunked analysis as
    /// [`Analyzer::analyze_corpus`], without building a vocabulary and display forms, which
    /// a classification has already (for one article they cost more than the analysis).
    ///
    /// A single chunk (one article) is analyzed by this analyzer itself, so that its caches
    /// are warm for the evidence pass, whose workers fork it and read the same words again:
    /// stemming them twice was a third of classifying one article.
    pub fn analyze_columns(
        &mut self,
        texts: &[&str],
        column: &(dyn Fn(&str) -> Option<u32> + Sync),
    ) -> Vec<Vec<u32>> {
        if texts.len() <= CHUNK {
            return self.columns(texts, column);
        }
        let this = &*self;
        texts
            .par_chunks(CHUNK)
            .flat_map_iter(|chunk| this.fork().columns(chunk, column))
            .collect()
    }

    /// [`Analyzer::analyze_columns`] of one chunk, by this analyzer.
    fn columns(
        &mut self,
        texts: &[&str],
        column: &(dyn Fn(&str) -> Option<u32> + Sync),
    ) -> Vec<Vec<u32>> {
        let ids: Vec<Vec<u32>> = texts.iter().map(|t| self.ids(t)).collect();
        let columns: Vec<Option<u32>> = self.terms.iter().map(|t| column(t)).collect();
        ids.into_iter()
            .map(|row| {
                row.into_iter()
                    .filter_map(|id| columns[id as usize])
                    .collect()
            })
            .collect()
    }

    /// Analyzes many texts in parallel. Each chunk of texts has its own analyzer; their
    /// term ids are then mapped into the sorted union of the chunks' terms, so ids (and
    /// everything downstream) are the same for any number of threads.
    pub fn analyze_corpus(&self, texts: &[&str]) -> AnalyzedCorpus {
        let chunks: Vec<(Analyzer, Vec<Vec<u32>>)> = texts
            .par_chunks(CHUNK)
            .map(|chunk| {
                // Empty caches, not a fork: the word counts pick the display forms.
                let mut worker = Self::with_tables(Arc::clone(&self.tables));
                let ids = chunk.iter().map(|t| worker.ids(t)).collect();
                (worker, ids)
            })
            .collect();
        let mut terms: Vec<String> = chunks
            .iter()
            .flat_map(|(w, _)| w.terms.iter().cloned())
            .collect();
        terms.sort_unstable();
        terms.dedup();
        let global = |term: &str| terms.binary_search_by(|t| t.as_str().cmp(term)).unwrap() as u32;
        // Surface counts per term: words (through their cached term) and alias phrases.
        let mut surfaces: Vec<BTreeMap<String, u64>> = vec![BTreeMap::new(); terms.len()];
        let mut passages = Vec::with_capacity(texts.len());
        for (worker, ids) in chunks {
            let to_global: Vec<u32> = worker.terms.iter().map(|t| global(t)).collect();
            for (word, info) in &worker.words {
                if let Some(id) = info.term {
                    *surfaces[to_global[id as usize] as usize]
                        .entry(surface(&fold_quotes(word)))
                        .or_default() += u64::from(info.count);
                }
            }
            for ((id, form), count) in &worker.alias_surfaces {
                *surfaces[to_global[*id as usize] as usize]
                    .entry(form.clone())
                    .or_default() += u64::from(*count);
            }
            passages.extend(ids.into_iter().map(|row| {
                row.into_iter()
                    .map(|id| to_global[id as usize])
                    .collect::<Vec<u32>>()
            }));
        }
        let display = terms
            .iter()
            .zip(&surfaces)
            .map(|(term, forms)| {
                // BTreeMap order makes the alphabetically first win ties.
                forms
                    .iter()
                    .fold(
                        None,
                        |best: Option<(&String, u64)>, (form, &count)| match best {
                            Some((_, c)) if c >= count => best,
                            _ => Some((form, count)),
                        },
                    )
                    .map_or_else(|| term.clone(), |(form, _)| form.clone())
            })
            .collect();
        AnalyzedCorpus {
            terms,
            passages,
            display,
            surfaces,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyzer(aliases: Vec<Alias>) -> Analyzer {
        Analyzer::new(AnalyzerSettings {
            aliases,
            ..Default::default()
        })
        .unwrap()
    }

    fn isis_k() -> Vec<Alias> {
        vec![Alias {
            term: "isis-k".into(),
            variants: [
                "ISIS-K",
                "IS-K",
                "ISKP",
                "Islamic State Khorasan",
                "Islamic State in Khorasan Province",
                "Daesh-Khorasan",
            ]
            .map(String::from)
            .to_vec(),
        }]
    }

    #[test]
    fn same_word_tells_inflections_from_other_words_with_the_stem() {
        for (a, b) in [
            ("strikes", "striking"),
            ("priority", "priorities"),
            ("saboteur", "saboteurs"),
            ("focused", "focus"),
            ("war", "war"),
            ("plan", "planned"),
            ("travel", "travelled"),
            ("focus", "focussed"),
        ] {
            assert!(same_word(a, b), "{a} {b}");
            assert!(same_word(b, a), "{b} {a}");
        }
        for (a, b) in [
            ("busy", "business"),
            ("independence", "independent"),
            ("consumed", "consumer"),
            ("moor", "moorings"),
            ("", "s"),
        ] {
            assert!(!same_word(a, b), "{a} {b}");
        }
    }

    #[test]
    fn stem_collisions_name_the_other_words_a_one_word_entry_matches() {
        let mut a = analyzer(isis_k());
        let corpus = a.analyze_corpus(&[
            "Business is busy. Business grew. Strikes and striking workers.",
            "ISKP and ISIS-K are one term. Diplomatic businesses.",
        ]);
        let found = a.stem_collisions(
            &["busy", "strikes", "ISIS-K", "busy trade", "gone"],
            &corpus,
        );
        assert_eq!(
            found,
            [StemCollision {
                entry: "busy".into(),
                others: vec![("business".into(), 2), ("businesses".into(), 1)],
                stem: "busi".into(),
            }]
        );
    }

    #[test]
    fn stems_lowercases_and_drops_stop_words() {
        let mut a = analyzer(vec![]);
        assert_eq!(
            a.terms("The Attacks were ATTACKING the 2 cities"),
            ["attack", "attack", "citi"]
        );
    }

    #[test]
    fn typographic_possessives_are_folded_and_stripped() {
        let mut a = analyzer(vec![]);
        assert_eq!(
            a.terms("Russia’s army and Russia's army"),
            ["russia", "armi", "russia", "armi"]
        );
    }

    #[test]
    fn aliases_fold_to_one_term_with_the_phrase_span() {
        let mut a = analyzer(isis_k());
        let text =
            "ISIS-K, IS-K’s men, ISKP’s and Islamic State in Khorasan Province and Daesh-Khorasan";
        let tokens = a.tokens(text);
        let terms: Vec<&str> = tokens.iter().map(|t| t.term.as_str()).collect();
        assert_eq!(
            terms,
            ["isis-k", "isis-k", "men", "isis-k", "isis-k", "isis-k"]
        );
        let phrase = &tokens[4];
        assert_eq!(
            &text[phrase.start..phrase.end],
            "Islamic State in Khorasan Province"
        );
    }

    #[test]
    fn acronym_aliases_match_only_in_capitals() {
        let mut a = analyzer(vec![Alias {
            term: "islamic state".into(),
            variants: vec!["IS".into(), "Islamic State".into()],
        }]);
        assert_eq!(
            a.terms("IS is the Islamic State"),
            ["islamic state", "islamic state"]
        );
    }

    #[test]
    fn ngrams_follow_the_words() {
        let mut a = Analyzer::new(AnalyzerSettings {
            ngram_max: 2,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(a.terms("war in Ukraine"), ["war", "ukrain", "war ukrain"]);
    }

    #[test]
    fn warm_forks_and_parallel_chunks_give_the_same_columns() {
        let texts: Vec<String> = (0..CHUNK + 3)
            .map(|i| format!("ISKP’s attacks {i} on Khorasan, attacking cities"))
            .collect();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let vocabulary = ["attack", "citi", "isis-k", "khorasan"];
        let column = |t: &str| vocabulary.iter().position(|v| *v == t).map(|c| c as u32);
        // More texts than one chunk: forks of a cold analyzer, in parallel.
        let parallel = analyzer(isis_k()).analyze_columns(&texts, &column);
        // One chunk at a time by one analyzer, then by a fork of it with warm caches.
        let mut warm = analyzer(isis_k());
        let mut one_by_one = Vec::new();
        for t in &texts[..2] {
            one_by_one.extend(warm.analyze_columns(&[t], &column));
        }
        let mut fork = warm.fork();
        for t in &texts[2..] {
            one_by_one.extend(fork.analyze_columns(&[t], &column));
        }
        assert_eq!(parallel, one_by_one);
        assert_eq!(parallel[0], [2, 0, 3, 0, 1]);
    }

    /// Pieces of text whose word boundaries depend on their neighbours: white space of
    /// every kind, combining marks, joiners and format characters that attach to white
    /// space, CR LF, flags, Hebrew, mid-word punctuation, emoji.
    const PIECES: [&str; 34] = [
        "war",
        "IS",
        "a",
        "1",
        "_",
        "’s",
        "'",
        ".",
        ":",
        ",",
        "\"",
        " ",
        "  ",
        "\n",
        "\r",
        "\t",
        "\u{b}",
        "\u{c}",
        "\u{85}",
        "\u{a0}",
        "\u{3000}",
        "\u{301}",
        "\u{345}",
        "\u{200d}",
        "\u{ad}",
        "🇺",
        "🇸",
        "א",
        "ア",
        "Été",
        "война",
        "👍",
        "中文",
        "\u{fe0f}",
    ];

    proptest::proptest! {
        /// The pieced-up segmentation finds the words UAX #29 finds in the whole text.
        #[test]
        fn words_are_the_unicode_words(
            pieces in proptest::collection::vec(proptest::sample::select(&PIECES[..]), 0..40),
            any in "\\PC*",
        ) {
            for text in [pieces.concat(), any] {
                let whole: Vec<(usize, &str)> = text.unicode_word_indices().collect();
                proptest::prop_assert_eq!(words(&text), whole);
            }
        }
    }

    #[test]
    fn unknown_language_is_a_setting_error() {
        let err = Analyzer::new(AnalyzerSettings {
            language: "klingon".into(),
            ..Default::default()
        })
        .unwrap_err();
        assert!(err.to_string().contains("--language"));
    }
}
