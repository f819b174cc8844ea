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
measure() { # service -> "service wall_s cpu_s rss_mib"
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$larder" training-set --entities "$data/trip_requests.parquet" \
    --service "$1" --out "$work/$1.parquet" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
  read -r wall user sys rss < "$work/time"
  echo "$1 $wall $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') $((rss / 1024))"
}
echo "run service wall_s cpu_s peak_rss_mib" | tee "$work/runs"
for run in $(seq 1 "$runs"); do
  if (( run % 2 )); then order="rides rides_plus"; else order="rides_plus rides"; fi
  for service in $order; do echo "$run $(measure "$service")" | tee -a "$work/runs"; done
done
.venv/bin/python - "$work" <<'PY'
import statistics, sys, pyarrow.parquet as pq
work = sys.argv[1]
rows = [line.split() for line in open(f"{work}/runs").read().splitlines()[1:]]
med = {s: [statistics.median(float(r[i]) for r in rows if r[1] == s) for i in (2, 3, 4)] for s in ("rides", "rides_plus")}
for s, (wall, cpu, rss) in med.items():
    print(f"median {s:<10} wall {wall:.2f} s  cpu {cpu:.2f} s  peak RSS {rss:.0f} MiB")
a, b = med["rides"], med["rides_plus"]
print(f"rides_plus / rides: wall {b[0] / a[0]:.3f}  cpu {b[1] / a[1]:.3f}  peak RSS {b[2] / a[2]:.3f}")
plus, rides = pq.read_table(f"{work}/rides_plus.parquet"), pq.read_table(f"{work}/rides.parquet")
print(f"rows: rides {rides.num_rows}, rides_plus {plus.num_rows}; rides_plus columns: {', '.join(plus.column_names)}")
assert plus.num_rows == rides.num_rows
for name in rides.column_names:
    assert plus.column(name).equals(rides.column(name)), f"column {name} differs between the two training sets"
print("rides' columns are equal in both training sets")
PY
