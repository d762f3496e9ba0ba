#!/usr/bin/env bash
# Makes a Python virtual environment outside git with pinned packages; shared by
# benches/peers/setup.sh and notebooks/run.sh.
#
#   scripts/venv.sh VENV IMPORTS PACKAGE...
#   scripts/venv.sh bench-data/venv 'sklearn, nltk' scikit-learn==1.9.1 nltk==3.10.4
#
# Idempotent: when the comma-separated modules IMPORTS all import in VENV, nothing is done,
# whatever their versions, so the pins only decide what a new venv gets. Otherwise VENV is
# created with $PYTHON (default python3) if it has no Python, and the PACKAGEs are installed.
set -euo pipefail

if (($# < 3)); then
    echo "usage: scripts/venv.sh VENV IMPORTS PACKAGE..." >&2
    exit 2
fi
venv="$1"
imports="$2"
shift 2

# -I isolates every Python call from the caller's folder and user site, so no stray module
# there can shadow a package or satisfy the check.
if "$venv/bin/python" -I -c "import $imports" 2>/dev/null; then
    exit 0
fi
echo "venv: setting up $venv (delete it to start afresh) ..."
[[ -x "$venv/bin/python" ]] || "${PYTHON:-python3}" -I -m venv "$venv"
"$venv/bin/python" -I -m pip install --quiet --disable-pip-version-check "$@"
