import Larder
import LarderColumnar
import LarderOffline
import Testing

@Suite("Point-in-time join: join keys, output names and input errors")
struct PointInTimeJoinKeysAndNamesTests {
    @Test("a view with two join keys matches on the whole tuple")
    func twoJoinKeys() throws {
        let rows = try ColumnBatch([
            "city": Column(strings: ["oslo", "oslo", "rome"]), "driver_id": Column(int32: [1, 2, 1]),
            "event_timestamp": Column(timestampMicros: [1, 1, 1]), "score": Column(float64: [10, 20, 30]),
        ])
        let entities = try ColumnBatch([
            "city": Column(strings: ["rome", "oslo", "oslo", "rome", nil]), "driver_id": Column(int32: [1, 2, 3, 2, 1]),
            "event_timestamp": Column(timestampMicros: [5, 5, 5, 5, 5]),
        ])
        let view = PointInTimeJoin.ViewInput(name: "v", joinKeys: ["city", "driver_id"], ttl: nil, rows: rows,
                                             features: ["score"], createdColumn: nil)
        let out = try PointInTimeJoin.join(entities: entities, views: [view])
        #expect((0..<5).map { out.value(row: $0, column: 3) } == [.float64(30), .float64(20), .null, .null, .null])
    }

    @Test("string keys, including empty and multi-byte strings, and int64 keys too wide to index directly")
    func stringAndWideKeys() throws {
        let keys = ["", "é", "a-key-longer-than-eight-bytes", "a-key-longer-than-eight-bytez"]
        let rows = try ColumnBatch(["k": Column(strings: keys), "event_timestamp": Column(timestampMicros: [0, 0, 0, 0]),
                                    "n": Column(int64: [0, 1, 2, 3])])
        let entities = try ColumnBatch(["k": Column(strings: keys.reversed() + ["missing"]),
                                        "event_timestamp": Column(timestampMicros: [0, 0, 0, 0, 0])])
        let view = PointInTimeJoin.ViewInput(name: "v", joinKeys: ["k"], ttl: nil, rows: rows, features: ["n"], createdColumn: nil)
        let out = try PointInTimeJoin.join(entities: entities, views: [view])
        #expect((0..<5).map { out.value(row: $0, column: 2) } == [.int64(3), .int64(2), .int64(1), .int64(0), .null])

        let wide: [Int64] = [.min, -1, .max, 1 << 62]
        let wideRows = try ColumnBatch(["k": Column(int64: wide), "event_timestamp": Column(timestampMicros: [0, 0, 0, 0]),
                                        "n": Column(int64: [0, 1, 2, 3])])
        let wideEntities = try ColumnBatch(["k": Column(int64: [.max, 0, .min, 1 << 62]),
                                            "event_timestamp": Column(timestampMicros: [0, 0, 0, 0])])
        let wideView = PointInTimeJoin.ViewInput(name: "v", joinKeys: ["k"], ttl: nil, rows: wideRows, features: ["n"], createdColumn: nil)
        let wideOut = try PointInTimeJoin.join(entities: wideEntities, views: [wideView])
        #expect((0..<4).map { wideOut.value(row: $0, column: 2) } == [.int64(2), .null, .int64(0), .int64(3)])
    }

    func view(_ name: String, features: [String], outputNames: [String]? = nil) throws -> PointInTimeJoin.ViewInput {
        var columns: [(String, Column)] = [("id", Column(int64: [1])), ("event_timestamp", Column(timestampMicros: [0]))]
        for f in features { columns.append((f, Column(float64: [1]))) }
        let rows = try ColumnBatch(schema: Schema(columns.map { SchemaField(name: $0.0, type: $0.1.type) }), columns: columns.map(\.1))
        return PointInTimeJoin.ViewInput(name: name, joinKeys: ["id"], ttl: nil, rows: rows, features: features,
                                         outputNames: outputNames, createdColumn: nil)
    }

    @Test("output names: the feature name; view__feature with full names or when two views share a feature name")
    func outputNames() throws {
        let entities = try ColumnBatch(["id": Column(int64: [1]), "event_timestamp": Column(timestampMicros: [0])])
        let a = try view("a", features: ["x", "y"]), b = try view("b", features: ["y", "z"])
        let shared = try PointInTimeJoin.join(entities: entities, views: [a, b])
        #expect(shared.schema.names == ["id", "event_timestamp", "x", "a__y", "b__y", "z"])
        let full = try PointInTimeJoin.join(entities: entities, views: [a, b], fullFeatureNames: true)
        #expect(full.schema.names == ["id", "event_timestamp", "a__x", "a__y", "b__y", "b__z"])
        let explicit = try view("c", features: ["x"], outputNames: ["renamed"])
        #expect(try PointInTimeJoin.join(entities: entities, views: [explicit]).schema.names == ["id", "event_timestamp", "renamed"])
    }

