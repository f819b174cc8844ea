#!/usr/bin/env bash
# Runs CMD... with a private redis-server on a free loopback port in a temp dir, exported as
# LARDER_REDIS_URL, and always stops the server afterwards. Never touches port 6379.
#   scripts/with-private-redis.sh swift test
set -euo pipefail
[ "$#" -gt 0 ] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 2; }
REDIS_SERVER=${REDIS_SERVER:-redis-server}
dir=$(mktemp -d "${TMPDIR:-/tmp}/larder-redis.XXXXXX")
pid=""
cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

for attempt in 1 2 3 4 5; do
    port=$(free_port)
    [ "$port" != 6379 ] || continue
    "$REDIS_SERVER" --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' --appendonly no \
        --daemonize no --logfile "$dir/redis.log" --unixsocket "$dir/redis.sock" --unixsocketperm 700 &
    pid=$!
    for _ in $(seq 1 100); do
        if redis-cli -p "$port" ping >/dev/null 2>&1; then break; fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    if redis-cli -p "$port" ping >/dev/null 2>&1; then break; fi
    kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""
done
[ -n "$pid" ] || { echo "could not start redis-server (see $dir/redis.log)" >&2; exit 1; }

export LARDER_REDIS_URL="redis://127.0.0.1:$port/0"
export LARDER_REDIS_SOCKET="$dir/redis.sock"
echo "private redis-server pid $pid at $LARDER_REDIS_URL" >&2
set +e
"$@"
status=$?
set -e
exit $status
