import Larder
import LarderColumnar
import LarderOffline

/// Random join inputs with small key and time domains, so that equal event times, equal `created` values, ttl
/// boundaries, keys absent from the store, entity rows before any data and duplicate entity rows all occur often.
struct RandomJoinCase {
    var entities: ColumnBatch
    var views: [PointInTimeJoin.ViewInput]
    var fullFeatureNames: Bool

    /// The join key columns every case can draw from: (name, type).
    static let keyColumns: [(String, ValueType)] = [
        ("k_int", .int64), ("k_wide", .int64), ("k_i32", .int32), ("k_str", .string),
    ]
    /// Wide int64 key values: direct indexing is impossible, so these go through the hash map.
    static let wideValues: [Int64] = [Int64.min, -5, 0, 1 << 40, Int64.max, 12_345_678_901_234, -(1 << 50), 7]
    static let stringValues = ["", "a", "b", "ab", "a-key-longer-than-eight-bytes", "a-key-longer-than-eight-bytez", "é", "0"]
    static let featureColumns: [(String, ValueType)] = [
        ("f_float32", .float32), ("f_float64", .float64), ("f_int64", .int64), ("f_int32", .int32),
        ("f_bool", .bool), ("f_string", .string), ("f_timestamp", .timestamp), ("f_bytes", .bytes),
    ]

    init(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let keySpace = Int.random(in: 1...6, using: &rng)
        let timeSpan = Int64.random(in: 1...30, using: &rng)
        let base = Int64.random(in: -1_000_000...1_000_000, using: &rng)
        let entityCount = Int.random(in: 0...40, using: &rng)
        let viewCount = Int.random(in: 1...3, using: &rng)

        // Entity rows: every key column, a time T (sometimes null, sometimes before any data) and a row id.
        var entityColumns: [(String, Column)] = [("row_id", Column(int64: (0..<Int64(entityCount)).map { $0 }))]
        for (name, type) in Self.keyColumns {
            let values = (0..<entityCount).map { _ in
                Self.keyValue(type: type, name: name, domain: keySpace + 2, nullChance: 0.05, using: &rng)
            }
            entityColumns.append((name, try Column(type: type, values: values)))
        }
        var entityTimes = (0..<entityCount).map { _ -> Value in
            Double.random(in: 0..<1, using: &rng) < 0.05
                ? .null : .timestamp(Timestamp(microsecondsSinceEpoch: base + Int64.random(in: -3...(timeSpan + 3), using: &rng)))
        }
        // Duplicate entity rows: copy some rows' keys and time over others.
        if entityCount > 1 {
            for _ in 0..<(entityCount / 5) {
                let from = Int.random(in: 0..<entityCount, using: &rng), to = Int.random(in: 0..<entityCount, using: &rng)
                entityTimes[to] = entityTimes[from]
                for c in 1..<entityColumns.count {
                    var values = (0..<entityCount).map { entityColumns[c].1.value(at: $0) }
                    values[to] = values[from]
                    entityColumns[c].1 = try Column(type: entityColumns[c].1.type, values: values)
                }
            }
        }
        // Sometimes the entity rows come in time order without nulls: the join then skips its sort by T.
        if Double.random(in: 0..<1, using: &rng) < 0.3 {
            entityTimes = entityTimes.map { $0 == .null ? .timestamp(Timestamp(microsecondsSinceEpoch: base)) : $0 }
                .sorted { Self.micros($0) < Self.micros($1) }
        }
        entityColumns.append(("event_timestamp", try Column(type: .timestamp, values: entityTimes)))
        entities = try ColumnBatch(schema: Schema(entityColumns.map { SchemaField(name: $0.0, type: $0.1.type) }),
                                   columns: entityColumns.map(\.1))

        views = []
        for v in 0..<viewCount {
            views.append(try Self.randomView(index: v, keySpace: keySpace, timeSpan: timeSpan, base: base, using: &rng))
        }
        fullFeatureNames = Bool.random(using: &rng)
    }

