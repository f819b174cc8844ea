import Larder
import LarderColumnar
import Testing
@testable import LarderOffline

@Suite("Window aggregations in training sets")
struct WindowAggregatorTests {
    static let minute: Int64 = 60_000_000, hour: Int64 = 3_600_000_000

    /// An event batch: key, time, created and the event columns of `view`.
    static func events(keys: [Int64], times: [Int64], created: [Int64?], fare: [Double?], rating: [Int32?], payment: [String?]) throws -> ColumnBatch {
        try ColumnBatch(
            schema: Schema([SchemaField(name: "driver_id", type: .int64), SchemaField(name: "event_timestamp", type: .timestamp),
                            SchemaField(name: "created", type: .timestamp), SchemaField(name: "fare", type: .float64),
                            SchemaField(name: "rating", type: .int32), SchemaField(name: "payment", type: .string)]),
            columns: [Column(int64: keys), Column(timestampMicros: times),
                      try Column(type: .timestamp, values: created.map { $0.map { .timestamp(Timestamp(microsecondsSinceEpoch: $0)) } ?? .null }),
                      try Column(type: .float64, values: fare.map { $0.map(Value.float64) ?? .null }),
                      try Column(type: .int32, values: rating.map { $0.map(Value.int32) ?? .null }),
                      Column(strings: payment)])
    }

    static func entities(keys: [Int64], times: [Int64]) throws -> ColumnBatch {
        try ColumnBatch(schema: Schema([SchemaField(name: "driver_id", type: .int64), SchemaField(name: "event_timestamp", type: .timestamp)]),
                        columns: [Column(int64: keys), Column(timestampMicros: times)])
    }

    static let driver = Entity("driver", joinKey: "driver_id", type: .int64)
    static func view(_ aggregations: [Aggregation]) -> AggregationView {
        AggregationView("trips", entities: [driver], source: .parquet("trips", path: "trips.parquet", eventTimestamp: "event_timestamp", created: "created"),
                        events: [Field("fare", .float64), Field("rating", .int32), Field("payment", .string)], aggregations: aggregations)
    }

    @Test("the window is [floor_hop(t − w), t): the end excluded, the floored start included, at and around hop boundaries")
    func windowEdges() throws {
        // w = 1 h, hop 5 min. A query at t = 10:00 counts [09:00, 10:00); at 10:00 + 1 µs, the start floors to 09:00 still;
        // at 09:59:59.999999 the start floors to 08:55.
        let t: Int64 = 10 * Self.hour
        let times = [9 * Self.hour - 1, 9 * Self.hour, 9 * Self.hour - 5 * Self.minute, t - 1, t, t + 1]
        let events = try Self.events(keys: times.map { _ in 1 }, times: times, created: times.map { $0 }, fare: times.map { _ in 1 },
                                     rating: times.map { _ in 1 }, payment: times.map { _ in "card" })
        let queries = [t, t + 1, t - 1, t + 5 * Self.minute]
        let entities = try Self.entities(keys: queries.map { _ in 1 }, times: queries)
        let view = Self.view([.count("n", over: .hours(1))])
        let counts = try WindowAggregator.aggregate(view: view, features: ["n"], events: events, entities: entities,
                                                    times: entities.column(named: "event_timestamp")!)[0]
        // t: 09:00 and t - 1 (not 08:59:59.999999, not 08:55, not t).
        // t + 1: also t. t - 1: start 08:55 → 08:55, 08:59:59.999999, 09:00 (t - 1 itself excluded).
        // t + 5 min: start 09:05 → t - 1, t, t + 1.
        #expect(counts.int64Values == [2, 3, 3, 3])
    }

