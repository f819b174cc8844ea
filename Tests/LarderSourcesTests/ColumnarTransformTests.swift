import Larder
import LarderColumnar
@testable import LarderSources
import Testing

/// The columnar transform path against the boxed reference rule (`transformBoxed`), over seeded random
/// batches: every type, nulls, widening sources, and transforms that add, overwrite, widen, refuse rows,
/// write wrong types or nulls, skip a produced field, replace the row, and inspect it.
@Suite("Row transforms at columnar speed")
struct ColumnarTransformTests {
    /// Which behaviours a case's transform has; `every` picks the rows the error behaviours hit.
    struct Behaviours: Sendable {
        var clip = false, produce = false, produceOnlyWithF64 = false, wrongType = false, refuse = false
        var nullIntoRequired = false, widen = false, upper = false, replace = false, timestamps = false
        var bytes = false, introspect = false
        /// The source's event time is `ts`; the transform writes `event_timestamp` on some rows and `ts` on others
        /// (the stored field reads `row["ts"] ?? row["event_timestamp"]`).
        var renamedTime = false
        var every = 97

        static func random(_ rng: inout SplitMix64) -> Behaviours {
            func coin(_ p: Double) -> Bool { rng.uniformDouble() < p }
            return Behaviours(clip: coin(0.6), produce: coin(0.7), produceOnlyWithF64: coin(0.15), wrongType: coin(0.15),
                              refuse: coin(0.15), nullIntoRequired: coin(0.15), widen: coin(0.4), upper: coin(0.4),
                              replace: coin(0.15), timestamps: coin(0.3), bytes: coin(0.3), introspect: coin(0.2),
                              renamedTime: coin(0.3), every: 50 + Int(rng.integer(below: 5000)))
        }
    }

    static func transform(_ b: Behaviours) -> RowTransform {
        RowTransform("random", version: 1, produces: ["q", "n"]) { row in
            let key = row.int64("k") ?? 0
            if b.replace && key % Int64(b.every) == 3 { row = FeatureRow(layout: row.layout, values: row.values) }
            if b.clip, let r = row.double("f32") { row["f32"] = .float32(Float(min(max(r, 0), 1))) }
            if b.produce {
                if !b.produceOnlyWithF64 || row.double("f64") != nil { row["q"] = row.double("f32").map { .float32(Float($0 * 2)) } ?? .null }
            } else {
                row["q"] = .float32(1)
            }
            if b.wrongType && key % Int64(b.every) == 0 { row["i32"] = .int64(key) }
            if b.refuse && key % Int64(b.every) == 1 { throw TransformError("key \(key) is refused") }
            row["n"] = b.nullIntoRequired && key % Int64(b.every) == 2 ? .null : .int32(Int32(truncatingIfNeeded: key))
            if b.widen, let d = row.double("f64") { row["f64"] = .float32(Float(d)) }
            if b.upper { row["s"] = .string(row.string("s")?.uppercased() ?? "none") }
            if b.timestamps, let t = row.timestamp("event_timestamp") {
                row["i64"] = .int64(t.microsecondsSinceEpoch % 1000 + (row.timestamp("created")?.microsecondsSinceEpoch ?? 0) % 7)
            }
            if b.bytes, case .bytes(let old)? = row["by"] { row["by"] = .bytes(old.reversed()) }
            if b.renamedTime, let t = row.timestamp("ts") {
                if key % 3 == 0 { row["event_timestamp"] = .timestamp(Timestamp(microsecondsSinceEpoch: t.microsecondsSinceEpoch + 1)) }
                if key % 5 == 0 { row["ts"] = .timestamp(Timestamp(microsecondsSinceEpoch: t.microsecondsSinceEpoch + 2)) }
            }
            if b.introspect { row["n"] = .int32(Int32(row.values.count * 10 + row.layout.names.count)) }
        }
    }

    /// The view: declared fields the transform reads, overwrites and produces.
    static func view(_ b: Behaviours, qNullable: Bool) -> FeatureView {
        FeatureView("random", entities: [Entity("thing", joinKey: "k", type: .int64)], ttl: .days(1),
                    source: .parquet("random", path: "random.parquet", eventTimestamp: b.renamedTime ? "ts" : "event_timestamp", created: "created"),
                    fields: [Field("b", .bool), Field("i32", .int32), Field("i64", .int64), Field("f32", .float32),
                             Field("f64", .float64), Field("s", .string), Field("by", .bytes), Field("q", .float32, nullable: qNullable),
                             Field("n", .int32, nullable: false)],
                    transform: transform(b))
    }

