#!/usr/bin/env python3
"""Parquet interop acceptance for Larder (run in a venv with pyarrow + duckdb).

1. pyarrow writes fixture files (every type, nulls, defaults, use_dictionary=False, compression
   none/snappy/zstd, data page v1/v2, timestamps ms/us/ns, date32, int8/int16, dictionary fallback)
   plus <name>.json with the expected values;
2. `larder-interop write DIR` writes Larder files, which pyarrow AND duckdb must read value for value
   with the right logical types;
3. `larder-interop dump` reads the pyarrow fixtures; its output must equal the expected JSON.

Usage: parquet-interop.py [--larder PATH] [--write-fixtures DIR] [--keep DIR]
(without --larder it uses/builds .build/debug/larder-interop, or ParquetInterop)
Exit status 1 on any mismatch.
"""
import argparse, json, math, os, random, subprocess, sys, tempfile
import pyarrow as pa, pyarrow.parquet as pq, pyarrow.compute as pc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
US_PER_DAY = 86_400_000_000
failures = []


def fail(msg):
    failures.append(msg)
    print("MISMATCH:", msg)


# ---------------------------------------------------------------- canonical values (the dump format)
def canon_float(x):
    if x is None:
        return None
    if isinstance(x, str):
        return x
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return float(x)


def micros(arr):
    """Timestamp/date arrow array -> list of int microseconds (floor for ns), None for nulls."""
    t = arr.type
    if pa.types.is_date32(t):
        return [None if v is None else v * US_PER_DAY for v in arr.cast(pa.int32()).to_pylist()]
    raw = arr.cast(pa.int64()).to_pylist()
    scale = {"s": ("mul", 1_000_000), "ms": ("mul", 1000), "us": ("mul", 1), "ns": ("div", 1000)}[t.unit]
    if scale[0] == "mul":
        return [None if v is None else v * scale[1] for v in raw]
    return [None if v is None else v // scale[1] for v in raw]


def larder_type(t):
    if pa.types.is_boolean(t): return "bool"
    if pa.types.is_int8(t) or pa.types.is_int16(t) or pa.types.is_int32(t): return "int32"
    if pa.types.is_int64(t): return "int64"
    if pa.types.is_float32(t): return "float32"
    if pa.types.is_float64(t): return "float64"
    if pa.types.is_string(t) or pa.types.is_large_string(t): return "string"
    if pa.types.is_binary(t) or pa.types.is_large_binary(t): return "bytes"
    if pa.types.is_timestamp(t) or pa.types.is_date32(t): return "timestamp"
    raise ValueError(f"no Larder type for {t}")


def canon_column(arr, ltype):
    if ltype == "timestamp":
        return micros(arr)
    vals = arr.to_pylist()
    if ltype in ("float32", "float64"):
        return [canon_float(v) for v in vals]
    if ltype == "bytes":
        return [None if v is None else v.hex() for v in vals]
    return vals


def canon_table(table):
    cols = []
    for field, col in zip(table.schema, table.columns):
        arr = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
        lt = larder_type(field.type)
        cols.append({"name": field.name, "type": lt, "nullable": field.nullable, "values": canon_column(arr, lt)})
    return {"rows": table.num_rows, "columns": cols}


def same_value(a, b, ltype):
    if a is None or b is None:
        return a is None and b is None
    if ltype in ("float32", "float64"):
        x, y = float(a), float(b)  # also parses the "NaN"/"Infinity"/repr strings of fixture files
        return (math.isnan(x) and math.isnan(y)) or x == y
    return a == b


def compare(expected, actual, where):
    if expected["rows"] != actual["rows"]:
        fail(f"{where}: {actual['rows']} rows, expected {expected['rows']}")
        return
    if [c["name"] for c in expected["columns"]] != [c["name"] for c in actual["columns"]]:
        fail(f"{where}: columns {[c['name'] for c in actual['columns']]}, expected {[c['name'] for c in expected['columns']]}")
        return
    for e, a in zip(expected["columns"], actual["columns"]):
        if e["type"] != a["type"]:
            fail(f"{where}: column {e['name']} has type {a['type']}, expected {e['type']}")
            continue
        if e["nullable"] != a["nullable"]:
            fail(f"{where}: column {e['name']} nullable={a['nullable']}, expected {e['nullable']}")
        bad = [i for i, (x, y) in enumerate(zip(e["values"], a["values"])) if not same_value(x, y, e["type"])]
        if bad:
            i = bad[0]
            fail(f"{where}: column {e['name']}: {len(bad)} values differ, first at row {i}: {a['values'][i]!r} != expected {e['values'][i]!r}")


# ---------------------------------------------------------------- step 1: pyarrow fixtures
def fixture_table(rows, seed, nulls=True):
    rng = random.Random(seed)

    def maybe(v):
        return None if nulls and rng.random() < 0.2 else v

    words = ["alpha", "beta", "", "ünïcødé ✓", "tab\tquote\"", "零一二"]
    data = {
        "b": pa.array([maybe(rng.random() < 0.5) for _ in range(rows)], pa.bool_()),
        "i8": pa.array([maybe(rng.randint(-128, 127)) for _ in range(rows)], pa.int8()),
        "i16": pa.array([maybe(rng.randint(-32768, 32767)) for _ in range(rows)], pa.int16()),
        "i32": pa.array([maybe(rng.randint(-2**31, 2**31 - 1)) for _ in range(rows)], pa.int32()),
        "i64": pa.array([maybe(rng.randint(-2**63, 2**63 - 1)) for _ in range(rows)], pa.int64()),
        "f32": pa.array([maybe(rng.choice([rng.uniform(-1e6, 1e6), 0.0, -0.0, float("inf"), 1.5])) for _ in range(rows)], pa.float32()),
        "f64": pa.array([maybe(rng.choice([rng.uniform(-1e12, 1e12), float("nan"), float("-inf"), 2.25])) for _ in range(rows)], pa.float64()),
        "s": pa.array([maybe(rng.choice(words)) for _ in range(rows)], pa.string()),
        "s_hi": pa.array([maybe(f"value-{rng.randint(0, 10**9)}-{'x' * rng.randint(0, 20)}") for _ in range(rows)], pa.string()),
        "bin": pa.array([maybe(bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 8)))) for _ in range(rows)], pa.binary()),
        "ts_ms": pa.array([maybe(rng.randint(-2_000_000_000_000, 4_000_000_000_000)) for _ in range(rows)], pa.timestamp("ms", tz="UTC")),
        "ts_us": pa.array([maybe(rng.randint(-2 * 10**15, 4 * 10**15)) for _ in range(rows)], pa.timestamp("us", tz="UTC")),
        "ts_ns": pa.array([maybe(rng.randint(-2 * 10**18, 4 * 10**18)) for _ in range(rows)], pa.timestamp("ns", tz="UTC")),
        "ts_us_naive": pa.array([maybe(rng.randint(0, 4 * 10**15)) for _ in range(rows)], pa.timestamp("us")),
        "d32": pa.array([maybe(rng.randint(-30000, 60000)) for _ in range(rows)], pa.date32()),
    }
    if nulls:
        data["all_null"] = pa.array([None] * rows, pa.int64())
        return pa.table(data)
    schema = pa.schema([pa.field(k, v.type, nullable=False) for k, v in data.items()])
    return pa.table(data, schema=schema)