    @Test("an empty window: count 0, others null; lifetime counts everything before t; unknown keys are empty windows")
    func emptyWindows() throws {
        let events = try Self.events(keys: [1, 1], times: [0, Self.hour], created: [0, Self.hour], fare: [5, 7], rating: [3, nil],
                                     payment: ["cash", "card"])
        let entities = try Self.entities(keys: [1, 1, 2], times: [0, 100 * Self.hour, 100 * Self.hour])
        let view = Self.view([.count("n", over: .hours(1)), .sum("s", of: "fare", over: .hours(1)), .count("all", over: .lifetime),
                              .last("p", of: "payment", over: .lifetime), .min("r", of: "rating", over: .lifetime),
                              .stddev("d", of: "fare", over: .lifetime)])
        let columns = try WindowAggregator.aggregate(view: view, features: ["n", "s", "all", "p", "r", "d"], events: events,
                                                     entities: entities, times: entities.column(named: "event_timestamp")!)
        #expect(columns[0].int64Values == [0, 0, 0])
        #expect((0..<3).map { columns[1].value(at: $0) } == [.null, .null, .null])
        #expect(columns[2].int64Values == [0, 2, 0])
        #expect((0..<3).map { columns[3].value(at: $0) } == [.null, .string("card"), .null])
        #expect((0..<3).map { columns[4].value(at: $0) } == [.null, .int32(3), .null])
        #expect(try #require(columns[5].value(at: 1).doubleValue).isApproximatelyEqual(to: 2.0.squareRoot()))
    }

    @Test("last takes the latest by (event time, created) and, on a full tie, the greatest value; nulls are skipped")
    func lastTies() throws {
        let events = try Self.events(keys: [1, 1, 1, 1], times: [10, 20, 20, 20], created: [10, 25, 25, 21],
                                     fare: [1, 2, 3, nil], rating: [1, 2, 3, 4], payment: ["wallet", "card", "cash", nil])
        let entities = try Self.entities(keys: [1], times: [30])
        let view = Self.view([.last("p", of: "payment", over: .lifetime), .last("f", of: "fare", over: .lifetime)])
        let columns = try WindowAggregator.aggregate(view: view, features: ["p", "f"], events: events, entities: entities,
                                                     times: entities.column(named: "event_timestamp")!)
        #expect(columns[0].value(at: 0) == .string("cash"))
        #expect(columns[1].value(at: 0) == .float64(3))
    }

