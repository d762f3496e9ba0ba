//! Criterion benchmarks, one group per stage of the fit (segment, analyze, tfidf_fit,
//! tfidf_transform, reduction, clustering), on the seed articles repeated 40 times (1.1 MB),
//! and the whole pipeline on a slice of the large benchmark corpus when it has been built
//! (`benches/corpus/build.sh`). Classifying a new article is timed in `pipeline.rs`. Each
//! bench asserts a count, so it also checks the stage still does its job.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use thematic::{
    read_corpus, segment, Analyzer, AnalyzerSettings, Boilerplate, ClusterSettings, Corpus,
    Document, ReductionSettings, RunSettings, SparseRow, TfIdfSettings, ThemesFile, Unit,
};

const REPEAT: usize = 40;

fn seeds() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds"))
}

/// The seeds, each repeated under `REPEAT` ids.
fn repeated_seeds() -> Vec<Document> {
    let corpus = read_corpus(&[seeds()]).unwrap();
    (0..REPEAT)
        .flat_map(|r| {
            corpus.documents.iter().map(move |d| Document {
                id: format!("{r}/{}", d.id),
                ..d.clone()
            })
        })
        .collect()
}

fn stages(c: &mut Criterion) {
    let documents = repeated_seeds();
    let bytes: u64 = documents.iter().map(|d| d.text.len() as u64).sum();
    let rules = Boilerplate::builtin();
    let size = format!("seeds_x{REPEAT}");

    let mut group = c.benchmark_group("segment");
    group.throughput(Throughput::Bytes(bytes));
    let (passages, _) = segment(&documents, &rules, Unit::Passage);
    let n_passages = passages.len();
    group.bench_function(BenchmarkId::new("segment", &size), |b| {
        b.iter(|| {
            let (kept, _) = segment(&documents, &rules, Unit::Passage);
            assert_eq!(kept.len(), n_passages);
            kept
        })
    });
    group.finish();

    let themes = ThemesFile::from_file(&seeds().join("themes.toml")).unwrap();
    let analyzer = Analyzer::new(AnalyzerSettings {
        aliases: themes.all_aliases(),
        ..Default::default()
    })
    .unwrap();
    let texts: Vec<&str> = passages.iter().map(|p| p.text.as_str()).collect();
    let passage_bytes: u64 = texts.iter().map(|t| t.len() as u64).sum();
    let mut group = c.benchmark_group("analyze");
    group.throughput(Throughput::Bytes(passage_bytes));
    group.bench_function(BenchmarkId::new("tokenize_stem", &size), |b| {
        b.iter(|| {
            let analyzed = analyzer.analyze_corpus(&texts);
            assert_eq!(analyzed.passages.len(), n_passages);
            analyzed
        })
    });
    group.finish();

    let analyzed = analyzer.analyze_corpus(&texts);
    let settings = TfIdfSettings::default();
    let mut group = c.benchmark_group("tfidf_fit");
    group.throughput(Throughput::Bytes(passage_bytes));
    let (tfidf, columns) = settings
        .fit_ids(&analyzed.terms, &analyzed.passages)
        .unwrap();
    let n_terms = tfidf.vocabulary.len();
    group.bench_function(BenchmarkId::new("fit", &size), |b| {
        b.iter(|| {
            let (fitted, _) = settings
                .fit_ids(&analyzed.terms, &analyzed.passages)
                .unwrap();
            assert_eq!(fitted.vocabulary.len(), n_terms);
            fitted
        })
    });
    group.finish();

    let column_ids: Vec<Vec<u32>> = analyzed
        .passages
        .iter()
        .map(|ids| ids.iter().filter_map(|&i| columns[i as usize]).collect())
        .collect();
    let mut group = c.benchmark_group("tfidf_transform");
    group.throughput(Throughput::Bytes(passage_bytes));
    group.bench_function(BenchmarkId::new("transform", &size), |b| {
        b.iter(|| {
            let rows: Vec<SparseRow> = column_ids
                .iter()
                .map(|c| tfidf.transform_columns(c.clone()))
                .collect();
            assert_eq!(rows.len(), n_passages);
            rows
        })
    });
    group.finish();

    let rows: Vec<SparseRow> = column_ids
        .iter()
        .map(|c| tfidf.transform_columns(c.clone()))
        .collect();
    let reduction = ReductionSettings::default();
    let mut group = c.benchmark_group("reduction");
    group.sample_size(10);
    group.bench_function(
        BenchmarkId::new("lsa_100", format!("{n_passages}x{n_terms}")),
        |b| {
            b.iter(|| {
                let fitted = reduction.fit(&rows, n_terms, 42).unwrap();
                assert_eq!(fitted.dimensions(), 100);
                fitted
            })
        },
    );
    group.finish();

    let fitted = reduction.fit(&rows, n_terms, 42).unwrap();
    let vectors = fitted.transform(&rows);
    let mut group = c.benchmark_group("clustering");
    group.sample_size(10);
    let none = ndarray::Array2::<f64>::zeros((0, vectors.ncols()));
    group.bench_function(
        BenchmarkId::new("k_means", format!("8x{n_passages}")),
        |b| {
            b.iter(|| {
                let clusters = ClusterSettings {
                    k: Some(8),
                    ..Default::default()
                }
                .fit(vectors.view(), none.view(), 42)
                .unwrap();
                assert_eq!(clusters.centroids.nrows(), 8);
                clusters
            })
        },
    );
    group.finish();
}

/// The whole fit on the first 2,000 documents of the large corpus, when it is built.
fn large_slice(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench-data/real");
    if !root.exists() {
        eprintln!(
            "skipping pipeline/large_slice: {} is missing; build it with `benches/corpus/build.sh`",
            root.display()
        );
        return;
    }
    let corpus = read_corpus(&[root]).unwrap();
    let slice = Corpus {
        documents: corpus.documents.into_iter().take(2000).collect(),
        skipped: Vec::new(),
    };
    let bytes: u64 = slice.documents.iter().map(|d| d.text.len() as u64).sum();
    let rules = Boilerplate::builtin();
    let settings = RunSettings::default();
    let mut group = c.benchmark_group("pipeline");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function(BenchmarkId::new("fit", "large_2000_docs"), |b| {
        b.iter(|| {
            let result = thematic::fit(&slice, &ThemesFile::default(), &rules, &settings).unwrap();
            assert!(result.passages.len() > 1000);
            result
        })
    });
    group.finish();
}

criterion_group!(benches, stages, large_slice);
criterion_main!(benches);
