#!/usr/bin/env bash
# Prepare the local BigQuery emulator (bqemulator) in its own venv, offline apart from PyPI.
#
#   tools/bqemulator/setup.sh            # create or update; a no-op (< 0.1 s) when up to date
#
# Environment:
#   BQEMU_VENV  where the venv goes (default: <repo>/.bqemulator-venv)
#   BQEMU_HOME  the HOME whose ~/.duckdb/extensions get the DuckDB extension files
#               (default: $BQEMU_VENV/home; the test fixture links its per-run HOME to it)
#   PYTHON      the Python to build the venv from (default: python3; never downloaded)
#
# Why a separate venv: bqemulator needs duckdb 1.5.x, the project uses duckdb 2.x. The pinned
# set is tools/bqemulator/requirements.txt (compiled from requirements.in). DuckDB would
# download its `spatial` and `avro` extensions at start-up (and fail offline): the same files
# ship on PyPI as duckdb-extension-*, and are copied to where DuckDB looks for them.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${BQEMU_VENV:-$repo/.bqemulator-venv}"
ext_home="${BQEMU_HOME:-$venv/home}"
python="${PYTHON:-python3}"
requirements="$here/requirements.txt"
stamp="$venv/.bqemulator-ready"
export UV_PYTHON_DOWNLOADS=never
export UV_PYTHON_PREFERENCE=only-system

# What the stamp records: the pinned set, this script and the HOME the extensions went to.
want="$(cat "$requirements" "${BASH_SOURCE[0]}" | sha256sum | cut -d' ' -f1) $ext_home"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$venv/bin/bqemulator" ]]; then
    exit 0
fi

mkdir -p "$venv"
# One setup at a time (two test sessions may start together on a clean machine).
exec 9>"$venv/.setup.lock"
if command -v flock >/dev/null; then flock 9; fi
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$venv/bin/bqemulator" ]]; then
    exit 0
fi

started=$SECONDS
if command -v uv >/dev/null; then
    uv=(uv)
elif "$python" -m uv --version >/dev/null 2>&1; then
    uv=("$python" -m uv)
else
    echo "bqemulator setup: installing uv with pip" >&2
    "$python" -m pip install --quiet uv
    uv=("$python" -m uv)
fi

rm -f "$stamp"
if [[ ! -x "$venv/bin/python" ]]; then
    "${uv[@]}" venv --quiet --allow-existing --python "$python" "$venv"
fi
"${uv[@]}" pip install --quiet --python "$venv/bin/python" -r "$requirements"

# DuckDB looks for extensions in $HOME/.duckdb/extensions/v<version>/<platform>/.
dest="$("$venv/bin/python" - "$ext_home" <<'EOF'
import sys
from pathlib import Path

import duckdb

platform = duckdb.execute("pragma platform").fetchone()[0]
print(Path(sys.argv[1]) / ".duckdb" / "extensions" / f"v{duckdb.__version__}" / platform)
EOF
)"
mkdir -p "$dest"
found=0
for file in "$venv"/lib/python*/site-packages/duckdb_extension_*/extensions/v*/*.duckdb_extension; do
    [[ -f "$file" ]] || continue
    cp -f "$file" "$dest/"
    found=$((found + 1))
done
if ((found < 2)); then
    echo "bqemulator setup: expected the spatial and avro extension files, found $found" >&2
    exit 1
fi

# The emulator starts (its extensions load without a download) before we call it ready.
HOME="$ext_home" "$venv/bin/python" - <<'EOF'
import duckdb

con = duckdb.connect()
for name in ("spatial", "avro"):
    con.execute(f"INSTALL {name}")  # a no-op when the file is in place; a download otherwise
    con.execute(f"LOAD {name}")
EOF

echo "$want" >"$stamp"
echo "bqemulator setup: ready in $venv ($((SECONDS - started)) s)" >&2
