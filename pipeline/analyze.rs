//! Analyze: turn a passage's text into terms, as a chain of small steps.
//!
//! Unicode word segmentation (UAX #29) -> typographic apostrophes folded -> alias folding
//! on the raw words (so "Islamic State in Khorasan" becomes one term before "in" is dropped
//! as a stop word) -> lowercase -> possessive `'s` stripped -> stop words and tokens without
//! letters dropped -> Snowball stem (cached per word) -> optional n-grams.

use std::collections::HashMap;

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

/// The checked, ready-to-run analyzer built from [`AnalyzerSettings`].
pub struct Analyzer {
    settings: AnalyzerSettings,
    stemmer: Stemmer,
    stop_words: std::collections::HashSet<&'static str>,
    /// Alias phrases keyed by their first word (lowercase), longest first.
    aliases: HashMap<String, Vec<(Vec<AliasWord>, String)>>,
    /// Word -> stem. Corpora repeat a small vocabulary many times; stemming each
    /// occurrence again is most of the analyzer's cost.
    stem_cache: HashMap<String, String>,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("settings", &self.settings)
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

fn fold_quotes(word: &str) -> String {
    word.replace(['\u{2019}', '\u{2018}', '\u{02BC}'], "'")
}

fn is_acronym(word: &str) -> bool {
    word.chars().any(char::is_alphabetic) && !word.chars().any(char::is_lowercase)
}

impl Analyzer {
    /// Checks the settings and builds the analyzer.
    pub fn new(settings: AnalyzerSettings) -> Result<Self> {
        let (algorithm, code) = language(&settings.language).ok_or_else(|| Error::Setting {
            setting: "analyzer.language",
            message: format!("unknown Snowball language {:?}", settings.language),
        })?;
        if settings.ngram_max == 0 {
            return Err(Error::Setting {
                setting: "analyzer.ngram_max",
                message: "must be at least 1".into(),
            });
        }
        let stop_words = if settings.stop_words {
            let mut words: std::collections::HashSet<&'static str> = stop_words::lookup(code)
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
        let mut aliases: HashMap<String, Vec<(Vec<AliasWord>, String)>> = HashMap::new();
        for alias in &settings.aliases {
            for variant in alias.variants.iter().chain(std::iter::once(&alias.term)) {
                let words: Vec<AliasWord> = variant
                    .unicode_words()
                    .map(|w| {
                        let w = fold_quotes(w);
                        AliasWord {
                            exact_case: is_acronym(&w),
                            text: if is_acronym(&w) { w } else { w.to_lowercase() },
                        }
                    })
                    .collect();
                let Some(first) = words.first() else { continue };
                aliases
                    .entry(first.text.to_lowercase())
                    .or_default()
                    .push((words, alias.term.to_lowercase()));
            }
        }
        for phrases in aliases.values_mut() {
            phrases.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.1.cmp(&b.1)));
        }
        Ok(Self {
            stemmer: Stemmer::create(algorithm),
            stop_words,
            aliases,
            stem_cache: HashMap::new(),
            settings,
        })
    }

    /// The settings this analyzer was built from.
    pub fn settings(&self) -> &AnalyzerSettings {
        &self.settings
    }

    /// The words of `text` as terms with byte spans (no n-grams).
    pub fn tokens(&mut self, text: &str) -> Vec<Token> {
        // (start, end, folded word): folding changes byte lengths, so keep the real end.
        let words: Vec<(usize, usize, String)> = text
            .unicode_word_indices()
            .map(|(i, w)| (i, i + w.len(), fold_quotes(w)))
            .collect();
        let mut tokens = Vec::with_capacity(words.len());
        let mut i = 0;
        while i < words.len() {
            if let Some((len, term)) = self.alias_at(&words[i..]) {
                tokens.push(Token {
                    term,
                    start: words[i].0,
                    end: words[i + len - 1].1,
                });
                i += len;
                continue;
            }
            let (start, end, word) = &words[i];
            i += 1;
            let mut lower = word.to_lowercase();
            if let Some(stripped) = lower
                .strip_suffix("'s")
                .or_else(|| lower.strip_suffix('\''))
            {
                lower = stripped.to_string();
            }
            if lower.chars().count() < self.settings.min_chars
                || !lower.chars().any(char::is_alphabetic)
                || self.stop_words.contains(lower.as_str())
            {
                continue;
            }
            let term = match self.stem_cache.get(&lower) {
                Some(stem) => stem.clone(),
                None => {
                    let stem = self.stemmer.stem(&lower).into_owned();
                    self.stem_cache.insert(lower, stem.clone());
                    stem
                }
            };
            tokens.push(Token {
                term,
                start: *start,
                end: *end,
            });
        }
        tokens
    }

    /// The longest alias phrase starting at `words[0]`: (words consumed, canonical term).
    fn alias_at(&self, words: &[(usize, usize, String)]) -> Option<(usize, String)> {
        let phrases = self.aliases.get(&words[0].2.to_lowercase())?;
        phrases.iter().find_map(|(phrase, term)| {
            let matches = phrase.len() <= words.len()
                && phrase.iter().zip(words).all(|(p, (_, _, w))| {
                    let w = w.strip_suffix("'s").unwrap_or(w);
                    if p.exact_case {
                        w == p.text
                    } else {
                        w.to_lowercase() == p.text
                    }
                });
            matches.then(|| (phrase.len(), term.clone()))
        })
    }

    /// The terms of `text`: word terms followed by their n-grams up to `ngram_max`.
    pub fn terms(&mut self, text: &str) -> Vec<String> {
        let tokens = self.tokens(text);
        self.terms_of(tokens)
    }

    /// The terms of already-made tokens: their terms followed by the n-grams.
    pub fn terms_of(&self, tokens: Vec<Token>) -> Vec<String> {
        let words: Vec<String> = tokens.into_iter().map(|t| t.term).collect();
        let mut terms = words.clone();
        for n in 2..=self.settings.ngram_max {
            terms.extend(words.windows(n).map(|w| w.join(" ")));
        }
        terms
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
            "ISIS-K, IS-K’s men, ISKP and Islamic State in Khorasan Province and Daesh-Khorasan";
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
    fn unknown_language_is_a_setting_error() {
        let err = Analyzer::new(AnalyzerSettings {
            language: "klingon".into(),
            ..Default::default()
        })
        .unwrap_err();
        assert!(err.to_string().contains("analyzer.language"));
    }
}
