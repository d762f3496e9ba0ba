"""Would a classifier trained on the hand labels beat the seed terms?

A probe, not part of the pipeline (which has no labels to train on): scikit-learn's
TfidfVectorizer (words and word pairs, sublinear tf) and a class-balanced logistic
regression over the five labels (the four motives and `other`), trained on the labelled
paragraphs of the unseen sets and scored with the same pooled macro-F1 over the four
motives as `tests/fixtures/pooled.py`:

- leave one set out: each unseen set is classified by a model trained on all the others,
  and the predictions of all sets are pooled;
- the seeds: classified by a model trained on every unseen set (the seeds never train it).

Three readers are compared on the same paragraphs: the pipeline's own themes (`thematic
run` on each set, as the README's quality table), the classifier on the paragraph's text
alone, and the classifier given the pipeline's theme as a feature too.

Run from the repository root, after `cargo build --release`:

    python3 -m venv /tmp/probe-venv
    /tmp/probe-venv/bin/pip install scikit-learn
    /tmp/probe-venv/bin/python notebooks/supervised_probe.py

It takes about a minute on two cores.
"""

import csv
import json
import pathlib
import subprocess
import tempfile
import tomllib

from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "fixtures"
UNSEEN = sorted(
    (p.name for p in FIX.iterdir() if p.name.startswith("unseen_") and (p / "labels.csv").exists()),
    key=lambda n: (len(n), n),
)
NAMED = [t["name"] for t in tomllib.loads((ROOT / "seeds" / "themes.toml").read_text())["theme"]]
LABELS = NAMED + ["other"]


def paragraphs(corpus, labels):
    """The labelled content paragraphs `thematic run` keeps: (text, the run's theme, label)."""
    thematic = ROOT / "target" / "release" / "thematic"
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([thematic, "run", "--corpus", corpus, "--out", tmp, "--no-charts", "--quiet",
                        "--model", f"{tmp}/model.json"], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        passages = [json.loads(line) for line in open(f"{tmp}/passages.jsonl")]
    label = {(r["doc"], int(r["start"])): r["label"] for r in csv.DictReader(open(labels, newline=""))}
    rows = []
    for p in passages:
        gold = label.get((p["doc"], p["start"]))
        if gold is None or gold == "boilerplate":
            continue
        rows.append((p["text"], p["theme"] if p["theme"] in NAMED else "other", gold))
    return rows


def pooled_macro_f1(gold, predicted):
    """F1 per motive over the pooled counts, averaged over the four motives."""
    scores = []
    for t in NAMED:
        tp = sum(p == t and g == t for g, p in zip(gold, predicted))
        fp = sum(p == t and g != t for g, p in zip(gold, predicted))
        fn = sum(p != t and g == t for g, p in zip(gold, predicted))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def fit_predict(train, test, with_rules):
    """A classifier trained on `train`, its labels for `test`."""
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)

    def features(rows, fit):
        texts = [r[0] for r in rows]
        x = vectorizer.fit_transform(texts) if fit else vectorizer.transform(texts)
        if not with_rules:
            return x
        rules = [[1.0 if r[1] == label else 0.0 for label in LABELS] for r in rows]
        return hstack([x, csr_matrix(rules)]).tocsr()

    model = LogisticRegression(C=10, max_iter=2000, class_weight="balanced")
    model.fit(features(train, True), [r[2] for r in train])
    return list(model.predict(features(test, False)))


def main():
    data = {name: paragraphs(FIX / name / "articles", FIX / name / "labels.csv") for name in UNSEEN}
    seeds = paragraphs(ROOT / "seeds", FIX / "seed_labels.csv")
    print(f"{len(UNSEEN)} unseen sets, {sum(map(len, data.values()))} labelled content paragraphs; "
          f"seeds {len(seeds)}")
    everything = [r for rows in data.values() for r in rows]
    gold = [r[2] for name in UNSEEN for r in data[name]]
    print("pooled macro-F1 over the four motives")
    print(f"{'reader':42} {'unseen, leave one set out':>26} {'seeds':>7}")
    rules = [r[1] for name in UNSEEN for r in data[name]]
    print(f"{'thematic (seed terms, no labels)':42} {pooled_macro_f1(gold, rules):26.3f} "
          f"{pooled_macro_f1([r[2] for r in seeds], [r[1] for r in seeds]):7.3f}")
    for with_rules, name in [(False, "logistic regression on TF-IDF"),
                             (True, "the same, with thematic's theme as feature")]:
        predicted = []
        for held in UNSEEN:
            train = [r for other in UNSEEN if other != held for r in data[other]]
            predicted += fit_predict(train, data[held], with_rules)
        on_seeds = fit_predict(everything, seeds, with_rules)
        print(f"{name:42} {pooled_macro_f1(gold, predicted):26.3f} "
              f"{pooled_macro_f1([r[2] for r in seeds], on_seeds):7.3f}")


if __name__ == "__main__":
    main()
