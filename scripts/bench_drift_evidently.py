#!/usr/bin/env python3
"""The peer of scripts/bench-drift.sh: Evidently's DataDriftPreset (its default tests, the whole data, no sampling)
on the same reference (the snapshot's Parquet) and current rows (driver_stats of the 4 days before 2026-01-31).

usage: bench_drift_evidently.py SNAPSHOT.parquet DRIVER_STATS.parquet   (a venv with evidently 0.7.23, pyarrow)
Prints the wall time of the report alone and each feature's test, score and verdict.
"""
import sys, time
import pyarrow.parquet as pq, pyarrow.compute as pc, pyarrow as pa
from datetime import datetime, timezone
from evidently import Report
from evidently.presets import DataDriftPreset

features = ["conv_rate", "acc_rate", "avg_daily_trips"]
reference = pq.read_table(sys.argv[1], columns=features).to_pandas()
stats = pq.read_table(sys.argv[2], columns=["event_timestamp"] + features)
end = pa.scalar(datetime(2026, 1, 31, tzinfo=timezone.utc), type=stats.schema.field("event_timestamp").type)
start = pa.scalar(datetime(2026, 1, 27, tzinfo=timezone.utc), type=stats.schema.field("event_timestamp").type)
current = stats.filter(pc.and_(pc.greater_equal(stats["event_timestamp"], start), pc.less(stats["event_timestamp"], end))).select(features).to_pandas()
began = time.time()
result = Report([DataDriftPreset()]).run(reference_data=reference, current_data=current)
took = time.time() - began
print(f"evidently: reference {len(reference)} rows, current {len(current)} rows, report {took:.2f} s")
for metric in result.dict()["metrics"]:
    print(" ", metric.get("metric_id", "")[:90], metric.get("value"))
