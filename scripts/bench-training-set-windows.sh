#!/usr/bin/env bash
# Issue 15's training-set figure: `larder training-set --service rides_windows` (the rides features plus the window
# aggregates of driver_trips and customer_trips over trips.parquet) against ../shared/bench/oracle_windows.py
# (DuckDB, the same training set plus last3_fares), same data, runs alternating; wall time, CPU time (user + sys)
# and peak RSS per run, medians and ratios at the end, then a value-by-value comparison of the last outputs
# (last3_fares dropped from the oracle's: rides_windows does not hold list features yet).
# Usage: scripts/bench-training-set-windows.sh [S|M] [RUNS]   (release build; .venv with numpy, pyarrow, duckdb)
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-M}; runs=${2:-3}
data=bench-data/$scale
[ -f "$data/trips.parquet" ] || .venv/bin/python ../shared/bench/gen_data.py --scale "$scale" --no-csv "$data"
swift build -c release --scratch-path .build-release --product larder >/dev/null
larder=$(swift build -c release --scratch-path .build-release --show-bin-path)/larder
work=$(mktemp -d "${TMPDIR:-/tmp}/larder-bench.XXXXXX"); trap 'rm -rf "$work"' EXIT
export LARDER_HOME="$work/state" LARDER_DATA="$data"
"$larder" apply >/dev/null
"$larder" materialize --start 2025-12-01T00:00:00Z --end 2026-03-01T00:00:00Z --offline-only >/dev/null
. scripts/lib/paired-runs.sh
engine() {
  case $1 in
    larder) timed larder "$larder" training-set --entities "$data/orders.parquet" --service rides_windows --out "$work/larder.parquet" ;;
    duckdb) timed duckdb .venv/bin/python ../shared/bench/oracle_windows.py "$data" "$work/oracle.parquet" ;;
  esac
}
alternate "$runs" larder duckdb engine
summarize larder duckdb
.venv/bin/python - "$work/oracle.parquet" <<'PY'
import sys, pyarrow.parquet as pq
pq.write_table(pq.read_table(sys.argv[1]).drop(["last3_fares"]), sys.argv[1])
PY
.venv/bin/python ../shared/bench/compare.py "$work/larder.parquet" "$work/oracle.parquet"
