import Larder
import LarderColumnar
import Testing

@Suite struct ColumnBatchTests {
    let schema = Schema([SchemaField(name: "id", type: .int64, nullable: false), SchemaField(name: "name", type: .string)])

    @Test func validatesColumnsAgainstSchema() throws {
        #expect(throws: ColumnarError.columnCountMismatch(schemaFields: 2, columns: 1)) {
            try ColumnBatch(schema: schema, columns: [Column(int64: [1])])
        }
        #expect(throws: ColumnarError.typeMismatch(column: "name", expected: .string, actual: .int64)) {
            try ColumnBatch(schema: schema, columns: [Column(int64: [1]), Column(int64: [2])])
        }
        #expect(throws: ColumnarError.rowCountMismatch(column: "name", expected: 1, actual: 2)) {
            try ColumnBatch(schema: schema, columns: [Column(int64: [1]), Column(strings: ["a", "b"])])
        }
        #expect(throws: ColumnarError.unexpectedNulls(column: "id", nullCount: 1)) {
            try ColumnBatch(schema: schema, columns: [Column(int64: [0], validity: Bitmap([false])), Column(strings: ["a"])])
        }
        let ok = try ColumnBatch(schema: schema, columns: [Column(int64: [1, 2]), Column(strings: ["a", nil])])
        #expect(ok.rowCount == 2)
        #expect(ok.value(row: 1, column: 1) == .null)
        #expect(ok.column(named: "id")?.int64Values == [1, 2])
        #expect(ok.column(named: "nope") == nil)
    }

    @Test func selectingReordersAndRejectsUnknownNames() throws {
        let batch = try ColumnBatch(schema: schema, columns: [Column(int64: [1, 2]), Column(strings: ["a", "b"])])
        let picked = try batch.selecting(["name", "id"])
        #expect(picked.schema.names == ["name", "id"])
        #expect(picked.value(row: 0, column: 1) == .int64(1))
        #expect(throws: ColumnarError.self) { try batch.selecting(["missing"]) }
        let e = try #require(throws: ColumnarError.self) { try batch.selecting(["missing"]) }
        #expect(e.description.contains("missing") && e.description.contains("available"))
    }

    @Test func concatenateAndSlice() throws {
        let a = try ColumnBatch(schema: schema, columns: [Column(int64: [1, 2]), Column(strings: ["a", nil])])
        let b = try ColumnBatch(schema: schema, columns: [Column(int64: [3]), Column(strings: ["c"])])
        let c = try ColumnBatch.concatenate([a, b])
        #expect(c.rowCount == 3)
        #expect(rows(c) == [[.int64(1), .string("a")], [.int64(2), .null], [.int64(3), .string("c")]])
        #expect(rows(c.slice(1..<3)) == Array(rows(c)[1..<3]))
        let other = try ColumnBatch(["x": Column(int64: [1])])
        #expect(throws: ColumnarError.self) { try ColumnBatch.concatenate([a, other]) }
        #expect(throws: ColumnarError.nothingToConcatenate) { try ColumnBatch.concatenate([]) }
        #expect(ColumnBatch.empty(schema: schema).rowCount == 0)
    }

    @Test func sortIndicesIsStableMultiKeyWithNullsFirst() throws {
        var rng = SplitMix64(seed: 2026)
        let allTypes = ValueType.allCases
        for iteration in 0..<200 {
            let keyCount = 1 + Int(rng.next() % 3)
            let types = (0..<keyCount).map { _ in allTypes[Int(rng.next() % UInt64(allTypes.count))] } + [.int64]
            let batch = randomBatch(rows: Int(rng.next() % 120), types: types, &rng, nullRate: iteration % 2 == 0 ? 4 : 0)
            let keys = (0..<keyCount).map { SortKey("c\($0)", descending: rng.next() & 1 == 1) }
            let order = try batch.sortIndices(by: keys)
            #expect(order.sorted() == Array(0..<batch.rowCount), "not a permutation")
            let reference = Array(0..<batch.rowCount).sorted { a, b in
                for (k, key) in keys.enumerated() {
                    let va = batch.value(row: a, column: k), vb = batch.value(row: b, column: k)
                    var c = compareValues(va, vb)
                    if key.descending && !va.isNull && !vb.isNull { c = -c }
                    if c != 0 { return c < 0 }
                }
                return a < b
            }
            #expect(order == reference, "iteration \(iteration) types \(types) keys \(keys)")
        }
        #expect(throws: ColumnarError.self) { try ColumnBatch.empty(schema: schema).sortIndices(by: [SortKey("zzz")]) }
    }

    /// Keys whose ranges need more than 64 bits together take the per-key radix path.
    @Test func sortIndicesWithWideKeysMatchesReference() throws {
        var rng = SplitMix64(seed: 99)
        for iteration in 0..<40 {
            let n = Int(rng.next() % 400)
            let pool: [Int64] = [.min, .max, 0, -1, 1, Int64(bitPattern: rng.next()), Int64(bitPattern: rng.next())]
            var a = ColumnBuilder(type: .int64), b = ColumnBuilder(type: .float64), c = ColumnBuilder(type: .timestamp)
            for _ in 0..<n {
                if rng.next() % 5 == 0 { a.appendNull() } else { a.append(pool[Int(rng.next() % 7)]) }
                b.append([-Double.infinity, -1e300, -0.0, 0.0, 1e-300, 2.5, .infinity][Int(rng.next() % 7)])
                if rng.next() % 7 == 0 { c.appendNull() } else { c.append(timestampMicros: Int64(bitPattern: rng.next())) }
            }
            let batch = try ColumnBatch(["a": a.finish(), "b": b.finish(), "c": c.finish()])
            let keys = [SortKey("a", descending: iteration % 2 == 0), SortKey("b"), SortKey("c", descending: iteration % 3 == 0)]
            let order = try batch.sortIndices(by: keys)
            let reference = Array(0..<n).sorted { x, y in
                for (k, key) in keys.enumerated() {
                    let vx = batch.value(row: x, column: k), vy = batch.value(row: y, column: k)
                    var cmp = compareValues(vx, vy)
                    if key.descending && !vx.isNull && !vy.isNull { cmp = -cmp }
                    if cmp != 0 { return cmp < 0 }
                }
                return x < y
            }
            #expect(order == reference, "iteration \(iteration)")
        }
    }

    /// Large inputs take the chunked parallel radix path (composite and per-key variants).
    @Test(arguments: [false, true])
    func sortIndicesOnLargeInputsMatchesTupleSort(wide: Bool) throws {
        var rng = SplitMix64(seed: wide ? 5 : 6)
        let n = 150_000
        let ids = (0..<n).map { _ in wide ? Int64(bitPattern: rng.next()) >> Int64(rng.next() % 64) : Int64(rng.next() % 500) }
        let times = (0..<n).map { _ in Int64(rng.next() % 1_000_000) - 500_000 }
        let batch = try ColumnBatch(["id": Column(int64: ids), "ts": Column(timestampMicros: times)])
        let order = try batch.sortIndices(by: [SortKey("id"), SortKey("ts", descending: true)])
        let reference = Array(0..<n).sorted { a, b in
            (ids[a], -times[a], a) < (ids[b], -times[b], b)
        }
        #expect(order == reference)
    }

    /// Batches of 64 Ki rows or more gather their columns in parallel; the result must not change.
    @Test func largeGatherMatchesColumnGather() throws {
        var rng = SplitMix64(seed: 12)
        let batch = randomBatch(rows: 70_000, types: [.int64, .string, .float32, .bool], &rng)
        let indices = (0..<80_000).map { _ in Int(rng.next() % 70_000) }
        let gathered = batch.gather(indices)
        #expect(gathered.rowCount == 80_000)
        #expect(gathered.columns == batch.columns.map { $0.gather(indices) })
    }

    @Test func sortThenGatherOrdersByKeyAndTime() throws {
        let batch = try ColumnBatch([
            "driver": Column(int64: [2, 1, 2, 1]),
            "ts": Column(timestampMicros: [30, 20, 10, 40]),
        ])
        let sorted = batch.gather(try batch.sortIndices(by: [SortKey("driver"), SortKey("ts", descending: true)]))
        #expect(sorted.column(named: "driver")?.int64Values == [1, 1, 2, 2])
        #expect(sorted.column(named: "ts")?.int64Values == [40, 20, 30, 10])
    }
}

