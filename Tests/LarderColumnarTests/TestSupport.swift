import Larder
import LarderColumnar

/// A random value of `type` drawn from a small domain so that sort keys collide often.
func randomValue(_ type: ValueType, _ rng: inout SplitMix64, nullRate: UInt64 = 5) -> Value {
    if nullRate > 0 && rng.next() % nullRate == 0 { return .null }
    let r = rng.next()
    switch type {
    case .bool: return .bool(r & 1 == 0)
    case .int32: return .int32(Int32(truncatingIfNeeded: Int64(r % 21) - 10))
    case .int64: return .int64(Int64(r % 41) - 20)
    case .float32: return .float32(Float(Int64(r % 13) - 6) / 2)
    case .float64: return .float64(Double(Int64(r % 17) - 8) / 4)
    case .string: return .string(["", "a", "ab", "b", "ä", "z", "aa"][Int(r % 7)])
    case .bytes: return .bytes([[], [0], [0, 1], [255], [1]][Int(r % 5)])
    case .timestamp: return .timestamp(Timestamp(microsecondsSinceEpoch: Int64(r % 31) * 1_000_000 - 15_000_000))
    }
}

func randomBatch(rows: Int, types: [ValueType], _ rng: inout SplitMix64, nullRate: UInt64 = 5) -> ColumnBatch {
    var fields: [SchemaField] = []
    var columns: [Column] = []
    for (i, t) in types.enumerated() {
        var b = ColumnBuilder(type: t)
        for _ in 0..<rows { b.append(randomValue(t, &rng, nullRate: nullRate)) }
        fields.append(SchemaField(name: "c\(i)", type: t))
        columns.append(b.finish())
    }
    return try! ColumnBatch(schema: Schema(fields), columns: columns)
}

/// Reference ordering of two boxed values: nulls first, then natural order (bytes unsigned, -0 == +0).
func compareValues(_ a: Value, _ b: Value) -> Int {
    switch (a, b) {
    case (.null, .null): return 0
    case (.null, _): return -1
    case (_, .null): return 1
    case (.bool(let x), .bool(let y)): return x == y ? 0 : (x ? 1 : -1)
    case (.int32(let x), .int32(let y)): return x < y ? -1 : (x > y ? 1 : 0)
    case (.int64(let x), .int64(let y)): return x < y ? -1 : (x > y ? 1 : 0)
    case (.float32(let x), .float32(let y)): return x < y ? -1 : (x > y ? 1 : 0)
    case (.float64(let x), .float64(let y)): return x < y ? -1 : (x > y ? 1 : 0)
    case (.timestamp(let x), .timestamp(let y)): return x < y ? -1 : (x > y ? 1 : 0)
    case (.string(let x), .string(let y)):
        return Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8)) ? -1 : (x == y ? 0 : 1)
    case (.bytes(let x), .bytes(let y)):
        return x.lexicographicallyPrecedes(y) ? -1 : (x == y ? 0 : 1)
    default: fatalError("mismatched types")
    }
}

func rows(_ batch: ColumnBatch) -> [[Value]] {
    (0..<batch.rowCount).map { r in (0..<batch.schema.count).map { batch.value(row: r, column: $0) } }
}
