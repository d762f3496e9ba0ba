#!/usr/bin/env python3
"""The scikit-learn peer of `thematic run --themes none`, for side-by-side measurements.

    bench-data/venv/bin/python benches/peers/sklearn_peer.py CORPUS --out peer.json [--k 8]

Same job, same semantics, as far as the two libraries allow:

* read every .txt under CORPUS recursively (UTF-8, errors='replace'; thematic falls back to
  Windows-1252 instead), in sorted path order;
* paragraphs as thematic's segmenter cuts them: a blank line ends a paragraph, each other
  non-empty line is one unless it starts with a lowercase letter (then it continues the one
  before); stripped; exact duplicates within a document kept once. thematic also drops
  boilerplate paragraphs (pipeline/segment/boilerplate.toml) and duplicate documents, and
  cuts paragraphs over 16 KiB; the peer does not, so passage counts can differ slightly
  (the corpora of benches/corpus/build.sh hold no duplicate documents or long paragraphs);
* analyzer: Unicode (UAX #29) word tokens, via the `regex` module, typographic
  apostrophes folded to ', lowercase, possessive 's stripped, NLTK's English stop words
  plus thematic's reporting words, tokens under 2 characters or without a letter dropped,
  NLTK's Snowball English stemmer with a word -> stem cache;
* TfidfVectorizer(sublinear_tf=True, smooth_idf=True, norm='l2', min_df=1, max_df=1.0);
* TruncatedSVD(n_components=100, algorithm='randomized', n_iter=4, random_state=42),
  then Normalizer;
* KMeans(n_clusters=k, n_init=1, random_state=42).

Writes a small JSON (counts, per-stage wall times in ms, versions, BLAS threads) to --out.
Needs no download at run time: the stop-word list is embedded below.
"""

import argparse
import json
import os
import re
import sys
import time

import regex  # a dependency of nltk

# NLTK's English stop words (198 words), as in the `stop-words` crate 0.10.1
# (src/nltk/english) that thematic uses; the nltk package's data is not downloaded here.
NLTK_ENGLISH_STOP_WORDS = frozenset("""
a about above after again against ain all am an and any are aren aren't as at be because
been before being below between both but by can couldn couldn't d did didn didn't do does
doesn doesn't doing don don't down during each few for from further had hadn hadn't has
hasn hasn't have haven haven't having he he'd he'll her here hers herself he's him himself
his how i i'd if i'll i'm in into is isn isn't it it'd it'll it's its itself i've just ll
m ma me mightn mightn't more most mustn mustn't my myself needn needn't no nor not now o of
off on once only or other our ours ourselves out over own re s same shan shan't she she'd
she'll she's should shouldn shouldn't should've so some such t than that that'll the their
theirs them themselves then there these they they'd they'll they're they've this those
through to too under until up ve very was wasn wasn't we we'd we'll we're were weren
weren't we've what when where which while who whom why will with won won't wouldn
wouldn't y you you'd you'll your you're yours yourself yourselves you've
""".split())
assert len(NLTK_ENGLISH_STOP_WORDS) == 198

# thematic's ENGLISH_REPORTING_WORDS (pipeline/analyze.rs).
REPORTING_WORDS = frozenset(
    "also said says say told tells according would could may might must one many much "
    "including".split())

STOP_WORDS = NLTK_ENGLISH_STOP_WORDS | REPORTING_WORDS
MIN_CHARS = 2

# UAX #29 words, as Rust's `unicode_words()` gives them: with its WORD flag the `regex`
# module (a dependency of nltk) puts \b at Unicode default word boundaries, so each match
# below is one segment; the segments holding a letter or digit are the words ("don't",
# "U.S", "1,000.5"; "state-run" is two, each CJK ideograph is one).
SEGMENT = regex.compile(r"\b\S.*?\b", flags=regex.WORD | regex.V1)
_EDGE_QUOTES = "'\u2018\u2019"


def words(text):
    out = []
    for w in SEGMENT.findall(text):
        # `regex` keeps an apostrophe that opens or closes a word ("'em"); UAX #29 does not.
        if w[0] in _EDGE_QUOTES or w[-1] in _EDGE_QUOTES:
            w = w.strip(_EDGE_QUOTES)
            if not w:
                continue
        if w[0].isalnum() or any(c.isalnum() for c in w):
            out.append(w)
    return out


QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
LINE_BREAK = re.compile(r"\r\n|\r|\n")


class Analyzer:
    """thematic's analyzer without aliases and n-grams; a word -> stem cache."""

    def __init__(self):
        from nltk.stem.snowball import SnowballStemmer

        self.stem = SnowballStemmer("english").stem
        self.cache = {}

    def __call__(self, text):
        terms = []
        cache = self.cache
        for word in words(text):
            lower = word.translate(QUOTES).lower()
            if lower.endswith("'s"):
                lower = lower[:-2]
            elif lower.endswith("'"):
                lower = lower[:-1]
            if (len(lower) < MIN_CHARS or lower in STOP_WORDS
                    or not (lower[0].isalpha() or any(c.isalpha() for c in lower))):
                continue
            stem = cache.get(lower)
            if stem is None:
                stem = cache[lower] = self.stem(lower)
            terms.append(stem)
        return terms


