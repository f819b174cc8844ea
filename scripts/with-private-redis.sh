#!/usr/bin/env bash
# Runs a command with a private redis-server on a free loopback port, in a temporary directory.
# Exports LARDER_REDIS_URL for the command and always stops the server, even when the command fails.
# Never touches port 6379 or any server it did not start.
set -euo pipefail
dir=$(mktemp -d "${TMPDIR:-/tmp}/larder-redis.XXXXXX")
port=""
for _ in $(seq 1 50); do
  candidate=$(( 20000 + RANDOM % 40000 ))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
done
[ -n "$port" ] || { echo "with-private-redis: no free port found" >&2; exit 1; }

stop() {
  if [ -f "$dir/redis.pid" ]; then kill "$(cat "$dir/redis.pid")" 2>/dev/null || true; fi
  for _ in $(seq 1 50); do [ -f "$dir/redis.pid" ] && kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null || break; sleep 0.1; done
  rm -rf "$dir"
}
trap stop EXIT INT TERM

redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' --appendonly no \
  --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --unixsocket "$dir/redis.sock" \
  --unixsocketperm 700
for _ in $(seq 1 100); do
  redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG && break
  sleep 0.1
done
redis-cli -h 127.0.0.1 -p "$port" ping | grep -q PONG || { echo "with-private-redis: redis did not start:" >&2; cat "$dir/redis.log" >&2; exit 1; }

export LARDER_REDIS_URL="redis://127.0.0.1:$port"
export LARDER_REDIS_SOCKET="$dir/redis.sock"
echo "private redis at $LARDER_REDIS_URL"
set +e
"$@"
status=$?
exit $status
