//! The `thematic` command line: raw flags are parsed by clap, then turned into checked
//! settings before any work starts. Only this file uses `anyhow`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use thematic::{
    draw_charts, evaluate, fit_with_progress, prepare_output_dir, read_corpus, withdraw_record,
    write_outputs, Boilerplate, DocFreq, DocumentInfo, Progress, RunInfo, RunSettings, Silent,
    ThemeModel, ThemesFile, Unit, OUTPUT_FILES,
};

#[derive(Parser)]
#[command(
    name = "thematic",
    version,
    about = "Named and discovered themes in a folder of articles, with the evidence."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fit themes on a corpus; write outputs, charts and the model.
    Run(RunArgs),
    /// Give the passages of new documents the themes of a saved model.
    Classify(ClassifyArgs),
    /// Score a run's passage themes against hand-written labels.
    Evaluate(EvaluateArgs),
}

#[derive(clap::Args)]
struct RunArgs {
    /// Corpus folders (searched recursively for .txt) or files [default: seeds].
    #[arg(long, num_args = 1..)]
    corpus: Vec<PathBuf>,
    /// Themes TOML file, or `none` for pure discovery [default: seeds/themes.toml].
    #[arg(long)]
    themes: Option<String>,
    /// Folder for passages.jsonl, dropped.jsonl, themes.json, documents.csv, run.json.
    #[arg(long, default_value = "out")]
    out: PathBuf,
    /// Folder for the charts.
    #[arg(long, default_value = "plots")]
    plots: PathBuf,
    /// Where to save the fitted model.
    #[arg(long, default_value = "models/seeds.json")]
    model: PathBuf,
    /// Seed of every random choice.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Number of clusters, named themes included, or `auto` (best silhouette over
    /// k = 2..12) [default: 8, capped at the number of passages].
    #[arg(long, value_parser = parse_k)]
    k: Option<KArg>,
    /// `passage` (paragraphs) or `document` (whole articles).
    #[arg(long, default_value = "passage", value_parser = parse_unit)]
    unit: Unit,
    /// Boilerplate rules TOML (default: the built-in rules).
    #[arg(long)]
    boilerplate: Option<PathBuf>,
    /// LSA dimension.
    #[arg(long, default_value_t = 100)]
    dimensions: usize,
    /// Cosine to a named theme's seed that gives a passage that theme.
    #[arg(long)]
    named_threshold: Option<f64>,
    /// Confidence below which a passage is `other`.
    #[arg(long)]
    other_threshold: Option<f64>,
    /// Top terms kept per theme (in themes.json and the charts) [default: 10].
    #[arg(long)]
    top_terms: Option<usize>,
    /// Snowball language of the analyzer.
    #[arg(long, default_value = "english")]
    language: String,
    /// Longest n-gram of terms.
    #[arg(long, default_value_t = 1)]
    ngram_max: usize,
    /// Minimum document frequency: a count (2) or a fraction (0.01).
    #[arg(long, default_value = "1", value_parser = parse_doc_freq)]
    min_df: DocFreq,
    /// Maximum document frequency: a count or a fraction (1.0 = no limit).
    #[arg(long, default_value = "1.0", value_parser = parse_doc_freq)]
    max_df: DocFreq,
    /// Do not draw charts.
    #[arg(long)]
    no_charts: bool,
    /// No progress bars (they are also hidden when stderr is not a terminal).
    #[arg(long, short)]
    quiet: bool,
}

#[derive(clap::Args)]
struct ClassifyArgs {
    /// A model written by `thematic run`.
    #[arg(long)]
    model: PathBuf,
    /// Folder for passages.jsonl, dropped.jsonl, themes.json, documents.csv, run.json.
    #[arg(long, default_value = "out/classify")]
    out: PathBuf,
    /// Boilerplate rules TOML (default: the rules the model was fitted with).
    #[arg(long)]
    boilerplate: Option<PathBuf>,
    /// Files or folders to classify.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

#[derive(clap::Args)]
struct EvaluateArgs {
    /// Labels CSV: columns doc,start,label (per passage) or doc,label (per document);
    /// other columns are ignored.
    #[arg(long)]
    labels: PathBuf,
    /// A run's passages.jsonl (dropped.jsonl beside it is read too).
    #[arg(long, default_value = "out/passages.jsonl")]
    passages: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy)]
