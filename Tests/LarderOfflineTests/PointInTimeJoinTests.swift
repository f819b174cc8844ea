import Larder
import LarderColumnar
import LarderOffline
import Testing

/// Hand-computed cases for each part of the rule.
@Suite("Point-in-time join: the rule, case by case")
struct PointInTimeJoinTests {
    static let hour: Int64 = 3_600_000_000

    /// Entity rows (driver_id, event_timestamp µs).
    func entities(_ rows: [(Int64, Int64)]) throws -> ColumnBatch {
        try ColumnBatch(["driver_id": Column(int64: rows.map(\.0)), "event_timestamp": Column(timestampMicros: rows.map(\.1))])
    }

    /// Stored rows (driver_id, event_timestamp µs, created µs or nil, value or nil).
    func stored(_ rows: [(Int64, Int64, Int64?, Float?)]) throws -> ColumnBatch {
        try ColumnBatch([
            "driver_id": Column(int64: rows.map(\.0)),
            "event_timestamp": Column(timestampMicros: rows.map(\.1)),
            "created": Column(type: .timestamp, values: rows.map { $0.2.map { .timestamp(Timestamp(microsecondsSinceEpoch: $0)) } ?? .null }),
            "rate": Column(type: .float32, values: rows.map { $0.3.map(Value.float32) ?? .null }),
        ])
    }

    func rates(_ batch: ColumnBatch, _ column: String = "rate") -> [Float?] {
        let c = batch.column(named: column)!
        return (0..<c.count).map { c.isNull($0) ? nil : c.float32Values[$0] }
    }

    @Test("latest event time at or before T wins; later rows and other keys are ignored")
    func latestAtOrBefore() throws {
        let rows = try stored([(1, 10, nil, 1.0), (1, 20, nil, 2.0), (1, 30, nil, 3.0), (2, 25, nil, 9.0)])
        let view = PointInTimeJoin.ViewInput(name: "d", joinKeys: ["driver_id"], ttl: nil, rows: rows, features: ["rate"])
        let out = try PointInTimeJoin.join(entities: entities([(1, 25), (1, 20), (1, 9), (1, 1_000), (2, 24)]), views: [view])
        #expect(rates(out) == [2.0, 2.0, nil, 3.0, nil])
    }

    @Test("ttl: a row exactly ttl old matches, one microsecond older does not; no ttl is unbounded")
    func ttlBoundaries() throws {
        let rows = try stored([(1, 0, nil, 1.0)])
        let ttl = TimeSpan.hours(1)
        let e = try entities([(1, Self.hour), (1, Self.hour + 1), (1, 0), (1, -1)])
        let bounded = PointInTimeJoin.ViewInput(name: "d", joinKeys: ["driver_id"], ttl: ttl, rows: rows, features: ["rate"])
        #expect(rates(try PointInTimeJoin.join(entities: e, views: [bounded])) == [1.0, nil, 1.0, nil])
        let unbounded = PointInTimeJoin.ViewInput(name: "d", joinKeys: ["driver_id"], ttl: nil, rows: rows, features: ["rate"])
        #expect(rates(try PointInTimeJoin.join(entities: e, views: [unbounded])) == [1.0, 1.0, 1.0, nil])
        let zero = PointInTimeJoin.ViewInput(name: "d", joinKeys: ["driver_id"], ttl: .zero, rows: rows, features: ["rate"])
        #expect(rates(try PointInTimeJoin.join(entities: e, views: [zero])) == [nil, nil, 1.0, nil])
    }

    @Test("ttl does not fall back: if the latest row is too old, an even older row is not used")
    func ttlAppliesToTheLatestRow() throws {
        // Latest row before T=100 is at 50 (too old for ttl 10): null, even though nothing newer exists.
        let rows = try stored([(1, 50, nil, 5.0), (1, 10, nil, 1.0)])
        let view = PointInTimeJoin.ViewInput(name: "d", joinKeys: ["driver_id"], ttl: .init(microseconds: 10), rows: rows, features: ["rate"])
        #expect(rates(try PointInTimeJoin.join(entities: entities([(1, 100), (1, 55)]), views: [view])) == [nil, 5.0])
    }

