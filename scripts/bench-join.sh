#!/usr/bin/env bash
# Builds JoinBenchmark in release mode and times the point-in-time join alone (no I/O) at the given scale.
# usage: scripts/bench-join.sh [S|M|L] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-M}"
runs="${2:-3}"
swift build -c release --product JoinBenchmark
binary="$(swift build -c release --show-bin-path)/JoinBenchmark"
if [ -x /usr/bin/time ]; then
    /usr/bin/time -v "$binary" --scale "$scale" --runs "$runs" 2> >(grep -E "Maximum resident|Elapsed \(wall" >&2)
else
    "$binary" --scale "$scale" --runs "$runs"
fi
