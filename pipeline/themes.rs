//! Themes: the analyst's named themes (read from a TOML file) and the themes discovered
//! in clusters that match none of them, named by their class-based TF-IDF top terms.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use unicode_segmentation::UnicodeSegmentation;

use crate::analyze::Alias;
use crate::error::{Error, Result};

/// The themes file: global aliases and the named themes.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemesFile {
    /// Canonical term -> phrases folded into it, for every theme (e.g. the group's names).
    #[serde(default)]
    pub aliases: BTreeMap<String, Vec<String>>,
    /// What the named themes are about (the subject of the question, such as the country
    /// attacked). When given, a passage takes a named theme only from a sentence that names
    /// one of these as well as one of the theme's seed terms: a paragraph that merely
    /// mentions a theme's words is background. Analyzed like passage text.
    #[serde(default)]
    pub focus: Vec<String>,
    /// Terms that make a sentence no evidence for any named theme, however many seed terms
    /// it holds: words of a reaction to the event rather than an account of it ("the
    /// Taliban condemned the attack and sent condolences to Moscow"). Analyzed like passage
    /// text.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Reasons the analysis gives that are none of the named themes ("the Soviet
    /// occupation of Afghanistan"). Named first in the sentence that decides a paragraph's
    /// theme, or stressed in a sentence that names the focus, such a reason is what the
    /// paragraph argues, and it takes no named theme. Analyzed like passage text.
    #[serde(default)]
    pub other_reasons: Vec<String>,
    /// Words that mark the motive a paragraph stresses most ("above all", "especially"):
    /// the first motive named after such a marker wins over the one named first. Matched
    /// as words in the text, case aside, not analyzed (stop words carry them).
    #[serde(default)]
    pub stress: Vec<String>,
    /// Words that follow the motive they stress ("Syria matters most"): the last motive
    /// named before such a marker, in its sentence, wins over the one named first. Matched
    /// as words in the text, case aside.
    #[serde(default)]
    pub stress_after: Vec<String>,
    /// Words of a record ("deadliest", "first"): in a clause where one comes before a
    /// `yardsticks` word, the rest of the clause dates the record ("the deadliest attack
    /// since the Beslan school siege") and names no theme. Matched as words, case aside.
    #[serde(default)]
    pub records: Vec<String>,
    /// Words that open a record's yardstick ("since"). Matched as words, case aside.
    #[serde(default)]
    pub yardsticks: Vec<String>,
    /// Words that make a question ask for the reason ("why"): the motives such a question
    /// names after the word set its puzzle rather than answer it ("why would a group whose
    /// war is against the Taliban strike Moscow?"); one named before it is the one asked
    /// about ("if it was revenge for Syria, why now?"). The subject it names counts for it
    /// and for the sentence after it. Matched as words, case aside.
    #[serde(default)]
    pub questions: Vec<String>,
    /// The named themes, in the order they are reported.
    #[serde(default, rename = "theme")]
    pub themes: Vec<ThemeSpec>,
}

/// One named theme as the analyst wrote it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeSpec {
    /// Display name, unique in the file.
    pub name: String,
    /// One line saying what the theme is.
    #[serde(default)]
    pub description: String,
    /// Words and phrases that signal the theme; analyzed like passage text.
    pub seed_terms: Vec<String>,
    /// Theme-specific aliases: canonical term -> phrases folded into it.
    #[serde(default)]
    pub aliases: BTreeMap<String, Vec<String>>,
    /// Whether the seed terms name the file's focus themselves (a region of the country
    /// attacked), so that a sentence needs no focus term to argue this theme.
    #[serde(default)]
    pub implies_focus: bool,
}