enum KArg {
    Auto,
    Fixed(usize),
}

fn parse_k(s: &str) -> Result<KArg, String> {
    match s {
        "auto" => Ok(KArg::Auto),
        _ => s
            .parse()
            .map(KArg::Fixed)
            .map_err(|_| format!("expected a number of clusters or `auto`, got {s:?}")),
    }
}

fn parse_unit(s: &str) -> Result<Unit, String> {
    match s {
        "passage" => Ok(Unit::Passage),
        "document" => Ok(Unit::Document),
        _ => Err(format!("expected `passage` or `document`, got {s:?}")),
    }
}

fn parse_doc_freq(s: &str) -> Result<DocFreq, String> {
    if let Ok(count) = s.parse::<usize>() {
        return Ok(DocFreq::Count(count));
    }
    match s.parse::<f64>() {
        Ok(f) if (0.0..=1.0).contains(&f) => Ok(DocFreq::Fraction(f)),
        _ => Err(format!(
            "expected a count (2) or a fraction in [0, 1] (0.5), got {s:?}"
        )),
    }
}

/// A default path (never one the user typed) that does not exist in the working folder
/// falls back to the crate's own copy, so `thematic run` works from anywhere on a checkout.
fn default_path(path: &Path) -> PathBuf {
    if path.exists() || path.is_absolute() {
        return path.to_path_buf();
    }
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    if bundled.exists() {
        bundled
    } else {
        path.to_path_buf()
    }
}

/// "1 theme", "8 themes".
fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// A path as the file system resolves it, whether or not it exists yet: two spellings of
/// one file (`out/./x`, `sub/../x`, a link to it) compare equal.
fn resolved(path: &Path) -> PathBuf {
    // The longest part that exists, with its links and ".." resolved, then the rest
    // spelled out ("." dropped, ".." taken back).
    let mut rest = Vec::new();
    let mut existing = path;
    let base = loop {
        if let Ok(real) = std::fs::canonicalize(if existing.as_os_str().is_empty() {
            Path::new(".")
        } else {
            existing
        }) {
            break real;
        }
        // The last component, ".." included (which `file_name` does not give).
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last.as_os_str());
                existing = parent;
            }
            // Nothing of it exists (an unreadable root): compare it as spelled.
            _ => return path.to_path_buf(),
        }
    };
    let mut out = base;
    for part in rest.into_iter().rev() {
        match part.to_str() {
            Some(".") => {}
            Some("..") => {
                out.pop();
            }
            _ => out.push(part),
        }
    }
    out
}

/// The model is written over whatever `--model` names, so it must name none of the run's
/// other outputs (`--model out/themes.json`) or inputs (`--model themes.toml`), which it
/// would silently replace.
fn check_model_path(
    model: &Path,
    out: &Path,
    plots: Option<&Path>,
    inputs: &[(&str, Option<&Path>)],
    corpus: &[PathBuf],
) -> anyhow::Result<()> {
    let at = resolved(model);
    if model.is_dir() {
        anyhow::bail!(
            "--model {} is a folder; give the model file's path",
            model.display()
        );
    }
    if let Some(name) = OUTPUT_FILES.iter().find(|&&n| resolved(&out.join(n)) == at) {
        anyhow::bail!(
            "--model {} is also the run's {name} in --out {}; give the model another path",
            model.display(),
            out.display()
        );
    }
    let chart = |ext: &str| {
        model
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case(ext))
    };
    if plots.is_some_and(|p| Some(resolved(p).as_path()) == at.parent())
        && (chart("png") || chart("svg"))
    {
        anyhow::bail!(
            "--model {} is in the charts folder with a chart's extension; give the model another path",
            model.display()
        );
    }
    for (flag, input) in inputs {
        if input.is_some_and(|p| resolved(p) == at) {
            anyhow::bail!(
                "--model {} is the file given to {flag}; give the model another path",
                model.display()
            );
        }
    }
    // A model saved among the articles as a .txt file would be read as one next time.
    let is_txt = model
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("txt"));
    for root in corpus {
        let root = resolved(root);
        if at == root || (is_txt && at.starts_with(&root)) {
            anyhow::bail!(
                "--model {} is in the corpus {}; give the model another path",
                model.display(),
                root.display()
            );
        }
    }
    Ok(())
}