    @Test("output name clashes and a wrong number of output names are errors naming the view")
    func outputNameErrors() throws {
        let entities = try ColumnBatch(["id": Column(int64: [1]), "event_timestamp": Column(timestampMicros: [0])])
        #expect(throws: PointInTimeJoinError.duplicateOutputColumn(name: "id", view: "a")) {
            try PointInTimeJoin.join(entities: entities, views: [try view("a", features: ["x"], outputNames: ["id"])])
        }
        #expect(throws: PointInTimeJoinError.outputNameCountMismatch(view: "a", features: 2, outputNames: 1)) {
            try PointInTimeJoin.join(entities: entities, views: [try view("a", features: ["x", "y"], outputNames: ["x"])])
        }
    }

    @Test("input errors name the view and the column: missing columns, key type mismatch, bad types, negative ttl")
    func inputErrors() throws {
        let entities = try ColumnBatch(["id": Column(int64: [1]), "event_timestamp": Column(timestampMicros: [0]),
                                        "name": Column(strings: ["a"]), "weight": Column(float64: [1])])
        let rows = try ColumnBatch(["id": Column(int64: [1]), "event_timestamp": Column(timestampMicros: [0]),
                                    "name": Column(int64: [7]), "weight": Column(float64: [1]), "rate": Column(float64: [1]),
                                    "when": Column(int64: [0])])
        func make(_ keys: [String], features: [String] = ["rate"], ttl: TimeSpan? = nil, time: String = "event_timestamp",
                  created: String? = nil) -> PointInTimeJoin.ViewInput {
            .init(name: "v", joinKeys: keys, ttl: ttl, rows: rows, features: features, eventTimestampColumn: time, createdColumn: created)
        }
        #expect(throws: PointInTimeJoinError.missingColumn(view: "v", column: "zone", side: .entityRows, available: entities.schema.names)) {
            try PointInTimeJoin.join(entities: entities, views: [make(["zone"])])
        }
        #expect(throws: PointInTimeJoinError.keyTypeMismatch(view: "v", column: "name", entityType: .string, storedType: .int64)) {
            try PointInTimeJoin.join(entities: entities, views: [make(["name"])])
        }
        #expect(throws: PointInTimeJoinError.unsupportedKeyType(view: "v", column: "weight", side: .entityRows, type: .float64)) {
            try PointInTimeJoin.join(entities: entities, views: [make(["weight"])])
        }
        #expect(throws: PointInTimeJoinError.missingColumn(view: "v", column: "speed", side: .storedRows, available: rows.schema.names)) {
            try PointInTimeJoin.join(entities: entities, views: [make(["id"], features: ["speed"])])
        }
        #expect(throws: PointInTimeJoinError.notATimestamp(view: "v", column: "when", side: .storedRows, type: .int64)) {
            try PointInTimeJoin.join(entities: entities, views: [make(["id"], time: "when")])
        }
        #expect(throws: PointInTimeJoinError.missingColumn(view: "v", column: "created", side: .storedRows, available: rows.schema.names)) {
            try PointInTimeJoin.join(entities: entities, views: [make(["id"], created: "created")])
        }
        #expect(throws: PointInTimeJoinError.negativeTTL(view: "v", ttl: .init(microseconds: -1))) {
            try PointInTimeJoin.join(entities: entities, views: [make(["id"], ttl: .init(microseconds: -1))])
        }
        #expect(throws: PointInTimeJoinError.noJoinKeys(view: "v")) {
            try PointInTimeJoin.join(entities: entities, views: [make([])])
        }
        #expect(throws: PointInTimeJoinError.notATimestamp(view: nil, column: "weight", side: .entityRows, type: .float64)) {
            try PointInTimeJoin.join(entities: entities, entityTimestamp: "weight", views: [make(["id"])])
        }
        let message = PointInTimeJoinError.keyTypeMismatch(view: "v", column: "name", entityType: .string, storedType: .int64).description
        #expect(message.contains("'v'") && message.contains("'name'") && message.contains("cast"))
    }
}
