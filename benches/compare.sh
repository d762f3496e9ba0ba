#!/usr/bin/env bash
# Side-by-side: thematic against its scikit-learn peer on one corpus.
#
#   benches/compare.sh CORPUS [RUNS]      # RUNS defaults to 3
#
# Builds thematic in release, then runs, alternately and RUNS times each,
#   target/release/thematic run --corpus CORPUS --themes none --no-charts --k 8 ...
#   bench-data/venv/bin/python benches/peers/sklearn_peer.py CORPUS --k 8 ...
# under /usr/bin/time -v, and prints a markdown table of the median wall time and median
# peak resident set size of each, with the ratios peer / thematic, the per-stage medians
# both report, and the machine. Downloads nothing: set up first with
#   benches/corpus/build.sh            (corpora, in bench-data/)
#   benches/peers/setup.sh             (the Python venv, in bench-data/venv)
# Environment: BENCH_DATA (cache folder, default bench-data/); BENCH_TIMEOUT (seconds after
# which one run is stopped, its time and peak RSS so far reported, and the comparison
# ends; default none); KEEP=1 keeps the temporary folder with every run's outputs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cache="${BENCH_DATA:-$root/bench-data}"
venv_python="$cache/venv/bin/python"
timeout_s="${BENCH_TIMEOUT:-0}"

if [[ $# -lt 1 || $# -gt 2 || "$1" == "-h" || "$1" == "--help" ]]; then
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    [[ $# -ge 1 && ( "$1" == "-h" || "$1" == "--help" ) ]] && exit 0
    exit 2
fi
corpus="$1"
runs="${2:-3}"
if [[ ! "$runs" =~ ^[1-9][0-9]*$ ]]; then
    echo "compare.sh: RUNS must be a positive whole number, got: $runs" >&2
    exit 2
fi
if [[ ! -e "$corpus" ]]; then
    echo "compare.sh: no corpus at $corpus; build it first with: benches/corpus/build.sh" \
         "(or benches/corpus/build.sh --passages N for bench-data/scale-N)" >&2
    exit 1
fi
if [[ ! -x "$venv_python" ]] || ! "$venv_python" -c 'import sklearn, nltk' 2>/dev/null; then
    echo "compare.sh: the peer's venv is missing at $cache/venv; create it first with:" \
         "benches/peers/setup.sh" >&2
    exit 1
fi
if [[ ! -x /usr/bin/time ]]; then
    echo "compare.sh: /usr/bin/time is missing (Debian package: time)" >&2
    exit 1
fi
corpus_arg="$corpus"
corpus="$(cd "$(dirname "$corpus")" && pwd)/$(basename "$corpus")"

work="$(mktemp -d "${TMPDIR:-/tmp}/thematic-compare.XXXXXX")"
if [[ "${KEEP:-0}" == 1 ]]; then
    echo "keeping $work" >&2
else
    trap 'rm -rf "$work"' EXIT
fi

echo "building thematic (release)..." >&2
(cd "$root" && cargo build --release --quiet --bin thematic)
# A private copy: a build started meanwhile in the same target folder cannot swap it.
cp "$root/target/release/thematic" "$work/thematic"
thematic="$work/thematic"
revision="$(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(cd "$root" && git status --porcelain --untracked-files=no -- pipeline Cargo.toml Cargo.lock 2>/dev/null)" ]]; then
    revision="$revision + uncommitted changes"
fi
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

limit=()
if [[ "$timeout_s" != 0 ]]; then
    limit=(timeout -k 10 "$timeout_s")
fi

# run NAME I CMD...: one timed run; its /usr/bin/time report goes to $work/NAME-I.time
run() {
    local name="$1" i="$2"
    shift 2
    local status=0
    /usr/bin/time -v -o "$work/$name-$i.time" "${limit[@]}" "$@" \
        >"$work/$name-$i.stdout" 2>"$work/$name-$i.stderr" || status=$?
    local wall rss
    wall="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/$name-$i.time")"
    rss="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/$name-$i.time")"
    echo "  $name run $i: wall $wall, peak RSS $((rss / 1024)) MiB, exit $status" >&2
    if [[ $status -ne 0 ]]; then
        echo "compare.sh: $name run $i failed (exit $status; 124 = stopped after" \
             "BENCH_TIMEOUT=${timeout_s}s); its stderr:" >&2
        tail -20 "$work/$name-$i.stderr" >&2
        exit 1
    fi
}

for i in $(seq 1 "$runs"); do
    out="$work/thematic-$i.out"
    mkdir -p "$out"
    run thematic "$i" "$thematic" run --corpus "$corpus" --themes none --no-charts \
        --out "$out" --model "$out/m.json" --k 8
    # The peer: OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE, if set on this machine for old OpenBLAS
    # builds, slow a current numpy; unset for this command alone.
    run peer "$i" env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
        "$venv_python" "$here/peers/sklearn_peer.py" "$corpus" --k 8 \
        --out "$work/peer-$i.json"
    rm -rf "$out/passages.jsonl" "$out/dropped.jsonl"  # large; run.json and m.json stay
done

load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work" "$runs" "$corpus_arg" "$revision" "$load_before" "$load_after" <<'EOF'
import json, os, platform, re, statistics, subprocess, sys