impl ThemesFile {
    /// Reads and checks a themes file.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = crate::fsio::read_text(path)?;
        Self::parse(&text, path)
    }

    /// Parses and checks themes TOML; `path` names the source in errors. TOML syntax and
    /// type errors carry the line and column.
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let error = |message: String| Error::Config {
            path: PathBuf::from(path),
            message,
        };
        let file: ThemesFile = toml::from_str(text).map_err(|e| Error::toml(path, text, &e))?;
        if file.themes.is_empty() {
            return Err(error(
                "no [[theme]] entries (use `--themes none` for pure discovery)".into(),
            ));
        }
        for (key, terms) in [
            ("focus", &file.focus),
            ("exclude", &file.exclude),
            ("other_reasons", &file.other_reasons),
            ("stress", &file.stress),
            ("stress_after", &file.stress_after),
            ("records", &file.records),
            ("yardsticks", &file.yardsticks),
            ("questions", &file.questions),
        ] {
            if let Some(i) = terms.iter().position(|t| t.trim().is_empty()) {
                return Err(error(format!("{key}: entry {} is empty", i + 1)));
            }
        }
        // Markers are matched as words: one without any ("--") would never match, yet
        // make every sentence look for it.
        for (key, markers) in [
            ("stress", &file.stress),
            ("stress_after", &file.stress_after),
            ("records", &file.records),
            ("yardsticks", &file.yardsticks),
            ("questions", &file.questions),
        ] {
            if let Some(i) = (markers.iter()).position(|m| m.unicode_words().next().is_none()) {
                return Err(error(format!(
                    "{key}: entry {} ({:?}) has no words",
                    i + 1,
                    markers[i]
                )));
            }
        }
        // Names are compared as readers tell them apart: "Syria" and "syria " are one.
        let mut names: HashMap<String, usize> = HashMap::new();
        // Seed terms as a set: two themes with the same set have the same seed vector and
        // the same evidence, and the second could never take a passage.
        let mut seed_sets: HashMap<Vec<String>, usize> = HashMap::new();
        for (i, theme) in file.themes.iter().enumerate() {
            let which = format!("theme {} ({:?})", i + 1, theme.name);
            let name = theme.name.trim().to_lowercase();
            if name.is_empty() {
                return Err(error(format!("theme {}: empty name", i + 1)));
            }
            if name == "other" {
                return Err(error(format!(
                    "{which}: `other` is reserved for unassigned passages"
                )));
            }
            if let Some(&first) = names.get(&name) {
                return Err(error(format!(
                    "{which}: the name is used twice (theme {} is {:?}; names are compared \
                     trimmed and lowercased)",
                    first + 1,
                    file.themes[first].name
                )));
            }
            names.insert(name, i);
            if theme.seed_terms.is_empty() {
                return Err(error(format!("{which}: seed_terms is empty")));
            }
            // An empty term matches nothing: as with an empty focus entry, a slip to fix.
            if let Some(j) = theme.seed_terms.iter().position(|t| t.trim().is_empty()) {
                return Err(error(format!(
                    "{which}: seed_terms: entry {} is empty",
                    j + 1
                )));
            }
            let mut set: Vec<String> = (theme.seed_terms.iter())
                .map(|t| {
                    t.split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                        .to_lowercase()
                })
                .collect();
            set.sort_unstable();
            set.dedup();
            if let Some(&first) = seed_sets.get(&set) {
                return Err(error(format!(
                    "{which}: the same seed_terms as theme {} ({:?})",
                    first + 1,
                    file.themes[first].name
                )));
            }
            seed_sets.insert(set, i);
        }
        file.check_aliases().map_err(error)?;
        Ok(file)
    }

    /// Checks the aliases, global and per theme: no empty key, list or variant, and no
    /// variant folded into two terms. The analyzer would take either of the two terms,
    /// whichever sorts first, and a seed term naming the other would quietly match less.
    /// A term folds its own name too, so another term cannot take it as a variant.
    fn check_aliases(&self) -> std::result::Result<(), String> {
        let tables = std::iter::once(("aliases".to_string(), &self.aliases)).chain(
            (self.themes.iter().enumerate()).map(|(i, t)| {
                (
                    format!("theme {} ({:?}) aliases", i + 1, t.name),
                    &t.aliases,
                )
            }),
        );
        // What a variant matches -> (the term it folds into, the table, the variant).
        let mut folded: HashMap<Vec<String>, (&String, String, &String)> = HashMap::new();
        for (table, aliases) in tables {
            for (term, variants) in aliases {
                if term.trim().is_empty() {
                    return Err(format!("{table}: an empty key (for {variants:?})"));
                }
                if variants.is_empty() {
                    return Err(format!("{table}: {term:?} has no variants"));
                }
                if let Some(j) = variants.iter().position(|v| v.trim().is_empty()) {
                    return Err(format!("{table}: {term:?}: entry {} is empty", j + 1));
                }
                for (j, variant) in variants.iter().enumerate() {
                    let key = crate::analyze::alias_key(variant);
                    if key.is_empty() {
                        return Err(format!(
                            "{table}: {term:?}: entry {} ({variant:?}) has no words",
                            j + 1
                        ));
                    }
                }
                for variant in std::iter::once(term).chain(variants) {
                    let key = crate::analyze::alias_key(variant);
                    // Only a term can be without words here; it then folds nothing.
                    if key.is_empty() {
                        continue;
                    }
                    match folded.get(&key) {
                        Some((other, _, _)) if other.to_lowercase() == term.to_lowercase() => {}
                        Some((other, other_table, other_variant)) => {
                            return Err(format!(
                                "{table}: {variant:?} is folded into {term:?} here and into \
                                 {other:?} in {other_table} (as {other_variant:?}): a variant \
                                 can stand for one term only"
                            ));
                        }
                        None => {
                            folded.insert(key, (term, table.clone(), variant));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// The file's entries that are analyzed like passage text: focus, exclude, other
    /// reasons and every theme's seed terms, in that order.
    pub fn analyzed_entries(&self) -> impl Iterator<Item = &String> {
        self.focus
            .iter()
            .chain(&self.exclude)
            .chain(&self.other_reasons)
            .chain(self.themes.iter().flat_map(|t| &t.seed_terms))
    }

    /// Every alias of the file, global and per theme, in a fixed order.
    pub fn all_aliases(&self) -> Vec<Alias> {
        let mut merged: BTreeMap<String, Vec<String>> = self.aliases.clone();
        for theme in &self.themes {
            for (term, variants) in &theme.aliases {
                merged
                    .entry(term.clone())
                    .or_default()
                    .extend(variants.iter().cloned());
            }
        }
        merged
            .into_iter()
            .map(|(term, variants)| Alias { term, variants })
            .collect()
    }
}

/// How passages are given themes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeSettings {
    /// A passage whose cosine similarity to a named theme's seed vector reaches this is
    /// given that theme, whatever its cluster; a seeded cluster keeps its theme's name only
    /// while its centroid stays this close to the seed.
    pub named_threshold: f64,
    /// A passage whose confidence is below this is `other`.
    pub other_threshold: f64,
    /// Number of top terms kept per theme.
    pub top_terms: usize,
}

impl ThemeSettings {
    /// Checks that both thresholds lie in [0, 1] (NaN does not) and that at least one top
    /// term is kept.
    pub fn validate(&self) -> Result<()> {
        for (setting, value) in [
            ("--named-threshold", self.named_threshold),
            ("--other-threshold", self.other_threshold),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return Err(Error::Setting {
                    setting,
                    message: format!("must be in [0, 1], got {value}"),
                });
            }
        }
        if self.top_terms == 0 {
            return Err(Error::Setting {
                setting: "--top-terms",
                message: "must be at least 1".into(),
            });
        }
        Ok(())
    }

    /// The score evidence needs to give a passage a named theme: `named_threshold`, and
    /// no less than `other_threshold`, below which any theme falls to `other`.
    pub fn evidence_threshold(&self) -> f64 {
        self.named_threshold.max(self.other_threshold)
    }
}

impl Default for ThemeSettings {
    /// `named_threshold = 0.15`, `other_threshold = 0.15`, 10 top terms.
    fn default() -> Self {
        Self {
            named_threshold: 0.15,
            other_threshold: 0.15,
            top_terms: 10,
        }
    }
}

/// Whether a theme came from the themes file or from the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemeKind {
    /// Named in the themes file.
    Seeded,
    /// Found in a cluster that matches no named theme.
    Discovered,
}

/// A term and its weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TermWeight {
    /// The term as readers know it (the most frequent surface form of the stem).
    pub term: String,
    /// Its class-based TF-IDF weight.
    pub weight: f64,
}

/// A theme of the fitted model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Theme {
    /// Display name.
    pub name: String,
    /// Seeded or discovered.
    pub kind: ThemeKind,
    /// The description from the themes file (empty for discovered themes).
    pub description: String,
}

