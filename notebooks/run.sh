#!/usr/bin/env bash
# Executes every notebooks/*.ipynb end to end, so the notebooks can never go stale.
#
#   notebooks/run.sh                  # from any folder
#
# - a Python virtual environment outside git, at $NOTEBOOK_VENV (default
#   ~/.cache/thematic-notebooks-venv, made with $NOTEBOOK_PYTHON, default python3), created
#   with nbclient, nbformat, ipykernel and nbconvert on the first run and reused afterwards;
# - `cargo build --release` (a no-op when the binary is up to date), so the notebooks drive the
#   current code: the binary under $CARGO_TARGET_DIR when that is set (a relative one is taken
#   from the repo root, as cargo, run there, takes it), else under target/, handed to the
#   notebooks as $THEMATIC_BIN;
# - each notebook executed by nbconvert into a temporary copy, with a per-cell timeout
#   ($NOTEBOOK_CELL_TIMEOUT seconds, default 600). The committed notebooks are never modified.
#
# Prints one line per notebook and exits non-zero if any cell of any notebook raised.
# The executed copies (with their outputs and charts) are kept in the folder printed at the
# end; the notebooks' own scratch folders are removed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
venv="${NOTEBOOK_VENV:-$HOME/.cache/thematic-notebooks-venv}"
cell_timeout="${NOTEBOOK_CELL_TIMEOUT:-600}"
python="${NOTEBOOK_PYTHON:-python3}"
kernel=thematic-notebooks
# Pinned, so a new venv runs the notebooks with what they were last checked with.
packages=(nbclient==0.11.0 nbformat==5.11.1 ipykernel==7.4.0 nbconvert==7.17.2)

# Work from the repo root, so no stray .py file in the caller's folder shadows a module
# (the Python calls below are also isolated, -I, from the current folder and user site).
cd "$root"

# 1. The virtual environment: created and filled when missing, otherwise reused as it is.
PYTHON="$python" "$root/scripts/venv.sh" "$venv" 'nbclient, nbformat, ipykernel, nbconvert' \
    "${packages[@]}"
# The kernel the notebooks run in: this venv's Python, registered inside the venv so that no
# python3 kernel installed elsewhere on the machine is picked instead.
if [[ ! -f "$venv/share/jupyter/kernels/$kernel/kernel.json" ]]; then
    "$venv/bin/python" -I -m ipykernel install --sys-prefix --name "$kernel" \
        --display-name "Python 3 (thematic notebooks)" >/dev/null
fi

# 2. The release binary the notebooks drive (rebuilt if the sources changed), where cargo puts
# it: made absolute, since the notebooks run in their own folder.
target_dir="${CARGO_TARGET_DIR:-target}"
[[ "$target_dir" == /* ]] || target_dir="$root/$target_dir"
export CARGO_TARGET_DIR="$target_dir"
export THEMATIC_BIN="$target_dir/release/thematic"
[[ -x "$THEMATIC_BIN" ]] || echo "notebooks: building $THEMATIC_BIN (cargo build --release) ..."
cargo build --release --quiet --bin thematic

# 3. Execute each notebook into a temporary copy.
shopt -s nullglob
notebooks=("$here"/*.ipynb)
if ((${#notebooks[@]} == 0)); then
    echo "notebooks: no notebooks in $here" >&2
    exit 1
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/thematic-notebooks.XXXXXX")"
mkdir -p "$work/executed" "$work/scratch" "$work/logs"

failed=0
for nb in "${notebooks[@]}"; do
    name="$(basename "$nb")"
    start=$SECONDS
    # TMPDIR: the notebooks' tempfile.mkdtemp() folders land in $work/scratch.
    if TMPDIR="$work/scratch" "$venv/bin/jupyter" nbconvert --to notebook --execute \
        --ExecutePreprocessor.timeout="$cell_timeout" \
        --ExecutePreprocessor.kernel_name="$kernel" \
        --output-dir "$work/executed" "$nb" >"$work/logs/$name.log" 2>&1; then
        printf 'ok     %-36s %4ds\n' "$name" $((SECONDS - start))
    else
        printf 'FAILED %-36s %4ds\n' "$name" $((SECONDS - start))
        # The failing cell and its traceback as nbconvert reported them (colours removed).
        log="$work/logs/$name.log"
        if grep -q 'CellExecutionError: ' "$log"; then
            sed -n '/CellExecutionError: /,$p' "$log" | head -n 80
        else
            tail -n 30 "$log"
        fi | sed $'s/\x1b\\[[0-9;]*m//g; s/^/    /' || true
        failed=$((failed + 1))
    fi
done

rm -rf "$work/scratch"
echo "executed notebooks: $work/executed"
# The closing line CI reads: "N passed, N failed".
echo "notebooks: $((${#notebooks[@]} - failed)) passed, $failed failed"
if ((failed > 0)); then
    echo "logs: $work/logs" >&2
    exit 1
fi
