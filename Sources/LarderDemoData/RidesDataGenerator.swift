public import Larder
public import LarderColumnar

/// The rides workload of gen_data.py, generated in Swift: same files, columns, types, row counts and
/// structure, values from a seeded ``SplitMix64`` (not numpy's stream, so not bit-identical to it).
///
/// - `driverStats`: one row per driver per hour, event time jittered uniformly inside the hour, `created`
///   0–10 minutes later; `conv_rate` = clip(base[driver] + N(0, 0.05), 0, 1); plus late corrections for
///   1 % of the rows: same driver and event time, `created` one hour later, a new `conv_rate`. Shuffled.
/// - `customerStats`: one row per customer per day at midnight, `created` one minute later. Shuffled.
/// - `orders`: uniform driver and customer, event time uniform over [start − 2 h, start + hours + 46 h),
///   so some precede all data and some follow it; `trip_completed` is 1 with probability
///   0.2 + 0.6 × base[driver]. Ordered by `order_id`.
///
/// ```swift
/// let rides = RidesDataGenerator(scale: .s, seed: 7)
/// rides.driverStats.rowCount          // ≈ 734_000
/// try rides.write(to: "data/S", format: .csv)
/// ```
public struct RidesDataGenerator: Sendable {
    public let scale: RidesScale
    public let seed: UInt64
    public let start: Timestamp
    public let driverStats: ColumnBatch
    public let customerStats: ColumnBatch
    public let orders: ColumnBatch

    /// 2026-01-01T00:00:00Z, gen_data.py's default `--start`.
    public static let defaultStart = Timestamp(microsecondsSinceEpoch: 1_767_225_600_000_000)

    public static let driverStatsSchema = Schema([
        SchemaField(name: "driver_id", type: .int64, nullable: false),
        SchemaField(name: "event_timestamp", type: .timestamp, nullable: false),
        SchemaField(name: "created", type: .timestamp, nullable: false),
        SchemaField(name: "conv_rate", type: .float32, nullable: false),
        SchemaField(name: "acc_rate", type: .float32, nullable: false),
        SchemaField(name: "avg_daily_trips", type: .int32, nullable: false),
    ])

    public static let customerStatsSchema = Schema([
        SchemaField(name: "customer_id", type: .int64, nullable: false),
        SchemaField(name: "event_timestamp", type: .timestamp, nullable: false),
        SchemaField(name: "created", type: .timestamp, nullable: false),
        SchemaField(name: "current_balance", type: .float32, nullable: false),
        SchemaField(name: "avg_passenger_count", type: .float32, nullable: false),
        SchemaField(name: "lifetime_trip_count", type: .int32, nullable: false),
    ])

    public static let ordersSchema = Schema([
        SchemaField(name: "order_id", type: .int64, nullable: false),
        SchemaField(name: "driver_id", type: .int64, nullable: false),
        SchemaField(name: "customer_id", type: .int64, nullable: false),
        SchemaField(name: "event_timestamp", type: .timestamp, nullable: false),
        SchemaField(name: "trip_completed", type: .int32, nullable: false),
    ])

    static let hour: Int64 = 3_600_000_000
    static let firstDriverID: Int64 = 1000

    public init(scale: RidesScale, seed: UInt64 = 7, start: Timestamp = RidesDataGenerator.defaultStart) {
        self.scale = scale
        self.seed = seed
        self.start = start
        var rng = SplitMix64(seed: seed)
        let base = (0..<scale.drivers).map { _ in rng.uniformFloat() }
        driverStats = RidesDataGenerator.makeDriverStats(scale, start.microsecondsSinceEpoch, base, &rng)
        customerStats = RidesDataGenerator.makeCustomerStats(scale, start.microsecondsSinceEpoch, &rng)
        orders = RidesDataGenerator.makeOrders(scale, start.microsecondsSinceEpoch, base, &rng)
    }

