#!/usr/bin/env python3
"""Export a point-in-time training set (oracle_duckdb.py output) to the raw file TrainingBenchmark reads.

usage: export_training_set.py TRAINING.parquet OUT.bin

Layout (all little-endian): b"LARDTRN1", int64 rows, int64 features, then per feature int64 name length
and UTF-8 name, then per feature `rows` float64 values (NaN = null), `rows` float64 labels
(trip_completed), `rows` int64 event times (microseconds since the epoch, UTC). Row order = file order.
"""
import struct, sys
import numpy as np
import pyarrow.parquet as pq

FEATURES = ["conv_rate", "acc_rate", "avg_daily_trips", "current_balance", "avg_passenger_count", "lifetime_trip_count"]

t = pq.read_table(sys.argv[1])
n = t.num_rows
with open(sys.argv[2], "wb") as f:
    f.write(b"LARDTRN1")
    f.write(struct.pack("<qq", n, len(FEATURES)))
    for name in FEATURES:
        b = name.encode()
        f.write(struct.pack("<q", len(b)))
        f.write(b)
    for name in FEATURES:
        f.write(t[name].to_numpy(zero_copy_only=False).astype("<f8").tobytes())
    f.write(t["trip_completed"].to_numpy().astype("<f8").tobytes())
    ts = t["event_timestamp"].to_numpy().astype("datetime64[us]").astype("<i8")
    f.write(ts.tobytes())
print(f"exported {n} rows x {len(FEATURES)} features -> {sys.argv[2]}", file=sys.stderr)
