// Online read benchmark: RedisOnlineStore.read of 1 row × 2 views and 100 rows × 2 views from 16
// concurrent tasks, reporting reads/s and latency percentiles; then the client pool size sweep and
// a no-thread-hop baseline (blocking connections driven directly by OS threads).
//
//   LARDER_REDIS_URL=redis://127.0.0.1:PORT/0 .build/release/OnlineBenchmark [seconds] [tasks]
// (scripts/bench-online.sh starts a private server and runs this beside redis-benchmark.)
import Larder
import LarderOnline
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let arguments = CommandLine.arguments
let seconds = arguments.count > 1 ? Double(arguments[1]) ?? 10 : 10
let tasks = arguments.count > 2 ? Int(arguments[2]) ?? 16 : 16
/// `all`, or `read1` / `read100` alone (for profiling).
let only = arguments.count > 3 ? arguments[3] : "all"
guard let urlText = getenv("LARDER_REDIS_URL").map({ String(cString: $0) }) else {
    print("set LARDER_REDIS_URL (scripts/bench-online.sh does)")
    exit(2)
}
let url = try RedisURL(parsing: urlText)
let entities = 100_000

let features: [(name: String, type: ValueType)] = [
    ("conv_rate", .float32), ("acc_rate", .float64), ("trips", .int64), ("rating", .int32),
    ("active", .bool), ("city", .string), ("last_trip", .timestamp),
]
let drivers = OnlineViewLayout(project: "bench", view: "drivers", joinKeys: ["driver_id"], features: features,
                               ttl: .days(365), keyExpiry: false)
let customers = OnlineViewLayout(project: "bench", view: "customers", joinKeys: ["customer_id"], features: features,
                                 ttl: nil, keyExpiry: false)

