#!/usr/bin/env bash
# Issue 14's training-set figure: `larder training-set` of service rides_plus (rides' six features, driver_stats'
# quality from the clip_rates transform, and trip_request's two on-demand features computed from the entity
# file's distance_km column) against the same of service rides, same entity file, same offline store, same run.
# The entity file is gen_data.py's orders with a seeded distance_km column. Runs alternate rides, rides_plus,
# rides_plus, rides …; wall time, CPU time (user + sys) and peak RSS per run, medians and ratios at the end.
# Usage: scripts/bench-training-set-plus.sh [S|M] [RUNS]   (release build; .venv with numpy and pyarrow)
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-M}; runs=${2:-4}
data=bench-data/$scale
[ -f "$data/orders.parquet" ] || .venv/bin/python ../shared/bench/gen_data.py --scale "$scale" --no-csv "$data"
[ -f "$data/trip_requests.parquet" ] || .venv/bin/python -c "
import numpy as np, pyarrow as pa, pyarrow.parquet as pq
orders = pq.read_table('$data/orders.parquet')
rng = np.random.default_rng(14)
distance = np.round(rng.uniform(0.05, 40.0, orders.num_rows), 2)
pq.write_table(orders.append_column('distance_km', pa.array(distance, pa.float64())), '$data/trip_requests.parquet', compression='zstd')"
swift build -c release --scratch-path .build-release --product larder >/dev/null
larder=$(swift build -c release --scratch-path .build-release --show-bin-path)/larder
work=$(mktemp -d "${TMPDIR:-/tmp}/larder-bench.XXXXXX"); trap 'rm -rf "$work"' EXIT
export LARDER_HOME="$work/state" LARDER_DATA="$data"
"$larder" apply >/dev/null
"$larder" materialize --start 2025-12-01T00:00:00Z --end 2026-03-01T00:00:00Z --offline-only >/dev/null
. scripts/lib/paired-runs.sh
service() { timed "$1" "$larder" training-set --entities "$data/trip_requests.parquet" --service "$1" --out "$work/$1.parquet"; }
alternate "$runs" rides_plus rides service
summarize rides_plus rides
.venv/bin/python - "$work" <<'PY'
import sys, pyarrow.parquet as pq
work = sys.argv[1]
plus, rides = pq.read_table(f"{work}/rides_plus.parquet"), pq.read_table(f"{work}/rides.parquet")
print(f"rows: rides {rides.num_rows}, rides_plus {plus.num_rows}; rides_plus columns: {', '.join(plus.column_names)}")
assert plus.num_rows == rides.num_rows
for name in rides.column_names:
    assert plus.column(name).equals(rides.column(name)), f"column {name} differs between the two training sets"
print("rides' columns are equal in both training sets")
PY
