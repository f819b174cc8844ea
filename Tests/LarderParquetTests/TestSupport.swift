import Foundation
import Larder
import LarderColumnar
import LarderParquet

enum NullPattern: String, CaseIterable, Sendable {
    case none, all, alternating, random
}

/// A fresh directory under the system temp dir, removed by `cleanup()`.
struct TempDir {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("larder-parquet-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> String { path + "/" + name }
    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
    var entries: [String] { (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] }
}

/// A random value of `type` including edge cases (extremes, empty strings, unicode, -0, inf, NaN).
func randomValue(_ type: ValueType, _ rng: inout SplitMix64) -> Value {
    let r = rng.next()
    let edge = r % 11 == 0
    switch type {
    case .bool: return .bool(r & 2 == 0)
    case .int32: return .int32(edge ? [Int32.min, Int32.max, 0, -1][Int(r >> 8 % 4)] : Int32(truncatingIfNeeded: r >> 7))
    case .int64: return .int64(edge ? [Int64.min, Int64.max, 0, -1][Int((r >> 8) % 4)] : Int64(bitPattern: r) >> Int64(r % 60))
    case .float32: return .float32(edge ? [-Float(0), .infinity, -.infinity, .nan, .leastNonzeroMagnitude][Int((r >> 8) % 5)] : Float(bitPattern: UInt32(truncatingIfNeeded: r >> 3) & 0x7F7F_FFFF))
    case .float64: return .float64(edge ? [-Double(0), .infinity, .nan, .greatestFiniteMagnitude][Int((r >> 8) % 4)] : Double(Int64(bitPattern: r) % 1_000_000_007) / 7)
    case .string:
        let words = ["", "a", "driver_42", "ünïcødé ✓", "零一二三", "quote\"back\\slash", String(repeating: "long", count: 40)]
        return .string(words[Int((r >> 5) % UInt64(words.count))] + (r % 3 == 0 ? String(r % 100_000) : ""))
    case .bytes: return .bytes((0..<Int(r % 12)).map { UInt8(truncatingIfNeeded: r >> UInt64($0 * 5)) })
    case .timestamp: return .timestamp(Timestamp(microsecondsSinceEpoch: Int64(bitPattern: r) >> 8))
    }
}

func makeColumn(_ type: ValueType, rows: Int, pattern: NullPattern, _ rng: inout SplitMix64) -> Column {
    var b = ColumnBuilder(type: type, capacity: rows)
    for row in 0..<rows {
        let isNull: Bool = switch pattern {
        case .none: false
        case .all: true
        case .alternating: row % 2 == 0
        case .random: rng.next() % 3 == 0
        }
        if isNull { b.appendNull() } else { b.append(randomValue(type, &rng)) }
    }
    return b.finish()
}

func makeBatch(rows: Int, pattern: NullPattern, seed: UInt64, types: [ValueType] = ValueType.allCases) -> ColumnBatch {
    var rng = SplitMix64(seed: seed)
    let fields = types.map { SchemaField(name: "\($0)_col", type: $0, nullable: pattern != .none || $0 == .string) }
    let columns = types.map { makeColumn($0, rows: rows, pattern: pattern, &rng) }
    return try! ColumnBatch(schema: Schema(fields), columns: columns)
}

/// Value equality where NaN equals NaN and -0 differs from +0 (bit-exact floats).
func sameValue(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.float32(let x), .float32(let y)): return x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN)
    case (.float64(let x), .float64(let y)): return x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN)
    default: return a == b
    }
}

/// The first difference between two batches, or nil.
func firstDifference(_ expected: ColumnBatch, _ actual: ColumnBatch) -> String? {
    if expected.schema != actual.schema { return "schema \(actual.schema) != \(expected.schema)" }
    if expected.rowCount != actual.rowCount { return "\(actual.rowCount) rows != \(expected.rowCount)" }
    for c in 0..<expected.schema.count {
        for r in 0..<expected.rowCount {
            let e = expected.value(row: r, column: c), a = actual.value(row: r, column: c)
            if !sameValue(e, a) { return "column \(expected.schema[c].name) row \(r): \(a) != \(e)" }
        }
    }
    return nil
}
