#!/usr/bin/env bash
# Generates the rides data with ../shared/bench/gen_data.py, materializes it with larder, builds the
# rides training set, and compares it value by value with ../shared/bench/oracle_duckdb.py.
# Usage: scripts/check-oracle.sh [S|M] [larder binary]   (needs .venv with numpy, pyarrow, duckdb)
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-S}
larder=${2:-$(swift build --show-bin-path)/larder}
bench=../shared/bench
work=$(mktemp -d "${TMPDIR:-/tmp}/larder-oracle.XXXXXX")
trap 'rm -rf "$work"' EXIT
.venv/bin/python "$bench/gen_data.py" --scale "$scale" --no-csv "$work/data" 2>/dev/null
export LARDER_HOME="$work/state" LARDER_DATA="$work/data"
"$larder" apply >/dev/null
"$larder" materialize --start 2025-12-01T00:00:00Z --end 2026-03-01T00:00:00Z --offline-only
"$larder" training-set --entities "$work/data/orders.parquet" --service rides --out "$work/larder.parquet"
.venv/bin/python "$bench/oracle_duckdb.py" "$work/data" "$work/oracle.parquet"
.venv/bin/python "$bench/compare.py" "$work/larder.parquet" "$work/oracle.parquet"
