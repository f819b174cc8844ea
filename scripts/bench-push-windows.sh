#!/usr/bin/env bash
# Issue 15's push figure: raw trips pushed to `POST /push` (push source trips → driver_trips and customer_trips
# tiles, and the offline store) at RATE events/s for SECONDS, while wrk looks up rides_windows (1 row) on the
# same server; then the oracle check: rides_windows looked up for 200 (driver, customer) pairs equals
# oracle_windows.py (DuckDB) over the source trips plus every pushed event, value by value.
# Scale S materialized (offline and online), data ending now. Release build; wrk, redis-server, and a venv with
# numpy, pyarrow, duckdb at $VENV (default .venv, made if missing).
# Usage: scripts/bench-push-windows.sh [SECONDS] [RATE]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
rate=${2:-10000}
venv=${VENV:-.venv}
if [ -z "${LARDER_BENCH_INNER:-}" ]; then exec env LARDER_BENCH_INNER=1 scripts/with-private-redis.sh "$0" "$@"; fi
[ -x "$venv/bin/python" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q numpy pyarrow duckdb; }
swift build -c release --scratch-path .build-release --product larder >/dev/null
bin=$(swift build -c release --scratch-path .build-release --show-bin-path)
work=$(mktemp -d "${TMPDIR:-/tmp}/larder-push-windows.XXXXXX")
export LARDER_HOME="$work/state" LARDER_DATA="$work/data"
"$bin/larder" demo-data --scale S "$LARDER_DATA" >/dev/null
"$bin/larder" apply >/dev/null
# Up to this minute: the data runs into the future, and online tiles hold only events before their build.
end=$(date -u +%Y-%m-%dT%H:%M:00Z)
"$bin/larder" materialize --start "$(date -u -d '40 days ago' +%Y-%m-%dT00:00:00Z)" --end "$end" >/dev/null
port=$(( 20000 + RANDOM % 20000 ))
"$bin/larder" serve --port "$port" --no-scheduler >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.1; done
echo "pushing $rate events/s for ${seconds}s with rides_windows lookups running (wrk -t1 -c4)"
wrk -t1 -c4 -d"$(( ${seconds%.*} + 2 ))s" --latency -s scripts/bench-service.lua "http://127.0.0.1:$port/get-online-features" -- rides_windows 1 >"$work/wrk.txt" &
lookups=$!
"$venv/bin/python" scripts/push_windows.py load "http://127.0.0.1:$port" "$seconds" "$rate" "$work/events.jsonl"
wait $lookups
echo "lookups meanwhile: $(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt") req/s, p99 $(awk '$1 == "99%" {print $2}' "$work/wrk.txt"), non-2xx $(awk '/Non-2xx/ {print $NF}' "$work/wrk.txt" | grep . || echo 0), socket errors: $(grep -c 'Socket errors' "$work/wrk.txt" || true)"
grep -q 'Non-2xx' "$work/wrk.txt" && { echo "FAIL: lookups answered errors"; exit 1; }
"$venv/bin/python" scripts/push_windows.py check "http://127.0.0.1:$port" "$LARDER_DATA" "$work/events.jsonl" "$work/oracle" "$end"
