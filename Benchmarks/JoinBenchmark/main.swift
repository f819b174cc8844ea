// JoinBenchmark: times PointInTimeJoin.join alone (no I/O) on data shaped like the shared "rides" workload
// (/work/shared/bench/gen_data.py): hourly driver stats with 1 % late corrections, daily customer stats, orders
// as entity rows; stored rows shuffled (sources are not sorted). Prints wall time per run, rows/s and peak RSS.
//
// usage: JoinBenchmark [--scale S|M|L] [--runs N] [--seed N]

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Larder
import LarderColumnar
import LarderOffline

func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// User + system CPU seconds of this process so far: less sensitive than wall time to other load on the machine.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

/// `x` with `digits` decimals (no Foundation in this executable).
func fixed(_ digits: Int, _ x: Double) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = (x * scale).rounded()
    let whole = Int(scaled / scale), fraction = Int(abs(scaled) - abs(Double(whole)) * scale)
    if digits == 0 { return "\(Int(scaled))" }
    let digitsText = String(fraction)
    return "\(scaled < 0 && whole == 0 ? "-" : "")\(whole)." + String(repeating: "0", count: digits - digitsText.count) + digitsText
}

func shuffled<T>(_ columns: inout [T], _ order: [Int]) {
    columns = order.map { columns[$0] }
}

struct Workload {
    let drivers: ColumnBatch
    let customers: ColumnBatch
    let orders: ColumnBatch

    init(drivers driverCount: Int, hours: Int, customers customerCount: Int, orders orderCount: Int, seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let hour: Int64 = 3_600_000_000
        let start: Int64 = 1_767_225_600_000_000  // 2026-01-01T00:00:00Z

        // Drivers: one row per driver per hour, event time jittered in the hour, created up to 10 min later.
        let base = (0..<driverCount).map { _ in Float.random(in: 0..<1, using: &rng) }
        var ids: [Int64] = [], times: [Int64] = [], created: [Int64] = []
        var conv: [Float] = [], acc: [Float] = [], trips: [Int32] = []
        let capacity = driverCount * hours * 101 / 100 + 16
        ids.reserveCapacity(capacity); times.reserveCapacity(capacity); created.reserveCapacity(capacity)
        conv.reserveCapacity(capacity); acc.reserveCapacity(capacity); trips.reserveCapacity(capacity)
        for d in 0..<driverCount {
            for h in 0..<hours {
                let t = start + Int64(h) * hour + Int64.random(in: 0..<hour, using: &rng)
                ids.append(1000 + Int64(d))
                times.append(t)
                created.append(t + Int64.random(in: 0..<600_000_000, using: &rng))
                conv.append(min(max(base[d] + Float.random(in: -0.1...0.1, using: &rng), 0), 1))
                acc.append(Float.random(in: 0..<1, using: &rng))
                trips.append(Int32.random(in: 0..<1000, using: &rng))
            }
        }
        // Late corrections: 1 % of rows again, same event time, created one hour later, new conv_rate.
        let originalCount = ids.count
        for i in 0..<originalCount where Double.random(in: 0..<1, using: &rng) < 0.01 {
            ids.append(ids[i]); times.append(times[i]); created.append(created[i] + hour)
            conv.append(Float.random(in: 0..<1, using: &rng)); acc.append(acc[i]); trips.append(trips[i])
        }
        var order = Array(0..<ids.count)
        order.shuffle(using: &rng)
        shuffled(&ids, order); shuffled(&times, order); shuffled(&created, order)
        shuffled(&conv, order); shuffled(&acc, order); shuffled(&trips, order)
        drivers = try ColumnBatch([
            "driver_id": Column(int64: ids), "event_timestamp": Column(timestampMicros: times),
            "created": Column(timestampMicros: created), "conv_rate": Column(float32: conv),
            "acc_rate": Column(float32: acc), "avg_daily_trips": Column(int32: trips),
        ])

        // Customers: one row per customer per day.
        let days = hours / 24
        var cIds: [Int64] = [], cTimes: [Int64] = [], cCreated: [Int64] = []
        for c in 0..<customerCount {
            for day in 0..<days {
                cIds.append(1 + Int64(c))
                cTimes.append(start + Int64(day) * 24 * hour)
                cCreated.append(start + Int64(day) * 24 * hour + 60_000_000)
            }
        }
        var cOrder = Array(0..<cIds.count)
        cOrder.shuffle(using: &rng)
        shuffled(&cIds, cOrder); shuffled(&cTimes, cOrder); shuffled(&cCreated, cOrder)
        customers = try ColumnBatch([
            "customer_id": Column(int64: cIds), "event_timestamp": Column(timestampMicros: cTimes),
            "created": Column(timestampMicros: cCreated),
            "current_balance": Column(float32: cIds.map { _ in Float.random(in: 0..<1000, using: &rng) }),
            "avg_passenger_count": Column(float32: cIds.map { _ in Float.random(in: 0..<4, using: &rng) }),
            "lifetime_trip_count": Column(int32: cIds.map { _ in Int32.random(in: 0..<5000, using: &rng) }),
        ])

        // Orders: entity rows over the whole range plus 2 days, starting 2 h before any data.
        let span = Int64(hours + 48) * hour
        orders = try ColumnBatch([
            "order_id": Column(int64: (0..<Int64(orderCount)).map { $0 }),
            "driver_id": Column(int64: (0..<orderCount).map { _ in 1000 + Int64.random(in: 0..<Int64(driverCount), using: &rng) }),
            "customer_id": Column(int64: (0..<orderCount).map { _ in 1 + Int64.random(in: 0..<Int64(customerCount), using: &rng) }),
            "event_timestamp": Column(timestampMicros: (0..<orderCount).map { _ in start - 2 * hour + Int64.random(in: 0..<span, using: &rng) }),
            "trip_completed": Column(int32: (0..<orderCount).map { _ in Int32.random(in: 0...1, using: &rng) }),
        ])
    }
}

