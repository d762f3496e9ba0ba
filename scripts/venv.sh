#!/usr/bin/env bash
# Makes a Python virtual environment outside git with pinned packages; shared by
# benches/peers/setup.sh and notebooks/run.sh.
#
#   scripts/venv.sh VENV IMPORTS PACKAGE...
#   scripts/venv.sh bench-data/venv 'sklearn, nltk' scikit-learn==1.9.1 nltk==3.10.4
#
# Idempotent: when VENV was set up with exactly these PACKAGEs (a stamp file records them)
# and the comma-separated modules IMPORTS all import, nothing is done. Otherwise VENV is
# created with $PYTHON (default python3) if it has no Python, and the PACKAGEs are installed,
# so changing a pin in a caller reinstalls rather than silently measuring old versions.
set -euo pipefail

if (($# < 3)); then
    echo "usage: scripts/venv.sh VENV IMPORTS PACKAGE..." >&2
    exit 2
fi
venv="$1"
imports="$2"
shift 2
# IMPORTS goes into Python source below: module names only.
if [[ ! "$imports" =~ ^[A-Za-z0-9_.,\ ]+$ ]]; then
    echo "scripts/venv.sh: IMPORTS must be module names separated by commas: $imports" >&2
    exit 2
fi
stamp="$venv/.thematic-pins"

# -I isolates every Python call from the caller's folder and user site, so no stray module
# there can shadow a package or satisfy the check.
if [[ "$(cat "$stamp" 2>/dev/null)" == "$*" ]] \
    && "$venv/bin/python" -I -c "import $imports" 2>/dev/null; then
    exit 0
fi
echo "venv: setting up $venv (delete it to start afresh) ..."
[[ -x "$venv/bin/python" ]] || "${PYTHON:-python3}" -I -m venv "$venv"
"$venv/bin/python" -I -m pip install --quiet --disable-pip-version-check "$@"
echo "$*" > "$stamp"