    @Test("every operation equals a direct computation by the rule, over 200 seeded random cases")
    func matchesDirectComputation() throws {
        var rng = SplitMix64(seed: 20_261_206)
        for index in 0..<200 {
            let n = Int(rng.integer(below: 300)), q = 1 + Int(rng.integer(below: 60))
            let span = Int64(1 + rng.integer(below: 4)) * 6 * Self.hour
            func time() -> Int64 { Int64(rng.integer(below: UInt64(span / Self.minute))) * Self.minute / Int64(1 + rng.integer(below: 2)) - Self.hour }
            let keys = (0..<n).map { _ in Int64(rng.integer(below: 4)) }
            let times = (0..<n).map { _ in time() }
            let created = times.map { t -> Int64? in rng.integer(below: 10) == 0 ? nil : t + Int64(rng.integer(below: 3)) }
            let fare = (0..<n).map { _ -> Double? in rng.integer(below: 8) == 0 ? nil : Double(rng.integer(below: 2000)) / 100 - 3 }
            let rating = (0..<n).map { _ -> Int32? in rng.integer(below: 8) == 0 ? nil : Int32(rng.integer(below: 5)) + 1 }
            let payment = (0..<n).map { _ -> String? in rng.integer(below: 8) == 0 ? nil : ["card", "cash", "wallet", "Card"][Int(rng.integer(below: 4))] }
            let events = try Self.events(keys: keys, times: times, created: created, fare: fare, rating: rating, payment: payment)
            let queryKeys = (0..<q).map { _ in Int64(rng.integer(below: 5)) }
            let queryTimes = (0..<q).map { _ in time() + Int64(rng.integer(below: 3)) - 1 }
            let entities = try Self.entities(keys: queryKeys, times: queryTimes)
            let window: Aggregation.Window = [.lifetime, .hours(1), .hours(2), .minutes(30)][Int(rng.integer(below: 4))]
            let hop: TimeSpan? = rng.integer(below: 2) == 0 ? nil : .minutes(15)
            let aggregations: [Aggregation] = [
                .count("count", over: window, hop: hop), .sum("sum", of: "fare", over: window, hop: hop),
                .sum("isum", of: "rating", over: window, hop: hop), .mean("mean", of: "fare", over: window, hop: hop),
                .min("min", of: "rating", over: window, hop: hop), .max("max", of: "fare", over: window, hop: hop),
                .max("smax", of: "payment", over: window, hop: hop), .stddev("std", of: "fare", over: window, hop: hop),
                .last("last", of: "payment", over: window, hop: hop), .last("flast", of: "fare", over: window, hop: hop),
            ]
            let view = Self.view(aggregations)
            let columns = try WindowAggregator.aggregate(view: view, features: aggregations.map(\.name), events: events, entities: entities,
                                                         times: entities.column(named: "event_timestamp")!)
            for row in 0..<q {
                let start = aggregations[0].windowStart(at: queryTimes[row]) ?? .min
                let inWindow = (0..<n).filter { keys[$0] == queryKeys[row] && times[$0] >= start && times[$0] < queryTimes[row] }
                let fares = inWindow.compactMap { fare[$0] }, ratings = inWindow.compactMap { rating[$0] }
                let expected: [Value] = [
                    .int64(Int64(inWindow.count)),
                    fares.isEmpty ? .null : .float64(fares.reduce(0, +)),
                    ratings.isEmpty ? .null : .int64(ratings.reduce(0) { $0 + Int64($1) }),
                    fares.isEmpty ? .null : .float64(fares.reduce(0, +) / Double(fares.count)),
                    ratings.min().map(Value.int32) ?? .null,
                    fares.max().map(Value.float64) ?? .null,
                    inWindow.compactMap { payment[$0] }.max { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.map(Value.string) ?? .null,
                    Self.sampleStddev(fares).map(Value.float64) ?? .null,
                    Self.latest(inWindow, times: times, created: created, values: payment) { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
                        .map(Value.string) ?? .null,
                    Self.latest(inWindow, times: times, created: created, values: fare, by: <).map(Value.float64) ?? .null,
                ]
                for (a, value) in expected.enumerated() {
                    let actual = columns[a].value(at: row)
                    #expect(Self.same(actual, value), "case \(index) row \(row) \(aggregations[a].name) over \(window): \(actual) vs \(value)")
                }
            }
        }
    }

    /// Two-pass sample standard deviation (a different formula from the aggregator's Welford update).
    static func sampleStddev(_ xs: [Double]) -> Double? {
        guard xs.count >= 2 else { return nil }
        let mean = xs.reduce(0, +) / Double(xs.count)
        return (xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(xs.count - 1)).squareRoot()
    }

    /// The present value of the latest event by (time, created), a null created earliest, a full tie by the greatest value.
    static func latest<T>(_ rows: [Int], times: [Int64], created: [Int64?], values: [T?], by less: (T, T) -> Bool) -> T? {
        var best: (Int64, Int64, T)?
        for r in rows {
            guard let v = values[r] else { continue }
            let candidate = (times[r], created[r] ?? .min, v)
            if let b = best {
                if (candidate.0, candidate.1) > (b.0, b.1) || ((candidate.0, candidate.1) == (b.0, b.1) && less(b.2, v)) { best = candidate }
            } else {
                best = candidate
            }
        }
        return best?.2
    }

    static func same(_ a: Value, _ b: Value) -> Bool {
        if case .float64(let x) = a, case .float64(let y) = b { return x.isApproximatelyEqual(to: y) }
        return a == b
    }
}

extension Double {
    func isApproximatelyEqual(to other: Double) -> Bool { self == other || abs(self - other) <= 1e-9 * Swift.max(abs(self), abs(other), 1e-300) }
}
