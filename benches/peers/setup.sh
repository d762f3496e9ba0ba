#!/usr/bin/env bash
# Creates the Python environment of the benchmark peers outside git, in
# bench-data/venv (set BENCH_DATA to use another cache folder), and installs
# scikit-learn and nltk from PyPI. Idempotent: an existing venv with both is kept.
#
#   benches/peers/setup.sh
#
# sklearn_peer.py needs no NLTK data download: its stop-word list is embedded.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${BENCH_DATA:-$root/bench-data}"
venv="$cache/venv"
# Pinned so that measurements stay comparable; change them here.
packages=(scikit-learn==1.9.1 nltk==3.10.4)

# scripts/venv.sh makes the venv with $PYTHON (default python3).
"$root/scripts/venv.sh" "$venv" 'sklearn, nltk' "${packages[@]}"
echo "venv: $venv"
"$venv/bin/python" - <<'EOF'
import sys, sklearn, nltk, numpy, scipy
print(f"  python {sys.version.split()[0]}, scikit-learn {sklearn.__version__}, nltk {nltk.__version__}, "
      f"numpy {numpy.__version__}, scipy {scipy.__version__}")
EOF