def paragraphs(text):
    """thematic's paragraphs, duplicates within the document kept once."""
    out = []
    previous_blank = True
    for line in LINE_BREAK.split(text):
        trimmed = line.strip()
        if not trimmed:
            previous_blank = True
            continue
        if out and not previous_blank and trimmed[0].islower():
            out[-1] = out[-1] + "\n" + trimmed
        else:
            out.append(trimmed)
        previous_blank = False
    return list(dict.fromkeys(out))


def txt_files(root):
    if os.path.isfile(root):
        return [root]
    files = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        for name in filenames:
            if name.lower().endswith(".txt"):
                files.append(os.path.join(dirpath, name))
    return sorted(files, key=lambda p: os.path.relpath(p, root))


class Clock:
    def __init__(self):
        self.start = self.last = time.perf_counter()
        self.stages = {}

    def lap(self, stage):
        now = time.perf_counter()
        self.stages[stage] = round((now - self.last) * 1e3, 1)
        self.last = now


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", help="folder (searched recursively for .txt) or file")
    parser.add_argument("--out", required=True, help="where to write the JSON report")
    parser.add_argument("--k", type=int, default=8)
    parser.add_argument("--dimensions", type=int, default=100)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    clock = Clock()
    import numpy as np
    import sklearn
    import nltk
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import Normalizer
    clock.lap("import")

    files = txt_files(args.corpus)
    if not files:
        sys.exit(f"sklearn_peer: no .txt files under {args.corpus}")
    texts = []
    for path in files:
        with open(path, encoding="utf-8", errors="replace") as f:
            texts.append(f.read())
    n_bytes = sum(os.path.getsize(p) for p in files)
    clock.lap("read")

    passages = []
    for text in texts:
        passages.extend(paragraphs(text))
    n_documents = sum(1 for t in texts if t.strip())
    del texts
    clock.lap("segment")

    analyzer = Analyzer()
    terms = [analyzer(p) for p in passages]
    n_tokens = sum(len(t) for t in terms)
    clock.lap("analyze")

    vectorizer = TfidfVectorizer(
        analyzer=lambda t: t, lowercase=False, sublinear_tf=True, smooth_idf=True,
        norm="l2", min_df=1, max_df=1.0, dtype=np.float64)
    x = vectorizer.fit_transform(terms)
    del terms
    clock.lap("tfidf")

    svd = TruncatedSVD(n_components=args.dimensions, algorithm="randomized", n_iter=4,
                       random_state=args.seed)
    vectors = Normalizer(copy=False).fit_transform(svd.fit_transform(x))
    clock.lap("reduce")

    kmeans = KMeans(n_clusters=args.k, n_init=1, random_state=args.seed)
    labels = kmeans.fit_predict(vectors)
    clock.lap("cluster")

    total_ms = round((time.perf_counter() - clock.start) * 1e3, 1)
    try:
        from threadpoolctl import threadpool_info
        threads = [{k: i.get(k) for k in ("user_api", "internal_api", "num_threads",
                                             "architecture", "version")}
                   for i in threadpool_info()]
    except Exception as e:  # informative only
        threads = [{"error": str(e)}]
    report = {
        "tool": "sklearn_peer",
        "corpus": args.corpus,
        "counts": {
            "files": len(files),
            "documents": n_documents,
            "bytes": n_bytes,
            "passages": len(passages),
            "tokens": n_tokens,
            "distinct_words_stemmed": len(analyzer.cache),
            "vocabulary": len(vectorizer.vocabulary_),
            "nonzeros": int(x.nnz),
            "dimensions": args.dimensions,
            "k": args.k,
            "cluster_sizes": sorted((int(c) for c in np.bincount(labels, minlength=args.k)),
                                    reverse=True),
            "kmeans_iterations": int(kmeans.n_iter_),
            "svd_explained_variance": round(float(svd.explained_variance_ratio_.sum()), 4),
        },
        "timings_ms": {**clock.stages, "total": total_ms},
        "versions": {
            "python": sys.version.split()[0],
            "scikit-learn": sklearn.__version__,
            "nltk": nltk.__version__,
            "numpy": np.__version__,
        },
        "threadpools": threads,
    }
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    os.replace(tmp, args.out)
    print(f"sklearn_peer: {len(files)} files, {len(passages)} passages, "
          f"{len(vectorizer.vocabulary_)} terms, {total_ms / 1e3:.1f} s -> {args.out}")


if __name__ == "__main__":
    main()
