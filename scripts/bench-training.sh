#!/usr/bin/env bash
# Training benchmark: Larder's models vs scikit-learn on the rides point-in-time training set.
# usage: scripts/bench-training.sh [SCALE]   (default M; S is quicker)
#        PIN=1 scripts/bench-training.sh M    both sides on one core (taskset -c 0, OMP_NUM_THREADS=1):
#        a fair comparison when other processes share the machine (OpenMP spin-waits collapse then).
# Makes .venv (numpy pyarrow duckdb scikit-learn) if needed, generates the data with
# /work/shared/bench/gen_data.py, joins it with oracle_duckdb.py, exports it for TrainingBenchmark,
# then runs both sides in the same run (same 80/20 time split) and prints AUC, log loss and fit time.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE="${1:-M}"
BENCH=/work/shared/bench
DATA="bench-data/$SCALE"
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
    .venv/bin/pip install -q numpy pyarrow duckdb scikit-learn
fi
PY=.venv/bin/python
if [ ! -f "$DATA/training.parquet" ]; then
    "$PY" "$BENCH/gen_data.py" --scale "$SCALE" --no-csv "$DATA"
    "$PY" "$BENCH/oracle_duckdb.py" "$DATA" "$DATA/training.parquet"
fi
[ -f "$DATA/training.bin" ] || "$PY" scripts/export_training_set.py "$DATA/training.parquet" "$DATA/training.bin"
swift build -c release --product TrainingBenchmark 2>&1 | tail -1
RUN=()
if [ "${PIN:-0}" = 1 ]; then RUN=(taskset -c 0); export OMP_NUM_THREADS=1; echo "(pinned to one core)"; fi
echo "== Larder (Swift) =="
mkdir -p "$DATA/artifacts"
LARDER_ARTIFACT_DIR="$DATA/artifacts" /usr/bin/time -f "   whole process: %e s wall, %M KiB max RSS" "${RUN[@]}" "$(swift build -c release --show-bin-path)/TrainingBenchmark" "$DATA/training.bin"
echo "== scikit-learn =="
/usr/bin/time -f "   whole process: %e s wall, %M KiB max RSS" "${RUN[@]}" "$PY" scripts/sklearn_bench.py "$DATA/training.parquet" "$DATA/artifacts/logistic.json"
