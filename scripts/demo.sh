#!/usr/bin/env bash
# The rides demo, end to end: demo data -> apply -> materialize -> training sets (one with window aggregates)
# + snapshot -> train -> serve -> lookup.
# Uses LARDER_REDIS_URL when set, else starts a private Redis (scripts/with-private-redis.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${LARDER_REDIS_URL:-}" ] && [ -z "${LARDER_DEMO_INNER:-}" ]; then
  exec env LARDER_DEMO_INNER=1 scripts/with-private-redis.sh "$0" "$@"
fi
larder=$(swift build --show-bin-path)/larder
export LARDER_HOME=.larder-demo/state
export LARDER_DATA=.larder-demo/data
rm -rf .larder-demo
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "larder demo-data (rides, scale XS, ending at the current hour)"
"$larder" demo-data --scale XS "$LARDER_DATA"
step "larder apply (register definitions/)"
"$larder" apply
step "larder list views / services"
"$larder" list views
"$larder" list services
step "larder materialize (all of the data, offline and online)"
"$larder" materialize --start "$(date -u -d '40 days ago' +%Y-%m-%dT00:00:00Z)" --end "$(date -u -d 'tomorrow' +%Y-%m-%dT00:00:00Z)"
step "larder training-set (point in time, trip requests x rides_plus service: clip_rates' quality, trip_request computed from distance_km) --save rides_demo"
"$larder" training-set --entities "$LARDER_DATA/trip_requests.parquet" --service rides_plus --out .larder-demo/train.parquet --save rides_demo
"$larder" snapshots show rides_demo
"$larder" inspect .larder-demo/state/snapshots/rides_demo.parquet --rows 5
step "larder training-set (orders x rides_windows service: window aggregates of trips per driver and customer at each order's time)"
"$larder" training-set --entities "$LARDER_DATA/orders.parquet" --service rides_windows --out .larder-demo/train-windows.parquet --save rides_windows_demo
"$larder" inspect .larder-demo/train-windows.parquet --rows 3

step "larder quality (the expectations checked by the materialization) and larder drift (driver_stats of the last 7 days against rides_demo)"
"$larder" quality
status=0
"$larder" drift --reference rides_demo --view driver_stats --since 7d --html .larder-demo/drift.html || status=$?
[ "$status" -le 3 ] && [ "$status" -ne 1 ] || { echo "larder drift failed (exit $status)" >&2; exit 1; }
echo "drift exit status $status (0 no drift, 2 drift, 3 insufficient data); report in .larder-demo/drift.html"
step "larder train (on rides_demo, latest 20 % by event time validates) -> promote"
"$larder" train --snapshot rides_demo --label trip_completed
"$larder" models promote trip_completed@1
step "larder train on rides_windows_demo (window aggregates as inputs, last_payment one-hot) as trips_windows"
"$larder" train --snapshot rides_windows_demo --label trip_completed --name trips_windows

step "larder tokens create demo --scope read (printed once, last line; the API needs it from now on)"
token=$("$larder" tokens create demo --scope read | tail -n 1)
"$larder" tokens list
auth="Authorization: Bearer $token"

step "larder serve --every 5s (background: the API, and the scheduler running each scheduled view every 5 s) and lookups"
port=$(( 20000 + RANDOM % 20000 ))
"$larder" serve --port "$port" --every 5s > .larder-demo/serve.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && break; sleep 0.1; done
"$larder" lookup --service rides_plus --entity driver_id=1001 --entity customer_id=5 --entity distance_km=3.2
echo
echo "curl POST /get-online-features without the token: $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/get-online-features" \
  -H 'Content-Type: application/json' -d '{"features":["driver_stats:conv_rate"],"entities":{"driver_id":[1001]}}')"
echo "curl POST /get-online-features with it:"
curl -sf "http://127.0.0.1:$port/get-online-features" -H 'Content-Type: application/json' -H "$auth" \
  -d '{"features":["driver_stats:conv_rate","customer_stats:current_balance"],"entities":{"driver_id":[1001,1002],"customer_id":[5,6]}}'
echo
echo "curl POST /get-online-features, on-demand trip_request features with distance_km in request_context:"
curl -sf "http://127.0.0.1:$port/get-online-features" -H 'Content-Type: application/json' -H "$auth" \
  -d '{"features":["trip_request:expected_trips_per_km","trip_request:balance_after_fare"],"entities":{"driver_id":[1001,1002],"customer_id":[5,6]},"request_context":{"distance_km":[3.2,12]}}'
echo
step "larder lookup --service rides_windows (window aggregates from Redis tiles, merged at now)"
"$larder" lookup --service rides_windows --entity driver_id=1001 --entity customer_id=5
step "larder push trips (a trip that just ended): driver 1001's window aggregates count it at once; pushed again, it counts once"
trips_1h() { "$larder" lookup --features driver_trips:trips_1h --entity driver_id=1001 --json | grep -o '"values":\[[0-9]*\]' | tail -1 | tr -dc 0-9; }
before=$(trips_1h)
ended=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
printf 'trip_id,driver_id,customer_id,event_timestamp,created,fare,distance_km,rating,payment\n990000001,1001,5,%s,%s,23.5,4.2,5,card\n' "$ended" "$ended" > .larder-demo/new_trip.csv
"$larder" push trips .larder-demo/new_trip.csv
"$larder" push trips .larder-demo/new_trip.csv
after=$(trips_1h)
echo "driver 1001 trips_1h: $before before the push, $after after it (pushed twice)"
[ "$after" = "$((before + 1))" ] || { echo "the pushed trip was not counted exactly once online" >&2; exit 1; }

step "larder predict and POST /predict (the production model, features looked up online)"
"$larder" predict --model trip_completed --entity driver_id=1001 --entity customer_id=5 --entity distance_km=3.2
curl -sf "http://127.0.0.1:$port/predict" -H 'Content-Type: application/json' -H "$auth" \
  -d '{"model":"trip_completed","entities":{"driver_id":[1001,1002],"customer_id":[5,6],"distance_km":[3.2,12]}}'
echo

"$larder" predict --model trips_windows@1 --entity driver_id=1001 --entity customer_id=5
echo

step "larder demo-data --append-latest: new driver rows in the source; the scheduler brings them online within one period"
appended=$("$larder" demo-data --scale XS --append-latest "$LARDER_DATA")
echo "$appended"
at=$(echo "$appended" | awk '/^appended/ {print $6}')
served_at() {  # the event time Redis serves for driver 1001's conv_rate, through the running server
  curl -sf "http://127.0.0.1:$port/get-online-features" -H 'Content-Type: application/json' -H "$auth" \
    -d '{"features":["driver_stats:conv_rate"],"entities":{"driver_id":[1001]}}' \
    | sed -E 's/.*"event_timestamps":\["([^"]*)"\]}\]}$/\1/'
}
for _ in $(seq 1 30); do [ "$(served_at)" = "$at" ] && break; sleep 0.5; done
[ "$(served_at)" = "$at" ] || { echo "the appended rows did not reach Redis within 15 s; see .larder-demo/serve.log" >&2; exit 1; }
echo "driver 1001 is served with event time $at, written by the scheduler:"
"$larder" lookup --service rides --entity driver_id=1001 --entity customer_id=5
grep '^scheduler:' .larder-demo/serve.log | tail -2
kill $server; wait $server 2>/dev/null || true
trap - EXIT
step "done: state in .larder-demo/"
