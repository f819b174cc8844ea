#!/usr/bin/env bash
# Issue 16's drift figure: `larder drift` of driver_stats against a 1,000,000-row snapshot (a training set of the
# rides service over M's orders), the current sample the view's rows of the last SINCE (default 4d before 2026-01-31: about a
# million rows at M). Release build; data from gen_data.py --scale M in bench-data/M (made if missing, .venv).
# M's data ends 2026-01-31, so the window is the SINCE before it.
# Usage: scripts/bench-drift.sh [SINCE] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
since=${1:-4d}
runs=${2:-3}
[ -f bench-data/M/orders.parquet ] || .venv/bin/python ../shared/bench/gen_data.py --scale M --no-csv bench-data/M
swift build -c release --scratch-path .build-release --product larder >/dev/null
bin=$(swift build -c release --scratch-path .build-release --show-bin-path)
work=$(mktemp -d "${TMPDIR:-/tmp}/larder-drift.XXXXXX")
trap 'rm -rf "$work"' EXIT
export LARDER_HOME="$work/state" LARDER_DATA="$PWD/bench-data/M"
"$bin/larder" apply >/dev/null
"$bin/larder" materialize --offline-only --view driver_stats --view customer_stats --start 2000-01-01T00:00:00Z --end 2100-01-01T00:00:00Z >/dev/null
"$bin/larder" training-set --entities bench-data/M/orders.parquet --service rides --out "$work/train.parquet" --save m_ref >/dev/null
for run in $(seq 1 "$runs"); do
  /usr/bin/time -f "run $run: wall %e s, cpu %U+%S s, peak RSS %M KiB" "$bin/larder" drift --reference m_ref --view driver_stats --since "$since" --until 2026-01-31T00:00:00Z --json > "$work/drift.json" || true
done
.venv/bin/python -c "
import json; d = json.load(open('$work/drift.json'))
print('status', d['status'], 'features', [(f['column_name'], f['stattest'], f['reference_size'], f['current_size']) for f in d['drift_by_columns']])"