/// Class-based TF-IDF (BERTopic's c-TF-IDF): for each class, the weight of term `t` is
/// `tf(t, class) / words(class) * ln(1 + A / tf(t, all))`, where `A` is the mean number of
/// words per class. Returns, per class, the `top` (column, weight) pairs, heaviest first
/// (ties by column, so the order is stable).
pub fn class_tfidf(
    class_of: &[Option<usize>],
    terms: &[Vec<u32>],
    n_classes: usize,
    top: usize,
) -> Vec<Vec<(u32, f64)>> {
    let mut counts: Vec<HashMap<u32, f64>> = vec![HashMap::new(); n_classes];
    let mut totals: HashMap<u32, f64> = HashMap::new();
    let mut words = vec![0.0; n_classes];
    for (class, row) in class_of.iter().zip(terms) {
        let Some(class) = *class else { continue };
        for &t in row {
            *counts[class].entry(t).or_default() += 1.0;
            *totals.entry(t).or_default() += 1.0;
            words[class] += 1.0;
        }
    }
    let non_empty = words.iter().filter(|&&w| w > 0.0).count().max(1) as f64;
    let mean_words = words.iter().sum::<f64>() / non_empty;
    counts
        .iter()
        .zip(&words)
        .map(|(class_counts, &w)| {
            let mut scored: Vec<(u32, f64)> = class_counts
                .iter()
                .map(|(&t, &tf)| (t, tf / w * (1.0 + mean_words / totals[&t]).ln()))
                .collect();
            scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            scored.truncate(top);
            scored
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ThemesFile> {
        ThemesFile::parse(text, Path::new("themes.toml"))
    }

    #[test]
    fn the_default_themes_file_parses_with_the_four_motives() {
        let file = ThemesFile::from_file(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/seeds/themes.toml"
        )))
        .unwrap();
        let names: Vec<&str> = file.themes.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            ["Syria", "Taliban ties", "Chechnya", "Ukraine distraction"]
        );
    }

    #[test]
    fn a_syntax_error_names_the_file_and_line() {
        let err = parse("[[theme]]\nname = \"A\"\nseed_terms = [\"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("themes.toml"), "{err}");
        assert!(err.contains("line 3"), "{err}");
    }

    /// Regression: the toml crate's message quotes the whole line at fault, and a JSON
    /// model passed as a themes file is one line of 1.8 MB.
    #[test]
    fn a_syntax_error_on_a_long_line_shows_only_a_snippet_around_the_column() {
        let mut long = format!(
            "{{\"format_version\":8,\"vocabulary\":[{}",
            "\"word\",".repeat(100_000)
        );
        long.push_str("\"end\"]}\n");
        let err = parse(&long).unwrap_err().to_string();
        assert!(err.starts_with("themes.toml"), "{err}");
        assert!(err.contains("line 1, column 1"), "{err}");
        assert!(err.len() < 600, "{} bytes: {}", err.len(), &err[..600]);
        // Far into the line, the snippet is the text around the column, cut on both sides.
        let x = "\"x\", ".repeat(10_000);
        let late = format!("[[theme]]\nname = \"A\"\nseed_terms = [{x}7, {x}\"y\"]\n");
        let err = parse(&late).unwrap_err().to_string();
        assert!(err.contains("line 3, column 50015"), "{err}");
        assert!(err.len() < 600, "{} bytes", err.len());
        let lines: Vec<&str> = err.lines().collect();
        assert!(
            lines[2].starts_with("3 | …") && lines[2].ends_with('…'),
            "{err}"
        );
        // The caret stands under the `7`.
        let column = |line: &str, c: char| line.chars().position(|x| x == c);
        assert_eq!(column(lines[2], '7'), column(lines[3], '^'), "{err}");
    }

    #[test]
    fn unknown_keys_and_bad_themes_are_refused() {
        let err = parse("[[theme]]\nname = \"A\"\nseed_terms = [\"x\"]\ncolour = 1\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("colour") && err.contains("line 4"), "{err}");
        let err = parse("").unwrap_err().to_string();
        assert!(err.contains("no [[theme]]"), "{err}");
        let err = parse("[[theme]]\nname = \"A\"\nseed_terms = []\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("seed_terms is empty"), "{err}");
        let dup = "[[theme]]\nname = \"A\"\nseed_terms = [\"x\"]\n[[theme]]\nname = \"a\"\nseed_terms = [\"y\"]\n";
        assert!(parse(dup).unwrap_err().to_string().contains("used twice"));
        let err =
            parse("focus = [\"Russia\", \" \"]\n[[theme]]\nname = \"A\"\nseed_terms = [\"x\"]\n")
                .unwrap_err()
                .to_string();
        assert!(err.contains("focus: entry 2 is empty"), "{err}");
        let err = parse("exclude = [\"\"]\n[[theme]]\nname = \"A\"\nseed_terms = [\"x\"]\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("exclude: entry 1 is empty"), "{err}");
        let err = parse(
            "stress = [\"above all\", \"\"]\n[[theme]]\nname = \"A\"\nseed_terms = [\"x\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("stress: entry 2 is empty"), "{err}");
        for key in [
            "stress",
            "stress_after",
            "records",
            "yardsticks",
            "questions",
        ] {
            let text = format!("{key} = [\"--\"]\n[[theme]]\nname = \"A\"\nseed_terms = [\"x\"]\n");
            let err = parse(&text).unwrap_err().to_string();
            assert!(
                err.contains(&format!("{key}: entry 1 (\"--\") has no words")),
                "{err}"
            );
        }
        for key in [
            "other_reasons",
            "stress_after",
            "records",
            "yardsticks",
            "questions",
        ] {
            let text = format!("{key} = [\"\"]\n[[theme]]\nname = \"A\"\nseed_terms = [\"x\"]\n");
            let err = parse(&text).unwrap_err().to_string();
            assert!(err.contains(&format!("{key}: entry 1 is empty")), "{err}");
        }
        let err = parse("[[theme]]\nname = \"A\"\nseed_terms = [\"x\"]\nimplies_focus = \"yes\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("implies_focus") && err.contains("line 4"),
            "{err}"
        );
    }

    /// Regression: these were accepted, and made the analysis quietly depend on the
    /// order of the aliases, fold nothing, or give two themes one seed.
    #[test]
    fn inconsistent_aliases_and_themes_are_refused_naming_the_entry() {
        let theme = "[[theme]]\nname = \"A\"\nseed_terms = [\"x\"]\n";
        let refused = |text: &str| parse(text).unwrap_err().to_string();

        // One variant folded into two terms, in one table or across tables.
        let err = refused(&format!(
            "[aliases]\n\"a\" = [\"Syria\"]\n\"b\" = [\"Syria\"]\n{theme}"
        ));
        assert!(err.starts_with("themes.toml: "), "{err}");
        assert!(
            err.contains("\"Syria\"") && err.contains("\"a\"") && err.contains("\"b\""),
            "{err}"
        );
        let err = refused(&format!(
            "[aliases]\n\"a\" = [\"Syria\"]\n{theme}aliases = {{ \"b\" = [\"syria\"] }}\n"
        ));
        assert!(err.contains("theme 1 (\"A\") aliases"), "{err}");
        // A term's own name folds into it: another term cannot take it.
        let err = refused(&format!(
            "[aliases]\n\"syria\" = [\"Syrian\"]\n\"b\" = [\"Syria\"]\n{theme}"
        ));
        assert!(err.contains("\"syria\"") && err.contains("\"b\""), "{err}");
        // The same variant twice for one term, or a term spelt in two cases, is harmless.
        parse(&format!(
            "[aliases]\n\"isis\" = [\"ISIS\", \"ISIS\"]\n\"ISIS\" = [\"Daesh\"]\n{theme}"
        ))
        .unwrap();
        // An acronym matches only in capitals, so "IS" and "is" are two variants.
        parse(&format!(
            "[aliases]\n\"islamic state\" = [\"IS\"]\n\"island\" = [\"is\"]\n{theme}"
        ))
        .unwrap();

        // Empty aliases.
        let err = refused(&format!("[aliases]\n\"a\" = []\n{theme}"));
        assert!(err.contains("aliases: \"a\" has no variants"), "{err}");
        let err = refused(&format!("[aliases]\n\"\" = [\"x\"]\n{theme}"));
        assert!(err.contains("aliases: an empty key"), "{err}");
        let err = refused(&format!("[aliases]\n\"a\" = [\"b\", \" \"]\n{theme}"));
        assert!(err.contains("aliases: \"a\": entry 2 is empty"), "{err}");
        let err = refused(&format!("[aliases]\n\"a\" = [\"b\", \"--\"]\n{theme}"));
        assert!(
            err.contains("aliases: \"a\": entry 2 (\"--\") has no words"),
            "{err}"
        );
        let err = refused(&format!("{theme}aliases = {{ \"a\" = [] }}\n"));
        assert!(
            err.contains("theme 1 (\"A\") aliases: \"a\" has no variants"),
            "{err}"
        );

        // Two themes with the same seed terms, order and case aside.
        let err = refused(
            "[[theme]]\nname = \"A\"\nseed_terms = [\"x\", \"Y\"]\n\
             [[theme]]\nname = \"B\"\nseed_terms = [\"y\", \"x \"]\n",
        );
        assert!(
            err.contains("theme 2 (\"B\"): the same seed_terms as theme 1 (\"A\")"),
            "{err}"
        );

        // Names equal once trimmed and lowercased.
        let err = refused(
            "[[theme]]\nname = \"Syria\"\nseed_terms = [\"x\"]\n\
             [[theme]]\nname = \"syria \"\nseed_terms = [\"y\"]\n",
        );
        assert!(
            err.contains("theme 2 (\"syria \"): the name is used twice"),
            "{err}"
        );

        // An empty seed term is an error, as an empty focus entry is.
        let err = refused("[[theme]]\nname = \"A\"\nseed_terms = [\"x\", \"\"]\n");
        assert!(
            err.contains("theme 1 (\"A\"): seed_terms: entry 2 is empty"),
            "{err}"
        );
    }

    #[test]
    fn class_tfidf_prefers_terms_frequent_in_the_class_and_rare_elsewhere() {
        // Class 0: terms 1,1,2; class 1: terms 2,3. Term 1 is only in class 0.
        let terms = vec![vec![1, 1, 2], vec![2, 3]];
        let top = class_tfidf(&[Some(0), Some(1)], &terms, 2, 3);
        assert_eq!(top[0][0].0, 1);
        // By hand: A = 2.5; class 0, term 1: 2/3 * ln(1 + 2.5/2).
        assert!((top[0][0].1 - 2.0 / 3.0 * (1.0f64 + 2.5 / 2.0).ln()).abs() < 1e-12);
        assert_eq!(top[1][0].0, 3);
    }
}