work, runs, corpus, revision, load_before, load_after = sys.argv[1:7]
runs = int(runs)

def time_report(path):
    text = open(path).read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
    seconds = 0.0
    for part in wall.split(":"):
        seconds = seconds * 60 + float(part)
    rss_kib = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    cpu = re.search(r"Percent of CPU this job got: (\S+)", text).group(1)
    return seconds, rss_kib, cpu

def median(xs):
    return statistics.median(xs)

def fmt_s(s):
    return f"{s:.2f} s" if s < 100 else f"{s:.0f} s"

def fmt_mib(kib):
    return f"{kib / 1024:.0f} MiB"

rows = {}
for name in ("thematic", "peer"):
    rows[name] = [time_report(os.path.join(work, f"{name}-{i}.time")) for i in range(1, runs + 1)]

t_run = json.load(open(os.path.join(work, "thematic-1.out", "run.json")))
t_model = json.load(open(os.path.join(work, "thematic-1.out", "m.json")))
p_runs = [json.load(open(os.path.join(work, f"peer-{i}.json"))) for i in range(1, runs + 1)]
p = p_runs[0]

cpu_model = "unknown"
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu_model = line.split(":", 1)[1].strip()
            break
except OSError:
    pass
mem = ""
try:
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal"):
            mem = f", {int(line.split()[1]) / 1024 / 1024:.0f} GiB memory"
except OSError:
    pass

size = p["counts"]["bytes"]
print(f"## thematic vs scikit-learn peer: `{corpus}`")
print()
print(f"Machine: {os.cpu_count()} cores (nproc {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()}), "
      f"{cpu_model}{mem}; {platform.system()} {platform.release()}.")
print(f"Load average (1, 5, 15 min): {load_before} before the runs, {load_after} after.")
print(f"Corpus: {p['counts']['files']} files, {size / 1e6:.1f} MB. Runs: {runs} each, alternating; medians.")
print(f"thematic: {revision} (release build).")
print(f"Peer: Python {p['versions']['python']}, scikit-learn {p['versions']['scikit-learn']}, "
      f"nltk {p['versions']['nltk']}, numpy {p['versions']['numpy']}; "
      + ", ".join(f"{t.get('internal_api')} {t.get('num_threads')} threads" for t in p["threadpools"]) + ".")
print()
tw, pw = median([r[0] for r in rows["thematic"]]), median([r[0] for r in rows["peer"]])
tr, pr = median([r[1] for r in rows["thematic"]]), median([r[1] for r in rows["peer"]])
print("| | thematic | sklearn peer | peer / thematic |")
print("|---|---:|---:|---:|")
print(f"| wall time (median) | {fmt_s(tw)} | {fmt_s(pw)} | {pw / tw:.2f}x |")
print(f"| peak RSS (median) | {fmt_mib(tr)} | {fmt_mib(pr)} | {pr / tr:.2f}x |")
print()
print("Every run (wall s / peak RSS MiB / CPU):")
print()
print("| run | thematic | sklearn peer |")
print("|---:|---:|---:|")
for i in range(runs):
    t, q = rows["thematic"][i], rows["peer"][i]
    print(f"| {i + 1} | {t[0]:.2f} / {t[1] / 1024:.0f} / {t[2]} | {q[0]:.2f} / {q[1] / 1024:.0f} / {q[2]} |")
print()

t_runs = [json.load(open(os.path.join(work, f"thematic-{i}.out", "run.json"))) for i in range(1, runs + 1)]
t_stages = {}
for r in t_runs:
    for s in r["timings"]:
        t_stages.setdefault(s["stage"], []).append(s["ms"])
p_stages = {}
for r in p_runs:
    for k, v in r["timings_ms"].items():
        if k != "total":
            p_stages.setdefault(k, []).append(v)
order = ["import", "read", "segment", "analyze", "tfidf", "reduce", "cluster", "themes"]
stages = [s for s in order if s in t_stages or s in p_stages]
stages += [s for s in list(t_stages) + list(p_stages) if s not in stages]
print("Stage medians as each tool reports them (thematic's start after reading the files;"
      " wall time above covers everything, output files included):")
print()
print("| stage | thematic | sklearn peer |")
print("|---|---:|---:|")
for s in stages:
    a = f"{median(t_stages[s]) / 1e3:.2f} s" if s in t_stages else "-"
    b = f"{median(p_stages[s]) / 1e3:.2f} s" if s in p_stages else "-"
    print(f"| {s} | {a} | {b} |")
print()
tc = t_run["counts"]
vocab = len(t_model["tfidf"]["vocabulary"]) if isinstance(t_model.get("tfidf"), dict) and "vocabulary" in t_model["tfidf"] else "?"
print("| count | thematic | sklearn peer |")
print("|---|---:|---:|")
print(f"| documents | {tc['documents']} | {p['counts']['documents']} |")
print(f"| passages | {tc['passages']} (+{tc['dropped']} dropped as boilerplate/duplicate) | {p['counts']['passages']} |")
print(f"| vocabulary | {vocab} | {p['counts']['vocabulary']} |")
print(f"| k | {tc['themes']} | {p['counts']['k']} |")
EOF
