#!/usr/bin/env bash
# Issue 5's figures: `larder serve` under wrk with ../shared/bench/online.lua (1 and 100 rows per request,
# 2 threads, 16 connections) beside redis-benchmark HMGET of a 7-field hash (plain and -P 16) and two HTTP
# ceilings (Benchmarks/HTTPCeilingBenchmark: bare SwiftNIO and bare Hummingbird echoing the same body, and the
# SwiftNIO echo after a lookup's Redis round trip), same run,
# scale S materialized, data ending at the current hour; then the 1-row lookup again through the router
# (`--lookups-through-router`). Prints requests/s, latency percentiles, the
# server's CPU time per request and RSS.
# Usage: scripts/bench-serve.sh [SECONDS]   (release build; wrk, redis-server, redis-benchmark)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
if [ -z "${LARDER_BENCH_INNER:-}" ]; then exec env LARDER_BENCH_INNER=1 scripts/with-private-redis.sh "$0" "$@"; fi
swift build -c release --scratch-path .build-release --product larder >/dev/null
swift build -c release --scratch-path .build-release --product HTTPCeilingBenchmark >/dev/null
bin=$(swift build -c release --scratch-path .build-release --show-bin-path)
larder=$bin/larder
work=$(mktemp -d "${TMPDIR:-/tmp}/larder-serve.XXXXXX")
export LARDER_HOME="$work/state" LARDER_DATA="$work/data"
"$larder" demo-data --scale S "$LARDER_DATA" >/dev/null
"$larder" apply >/dev/null
"$larder" materialize --start "$(date -u -d '40 days ago' +%Y-%m-%dT00:00:00Z)" --end "$(date -u -d tomorrow +%Y-%m-%dT00:00:00Z)" >/dev/null
port=$(( 20000 + RANDOM % 20000 ))
"$larder" serve --port "$port" --no-scheduler >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.1; done
hostport=${LARDER_REDIS_URL#redis://}; rhost=${hostport%:*}; rport=${hostport##*:}
redis-cli -h "$rhost" -p "$rport" hset bench:hash f1 1 f2 2 f3 3 f4 4 f5 5 f6 6 f7 7 >/dev/null
echo "== redis-benchmark -c 16 HMGET (7 fields)"
redis-benchmark -h "$rhost" -p "$rport" -c 16 -n 400000 -q hmget bench:hash f1 f2 f3 f4 f5 f6 f7
echo "== redis-benchmark -c 16 -P 16 HMGET"
redis-benchmark -h "$rhost" -p "$rport" -c 16 -P 16 -n 2000000 -q hmget bench:hash f1 f2 f3 f4 f5 f6 f7
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime + stime, clock ticks
tick=$(getconf CLK_TCK)
# One wrk run; prints its figures and the server's CPU time per request (less noisy than requests/s on
# shared cores: it does not count the time the server waits for a core).
measure() {
  local pid=$1 label=$2; shift 2
  echo "== $label"
  local before out requests
  before=$(cpu "$pid")
  out=$(wrk -t2 -c16 -d"${seconds}s" --latency "$@")
  echo "$out" | grep -E "Requests/sec|Latency|50%|99%|Non-2xx|requests in"
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  echo "server CPU per request: $(( ($(cpu "$pid") - before) * 1000000 / tick / requests )) us"
  echo "server RSS: $(( $(awk '/VmRSS/ {print $2}' /proc/$pid/status) / 1024 )) MiB"
}
# The ceilings, same body, no lookup: a bare SwiftNIO handler and a bare Hummingbird route echoing it, and
# the SwiftNIO handler answering only after the Redis round trip a 1-row lookup makes (two HMGETs).
for mode in nio nio-redis hummingbird; do
  ceiling_port=$(( port + 1 ))
  "$bin/HTTPCeilingBenchmark" "$mode" "$ceiling_port" "$LARDER_REDIS_URL" >/dev/null 2>&1 &
  ceiling=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$ceiling_port/" >/dev/null && break; sleep 0.1; done
  measure "$ceiling" "wrk -t2 -c16 -d${seconds}s online.lua 1 row against a bare $mode server echoing the body (ceiling)" \
    -s ../shared/bench/online.lua "http://127.0.0.1:$ceiling_port/" -- 1
  kill "$ceiling"; wait "$ceiling" 2>/dev/null || true
done
measure "$server" "wrk -t2 -c16 -d${seconds}s GET /health (larder's router and metrics, no lookup)" "http://127.0.0.1:$port/health"
for rows in 1 100; do
  measure "$server" "wrk -t2 -c16 -d${seconds}s online.lua $rows row(s)" -s ../shared/bench/online.lua "http://127.0.0.1:$port/get-online-features" -- "$rows"
done
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^larder_feature_values_total|^larder_redis_errors' || true
# The same 1-row lookup through Hummingbird's router (the path before lookups moved onto the event loop).
routed_port=$(( port + 2 ))
"$larder" serve --port "$routed_port" --no-scheduler --lookups-through-router >"$work/serve-routed.log" 2>&1 &
routed=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$routed_port/ready" >/dev/null && break; sleep 0.1; done
measure "$routed" "wrk -t2 -c16 -d${seconds}s online.lua 1 row, larder serve --lookups-through-router" \
  -s ../shared/bench/online.lua "http://127.0.0.1:$routed_port/get-online-features" -- 1
kill "$routed"; wait "$routed" 2>/dev/null || true
