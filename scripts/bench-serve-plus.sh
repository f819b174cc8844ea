#!/usr/bin/env bash
# Issue 14's lookup figure: the 1-row lookup of service rides_plus (rides' six features + driver_stats'
# quality from the clip_rates transform + trip_request's two on-demand features computed from the request's
# distance_km) against the same lookup of service rides, on one `larder serve`, same run. Scale S materialized,
# data ending now; wrk -t2 -c16 --latency with scripts/bench-service.lua, rounds alternating rides, rides_plus,
# rides_plus, rides … so a load change on the shared machine falls on both. Prints, per round and in total,
# requests/s, p50/p99 and the server's CPU per request (utime + stime from /proc: it does not count time spent
# waiting for a core, unlike requests/s). Each round also measures the p99 ceiling of this machine at that moment:
# Benchmarks/HTTPCeilingBenchmark's nio-redis mode, a bare SwiftNIO handler that answers online.lua's 1-row body
# only after the Redis round trip a lookup makes, with no JSON, routing or features.
# Issue 15's lookup figure is the same run with SERVICE rides_windows (rides + both aggregation views' window
# aggregates, merged from Redis tiles at now).
# Usage: scripts/bench-serve-plus.sh [ROUNDS] [SECONDS] [ROWS] [SERVICE]   (release build; wrk, redis-server)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-6}
seconds=${2:-10}
rows=${3:-1}
other=${4:-rides_plus}
if [ -z "${LARDER_BENCH_INNER:-}" ]; then exec env LARDER_BENCH_INNER=1 scripts/with-private-redis.sh "$0" "$@"; fi
swift build -c release --scratch-path .build-release --product larder >/dev/null
swift build -c release --scratch-path .build-release --product HTTPCeilingBenchmark >/dev/null
bin=$(swift build -c release --scratch-path .build-release --show-bin-path)
work=$(mktemp -d "${TMPDIR:-/tmp}/larder-serve-plus.XXXXXX")
export LARDER_HOME="$work/state" LARDER_DATA="$work/data"
"$bin/larder" demo-data --scale S "$LARDER_DATA" >/dev/null
"$bin/larder" apply >/dev/null
"$bin/larder" materialize --online-only --start "$(date -u -d '40 days ago' +%Y-%m-%dT00:00:00Z)" --end "$(date -u -d tomorrow +%Y-%m-%dT00:00:00Z)" >/dev/null
port=$(( 20000 + RANDOM % 20000 ))
"$bin/larder" serve --port "$port" --no-scheduler >"$work/serve.log" 2>&1 &
server=$!
"$bin/HTTPCeilingBenchmark" nio-redis "$(( port + 1 ))" "$LARDER_REDIS_URL" >/dev/null 2>&1 &
ceiling=$!
trap 'kill $server $ceiling 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && curl -sf "http://127.0.0.1:$(( port + 1 ))/" >/dev/null && break; sleep 0.1; done
url="http://127.0.0.1:$port/get-online-features"
echo "check: one $other lookup"
if [ "$other" = rides_plus ]; then
  curl -sf "$url" -H 'Content-Type: application/json' \
    -d '{"feature_service":"rides_plus","entities":{"driver_id":[1001],"customer_id":[5],"distance_km":[3.2]}}' | tee "$work/check.json"; echo
  grep -q '"expected_trips_per_km"' "$work/check.json" && ! grep -q '"NOT_FOUND"' "$work/check.json" || { echo "rides_plus lookup is wrong"; exit 1; }
else
  curl -sf "$url" -H 'Content-Type: application/json' \
    -d '{"feature_service":"'"$other"'","entities":{"driver_id":[1001],"customer_id":[5]}}' | tee "$work/check.json"; echo
  ! grep -q '"NOT_FOUND"' "$work/check.json" || { echo "$other lookup is wrong"; exit 1; }
