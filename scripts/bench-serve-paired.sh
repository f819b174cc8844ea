#!/usr/bin/env bash
# Issue 5's 1-row figure, interleaved: ROUNDS rounds of redis-benchmark -c 16 HMGET (before and after), the
# Redis round-trip ceiling (`HTTPCeilingBenchmark nio-redis`: a bare SwiftNIO echo answering after the two HMGETs
# a 1-row lookup makes) and `larder serve` answering online.lua 1 row, each under wrk -t2 -c16. Each round prints
# both ratios to that round's mean redis-benchmark figure, so a load change on the shared machine between
# measurements moves all three together rather than skewing one ratio. Scale S, materialized, ending now.
# Usage: scripts/bench-serve-paired.sh [ROUNDS] [SECONDS]   (release build; wrk, redis-server, redis-benchmark)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-4}
seconds=${2:-6}
if [ -z "${LARDER_BENCH_INNER:-}" ]; then exec env LARDER_BENCH_INNER=1 scripts/with-private-redis.sh "$0" "$@"; fi
swift build -c release --scratch-path .build-release --product larder >/dev/null
swift build -c release --scratch-path .build-release --product HTTPCeilingBenchmark >/dev/null
bin=$(swift build -c release --scratch-path .build-release --show-bin-path)
work=$(mktemp -d "${TMPDIR:-/tmp}/larder-paired.XXXXXX")
export LARDER_HOME="$work/state" LARDER_DATA="$work/data"
"$bin/larder" demo-data --scale S "$LARDER_DATA" >/dev/null
"$bin/larder" apply >/dev/null
"$bin/larder" materialize --online-only --start "$(date -u -d '40 days ago' +%Y-%m-%dT00:00:00Z)" --end "$(date -u -d tomorrow +%Y-%m-%dT00:00:00Z)" >/dev/null
hostport=${LARDER_REDIS_URL#redis://}; hostport=${hostport%%/*}; rhost=${hostport%:*}; rport=${hostport##*:}
redis-cli -h "$rhost" -p "$rport" hset bench:hash f1 1 f2 2 f3 3 f4 4 f5 5 f6 6 f7 7 >/dev/null
port=$(( 20000 + RANDOM % 20000 ))
"$bin/larder" serve --port "$port" --no-scheduler >"$work/serve.log" 2>&1 &
server=$!
"$bin/HTTPCeilingBenchmark" nio-redis "$(( port + 1 ))" "$LARDER_REDIS_URL" >/dev/null 2>&1 &
ceiling=$!
trap 'kill $server $ceiling 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/ready" >/dev/null && curl -sf "http://127.0.0.1:$(( port + 1 ))/" >/dev/null && break
  sleep 0.1
done
redis_rps() {
  redis-benchmark -h "$rhost" -p "$rport" -c 16 -n 500000 -q hmget bench:hash f1 f2 f3 f4 f5 f6 f7 |
    tr '\r' '\n' | awk '/requests per second/ {print $(NF-5)}' | tail -1
}
wrk_rps() { wrk -t2 -c16 -d"${seconds}s" -s ../shared/bench/online.lua "$1" -- 1 | awk '/Requests\/sec/ {print $2}'; }
echo "round  redis-benchmark (before/after)  ceiling req/s (x)  larder 1 row req/s (x, of ceiling)"
for round in $(seq 1 "$rounds"); do
  before=$(redis_rps)
  ceiling_rps=$(wrk_rps "http://127.0.0.1:$(( port + 1 ))/")
  larder_rps=$(wrk_rps "http://127.0.0.1:$port/get-online-features")
  after=$(redis_rps)
  awk -v r="$round" -v b="$before" -v a="$after" -v c="$ceiling_rps" -v l="$larder_rps" 'BEGIN {
    m = (b + a) / 2
    printf "%5d  %.0f / %.0f  %.0f (%.3fx)  %.0f (%.3fx, %.2f)\n", r, b, a, c, c / m, l, l / m, l / c }'
done