fn boilerplate(path: &Option<PathBuf>) -> anyhow::Result<Boilerplate> {
    Ok(match path {
        Some(p) => Boilerplate::from_file(p)?,
        None => Boilerplate::builtin(),
    })
}

/// Files skipped, and UTF-8 files with bytes that are not (read as Windows-1252): the
/// user may want to fix the file rather than trust one character's guess.
fn warn_corpus(corpus: &thematic::Corpus) {
    for s in &corpus.skipped {
        eprintln!("warning: skipped {}: {}", s.path, s.reason);
    }
    for d in corpus.documents.iter().filter(|d| !d.fallback.is_empty()) {
        // Everything before the first stray byte is UTF-8 (or a BOM), byte for byte.
        let first = d.fallback[0];
        let n = d.fallback.len();
        eprintln!(
            "warning: {}: {n} byte{} not UTF-8 (the first at byte {first}), read as Windows-1252",
            d.id,
            if n == 1 { " is" } else { "s are" }
        );
    }
}

/// One spinner per stage on stderr, each left as a line with the stage's time.
#[derive(Default)]
struct Bars {
    current: std::cell::RefCell<Option<indicatif::ProgressBar>>,
}

impl Progress for Bars {
    fn start(&self, stage: &'static str) {
        let bar = indicatif::ProgressBar::new_spinner().with_message(stage);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .expect("a valid template"),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(100));
        *self.current.borrow_mut() = Some(bar);
    }

    fn finish(&self, stage: &'static str, ms: f64) {
        if let Some(bar) = self.current.borrow_mut().take() {
            bar.set_style(
                indicatif::ProgressStyle::with_template("  {msg}").expect("a valid template"),
            );
            bar.finish_with_message(format!("{stage:<8} {ms:>9.0} ms"));
        }
    }
}