    @Test("equal event times: greatest created wins, null created is lowest, a full tie goes to the row stored last")
    func tieBreaks() throws {
        let rows = try stored([
            (1, 10, 5, 1.0), (1, 10, 7, 2.0), (1, 10, 6, 3.0),        // key 1: created 7 wins
            (2, 10, nil, 4.0), (2, 10, 0, 5.0), (2, 10, nil, 6.0),    // key 2: any created beats null
            (3, 10, 4, 7.0), (3, 10, 4, 8.0), (3, 9, 9, 9.0),         // key 3: full tie, stored last wins
            (4, 10, nil, 10.0), (4, 10, nil, 11.0),                   // key 4: both null, stored last wins
        ])
        let view = PointInTimeJoin.ViewInput(name: "d", joinKeys: ["driver_id"], ttl: nil, rows: rows, features: ["rate"])
        let out = try PointInTimeJoin.join(entities: entities([(1, 10), (2, 10), (3, 10), (4, 10)]), views: [view])
        #expect(rates(out) == [2.0, 5.0, 8.0, 11.0])
        let noCreated = PointInTimeJoin.ViewInput(name: "d", joinKeys: ["driver_id"], ttl: nil, rows: rows, features: ["rate"],
                                                  createdColumn: nil)
        #expect(rates(try PointInTimeJoin.join(entities: entities([(1, 10), (2, 10)]), views: [noCreated])) == [3.0, 6.0])
    }

    @Test("a null feature value on the winning row stays null (no fallback to an older row)")
    func nullFeatureOnWinner() throws {
        let rows = try stored([(1, 10, nil, 1.0), (1, 20, nil, nil)])
        let view = PointInTimeJoin.ViewInput(name: "d", joinKeys: ["driver_id"], ttl: nil, rows: rows, features: ["rate"])
        #expect(rates(try PointInTimeJoin.join(entities: entities([(1, 25), (1, 15)]), views: [view])) == [nil, 1.0])
    }

    @Test("every entity row comes out in input order, duplicates included; entity columns pass through")
    func entityRowsPassThrough() throws {
        let rows = try stored([(1, 10, nil, 1.0), (2, 10, nil, 2.0)])
        let e = try entities([(2, 50), (1, 50), (2, 50), (7, 50), (1, 5), (2, 50)])
        let view = PointInTimeJoin.ViewInput(name: "d", joinKeys: ["driver_id"], ttl: nil, rows: rows, features: ["rate"])
        let out = try PointInTimeJoin.join(entities: e, views: [view])
        #expect(out.rowCount == 6)
        #expect(Array(out.columns.prefix(2)) == e.columns)
        #expect(rates(out) == [2.0, 1.0, 2.0, nil, nil, 2.0])
    }

    @Test("empty store gives all nulls; an empty entity batch gives an empty result with the full schema")
    func emptyInputs() throws {
        let empty = PointInTimeJoin.ViewInput(name: "d", joinKeys: ["driver_id"], ttl: nil, rows: try stored([]), features: ["rate"])
        #expect(rates(try PointInTimeJoin.join(entities: entities([(1, 5), (2, 6)]), views: [empty])) == [nil, nil])
        let full = PointInTimeJoin.ViewInput(name: "d", joinKeys: ["driver_id"], ttl: nil, rows: try stored([(1, 1, nil, 1.0)]),
                                             features: ["rate"])
        let out = try PointInTimeJoin.join(entities: entities([]), views: [full])
        #expect(out.rowCount == 0)
        #expect(out.schema.names == ["driver_id", "event_timestamp", "rate"])
        #expect(out.schema.fields.map(\.type) == [.int64, .timestamp, .float32])
        let noViews = try entities([(3, 4)])
        #expect(try PointInTimeJoin.join(entities: noViews, views: []) == noViews)
    }

    @Test("types are kept: float32, int32, bool, string, bytes and timestamp features come out as they went in")
    func typesKept() throws {
        let rows = try ColumnBatch([
            "driver_id": Column(int64: [1]), "event_timestamp": Column(timestampMicros: [0]),
            "f32": Column(float32: [0.5]), "i32": Column(int32: [-3]), "flag": Column(bool: [true]),
            "name": Column(strings: ["zed"]), "blob": Column(bytes: [[1, 2]]), "seen": Column(timestampMicros: [42]),
        ])
        let view = PointInTimeJoin.ViewInput(name: "d", joinKeys: ["driver_id"], ttl: nil, rows: rows,
                                             features: ["f32", "i32", "flag", "name", "blob", "seen"], createdColumn: nil)
        let out = try PointInTimeJoin.join(entities: entities([(1, 1), (2, 1)]), views: [view])
        #expect(out.schema.fields.dropFirst(2).map(\.type) == [.float32, .int32, .bool, .string, .bytes, .timestamp])
        #expect((2..<8).map { out.value(row: 0, column: $0) }
                == [.float32(0.5), .int32(-3), .bool(true), .string("zed"), .bytes([1, 2]), .timestamp(Timestamp(microsecondsSinceEpoch: 42))])
        #expect((2..<8).allSatisfy { out.value(row: 1, column: $0) == .null })
    }
}