    private static func makeDriverStats(_ scale: RidesScale, _ start: Int64, _ base: [Float], _ rng: inout SplitMix64) -> ColumnBatch {
        let rows = scale.hourlyDriverRows
        // Room for the ~1 % corrections, so appending them does not reallocate.
        let capacity = rows + rows / 50 + 64
        var ids = [Int64](), events = [Int64](), created = [Int64](), conv = [Float](), acc = [Float](), trips = [Int32]()
        ids.reserveCapacity(capacity)
        events.reserveCapacity(capacity)
        created.reserveCapacity(capacity)
        conv.reserveCapacity(capacity)
        acc.reserveCapacity(capacity)
        trips.reserveCapacity(capacity)
        var corrections: [Int] = []
        for driver in 0..<scale.drivers {
            let id = firstDriverID + Int64(driver)
            for h in 0..<scale.hours {
                let event = start + Int64(h) * hour + Int64(rng.integer(below: UInt64(hour)))
                ids.append(id)
                events.append(event)
                created.append(event + Int64(rng.integer(below: 600_000_000)))
                conv.append(min(max(base[driver] + Float(rng.normal(mean: 0, standardDeviation: 0.05)), 0), 1))
                acc.append(rng.uniformFloat())
                trips.append(Int32(rng.integer(below: 1000)))
                if rng.uniformDouble() < 0.01 { corrections.append(ids.count - 1) }
            }
        }
        // Late corrections: the same event re-emitted an hour after its first `created`, with a new rate.
        for i in corrections {
            ids.append(ids[i])
            events.append(events[i])
            created.append(created[i] + hour)
            conv.append(rng.uniformFloat())
            acc.append(acc[i])
            trips.append(trips[i])
        }
        let swaps = shuffleSwaps(ids.count, &rng)
        applySwaps(swaps, to: &ids)
        applySwaps(swaps, to: &events)
        applySwaps(swaps, to: &created)
        applySwaps(swaps, to: &conv)
        applySwaps(swaps, to: &acc)
        applySwaps(swaps, to: &trips)
        return makeBatch(driverStatsSchema, [
            Column(int64: ids), Column(timestampMicros: events), Column(timestampMicros: created),
            Column(float32: conv), Column(float32: acc), Column(int32: trips),
        ])
    }

    private static func makeCustomerStats(_ scale: RidesScale, _ start: Int64, _ rng: inout SplitMix64) -> ColumnBatch {
        let days = scale.hours / 24
        let rows = scale.customerRows
        var ids = [Int64](), events = [Int64](), created = [Int64]()
        ids.reserveCapacity(rows)
        events.reserveCapacity(rows)
        created.reserveCapacity(rows)
        for customer in 1...scale.customers {
            for day in 0..<days {
                let event = start + Int64(day) * 24 * hour
                ids.append(Int64(customer))
                events.append(event)
                created.append(event + 60_000_000)
            }
        }
        var balance = (0..<rows).map { _ in rng.uniformFloat() * 1000 }
        var passengers = (0..<rows).map { _ in rng.uniformFloat() * 4 }
        var trips = (0..<rows).map { _ in Int32(rng.integer(below: 5000)) }
        let swaps = shuffleSwaps(rows, &rng)
        applySwaps(swaps, to: &ids)
        applySwaps(swaps, to: &events)
        applySwaps(swaps, to: &created)
        applySwaps(swaps, to: &balance)
        applySwaps(swaps, to: &passengers)
        applySwaps(swaps, to: &trips)
        return makeBatch(customerStatsSchema, [
            Column(int64: ids), Column(timestampMicros: events), Column(timestampMicros: created),
            Column(float32: balance), Column(float32: passengers), Column(int32: trips),
        ])
    }

    private static func makeOrders(_ scale: RidesScale, _ start: Int64, _ base: [Float], _ rng: inout SplitMix64) -> ColumnBatch {
        let n = scale.orders
        let span = UInt64(scale.hours + 48) * UInt64(hour)
        var drivers = [Int64](), customers = [Int64](), events = [Int64](), labels = [Int32]()
        drivers.reserveCapacity(n)
        customers.reserveCapacity(n)
        events.reserveCapacity(n)
        labels.reserveCapacity(n)
        for _ in 0..<n {
            let driver = Int(rng.integer(below: UInt64(scale.drivers)))
            drivers.append(firstDriverID + Int64(driver))
            customers.append(1 + Int64(rng.integer(below: UInt64(scale.customers))))
            events.append(start - 2 * hour + Int64(rng.integer(below: span)))
            labels.append(rng.uniformDouble() < 0.2 + 0.6 * Double(base[driver]) ? 1 : 0)
        }
        return makeBatch(ordersSchema, [
            Column(int64: (0..<Int64(n)).map { $0 }), Column(int64: drivers), Column(int64: customers),
            Column(timestampMicros: events), Column(int32: labels),
        ])
    }

    /// The swaps of a Fisher-Yates shuffle of `count` rows: row `count - 1 - k` swaps with `swaps[k]`.
    /// Applying the same swaps to every column shuffles the table in place (no gathered copy, so the
    /// peak memory stays one table), and so the sources are not sorted.
    static func shuffleSwaps(_ count: Int, _ rng: inout SplitMix64) -> [UInt32] {
        precondition(count <= Int(UInt32.max), "rides tables are limited to 2^32 rows")
        guard count > 1 else { return [] }
        return (1..<count).reversed().map { i in UInt32(rng.integer(below: UInt64(i + 1))) }
    }

    static func applySwaps<T>(_ swaps: [UInt32], to values: inout [T]) {
        values.withUnsafeMutableBufferPointer { p in
            var i = p.count - 1
            for j in swaps {
                p.swapAt(i, Int(j))
                i -= 1
            }
        }
    }

    static func makeBatch(_ schema: Schema, _ columns: [Column]) -> ColumnBatch {
        do {
            return try ColumnBatch(schema: schema, columns: columns)
        } catch {
            // The columns are built above with exactly the schema's types and lengths.
            preconditionFailure("rides batch does not match its schema: \(error)")
        }
    }
}