FIXTURES = {
    # name: (rows, seed, nulls, write_table kwargs)
    "pa_default": (45, 1, True, {}),
    "pa_nodict": (45, 2, True, {"use_dictionary": False}),
    "pa_uncompressed": (45, 3, True, {"compression": "none"}),
    "pa_zstd": (45, 4, True, {"compression": "zstd"}),
    "pa_pagev2": (45, 5, True, {"data_page_version": "2.0"}),
    "pa_pagev2_zstd_nodict": (45, 6, True, {"data_page_version": "2.0", "compression": "zstd", "use_dictionary": False}),
    "pa_small_pages": (110, 7, True, {"row_group_size": 50, "data_page_size": 128, "dictionary_pagesize_limit": 200,
                                      "write_batch_size": 16}),
    "pa_required": (50, 8, False, {}),
    "pa_delta": (45, 9, True, {"use_dictionary": False, "data_page_version": "2.0", "column_encoding": {
        "i8": "DELTA_BINARY_PACKED", "i32": "DELTA_BINARY_PACKED", "i64": "DELTA_BINARY_PACKED",
        "ts_ns": "DELTA_BINARY_PACKED", "d32": "BYTE_STREAM_SPLIT", "f32": "BYTE_STREAM_SPLIT",
        "f64": "BYTE_STREAM_SPLIT", "ts_us": "BYTE_STREAM_SPLIT", "s": "DELTA_LENGTH_BYTE_ARRAY",
        "s_hi": "DELTA_BYTE_ARRAY", "bin": "DELTA_BYTE_ARRAY"}}),
}


