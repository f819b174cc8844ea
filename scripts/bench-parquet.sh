#!/usr/bin/env bash
# Parquet read/write benchmark: Larder vs pyarrow on gen_data.py scale M driver_stats.parquet, same run.
#
#   scripts/bench-parquet.sh [RUNS]        (default 3 runs each; medians reported)
#
# Needs python3 (a venv with numpy + pyarrow is created in .venv if missing) and /usr/bin/time.
# Data is generated once into data/M (gitignored).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
VENV=${BENCH_VENV:-.venv}
GEN=${GEN_DATA:-/work/shared/bench/gen_data.py}
DATA=data/M
FILE=$DATA/driver_stats.parquet
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q numpy pyarrow
fi
PY="$VENV/bin/python"
if [ ! -f "$FILE" ]; then
    mkdir -p "$DATA"
    "$PY" "$GEN" --scale M --no-csv "$DATA"
fi
swift build -c release --product ColumnarBenchmark >/dev/null
BENCH=.build/release/ColumnarBenchmark

# measure LABEL CMD... -> prints "LABEL wall_s rss_mib cpu_s" using /usr/bin/time -v (whole process).
measure() {
    local label=$1; shift
    local log; log=$(mktemp)
    /usr/bin/time -v "$@" >/dev/null 2>"$log"
    local wall rss cpu
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$log")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$log")
    cpu=$(awk -F': ' '/User time|System time/ {s+=$2} END {print s}' "$log")
    rm -f "$log"
    echo "$label $wall $rss $cpu"
}

PA_READ='import sys, pyarrow.parquet as pq; pq.read_table(sys.argv[1])'
PA_WRITE='import sys, pyarrow.parquet as pq; t = pq.read_table(sys.argv[1]); pq.write_table(t, sys.argv[2], compression="zstd")'
PA_LOAD='import sys, pyarrow.parquet as pq; t = pq.read_table(sys.argv[1])'

results=$(mktemp)
for _ in $(seq "$RUNS"); do
    measure pyarrow_read "$PY" -c "$PA_READ" "$FILE" >>"$results"
    measure larder_read "$BENCH" read "$FILE" >>"$results"
    measure pyarrow_load "$PY" -c "$PA_LOAD" "$FILE" >>"$results"
    measure pyarrow_load_write "$PY" -c "$PA_WRITE" "$FILE" "$OUT/pa.parquet" >>"$results"
    measure larder_load "$BENCH" read "$FILE" >>"$results"
    measure larder_load_write "$BENCH" write "$FILE" "$OUT/larder.parquet" zstd >>"$results"
done
# In-process timings (excluding interpreter/process start-up) for the same operations.
inproc=$("$PY" - "$FILE" "$OUT/pa2.parquet" <<'PYEOF'
import sys, time, pyarrow.parquet as pq
f, out = sys.argv[1], sys.argv[2]
r, w = [], []
for _ in range(3):
    t0 = time.perf_counter(); t = pq.read_table(f); r.append(time.perf_counter() - t0)
    t0 = time.perf_counter(); pq.write_table(t, out, compression="zstd"); w.append(time.perf_counter() - t0)
print(sorted(r)[1], sorted(w)[1])
PYEOF
)
larder_inproc_read=$("$BENCH" read "$FILE" 3 | awk '{print $(NF-8)}' | sort -n | sed -n 2p)
larder_inproc_write=$("$BENCH" write "$FILE" "$OUT/l2.parquet" zstd | awk '{print $(NF-8)}')
rm -f "$OUT"/*.parquet

"$PY" - "$results" "$inproc" "$larder_inproc_read" "$larder_inproc_write" <<'PYEOF'
import sys, statistics, collections, pyarrow
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, wall, rss, cpu = line.split()
    rows[label].append((float(wall), float(rss), float(cpu)))
med = {k: tuple(statistics.median(x[i] for x in v) for i in range(3)) for k, v in rows.items()}
pa_r, pa_w = map(float, sys.argv[2].split())
l_r, l_w = float(sys.argv[3]), float(sys.argv[4])
# Write time of a whole process = load+write minus load alone.
pw = med["pyarrow_load_write"][0] - med["pyarrow_load"][0]
lw = med["larder_load_write"][0] - med["larder_load"][0]
import os
print(f"pyarrow {pyarrow.__version__}; {len(next(iter(rows.values())))} runs, medians; driver_stats.parquet scale M; "
      f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (CPU seconds are steadier than wall on a shared machine)")
print(f"{'':28}{'pyarrow':>12}{'larder':>12}{'ratio':>8}")
print(f"{'read, process wall (s)':28}{med['pyarrow_read'][0]:12.3f}{med['larder_read'][0]:12.3f}{med['larder_read'][0]/med['pyarrow_read'][0]:8.2f}")
print(f"{'read, in-process (s)':28}{pa_r:12.3f}{l_r:12.3f}{l_r/pa_r:8.2f}")
print(f"{'read, peak RSS (MiB)':28}{med['pyarrow_read'][1]:12.0f}{med['larder_read'][1]:12.0f}{med['larder_read'][1]/med['pyarrow_read'][1]:8.2f}")
print(f"{'zstd write, process Δ (s)':28}{pw:12.3f}{lw:12.3f}{lw/pw:8.2f}")
print(f"{'zstd write, in-process (s)':28}{pa_w:12.3f}{l_w:12.3f}{l_w/pa_w:8.2f}")
print(f"{'read, process CPU (s)':28}{med['pyarrow_read'][2]:12.3f}{med['larder_read'][2]:12.3f}{med['larder_read'][2]/med['pyarrow_read'][2]:8.2f}")
pwc = med["pyarrow_load_write"][2] - med["pyarrow_load"][2]
lwc = med["larder_load_write"][2] - med["larder_load"][2]
print(f"{'zstd write, process CPU Δ (s)':28}{pwc:12.3f}{lwc:12.3f}{lwc/pwc:8.2f}")
print(f"{'read+write peak RSS (MiB)':28}{med['pyarrow_load_write'][1]:12.0f}{med['larder_load_write'][1]:12.0f}{med['larder_load_write'][1]/med['pyarrow_load_write'][1]:8.2f}")
PYEOF
rm -f "$results"