fn run(args: RunArgs) -> anyhow::Result<()> {
    let corpus_paths: Vec<PathBuf> = if args.corpus.is_empty() {
        vec![default_path(Path::new("seeds"))]
    } else {
        args.corpus.clone()
    };
    let mut settings = RunSettings {
        seed: args.seed,
        unit: args.unit,
        ..Default::default()
    };
    match args.k {
        Some(KArg::Auto) => settings.auto_k = true,
        Some(KArg::Fixed(k)) => settings.cluster.k = Some(k),
        None => {}
    }
    settings.reduction.dimensions = args.dimensions;
    settings.analyzer.language = args.language;
    settings.analyzer.ngram_max = args.ngram_max;
    settings.tfidf.min_df = args.min_df;
    settings.tfidf.max_df = args.max_df;
    if let Some(t) = args.named_threshold {
        settings.themes.named_threshold = t;
    }
    if let Some(t) = args.other_threshold {
        settings.themes.other_threshold = t;
    }
    if let Some(n) = args.top_terms {
        settings.themes.top_terms = n;
    }
    settings.validate()?;
    let (themes, themes_file) = match args.themes.as_deref() {
        Some("none") => (ThemesFile::default(), None),
        Some(path) => (
            ThemesFile::from_file(Path::new(path))?,
            Some(PathBuf::from(path)),
        ),
        None => {
            let path = default_path(Path::new("seeds/themes.toml"));
            (ThemesFile::from_file(&path)?, Some(path))
        }
    };
    let rules = boilerplate(&args.boilerplate)?;
    let plots_dir = Some(args.plots.as_path()).filter(|_| !args.no_charts);
    let inputs = [
        ("--themes", themes_file.as_deref()),
        ("--boilerplate", args.boilerplate.as_deref()),
    ];
    check_model_path(&args.model, &args.out, plots_dir, &inputs, &corpus_paths)?;
    // Find out that an output folder cannot be written before the fit, not after it.
    let model_dir = args.model.parent().filter(|p| !p.as_os_str().is_empty());
    for dir in [Some(args.out.as_path()), plots_dir, model_dir]
        .into_iter()
        .flatten()
    {
        prepare_output_dir(dir)?;
    }
    let corpus = read_corpus(&corpus_paths)?;
    warn_corpus(&corpus);
    let bars = Bars::default();
    let progress: &dyn Progress = if args.quiet || !std::io::stderr().is_terminal() {
        &Silent
    } else {
        &bars
    };
    let result = fit_with_progress(&corpus, &themes, &rules, &settings, progress).map_err(|e| {
        match (&e, &themes_file) {
            // The library does not know the themes file's name; the user needs it.
            (thematic::Error::FewerPassagesThanThemes { .. }, Some(path)) => {
                anyhow::Error::new(e).context(path.display().to_string())
            }
            _ => e.into(),
        }
    })?;
    for w in &result.warnings {
        eprintln!("warning: {w}");
    }
    let info = RunInfo {
        command: "run".into(),
        corpus: corpus_paths,
        themes_file,
        boilerplate_file: args.boilerplate.clone(),
        model_file: args.model.clone(),
        plots: plots_dir.map(Path::to_path_buf),
        // The settings as fitted: the analyzer with the themes file's aliases.
        settings: Some(RunSettings {
            analyzer: result.model.analyzer.clone(),
            ..settings
        }),
        skipped: corpus.skipped.clone(),
        documents: DocumentInfo::of(&corpus),
    };
    withdraw_record(&args.out)?;
    result.model.save(&args.model)?;
    if !args.no_charts {
        draw_charts(&result, &args.plots)?;
    }
    let report = thematic::render_report(&result, &info, plots_dir);
    // Last, so that once run.json (the outputs' commit record) names this run again, the
    // model and charts it points to are this run's too.
    write_outputs(&result, &info, Some(&report), &args.out)?;
    eprintln!(
        "{}, {} ({} dropped), {} -> {}, model {}",
        count(result.doc_ids.len(), "document"),
        count(result.passages.len(), "passage"),
        result.dropped.len(),
        count(result.model.themes.len(), "theme"),
        args.out.display(),
        args.model.display()
    );
    Ok(())
}

fn classify(args: ClassifyArgs) -> anyhow::Result<()> {
    let model = ThemeModel::load(&args.model)?;
    // The fit's rules, unless others are given.
    let rules = match &args.boilerplate {
        Some(path) => Boilerplate::from_file(path)?,
        None => model.segmentation()?,
    };
    prepare_output_dir(&args.out)?;
    let corpus = read_corpus(&args.paths)?;
    warn_corpus(&corpus);
    let result = thematic::classify(&corpus, &std::sync::Arc::new(model), &rules)?;
    let info = RunInfo {
        command: "classify".into(),
        corpus: args.paths.clone(),
        themes_file: None,
        boilerplate_file: args.boilerplate.clone(),
        model_file: args.model.clone(),
        plots: None,
        settings: None,
        skipped: corpus.skipped.clone(),
        documents: DocumentInfo::of(&corpus),
    };
    write_outputs(&result, &info, None, &args.out)?;
    eprintln!(
        "{} classified -> {}",
        count(result.passages.len(), "passage"),
        args.out.display()
    );
    Ok(())
}

fn evaluate_cmd(args: EvaluateArgs) -> anyhow::Result<()> {
    let report = evaluate(&args.labels, &args.passages)?;
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    let text = if args.json {
        serde_json::to_string_pretty(&report)? + "\n"
    } else {
        report.to_text()
    };
    std::io::stdout().write_all(text.as_bytes())?;
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run(args),
        Command::Classify(args) => classify(args),
        Command::Evaluate(args) => evaluate_cmd(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // A reader that closed the pipe (`| head`) has all it wanted.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