def write_fixtures(out):
    os.makedirs(out, exist_ok=True)
    for name, (rows, seed, nulls, kw) in FIXTURES.items():
        t = fixture_table(rows, seed, nulls)
        pq.write_table(t, os.path.join(out, name + ".parquet"), **kw)
        expected = canon_table(t)
        # Floats as exact repr strings: some JSON parsers (swift-corelibs Foundation) round the last bit.
        for col in expected["columns"]:
            if col["type"] in ("float32", "float64"):
                col["values"] = [v if v is None or isinstance(v, str) else repr(v) for v in col["values"]]
        with open(os.path.join(out, name + ".json"), "w") as f:
            json.dump(expected, f, ensure_ascii=False)
    # Files Larder must reject with a clear error (checked by the Swift tests).
    nested = pa.table({"id": pa.array([1, 2, 3], pa.int64()), "tags": pa.array([[1], [], None], pa.list_(pa.int32()))})
    pq.write_table(nested, os.path.join(out, "pa_nested.parquet"))
    legacy = pa.table({"ts": pa.array([0, 1_000_000], pa.timestamp("us"))})
    pq.write_table(legacy, os.path.join(out, "pa_int96.parquet"), use_deprecated_int96_timestamps=True)


# Larger files checked by the interop run only (not committed): many DELTA blocks/miniblocks and pages,
# and files written by DuckDB (PARQUET_VERSION v1 and v2: DELTA_*/BYTE_STREAM_SPLIT encodings).
def write_extra_fixtures(out):
    names = []
    t = fixture_table(5000, 10, True)
    kw = dict(FIXTURES["pa_delta"][3])
    kw["data_page_size"] = 4096
    pq.write_table(t, os.path.join(out, "pa_delta_large.parquet"), **kw)
    names.append("pa_delta_large")
    try:
        import duckdb
    except ImportError:
        return names
    con = duckdb.connect()
    src = fixture_table(3000, 11, True).drop_columns(["ts_ns"])  # DuckDB has no unit-preserving ns write
    con.register("src", src)
    for version in ("v1", "v2"):
        path = os.path.join(out, f"duckdb_{version}.parquet")
        con.execute(f"COPY src TO '{path}' (FORMAT parquet, PARQUET_VERSION {version}, ROW_GROUP_SIZE 1024)")
        names.append(f"duckdb_{version}")
    for name in names:
        path = os.path.join(out, name + ".parquet")
        # The writer is the oracle: pyarrow 26 rejects DuckDB's v2 DELTA_BINARY_PACKED pages ("InitBlock EOF").
        table = con.sql(f"SELECT * FROM read_parquet('{path}')").to_arrow_table() if name.startswith("duckdb") else pq.read_table(path)
        with open(os.path.join(out, name + ".json"), "w") as f:
            json.dump(canon_table(table), f)
    return names


# ---------------------------------------------------------------- step 2: Larder-written files
ARROW_TYPES = {
    "bool": pa.bool_(), "int32": pa.int32(), "int64": pa.int64(), "float32": pa.float32(), "float64": pa.float64(),
    "string": pa.string(), "bytes": pa.binary(), "timestamp": pa.timestamp("us", tz="UTC"),
}
DUCKDB_TYPES = {
    "bool": "BOOLEAN", "int32": "INTEGER", "int64": "BIGINT", "float32": "FLOAT", "float64": "DOUBLE",
    "string": "VARCHAR", "bytes": "BLOB", "timestamp": "TIMESTAMP WITH TIME ZONE",
}