    private static func randomView(
        index: Int, keySpace: Int, timeSpan: Int64, base: Int64, using rng: inout SplitMix64
    ) throws -> PointInTimeJoin.ViewInput {
        let keyCount = Int.random(in: 1...2, using: &rng)
        let keys = Array(keyColumns.shuffled(using: &rng).prefix(keyCount))
        let rowCount = Double.random(in: 0..<1, using: &rng) < 0.1 ? 0 : Int.random(in: 1...60, using: &rng)
        let hasCreated = Double.random(in: 0..<1, using: &rng) < 0.8
        let features = Array(featureColumns.shuffled(using: &rng).prefix(Int.random(in: 1...3, using: &rng)))

        var times = (0..<rowCount).map { _ in base + Int64.random(in: 0..<timeSpan, using: &rng) }
        var created = (0..<rowCount).map { _ in Int64.random(in: 0..<4, using: &rng) }
        // Sometimes the store is already sorted by (time, created): exercises the no-sort path.
        if Bool.random(using: &rng) {
            let order = (0..<rowCount).sorted { (times[$0], created[$0]) < (times[$1], created[$1]) }
            times = order.map { times[$0] }
            created = order.map { created[$0] }
        }
        var columns: [(String, Column)] = []
        for (name, type) in keys {
            let values = (0..<rowCount).map { _ in keyValue(type: type, name: name, domain: keySpace, nullChance: 0.03, using: &rng) }
            columns.append((name, try Column(type: type, values: values)))
        }
        let nullTime = (0..<rowCount).map { _ in Double.random(in: 0..<1, using: &rng) < 0.03 }
        columns.append(("event_timestamp", try Column(type: .timestamp, values: (0..<rowCount).map {
            nullTime[$0] ? .null : .timestamp(Timestamp(microsecondsSinceEpoch: times[$0]))
        })))
        if hasCreated {
            columns.append(("created", try Column(type: .timestamp, values: (0..<rowCount).map {
                Double.random(in: 0..<1, using: &rng) < 0.2 ? .null : .timestamp(Timestamp(microsecondsSinceEpoch: created[$0]))
            })))
        }
        for (name, type) in features {
            let values = (0..<rowCount).map { _ in featureValue(type: type, using: &rng) }
            columns.append((name, try Column(type: type, values: values)))
        }
        let rows = try ColumnBatch(schema: Schema(columns.map { SchemaField(name: $0.0, type: $0.1.type) }), columns: columns.map(\.1))
        let ttlChoice = Int.random(in: 0..<10, using: &rng)
        return PointInTimeJoin.ViewInput(
            name: "view\(index)", joinKeys: keys.map(\.0),
            ttl: ttlChoice < 3 ? nil : .init(microseconds: Int64.random(in: 0...timeSpan, using: &rng)),
            rows: rows, features: features.map(\.0), createdColumn: hasCreated ? "created" : nil)
    }

    static func micros(_ v: Value) -> Int64 {
        if case .timestamp(let t) = v { return t.microsecondsSinceEpoch }
        return .min
    }

    static func keyValue(type: ValueType, name: String, domain: Int, nullChance: Double, using rng: inout SplitMix64) -> Value {
        if Double.random(in: 0..<1, using: &rng) < nullChance { return .null }
        let d = Int.random(in: 0..<domain, using: &rng)
        switch (type, name) {
        case (.int64, "k_wide"): return .int64(wideValues[d % wideValues.count])
        case (.int64, _): return .int64(Int64(d) + 100)
        case (.int32, _): return .int32(Int32(d) - 2)
        default: return .string(stringValues[d % stringValues.count])
        }
    }

    static func featureValue(type: ValueType, using rng: inout SplitMix64) -> Value {
        if Double.random(in: 0..<1, using: &rng) < 0.2 { return .null }
        switch type {
        case .float32: return .float32(Float(Int.random(in: -100...100, using: &rng)) / 4)
        case .float64: return .float64(Double.random(in: -1...1, using: &rng))
        case .int64: return .int64(Int64.random(in: .min ... .max, using: &rng))
        case .int32: return .int32(Int32.random(in: .min ... .max, using: &rng))
        case .bool: return .bool(Bool.random(using: &rng))
        case .string: return .string(String(repeating: "x", count: Int.random(in: 0...12, using: &rng)))
        case .bytes: return .bytes((0..<Int.random(in: 0...5, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        case .timestamp: return .timestamp(Timestamp(microsecondsSinceEpoch: Int64.random(in: -1_000_000...1_000_000, using: &rng)))
        }
    }
}
