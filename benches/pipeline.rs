//! Criterion benchmarks of the whole pipeline on the seed articles, and of classifying one
//! new article with a fitted model. Each bench asserts a count, so it also checks that the
//! pipeline still does the job it is timed on.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use thematic::{read_corpus, Boilerplate, RunSettings, ThemesFile};

fn seeds() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds"))
}

fn pipeline(c: &mut Criterion) {
    let corpus = read_corpus(&[seeds()]).unwrap();
    let themes = ThemesFile::from_file(&seeds().join("themes.toml")).unwrap();
    let rules = Boilerplate::builtin();
    let settings = RunSettings::default();
    let bytes: usize = corpus.documents.iter().map(|d| d.text.len()).sum();

    let mut group = c.benchmark_group("pipeline");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function(BenchmarkId::new("fit", "seeds"), |b| {
        b.iter(|| {
            let result = thematic::fit(&corpus, &themes, &rules, &settings).unwrap();
            assert!(
                result.passages.len() > 100,
                "the seeds have over 100 passages"
            );
            result
        })
    });
    group.finish();

    let fitted = thematic::fit(&corpus, &themes, &rules, &settings).unwrap();
    let one = thematic::Corpus {
        documents: vec![corpus.documents[0].clone()],
        skipped: Vec::new(),
    };
    let expected = fitted.passages.iter().filter(|p| p.doc == 0).count();
    let mut group = c.benchmark_group("classify");
    group.throughput(Throughput::Bytes(one.documents[0].text.len() as u64));
    group.bench_function(BenchmarkId::new("classify", "one_article"), |b| {
        b.iter(|| {
            let result = thematic::classify(&one, &fitted.model, &rules).unwrap();
            assert_eq!(result.passages.len(), expected);
            result
        })
    });
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
