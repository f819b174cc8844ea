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
measure() { # larder|duckdb -> "name wall_s cpu_s rss_mib"
  if [ "$1" = larder ]; then
    set -- larder "$larder" training-set --entities "$data/orders.parquet" --service rides_windows --out "$work/larder.parquet"
  else
    set -- duckdb .venv/bin/python ../shared/bench/oracle_windows.py "$data" "$work/oracle.parquet"
  fi
  local name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
  read -r wall user sys rss < "$work/time"
  echo "$name $wall $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') $((rss / 1024))"
}
echo "run engine wall_s cpu_s peak_rss_mib" | tee "$work/runs"
for run in $(seq 1 "$runs"); do
  if (( run % 2 )); then order="larder duckdb"; else order="duckdb larder"; fi
  for engine in $order; do echo "$run $(measure "$engine")" | tee -a "$work/runs"; done
done
.venv/bin/python - "$work" <<'PY'
import statistics, sys
work = sys.argv[1]
rows = [line.split() for line in open(f"{work}/runs").read().splitlines()[1:]]
med = {e: [statistics.median(float(r[i]) for r in rows if r[1] == e) for i in (2, 3, 4)] for e in ("larder", "duckdb")}
for e, (wall, cpu, rss) in med.items():
    print(f"median {e:<7} wall {wall:.2f} s  cpu {cpu:.2f} s  peak RSS {rss:.0f} MiB")
a, b = med["larder"], med["duckdb"]
print(f"larder / duckdb: wall {a[0] / b[0]:.3f}  cpu {a[1] / b[1]:.3f}  peak RSS {a[2] / b[2]:.3f}")
PY
.venv/bin/python - "$work/oracle.parquet" <<'PY'
import sys, pyarrow.parquet as pq
pq.write_table(pq.read_table(sys.argv[1]).drop(["last3_fares"]), sys.argv[1])
PY
.venv/bin/python ../shared/bench/compare.py "$work/larder.parquet" "$work/oracle.parquet"
