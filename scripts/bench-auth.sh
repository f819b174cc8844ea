#!/usr/bin/env bash
# Issue 13's figure: server CPU per 1-row lookup with a bearer token against the same lookup without one, same
# run. Two `larder serve` processes over the same Redis data (scale S, materialized, ending now): A's state has
# no token (open, loopback), B's is a copy of A's with one read token, so every B request is authenticated. wrk
# -t2 -c16 with scripts/bench-auth.lua (online.lua's request, plus the Authorization header for B), rounds
# alternating A B B A … so a load change on the shared machine falls on both sides. CPU time is the server's
# utime + stime from /proc/PID/stat (it does not count time spent waiting for a core, unlike requests/s).
# Usage: scripts/bench-auth.sh [ROUNDS] [SECONDS] [ROWS]   (release build; wrk, redis-server)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-8}
seconds=${2:-10}
rows=${3:-1}
if [ -z "${LARDER_BENCH_INNER:-}" ]; then exec env LARDER_BENCH_INNER=1 scripts/with-private-redis.sh "$0" "$@"; fi
swift build -c release --scratch-path .build-release --product larder >/dev/null
bin=$(swift build -c release --scratch-path .build-release --show-bin-path)
work=$(mktemp -d "${TMPDIR:-/tmp}/larder-auth.XXXXXX")
export LARDER_HOME="$work/open" LARDER_DATA="$work/data"
"$bin/larder" demo-data --scale S "$LARDER_DATA" >/dev/null
"$bin/larder" apply >/dev/null
"$bin/larder" materialize --online-only --start "$(date -u -d '40 days ago' +%Y-%m-%dT00:00:00Z)" --end "$(date -u -d tomorrow +%Y-%m-%dT00:00:00Z)" >/dev/null
cp -r "$work/open" "$work/token"
token=$(LARDER_HOME="$work/token" "$bin/larder" tokens create bench --scope read | tail -n 1)
port=$(( 20000 + RANDOM % 20000 ))
"$bin/larder" serve --port "$port" --no-scheduler >"$work/open.log" 2>&1 &
open=$!
LARDER_HOME="$work/token" "$bin/larder" serve --port "$(( port + 1 ))" --no-scheduler >"$work/token.log" 2>&1 &
with=$!
trap 'kill $open $with 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/ready" >/dev/null && curl -sf "http://127.0.0.1:$(( port + 1 ))/ready" >/dev/null && break
  sleep 0.1
done
status() { curl -s -o /dev/null -w '%{http_code}' "$1" -H 'Content-Type: application/json' "${@:2}" \
  -d '{"features":["driver_stats:conv_rate"],"entities":{"driver_id":[1001]}}'; }
a=$(status "http://127.0.0.1:$port/get-online-features")
b_none=$(status "http://127.0.0.1:$(( port + 1 ))/get-online-features")
b=$(status "http://127.0.0.1:$(( port + 1 ))/get-online-features" -H "Authorization: Bearer $token")
echo "checks: A without token $a, B without token $b_none, B with token $b (want 200 401 200)"
[ "$a $b_none $b" = "200 401 200" ] || exit 1
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime + stime, clock ticks
tick=$(getconf CLK_TCK)
declare -A ticks=([A]=0 [B]=0) requests=([A]=0 [B]=0) non2xx=([A]=0 [B]=0)
# One wrk run against side $1; adds its CPU ticks and requests to the side's totals and prints the round.
run() {
  local side=$1 pid url extra=() before out n bad used
  if [ "$side" = A ]; then pid=$open; url="http://127.0.0.1:$port/get-online-features"
  else pid=$with; url="http://127.0.0.1:$(( port + 1 ))/get-online-features"; extra=("$token"); fi
  before=$(cpu "$pid")
  out=$(wrk -t2 -c16 -d"${seconds}s" -s scripts/bench-auth.lua "$url" -- "$rows" "${extra[@]}")
  used=$(( $(cpu "$pid") - before ))
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  bad=$(echo "$out" | awk '/Non-2xx/ {print $NF}'); bad=${bad:-0}
  ticks[$side]=$(( ${ticks[$side]} + used )); requests[$side]=$(( ${requests[$side]} + n )); non2xx[$side]=$(( ${non2xx[$side]} + bad ))
  awk -v s="$side" -v n="$n" -v t="$used" -v k="$tick" -v d="$seconds" -v bad="$bad" \
    'BEGIN { printf "  %s  %8d requests  %8.0f req/s  %6.2f us CPU/request  non-2xx %d\n", s, n, n / d, t * 1e6 / k / n, bad }'
}
echo "rounds of ${seconds}s, $rows row(s) per lookup: A = no token (open), B = Authorization: Bearer (read token)"
for round in $(seq 1 "$rounds"); do
  echo "round $round"
  if (( round % 2 )); then run A; run B; else run B; run A; fi
done
awk -v ta="${ticks[A]}" -v ra="${requests[A]}" -v tb="${ticks[B]}" -v rb="${requests[B]}" -v k="$tick" \
    -v ba="${non2xx[A]}" -v bb="${non2xx[B]}" 'BEGIN {
  a = ta * 1e6 / k / ra; b = tb * 1e6 / k / rb
  printf "total  A %.2f us CPU/request (%d requests, non-2xx %d)  B %.2f us CPU/request (%d requests, non-2xx %d)  B/A %.4f\n", a, ra, ba, b, rb, bb, b / a }'