    /// A random source batch; `i64` is sometimes stored as int32 and `f64` as float32 (widened when read).
    static func batch(rows: Int, _ rng: inout SplitMix64, timeColumn: String = "event_timestamp") throws -> ColumnBatch {
        let nullRate = [0.0, 0.05, 0.5][Int(rng.integer(below: 3))]
        func maybeNull(_ value: Value) -> Value { rng.uniformDouble() < nullRate ? .null : value }
        let narrowI64 = rng.integer(below: 4) == 0, narrowF64 = rng.integer(below: 4) == 0
        let nullKeys = rng.integer(below: 20) == 0
        var columns: [String: [Value]] = [:]
        for name in ["k", "event_timestamp", "created", "b", "i32", "i64", "f32", "f64", "s", "by"] { columns[name] = [] }
        for i in 0..<rows {
            columns["k"]!.append(nullKeys && i == rows / 2 ? .null : .int64(Int64(rng.integer(below: 100_000))))
            columns["event_timestamp"]!.append(.timestamp(Timestamp(microsecondsSinceEpoch: 1_700_000_000_000_000 + Int64(rng.integer(below: 1 << 40)))))
            columns["created"]!.append(maybeNull(.timestamp(Timestamp(microsecondsSinceEpoch: Int64(rng.integer(below: 1 << 50))))))
            columns["b"]!.append(maybeNull(.bool(rng.integer(below: 2) == 0)))
            columns["i32"]!.append(maybeNull(.int32(Int32(truncatingIfNeeded: rng.next()))))
            let i = Int32(truncatingIfNeeded: rng.next())
            columns["i64"]!.append(maybeNull(narrowI64 ? .int32(i) : .int64(Int64(bitPattern: rng.next()))))
            columns["f32"]!.append(maybeNull(.float32(Float(rng.uniformDouble() * 3 - 1))))
            columns["f64"]!.append(maybeNull(narrowF64 ? .float32(Float(rng.uniformDouble())) : .float64(rng.uniformDouble() * 1e6)))
            let length = Int(rng.integer(below: 24))
            columns["s"]!.append(maybeNull(.string(String((0..<length).map { _ in Character(UnicodeScalar(UInt8(97 + rng.integer(below: 26)))) }))))
            columns["by"]!.append(maybeNull(.bytes((0..<Int(rng.integer(below: 6))).map { _ in UInt8(truncatingIfNeeded: rng.next()) })))
        }
        let types: [String: ValueType] = ["k": .int64, "event_timestamp": .timestamp, "created": .timestamp, "b": .bool, "i32": .int32,
                                          "i64": narrowI64 ? .int32 : .int64, "f32": .float32, "f64": narrowF64 ? .float32 : .float64,
                                          "s": .string, "by": .bytes]
        // Source column order differs from the view's, as files do.
        let order = ["s", "k", "f64", "event_timestamp", "i64", "by", "b", "created", "f32", "i32"]
        return try ColumnBatch(schema: Schema(order.map { SchemaField(name: $0 == "event_timestamp" ? timeColumn : $0, type: types[$0]!) }),
                               columns: try order.map { try Column(type: types[$0]!, values: columns[$0]!) })
    }

    static func rows(_ batch: ColumnBatch) -> SourceRows {
        SourceRows(batch: batch, parts: [.init(location: "random.parquet", firstIndex: 0,
                                              sourceRows: (0..<batch.rowCount).map { Int32($0 + 1) }, isCSV: false)])
    }

    /// The columns, or the error's text.
    enum Outcome: Equatable { case columns([Column]), error(String) }

    static func outcome(_ body: () throws -> [Column]) -> Outcome {
        do { return .columns(try body()) } catch { return .error("\(error)") }
    }

    @Test("columnar results equal the boxed rule's, row for row and error for error, over 300 seeded cases")
    func matchesBoxedRule() throws {
        var rng = SplitMix64(seed: 20_261_205)
        var failures = 0, successes = 0
        for index in 0..<300 {
            let behaviours = Behaviours.random(&rng)
            let view = Self.view(behaviours, qNullable: rng.integer(below: 2) == 0)
            let rowCount = index % 50 == 0 ? 10_000 + Int(rng.integer(below: 2000)) : Int(rng.integer(below: 300))
            let source = Self.rows(try Self.batch(rows: rowCount, &rng, timeColumn: behaviours.renamedTime ? "ts" : "event_timestamp"))
            let builder = ViewRowBuilder(view: view)
            var columnar = ColumnarTransform(builder: builder, transform: view.transform!, rows: source,
                                             sourceNames: ["k", behaviours.renamedTime ? "ts" : "event_timestamp", "created"] + view.fields.map(\.name))
            columnar.chunkRows = [nil, 1, 7, 64, 1000][Int(rng.integer(below: 5))]
            let expected = Self.outcome { try builder.transformBoxed(source, range: 0..<rowCount) }
            let actual = Self.outcome { try columnar.run().columns }
            #expect(actual == expected, "case \(index): \(behaviours), \(rowCount) rows, chunks of \(columnar.chunkRows.map(String.init) ?? "auto")")
            if case .error = expected { failures += 1 } else { successes += 1 }
        }
        // The cases exercise both outcomes.
        #expect(failures > 30 && successes > 100, "\(failures) failing, \(successes) succeeding cases")
    }

    @Test("build() takes the columnar path: the first bad row of a later chunk is the error, naming its file row")
    func errorsNameTheRow() throws {
        var rng = SplitMix64(seed: 5)
        let batch = try Self.batch(rows: 30_000, &rng)
        let refuseAt = 23_456
        let key = try #require(batch.column(named: "k")?.value(at: refuseAt).int64Value)
        let refusing = RowTransform("refusing", version: 3, produces: ["q", "n"]) { row in
            if row.int64("k") == key { throw TransformError("no rows for this key") }
            row["q"] = .float32(1)
            row["n"] = .int32(1)
        }
        var view = Self.view(Behaviours(), qNullable: true)
        view = FeatureView(view.name, entities: view.entities, ttl: view.ttl, source: view.source, fields: view.fields, transform: refusing)
        let keys = try #require(batch.column(named: "k"))
        let firstRow = try #require((0..<batch.rowCount).first { keys.value(at: $0).int64Value == key })
        #expect {
            _ = try ViewRowBuilder(view: view).build(Self.rows(batch))
        } throws: { error in
            "\(error)" == "random.parquet row \(firstRow + 1): view random: transform refusing@3: refused the row: no rows for this key"
        }
    }
}
