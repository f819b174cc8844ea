#!/usr/bin/env bash
# Issue 7's latency figure: POST /predict against POST /get-online-features for the same entity row and the
# same 6 features, wrk -t1 -c4 for SECONDS each, same server, same run (release build, rides demo data XS).
# Usage: scripts/bench-predict.sh [SECONDS] [logistic|gbt]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}; model=${2:-logistic}
if [ -z "${LARDER_BENCH_INNER:-}" ]; then exec env LARDER_BENCH_INNER=1 scripts/with-private-redis.sh "$0" "$@"; fi
swift build -c release --scratch-path .build-release --product larder >/dev/null 2>&1
larder=$(swift build -c release --scratch-path .build-release --show-bin-path)/larder
work=$(mktemp -d "${TMPDIR:-/tmp}/larder-predict.XXXXXX")
export LARDER_HOME="$work/state" LARDER_DATA="$work/data"
"$larder" demo-data --scale XS "$LARDER_DATA" >/dev/null
"$larder" apply >/dev/null
"$larder" materialize --start "$(date -u -d '40 days ago' +%Y-%m-%dT00:00:00Z)" --end "$(date -u -d tomorrow +%Y-%m-%dT00:00:00Z)" >/dev/null
"$larder" training-set --entities "$LARDER_DATA/orders.parquet" --service rides --out "$work/t.parquet" --save s >/dev/null
"$larder" train --snapshot s --label trip_completed --model "$model" --name m >/dev/null
"$larder" models promote m@1 >/dev/null
port=$(( 20000 + RANDOM % 20000 ))
"$larder" serve --port "$port" --no-scheduler >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.1; done
entities='"entities":{"driver_id":[1001],"customer_id":[5]}'
cat > "$work/lookup.lua" <<LUA
wrk.method = "POST"; wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"feature_service":"rides",$entities}'
LUA
cat > "$work/predict.lua" <<LUA
wrk.method = "POST"; wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"m",$entities}'
LUA
for route in get-online-features predict; do
  script=$work/lookup.lua; [ "$route" = predict ] && script=$work/predict.lua
  echo "== /$route"
  wrk -t1 -c4 -d"${seconds}s" --latency -s "$script" "http://127.0.0.1:$port/$route" | grep -E "Requests/sec|50%|99%|Non-2xx"
done
