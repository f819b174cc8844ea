#!/usr/bin/env python3
"""Issue 15's push figure and its oracle check (used by scripts/bench-push-windows.sh).

  push_windows.py load URL SECONDS RATE EVENTS.jsonl
      POSTs raw trips to URL/push (push source "trips", to online_and_offline) at RATE events/s for SECONDS, in
      bodies of 100 events from 4 threads, event times a few seconds before the send. Every event sent is written
      to EVENTS.jsonl. Prints requests, errors, events/s achieved, push latency p50/p99, and the server's
      applied/duplicates/late totals; exits 1 on any error or when an event is not applied to both views.
  push_windows.py check URL DATA EVENTS.jsonl WORK END
      Looks up rides_windows for 200 (driver, customer) pairs at the server's now t, then computes the same
      aggregates with the DuckDB oracle (../shared/bench/oracle_windows.py) over DATA's trips before END (what
      was materialized) plus the pushed events, with those pairs as orders at t, and compares value by value (compare.py's rule). The lookups are
      repeated when a 5-minute boundary (every hop of rides_windows) passed while they ran, so one t fits them all.
"""
import json, os, random, shutil, subprocess, sys, threading, time, urllib.request

BENCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench")
AGGREGATES = ["trips_1h", "trips_24h", "fare_sum_24h", "fare_avg_7d", "fare_max_7d", "rating_min_7d",
              "distance_std_7d", "last_payment", "trips_7d", "fare_sum_7d", "distance_avg_24h"]


def post(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def iso(micros):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(micros // 1_000_000)) + ".%06dZ" % (micros % 1_000_000)


def load(url, seconds, rate, log_path):
    batch, threads = 100, 16
    interval = batch * threads / rate  # seconds between one thread's requests
    lock = threading.Lock()
    totals = {"requests": 0, "errors": 0, "events": 0, "applied": 0, "duplicates": 0, "late": 0}
    latencies, log = [], open(log_path, "w")
    end = time.time() + seconds

    def worker(index):
        rng = random.Random(index)
        next_send, sequence = time.time() + index * interval / threads, 0
        while next_send < end:
            time.sleep(max(0.0, next_send - time.time()))
            now = int(time.time() * 1_000_000)
            rows = []
            for _ in range(batch):
                sequence += 1
                t = now - rng.randrange(1, 20_000_000)
                rows.append({"trip_id": 9_000_000_000 + index * 100_000_000 + sequence, "driver_id": rng.randrange(1000, 2000),
                             "customer_id": rng.randrange(1, 501), "event_timestamp": t, "created": now,
                             "fare": None if rng.random() < 0.1 else round(rng.uniform(3, 80), 2),
                             "distance_km": round(rng.uniform(0.5, 30), 2),
                             "rating": None if rng.random() < 0.3 else rng.randrange(1, 6),
                             "payment": rng.choice(["card", "cash", "wallet"])})
            df = {k: [r[k] if k not in ("event_timestamp", "created") else iso(r[k]) for r in rows] for k in rows[0]}
            started = time.time()
            try:
                answer = post(url + "/push", {"push_source_name": "trips", "df": df, "to": "online_and_offline"})
                ok = True
            except Exception as error:  # noqa: BLE001 - any failure is counted and reported
                answer, ok = {"error": str(error)}, False
            took = time.time() - started
            with lock:
                totals["requests"] += 1
                latencies.append(took)
                if ok:
                    totals["events"] += len(rows)
                    for key in ("applied", "duplicates", "late"):
                        totals[key] += answer.get(key, 0)
                    for r in rows:
                        log.write(json.dumps(r) + "\n")
                else:
                    totals["errors"] += 1
                    print("push failed:", answer, file=sys.stderr)
            next_send += interval

    started = time.time()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool: t.start()
    for t in pool: t.join()
    elapsed = time.time() - started
    log.close()
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
    print("push: %d requests, %d errors, %d events in %.1f s = %.0f events/s; latency p50 %.1f ms p99 %.1f ms; "
          "tile updates applied %d (2 views per event), duplicates %d, late %d"
          % (totals["requests"], totals["errors"], totals["events"], elapsed, totals["events"] / elapsed, p(0.5), p(0.99),
             totals["applied"], totals["duplicates"], totals["late"]))
    if totals["errors"] or totals["applied"] != 2 * totals["events"] or totals["late"] or totals["duplicates"]:
        print("FAIL: an error, or an event not applied exactly once to each view", file=sys.stderr)
        sys.exit(1)


def check(url, data, events_path, work, end):
    import pyarrow as pa, pyarrow.parquet as pq
    sys.path.insert(0, BENCH)
    from compare import compare
    rng = random.Random(5)
    pairs = [(rng.randrange(1000, 2000), rng.randrange(1, 501)) for _ in range(200)]
    hop = 300_000_000
    while True:
        t0 = int(time.time() * 1_000_000)
        answers = [post(url + "/get-online-features", {"feature_service": "rides_windows", "entities": {
            "driver_id": [d for d, _ in pairs[i:i + 100]], "customer_id": [c for _, c in pairs[i:i + 100]]}}) for i in (0, 100)]
        t1 = int(time.time() * 1_000_000)
        if t0 // hop == t1 // hop and t0 % hop != 0:
            break
    names = answers[0]["metadata"]["feature_names"]
    columns = {name: sum((a["results"][names.index(name)]["values"] for a in answers), []) for name in AGGREGATES}
    candidate = pa.table({"order_id": list(range(len(pairs))), **columns})
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    for name in os.listdir(data):
        if name.endswith(".parquet") and name not in ("trips.parquet", "orders.parquet"):
            os.symlink(os.path.abspath(os.path.join(data, name)), os.path.join(work, name))
    import pyarrow.compute as pc
    from datetime import datetime
    base = pq.read_table(os.path.join(data, "trips.parquet"))
    cutoff = pa.scalar(datetime.fromisoformat(end.replace("Z", "+00:00")), type=base.schema.field("event_timestamp").type)
    base = base.filter(pc.less(base["event_timestamp"], cutoff))
    pushed = [json.loads(line) for line in open(events_path)]
    extra = pa.table({f.name: pa.array([r[f.name] for r in pushed], type=f.type) for f in base.schema}).cast(base.schema)
    pq.write_table(pa.concat_tables([base, extra]), os.path.join(work, "trips.parquet"))
    orders = pq.read_table(os.path.join(data, "orders.parquet")).schema
    table = {"order_id": list(range(len(pairs))), "driver_id": [d for d, _ in pairs], "customer_id": [c for _, c in pairs],
             "event_timestamp": [t0] * len(pairs), "trip_completed": [0] * len(pairs)}
    pq.write_table(pa.table({f.name: pa.array(table[f.name], type=f.type) for f in orders if f.name in table}),
                   os.path.join(work, "orders.parquet"))
    subprocess.run([sys.executable, os.path.join(BENCH, "oracle_windows.py"), work, os.path.join(work, "oracle.parquet")], check=True)
    oracle = pq.read_table(os.path.join(work, "oracle.parquet")).select(["order_id"] + AGGREGATES)
    print("check: %d pushed events, %d entity pairs at t = %s, %d aggregates each" % (len(pushed), len(pairs), iso(t0), len(AGGREGATES)))
    mismatches = compare(candidate, oracle)
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    if sys.argv[1] == "load":
        load(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
    else:
        check(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6])
