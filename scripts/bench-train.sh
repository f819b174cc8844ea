#!/usr/bin/env bash
# Issue 7's figures: `larder train` (logistic, and gbt with 100 rounds and no early stopping) on the rides
# snapshot against scikit-learn on the same snapshot file and the same time split, same run.
# Usage: scripts/bench-train.sh [S|M]   (release build; a venv with numpy, pyarrow, duckdb, scikit-learn at
# $VENV, default .venv)
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-M}; venv=${VENV:-.venv}
bench=../shared/bench
data=bench-data/$scale
[ -f "$data/orders.parquet" ] || "$venv/bin/python" "$bench/gen_data.py" --scale "$scale" --no-csv "$data"
swift build -c release --scratch-path .build-release --product larder >/dev/null 2>&1
larder=$(swift build -c release --scratch-path .build-release --show-bin-path)/larder
work=$(mktemp -d "${TMPDIR:-/tmp}/larder-train.XXXXXX"); trap 'rm -rf "$work"' EXIT
export LARDER_HOME="$work/state" LARDER_DATA="$data"
"$larder" apply >/dev/null
"$larder" materialize --start 2025-12-01T00:00:00Z --end 2026-03-01T00:00:00Z --offline-only >/dev/null
"$larder" training-set --entities "$data/orders.parquet" --service rides --out "$work/t.parquet" --save rides >/dev/null
for model in logistic gbt; do
  extra=(); [ "$model" = gbt ] && extra=(--no-early-stopping)
  start=$(date +%s.%N)
  "$larder" train --snapshot rides --label trip_completed --model "$model" --name "m_$model" --json "${extra[@]}" > "$work/$model.json"
  end=$(date +%s.%N)
  "$venv/bin/python" -c "import json,sys; r=json.load(open('$work/$model.json')); print('larder $model: auc %.5f log_loss %.5f, in command %.3f s (read snapshot, train, evaluate, register), whole process %.3f s' % (r['metrics']['auc'], r['metrics']['log_loss'], r['seconds'], $end-$start))"
done
"$venv/bin/python" scripts/sklearn_bench.py "$LARDER_HOME/snapshots/rides.parquet"
