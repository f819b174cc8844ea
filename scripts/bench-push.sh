#!/usr/bin/env bash
# Issue 6's push figure: rows/s into Redis through `POST /push` with 100-row bodies (wrk -t2 -c16), beside
# redis-benchmark's pipelined HSET rate (-c 16 -P 16) on the same private Redis in the same run.
# Usage: scripts/bench-push.sh [SECONDS]   (release build; wrk, redis-server, redis-benchmark)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
if [ -z "${LARDER_BENCH_INNER:-}" ]; then exec env LARDER_BENCH_INNER=1 scripts/with-private-redis.sh "$0" "$@"; fi
swift build -c release --scratch-path .build-release --product larder >/dev/null 2>&1
larder=$(swift build -c release --scratch-path .build-release --show-bin-path)/larder
work=$(mktemp -d "${TMPDIR:-/tmp}/larder-push.XXXXXX")
export LARDER_HOME="$work/state" LARDER_DATA="$work/data"
"$larder" apply >/dev/null
port=$(( 20000 + RANDOM % 20000 ))
"$larder" serve --port "$port" --no-scheduler >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.1; done
cat > "$work/push.lua" <<'LUA'
-- 100 driver rows per body; event times increase per request so every write is newer.
local n = 0
function request()
  n = n + 1
  local ids, ts, rates, trips = {}, {}, {}, {}
  local base = 1767225600000000 + n * 1000000
  for i = 1, 100 do
    ids[i] = math.random(1000, 1999); ts[i] = base + i; rates[i] = string.format("%.4f", math.random())
    trips[i] = math.random(0, 999)
  end
  local body = '{"feature_view":"driver_stats","to":"online","df":{"driver_id":[' .. table.concat(ids, ",") ..
    '],"event_timestamp":[' .. table.concat(ts, ",") .. '],"conv_rate":[' .. table.concat(rates, ",") ..
    '],"acc_rate":[' .. table.concat(rates, ",") .. '],"avg_daily_trips":[' .. table.concat(trips, ",") .. ']}}'
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
LUA
hostport=${LARDER_REDIS_URL#redis://}; hostport=${hostport%/*}; rhost=${hostport%:*}; rport=${hostport##*:}
echo "== redis-benchmark -c 16 -P 16 HSET (random keys, 5 fields)"
redis-benchmark -h "$rhost" -p "$rport" -c 16 -P 16 -n 2000000 -r 100000 -q hset "bench:__rand_int__" f1 1 f2 2 f3 3 f4 4 f5 5 | tr '\r' '\n' | tail -1
echo "== wrk -t2 -c16 -d${seconds}s POST /push, 100 rows per body"
wrk -t2 -c16 -d"${seconds}s" --latency -s "$work/push.lua" "http://127.0.0.1:$port/push" | grep -E "Requests/sec|50%|99%|Non-2xx"