fi
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime + stime, clock ticks
tick=$(getconf CLK_TCK)
# wrk prints percentiles in us, ms or s; this turns one into milliseconds.
ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) print v / 1000; else if (v ~ /ms$/) print v + 0; else print v * 1000 }'; }
declare -A ticks=([rides]=0 [other]=0 [ceiling]=0) requests=([rides]=0 [other]=0 [ceiling]=0) \
  worst=([rides]=0 [other]=0 [ceiling]=0) p99s=([rides]= [other]= [ceiling]=)
run() {
  local service=$1 pid=$server before out n bad used p50 p99
  [ "$service" = ceiling ] && pid=$ceiling
  before=$(cpu "$pid")
  if [ "$service" = ceiling ]; then
    out=$(wrk -t2 -c16 -d"${seconds}s" --latency -s ../shared/bench/online.lua "http://127.0.0.1:$(( port + 1 ))/" -- 1)
  else
    out=$(wrk -t2 -c16 -d"${seconds}s" --latency -s scripts/bench-service.lua "$url" -- "$( [ "$service" = other ] && echo "$other" || echo "$service")" "$rows")
  fi
  used=$(( $(cpu "$pid") - before ))
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  bad=$(echo "$out" | awk '/Non-2xx/ {print $NF}'); bad=${bad:-0}
  p50=$(ms "$(echo "$out" | awk '$1 == "50%" {print $2}')"); p99=$(ms "$(echo "$out" | awk '$1 == "99%" {print $2}')")
  ticks[$service]=$(( ${ticks[$service]} + used )); requests[$service]=$(( ${requests[$service]} + n ))
  p99s[$service]="${p99s[$service]} $p99"
  worst[$service]=$(awk -v a="${worst[$service]}" -v b="$p99" 'BEGIN { print (b > a ? b : a) }')
  awk -v s="$( [ "$service" = other ] && echo "$other" || echo "$service")" -v n="$n" -v t="$used" -v k="$tick" -v d="$seconds" -v bad="$bad" -v p50="$p50" -v p99="$p99" \
    'BEGIN { printf "  %-13s %8d requests  %8.0f req/s  p50 %6.3f ms  p99 %6.3f ms  %6.2f us CPU/request  non-2xx %d\n", s, n, n / d, p50, p99, t * 1e6 / k / n, bad }'
  [ "$bad" = 0 ] || { echo "non-2xx answers: $(tail -5 "$work/serve.log")"; exit 1; }
}
echo "rounds of ${seconds}s, $rows row(s) per lookup, wrk -t2 -c16"
for round in $(seq 1 "$rounds"); do
  echo "round $round"
  if (( round % 2 )); then run rides; run other; run ceiling; else run ceiling; run other; run rides; fi
done
awk -v ta="${ticks[rides]}" -v ra="${requests[rides]}" -v tb="${ticks[other]}" -v rb="${requests[other]}" -v name="$other" -v k="$tick" \
    -v d="$(( rounds * seconds ))" -v wa="${worst[rides]}" -v wb="${worst[other]}" \
    -v tc="${ticks[ceiling]}" -v rc="${requests[ceiling]}" -v wc="${worst[ceiling]}" 'BEGIN {
  printf "total  rides %.0f req/s, %.2f us CPU/request, worst p99 %.3f ms\n", ra / d, ta * 1e6 / k / ra, wa
  printf "       %s %.0f req/s, %.2f us CPU/request, worst p99 %.3f ms\n", name, rb / d, tb * 1e6 / k / rb, wb
  printf "       ceiling (bare NIO + Redis round trip) %.0f req/s, %.2f us CPU/request, worst p99 %.3f ms\n", rc / d, tc * 1e6 / k / rc, wc
  printf "       %s / rides: requests/s %.3f, CPU per request %.3f\n", name, rb / ra, (tb / rb) / (ta / ra) }'
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
echo "       median p99: rides $(median <<<"${p99s[rides]}") ms, $other $(median <<<"${p99s[other]}") ms, ceiling $(median <<<"${p99s[ceiling]}") ms"