def check_larder_files(larder, d):
    import duckdb
    out = subprocess.run([larder, "write", d], capture_output=True, text=True)
    if out.returncode != 0:
        fail(f"larder-interop write failed: {out.stderr}")
        return 0
    names = sorted(f[:-8] for f in os.listdir(d) if f.endswith(".parquet"))
    con = duckdb.connect()
    for name in names:
        path = os.path.join(d, name + ".parquet")
        with open(os.path.join(d, name + ".json")) as f:
            expected = json.load(f)
        # pyarrow: logical types and values
        table = pq.read_table(path)
        for col in expected["columns"]:
            field = table.schema.field(col["name"])
            if field.type != ARROW_TYPES[col["type"]]:
                fail(f"{name}: pyarrow reads {col['name']} as {field.type}, expected {ARROW_TYPES[col['type']]}")
        compare(expected, canon_table(table), f"{name} (pyarrow)")
        meta = pq.ParquetFile(path).metadata.metadata or {}
        if name != "larder_required_zstd_dict" and meta.get(b"larder.sample") != name.encode():
            fail(f"{name}: key-value metadata larder.sample = {meta.get(b'larder.sample')!r}")
        # statistics: null count, min and max of every row group as pyarrow reads them
        pf = pq.ParquetFile(path)
        start = 0
        for g in range(pf.metadata.num_row_groups):
            rg = pf.metadata.row_group(g)
            part = table.slice(start, rg.num_rows)
            start += rg.num_rows
            for i in range(rg.num_columns):
                st = rg.column(i).statistics
                col = part.column(i)
                if st is None or st.null_count != col.null_count:
                    fail(f"{name}: row group {g} column {i} null_count {None if st is None else st.null_count} != {col.null_count}")
                    continue
                valid = pc.drop_null(col)
                if pa.types.is_floating(col.type):
                    valid = pc.filter(valid, pc.invert(pc.is_nan(valid)))
                if len(valid) == 0:
                    if st.has_min_max:
                        fail(f"{name}: row group {g} column {i} has min/max but no values")
                    continue
                mm = pc.min_max(valid).as_py()
                if not st.has_min_max or st.min != mm["min"] or st.max != mm["max"]:
                    fail(f"{name}: row group {g} column {i} statistics {st.min!r}..{st.max!r} != {mm['min']!r}..{mm['max']!r}")
        # duckdb: types and values
        desc = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
        for (cname, ctype, *_), col in zip(desc, expected["columns"]):
            if ctype != DUCKDB_TYPES[col["type"]]:
                fail(f"{name}: duckdb reads {cname} as {ctype}, expected {DUCKDB_TYPES[col['type']]}")
        selects = []
        for col in expected["columns"]:
            q = '"' + col["name"] + '"'
            if col["type"] == "timestamp":
                q = f"epoch_us({q})"
            elif col["type"] == "bytes":
                q = f"lower(hex({q}))"
            selects.append(q)
        rows = con.execute(f"SELECT {', '.join(selects)} FROM read_parquet('{path}', file_row_number=true) ORDER BY file_row_number").fetchall()
        actual = {"rows": len(rows), "columns": []}
        for i, col in enumerate(expected["columns"]):
            vals = [r[i] for r in rows]
            if col["type"] in ("float32", "float64"):
                vals = [canon_float(v) for v in vals]
            actual["columns"].append({"name": col["name"], "type": col["type"], "nullable": col["nullable"], "values": vals})
        compare(expected, actual, f"{name} (duckdb)")
    return len(names)


# ---------------------------------------------------------------- step 3: Larder reads pyarrow fixtures
def check_dumps(larder, d, extra):
    n = 0
    for name in list(FIXTURES) + extra:
        out = subprocess.run([larder, "dump", os.path.join(d, name + ".parquet")], capture_output=True, text=True)
        if out.returncode != 0:
            fail(f"larder-interop dump {name} failed: {out.stderr.strip()}")
            continue
        with open(os.path.join(d, name + ".json")) as f:
            expected = json.load(f)
        compare(expected, json.loads(out.stdout), f"{name} (larder dump)")
        n += 1
    for name, column in [("pa_nested", "tags"), ("pa_int96", "ts")]:
        out = subprocess.run([larder, "dump", os.path.join(d, name + ".parquet")], capture_output=True, text=True)
        if out.returncode == 0 or "unsupported" not in out.stderr or column not in out.stderr:
            fail(f"{name}: expected an 'unsupported' error naming column {column}, got rc={out.returncode} {out.stderr.strip()!r}")
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--larder", help="the larder-interop binary (default: built from this package)")
    ap.add_argument("--write-fixtures", metavar="DIR", help="also (re)write the pyarrow fixtures into DIR")
    ap.add_argument("--keep", metavar="DIR", help="work in DIR instead of a temporary directory")
    a = ap.parse_args()
    if not a.larder:
        # The executable is the product `larder-interop` or, without that product, the target `ParquetInterop`.
        for product in ("larder-interop", "ParquetInterop"):
            path = os.path.join(ROOT, ".build", "debug", product)
            if os.path.exists(path) or subprocess.run(
                    ["swift", "build", "--package-path", ROOT, "--product", product], capture_output=True).returncode == 0:
                a.larder = path
                break
        else:
            sys.exit("cannot build larder-interop; pass --larder PATH")
    work = a.keep or tempfile.mkdtemp(prefix="larder-interop-")
    fixtures = os.path.join(work, "fixtures")
    write_fixtures(fixtures)
    extra = write_extra_fixtures(fixtures)
    if a.write_fixtures:
        write_fixtures(a.write_fixtures)
    n_written = check_larder_files(a.larder, os.path.join(work, "larder"))
    n_read = check_dumps(a.larder, fixtures, extra)
    print(f"pyarrow {pa.__version__}: checked {n_written} Larder-written files with pyarrow and duckdb, "
          f"{n_read} pyarrow/DuckDB-written files with larder-interop dump")
    if failures:
        print(f"FAILED: {len(failures)} mismatches")
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