func populate(_ store: RedisOnlineStore) async throws {
    let ids = (0..<Int64(entities)).map { $0 }
    let now = Timestamp.now()
    let rows = OnlineRows(
        entityKeys: [.int64(ids)],
        eventTimes: Array(repeating: now, count: entities),
        features: [
            .float32(ids.map { Float($0) / 7 }), .float64(ids.map { Double($0) / 3 }), .int64(ids.map { $0 * 11 }),
            .int32(ids.map { Int32($0 % 5) }), .bool(ids.map { $0 % 2 == 0 }), .string(ids.map { "city-\($0 % 97)" }),
            .timestamp(ids.map { _ in now }),
        ])
    let clock = ContinuousClock()
    let start = clock.now
    let a = try await store.write(drivers, rows: rows)
    let b = try await store.write(customers, rows: rows)
    let elapsed = clock.now - start
    print("populate: \(a.written + b.written) rows written (\(a.skipped + b.skipped) not newer) in \(elapsed), \(Int(Double(2 * entities) / elapsed.seconds)) rows/s")
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// CPU seconds (user + system) this process has used: the client's cost, which the shared,
/// overloaded benchmark machine distorts far less than wall-clock throughput.
func processCPUSeconds() -> Double {
    var usage = rusage()
    #if os(Linux)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

struct Result {
    var requests: Int
    var elapsed: Double
    var latencies: [Int]  // nanoseconds, sorted
    var cpuSeconds: Double = 0

    func percentile(_ p: Double) -> Double {
        guard !latencies.isEmpty else { return 0 }
        return Double(latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]) / 1000
    }

    func report(_ label: String, rowsPerRequest: Int) {
        let rate = Double(requests) / elapsed
        let cpu = requests > 0 ? cpuSeconds / Double(requests) * 1e6 : 0
        let line = "\(label): \(Int(rate)) reads/s (\(Int(rate * Double(rowsPerRequest))) entity rows/s), p50 \(fmt(percentile(0.5))) µs, p99 \(fmt(percentile(0.99))) µs, client CPU \(fmt(cpu)) µs/read"
        print(line)
    }
}

func fmt(_ x: Double) -> String { String(Int(x.rounded())) }

/// Runs `tasks` concurrent loops of `read` for `seconds`.
func measure(seconds: Double, tasks: Int, _ read: @escaping @Sendable (Int) async throws -> Void) async throws -> Result {
    let clock = ContinuousClock()
    let cpuStart = processCPUSeconds()
    let start = clock.now
    let deadline = start + .milliseconds(Int64(seconds * 1000))
    let perTask = try await withThrowingTaskGroup(of: [Int].self) { group in
        for task in 0..<tasks {
            group.addTask {
                var latencies: [Int] = []
                latencies.reserveCapacity(200_000)
                var i = task
                while clock.now < deadline {
                    let t0 = clock.now
                    try await read(i)
                    let d = clock.now - t0
                    latencies.append(Int(d.components.attoseconds / 1_000_000_000) + Int(d.components.seconds) * 1_000_000_000)
                    i &+= 7919
                }
                return latencies
            }
        }
        var all: [[Int]] = []
        for try await part in group { all.append(part) }
        return all
    }
    let elapsed = (clock.now - start).seconds
    var latencies = perTask.flatMap { $0 }
    let cpu = processCPUSeconds() - cpuStart
    latencies.sort()
    return Result(requests: latencies.count, elapsed: elapsed, latencies: latencies, cpuSeconds: cpu)
}

func readScenario(store: RedisOnlineStore, rows: Int, seconds: Double, label: String) async throws {
    let names = features.map(\.name)
    let check = try await store.read([
        OnlineReadRequest(layout: drivers, features: names, entityKeys: [[.int64(42)]]),
        OnlineReadRequest(layout: customers, features: names, entityKeys: [[.int64(42)]]),
    ], now: .now())
    precondition(check[0][0].statuses.allSatisfy { $0 == .present } && check[1][0].values[2] == .int64(462), "populate failed: \(check)")
    let result = try await measure(seconds: seconds, tasks: tasks) { i in
        let keys: [[Value]] = (0..<rows).map { [.int64(Int64((i &+ $0 &* 31) % entities))] }
        let served = try await store.read([
            OnlineReadRequest(layout: drivers, features: names, entityKeys: keys),
            OnlineReadRequest(layout: customers, features: names, entityKeys: keys),
        ], now: .now())
        precondition(served[1].count == rows)
    }
    result.report(label, rowsPerRequest: rows)
}

/// 16 OS threads, each with its own blocking RedisConnection, sending the same HMGET pipeline
/// (no thread hop, no decoding into Values): the ceiling for the hop + decode cost of the pool.
func directBaseline(rows: Int, seconds: Double) -> Result {
    final class Shared: @unchecked Sendable {
        let lock = Mutex<[Int]>([])
        let deadline: UInt64
        let rows: Int
        init(deadline: UInt64, rows: Int) { self.deadline = deadline; self.rows = rows }
    }
    func nowNs() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
    let start = nowNs()
    let cpuStart = processCPUSeconds()
    let shared = Shared(deadline: start + UInt64(seconds * 1e9), rows: rows)
    var threads: [pthread_t] = []
    for t in 0..<tasks {
        let box = Unmanaged.passRetained(DirectWorker(shared: shared.deadline, rows: rows, seed: t, url: url, sink: { list in shared.lock.withLock { $0.append(contentsOf: list) } }))
        var thread = pthread_t()
        pthread_create(&thread, nil, { raw in
            let worker = Unmanaged<DirectWorker>.fromOpaque(raw!).takeRetainedValue()
            worker.run()
            return nil
        }, box.toOpaque())
        threads.append(thread)
    }
    for thread in threads { pthread_join(thread, nil) }
    var latencies = shared.lock.withLock { $0 }
    latencies.sort()
    return Result(requests: latencies.count, elapsed: Double(nowNs() - start) / 1e9, latencies: latencies,
                  cpuSeconds: processCPUSeconds() - cpuStart)
}

final class DirectWorker: @unchecked Sendable {
    let deadline: UInt64, rows: Int, seed: Int, url: RedisURL
    let sink: @Sendable ([Int]) -> Void
    init(shared deadline: UInt64, rows: Int, seed: Int, url: RedisURL, sink: @escaping @Sendable ([Int]) -> Void) {
        self.deadline = deadline; self.rows = rows; self.seed = seed; self.url = url; self.sink = sink
    }

    func run() {
        let connection = try! RedisConnection(url: url)
        var pipeline = RedisPipeline()
        var latencies: [Int] = []
        var i = seed
        let names = features.map(\.name)
        while monotonic() < deadline {
            pipeline.removeAll()
            for view in ["drivers", "customers"] {
                for r in 0..<rows {
                    pipeline.beginCommand(argumentCount: 3 + names.count)
                    pipeline.appendArgument("HMGET")
                    pipeline.appendArgument("larder:bench:\(view):i\((i &+ r &* 31) % entities)")
                    pipeline.appendArgument("_v")
                    for name in names { pipeline.appendArgument(name) }
                }
            }
            let t0 = monotonic()
            let replies = try! connection.pipeline(pipeline)
            latencies.append(Int(monotonic() - t0))
            precondition(replies.count == 2 * rows)
            i &+= 7919
        }
        sink(latencies)
    }

    func monotonic() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}

print("OnlineBenchmark: \(tasks) concurrent tasks, \(seconds) s per scenario, server \(url)")
let mainClient = RedisClient(url: url, options: .init(connections: 4))
let store = RedisOnlineStore(client: mainClient)
try await populate(store)
if only != "read100" {
    try await readScenario(store: store, rows: 1, seconds: seconds, label: "read 1 row x 2 views (pool 4)")
}
if only != "read1" {
    try await readScenario(store: store, rows: 100, seconds: seconds, label: "read 100 rows x 2 views (pool 4)")
}
if only == "all" {
    print("-- pool size sweep, \(seconds / 2) s each --")
    for rows in [1, 100] {
        for connections in [1, 2, 4, 8, 16] {
            let sweep = RedisOnlineStore(client: RedisClient(url: url, options: .init(connections: connections)))
            try await readScenario(store: sweep, rows: rows, seconds: seconds / 2, label: "\(rows) row(s) x 2 views, pool \(connections)")
        }
    }
    try await compareThreading(seconds: seconds / 2, connections: 4)
    print("-- baseline without the thread hop or decoding: \(tasks) OS threads, one blocking connection each --")
    directBaseline(rows: 1, seconds: seconds / 2).report("direct 1 row x 2 views", rowsPerRequest: 1)
    directBaseline(rows: 100, seconds: seconds / 2).report("direct 100 rows x 2 views", rowsPerRequest: 100)
}
