#!/usr/bin/env bash
# Issue 4's figures: `larder materialize` of all the rides data and `larder training-set` of the rides
# service, whole process, against pyarrow (read the sources + write them back as ZSTD) and DuckDB's
# point-in-time join (oracle_duckdb.py) on the same data in the same run; wall time and peak RSS.
# Usage: scripts/bench-training-set.sh [S|M] [RUNS]   (release build; .venv with numpy, pyarrow, duckdb)
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-M}; runs=${2:-3}
bench=../shared/bench
data=bench-data/$scale
[ -f "$data/orders.parquet" ] || .venv/bin/python "$bench/gen_data.py" --scale "$scale" --no-csv "$data"
swift build -c release --scratch-path .build-release --product larder >/dev/null
larder=$(swift build -c release --scratch-path .build-release --show-bin-path)/larder
work=$(mktemp -d "${TMPDIR:-/tmp}/larder-bench.XXXXXX"); trap 'rm -rf "$work"' EXIT
export LARDER_HOME="$work/state" LARDER_DATA="$data"
measure() { # label command... -> "label wall_s rss_mib"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
  read -r wall rss < "$work/time"; echo "$label $wall $((rss / 1024))"
}
"$larder" apply >/dev/null
echo "run label wall_s peak_rss_mib"
for run in $(seq 1 "$runs"); do
  echo "$run $(measure larder-materialize "$larder" materialize --start 2025-12-01T00:00:00Z --end 2026-03-01T00:00:00Z --offline-only)"
  echo "$run $(measure pyarrow-read-write .venv/bin/python -c "
import pyarrow.parquet as pq, sys
for n in ('driver_stats', 'customer_stats'):
    pq.write_table(pq.read_table('$data/' + n + '.parquet'), '$work/' + n + '.zstd.parquet', compression='zstd')")"
  echo "$run $(measure larder-training-set "$larder" training-set --entities "$data/orders.parquet" --service rides --out "$work/larder.parquet")"
  echo "$run $(measure duckdb-oracle .venv/bin/python "$bench/oracle_duckdb.py" "$data" "$work/oracle.parquet")"
done
.venv/bin/python "$bench/compare.py" "$work/larder.parquet" "$work/oracle.parquet"
