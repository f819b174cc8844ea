#!/usr/bin/env bash
# The Parquet read of bench-parquet.sh, this build against a peer build of ColumnarBenchmark (e.g. main's,
# before the decoding bounds), interleaved round by round in one run: what the bounds cost.
#
#   scripts/bench-parquet-paired.sh PEER_COLUMNAR_BENCHMARK [ROUNDS]   (default 5 rounds of 3 reads each)
#
# Reports medians of the in-process read time and CPU, and peak RSS, over all reads; data/M as in
# bench-parquet.sh (generated once with gen_data.py).
set -euo pipefail
cd "$(dirname "$0")/.."
PEER=$1
ROUNDS=${2:-5}
FILE=data/M/driver_stats.parquet
[ -f "$FILE" ] || { echo "generate $FILE first (scripts/bench-parquet.sh does)"; exit 1; }
swift build -c release --scratch-path .build-release --product ColumnarBenchmark >/dev/null
OURS=.build-release/release/ColumnarBenchmark
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for round in $(seq "$ROUNDS"); do
    # Alternate which goes first so neither always runs on a warmer page cache.
    if [ $((round % 2)) -eq 0 ]; then order="peer ours"; else order="ours peer"; fi
    for who in $order; do
        bin=$OURS; [ "$who" = peer ] && bin=$PEER
        "$bin" read "$FILE" 3 | awk -v who="$who" '{print who, $(NF-8), $(NF-4), $NF}' >>"$results"
    done
done
python3 - "$results" <<'PYEOF'
import sys, statistics, collections, os
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    who, wall, rss, cpu = line.split()
    rows[who].append((float(wall), float(rss), float(cpu)))
med = {k: [statistics.median(x[i] for x in v) for i in range(3)] for k, v in rows.items()}
print(f"{len(rows['ours'])} reads each, interleaved; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
print(f"{'':26}{'peer':>10}{'this':>10}{'ratio':>8}")
for i, name in enumerate(["read, in process (s)", "peak RSS (MiB)", "read CPU (s)"]):
    print(f"{name:26}{med['peer'][i]:10.3f}{med['ours'][i]:10.3f}{med['ours'][i]/med['peer'][i]:8.3f}")
PYEOF
