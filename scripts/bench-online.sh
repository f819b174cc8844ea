#!/usr/bin/env bash
# Online read benchmark: OnlineBenchmark (RedisOnlineStore.read, 16 concurrent tasks) beside
# redis-benchmark HMGET of a 7-field hash (-c 16, without and with -P 16), all against one private
# redis-server started for the run.
#   scripts/bench-online.sh [seconds-per-scenario]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
swift build -c release --product OnlineBenchmark 2>&1 | grep -v "prohibited flag" | tail -1
exec scripts/with-private-redis.sh bash -c '
set -euo pipefail
port=${LARDER_REDIS_URL##*:}; port=${port%%/*}
echo "== machine: $(nproc) cores, $(redis-server --version | cut -d" " -f3)"
redis-cli -p "$port" HSET bench:hash f1 aaaaaaaa f2 bbbbbbbb f3 12345678 f4 1234 f5 1 f6 city-42 f7 87654321 >/dev/null
echo "== redis-benchmark -c 16 -n 200000 HMGET (7 fields)"
redis-benchmark -p "$port" -c 16 -n 200000 -q HMGET bench:hash f1 f2 f3 f4 f5 f6 f7 | tr "\\r" "\\n" | tail -1
echo "== redis-benchmark -c 16 -n 200000 -P 16 HMGET (7 fields)"
redis-benchmark -p "$port" -c 16 -n 200000 -P 16 -q HMGET bench:hash f1 f2 f3 f4 f5 f6 f7 | tr "\\r" "\\n" | tail -1
echo "== OnlineBenchmark"
.build/release/OnlineBenchmark '"$seconds"' 16
'