var scale = "M", runs = 3, seed: UInt64 = 7
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--scale": scale = arguments.next() ?? scale
    case "--runs": runs = Int(arguments.next() ?? "") ?? runs
    case "--seed": seed = UInt64(arguments.next() ?? "") ?? seed
    default:
        print("usage: JoinBenchmark [--scale S|M|L] [--runs N] [--seed N]")
        exit(2)
    }
}
let shapes: [String: (Int, Int, Int, Int)] = [
    "S": (1_000, 720, 500, 100_000), "M": (10_000, 720, 5_000, 1_000_000), "L": (50_000, 720, 20_000, 5_000_000),
]
guard let (driverCount, hours, customerCount, orderCount) = shapes[scale] else {
    print("unknown scale \(scale); use S, M or L")
    exit(2)
}

let clock = ContinuousClock()
let generationStart = clock.now
let workload = try Workload(drivers: driverCount, hours: hours, customers: customerCount, orders: orderCount, seed: seed)
print("scale \(scale): driver_stats \(workload.drivers.rowCount) rows, customer_stats \(workload.customers.rowCount) rows, "
      + "orders \(workload.orders.rowCount) rows (generated in \(fixed(2, seconds(clock.now - generationStart))) s); "
      + "peak RSS before the join \(fixed(0, peakRSSMegabytes())) MiB")

let views = [
    PointInTimeJoin.ViewInput(name: "driver_stats", joinKeys: ["driver_id"], ttl: .days(1), rows: workload.drivers,
                              features: ["conv_rate", "acc_rate", "avg_daily_trips"]),
    PointInTimeJoin.ViewInput(name: "customer_stats", joinKeys: ["customer_id"], ttl: .days(2), rows: workload.customers,
                              features: ["current_balance", "avg_passenger_count", "lifetime_trip_count"]),
]
var times: [Double] = []
var nullCounts: [Int] = []
for run in 1...max(runs, 1) {
    let t0 = clock.now
    let cpu0 = cpuSeconds()
    let joined = try PointInTimeJoin.join(entities: workload.orders, views: views)
    let elapsed = seconds(clock.now - t0)
    let cpu = cpuSeconds() - cpu0
    times.append(elapsed)
    nullCounts = joined.columns.suffix(6).map(\.nullCount)
    print("run \(run): \(fixed(3, elapsed)) s wall, \(fixed(3, cpu)) s CPU, "
          + "\(fixed(2, Double(joined.rowCount) / elapsed / 1e6)) M entity rows/s, "
          + "\(fixed(2, Double(workload.drivers.rowCount + workload.customers.rowCount) / elapsed / 1e6)) M stored rows/s")
}
let median = times.sorted()[times.count / 2]
print("median \(fixed(3, median)) s over \(times.count) runs; nulls per feature \(nullCounts); "
      + "peak RSS \(fixed(0, peakRSSMegabytes())) MiB")
