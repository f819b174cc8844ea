#!/usr/bin/env bash
# Peak memory of `larder inspect` on the issue's amplification file (one 1 MiB dictionary string
# referenced by 200,000 rows: a few KB that decode to 200 GB), for this build and optionally a peer
# build (e.g. main's), each capped at 6 GiB of address space so a reader that trusts the file fails
# inside the cap instead of taking the machine.
#
#   scripts/bench-hostile-rss.sh [PEER_LARDER_BINARY]
#
# Needs /usr/bin/time and prlimit; the file is written with pyarrow (a .venv is made if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
PEER=${1:-}
VENV=${BENCH_VENV:-.venv}
DIR=data/hostile
FILE=$DIR/dictionary-1MiB-x200000.parquet
CAP=$((6 << 30))
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q numpy pyarrow
fi
mkdir -p "$DIR"
[ -f "$FILE" ] || "$VENV/bin/python" scripts/hostile-parquet.py "$FILE" 200000
swift build -c release --scratch-path .build-release --product larder >/dev/null
echo "file: $FILE ($(stat -c %s "$FILE") bytes); address space capped at $((CAP >> 30)) GiB; $(nproc) cores"

# measure LABEL BINARY: exit status, wall seconds, peak RSS and the last line of stderr.
measure() {
    local label=$1 binary=$2 log err status
    log=$(mktemp); err=$(mktemp)
    set +e
    /usr/bin/time -v -o "$log" prlimit --as=$CAP -- "$binary" inspect --rows 1 "$FILE" >/dev/null 2>"$err"
    status=$?
    set -e
    local rss wall signal
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$log")
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$log")
    signal=$(awk -F': ' '/terminated by signal/ {print $2}' "$log")
    printf '%-8s exit %s%s, %s s, peak RSS %s MiB\n' "$label" "$status" "${signal:+ (signal $signal)}" "$wall" "$rss"
    echo "         $(tail -n 1 "$err" | cut -c1-400)"
    rm -f "$log" "$err"
}
[ -n "$PEER" ] && measure peer "$PEER"
measure larder .build-release/release/larder
