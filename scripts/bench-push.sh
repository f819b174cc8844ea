#!/usr/bin/env bash
# `POST /push` with 100-row bodies (wrk -t2 -c16):
#   scripts/bench-push.sh [SECONDS]                    "to": "online" — rows/s into Redis, beside redis-benchmark's
#                                                      pipelined HSET rate (-c 16 -P 16) on the same private Redis
#   scripts/bench-push.sh SECONDS offline [BASELINE]   "to": "offline" — each push answered once its rows are
#                                                      committed; with BASELINE (another `larder` binary, e.g. a release
#                                                      build of an older commit) the same load against it in the same
#                                                      run, alternating (baseline, this, baseline, this), each with a
#                                                      fresh state directory
# Release build; needs wrk, redis-server, redis-benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
to=${2:-online}
baseline=${3:-}
if [ -z "${LARDER_BENCH_INNER:-}" ]; then exec env LARDER_BENCH_INNER=1 scripts/with-private-redis.sh "$0" "$@"; fi
swift build -c release --scratch-path .build-release --product larder >/dev/null 2>&1
larder=$(swift build -c release --scratch-path .build-release --show-bin-path)/larder
work=$(mktemp -d "${TMPDIR:-/tmp}/larder-push.XXXXXX")
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$work"' EXIT
cat > "$work/push.lua" <<LUA
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
  local body = '{"feature_view":"driver_stats","to":"$to","df":{"driver_id":[' .. table.concat(ids, ",") ..
    '],"event_timestamp":[' .. table.concat(ts, ",") .. '],"conv_rate":[' .. table.concat(rates, ",") ..
    '],"acc_rate":[' .. table.concat(rates, ",") .. '],"avg_daily_trips":[' .. table.concat(trips, ",") .. ']}}'
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
LUA

# Starts BINARY serving a fresh state directory NAME; sets $server and $port.
start() {
    local binary=$1 name=$2
    export LARDER_HOME="$work/$name" LARDER_DATA="$work/data"
    rm -rf "$LARDER_HOME"
    "$binary" apply >/dev/null
    port=$(( 20000 + RANDOM % 20000 ))
    "$binary" serve --port "$port" --no-scheduler >"$work/$name.log" 2>&1 &
    server=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.1; done
}

# Stops the server gracefully (an offline push buffer commits what it holds) and prints the rows the catalog lists.
stop() {
    kill -TERM "$server"; wait "$server" 2>/dev/null || true; server=""
    if [ "$to" = offline ]; then
        python3 - "$LARDER_HOME/registry.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows, files = db.execute("SELECT coalesce(sum(row_count), 0), count(*) FROM offline_files").fetchone()
print(f"   offline store after shutdown: {rows} rows in {files} live files")
PY
    fi
}

measure() {
    wrk -t2 -c16 -d"${seconds}s" --latency -s "$work/push.lua" "http://127.0.0.1:$port/push" | grep -E "requests in|Requests/sec|50%|99%|Non-2xx"
}

if [ "$to" = online ]; then
    start "$larder" state
    hostport=${LARDER_REDIS_URL#redis://}; hostport=${hostport%/*}; rhost=${hostport%:*}; rport=${hostport##*:}
    echo "== redis-benchmark -c 16 -P 16 HSET (random keys, 5 fields)"
    redis-benchmark -h "$rhost" -p "$rport" -c 16 -P 16 -n 2000000 -r 100000 -q hset "bench:__rand_int__" f1 1 f2 2 f3 3 f4 4 f5 5 | tr '\r' '\n' | tail -1
    echo "== wrk -t2 -c16 -d${seconds}s POST /push to online, 100 rows per body"
    measure
    stop
else
    rounds=2
    for round in $(seq 1 $rounds); do
        if [ -n "$baseline" ]; then
            echo "== round $round, baseline $baseline: wrk -t2 -c16 -d${seconds}s POST /push to offline, 100 rows per body"
            start "$baseline" "baseline$round"; measure; stop
        fi
        echo "== round $round, this build: wrk -t2 -c16 -d${seconds}s POST /push to offline, 100 rows per body"
        start "$larder" "current$round"; measure; stop
    done
fi