@Suite("Runs of equal keys")
struct RunsOfEqualKeysTests {
    @Test("the last row of each key run matches a comparison of boxed values (property, every key type, nulls)",
          arguments: [ValueType.int64, .int32, .string, .bytes, .bool, .float64, .timestamp])
    func lastRowsOfRunsMatchesBoxedComparison(_ keyType: ValueType) throws {
        var rng = SplitMix64(seed: "\(keyType)".utf8.reduce(0x5A17) { $0 &* 31 &+ UInt64($1) })
        for _ in 0..<40 {
            let rows = Int(rng.next() % 60)
            let batch = randomBatch(rows: rows, types: [keyType, .int64, .timestamp], &rng)
            let order = try batch.sortIndices(by: [SortKey("c0"), SortKey("c1"), SortKey("c2")])
            let expected = order.indices.filter { p in
                p == order.count - 1
                    || batch.value(row: order[p], column: 0) != batch.value(row: order[p + 1], column: 0)
                    || batch.value(row: order[p], column: 1) != batch.value(row: order[p + 1], column: 1)
            }.map { order[$0] }
            #expect(try batch.lastRowsOfRuns(order, keys: ["c0", "c1"]) == expected)
        }
        #expect(throws: ColumnarError.self) { try ColumnBatch(schema: Schema([]), columns: []).lastRowsOfRuns([], keys: ["missing"]) }
    }
}
