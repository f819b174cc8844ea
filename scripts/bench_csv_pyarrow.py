#!/usr/bin/env python3
"""Times pyarrow.csv.read_csv on a file: prints `pyarrow_<mode>_seconds=... rows=... peak_rss_mib=...`.

mode `default`: pyarrow's own inference (float64 and timestamp[ns] columns);
mode `typed`: the driver_stats schema Larder reads (int64, timestamp[us, UTC] x2, float32 x2, int32).
"""
import resource, sys, time
import pyarrow as pa, pyarrow.csv as pacsv

path, mode = sys.argv[1], sys.argv[2]
convert = None
if mode == "typed":
    ts = pa.timestamp("us", tz="UTC")
    convert = pacsv.ConvertOptions(column_types={
        "driver_id": pa.int64(), "event_timestamp": ts, "created": ts,
        "conv_rate": pa.float32(), "acc_rate": pa.float32(), "avg_daily_trips": pa.int32()})
t0 = time.perf_counter()
table = pacsv.read_csv(path, convert_options=convert)
elapsed = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"pyarrow_{mode}_seconds={elapsed:.3f} rows={table.num_rows} peak_rss_mib={peak:.1f}")

if len(sys.argv) > 3 and sys.argv[3] == "--checksum":
    # The same per-column sums CSVBenchmark's `checksum` prints (float32 summed in float64, in order).
    import numpy as np
    parts = [f"rows={table.num_rows}"]
    for name in table.column_names:
        col = table.column(name).to_numpy()
        if col.dtype == np.float32:
            # add.accumulate sums strictly left to right, like the Swift reduce (np.sum is pairwise).
            total = float(np.add.accumulate(col.astype(np.float64))[-1]) if len(col) else 0.0
            parts.append(f"{name}={total!r}")
        elif col.dtype.kind == "M":
            parts.append(f"{name}={int(col.astype('int64').sum())}")
        else:
            parts.append(f"{name}={int(col.astype('int64').sum())}")
    print(" ".join(parts))
