import Larder
import LarderColumnar

/// Oracles on decoded columns shared by the fuzzers.
enum ColumnChecks {
    /// Why `column` is not a well-formed column of `rows` rows, or `nil`.
    static func inconsistency(_ column: Column, rows: Int) -> String? {
        guard column.count == rows else { return "\(column.count) values for \(rows) rows" }
        if let validity = column.validity, validity.count != rows { return "validity of \(validity.count) bits for \(rows) rows" }
        if case .binary(let offsets, let bytes) = column.storage {
            guard offsets.count == rows + 1, offsets.first == 0, offsets.last == bytes.count else {
                return "offsets (\(offsets.count), first \(offsets.first ?? -1), last \(offsets.last ?? -1)) do not frame \(bytes.count) bytes"
            }
            for i in 1..<offsets.count where offsets[i] < offsets[i - 1] { return "offsets decrease at row \(i - 1)" }
            if column.type == .string, String(validating: bytes, as: UTF8.self) == nil, !bytes.isEmpty {
                // Parquet strings are not validated on read; only CSV promises UTF-8.
                return nil
            }
        }
        return nil
    }

    /// Bit-exact equality (NaN payloads included), treating an all-set validity like none.
    static func same(_ a: Column, _ b: Column) -> Bool {
        guard a.type == b.type, a.count == b.count else { return false }
        let va = a.validity.map { v in (0..<v.count).map { v[$0] } }, vb = b.validity.map { v in (0..<v.count).map { v[$0] } }
        guard (va ?? Array(repeating: true, count: a.count)) == (vb ?? Array(repeating: true, count: b.count)) else { return false }
        switch (a.storage, b.storage) {
        case (.float32(let x), .float32(let y)): return x.map(\.bitPattern) == y.map(\.bitPattern)
        case (.float64(let x), .float64(let y)): return x.map(\.bitPattern) == y.map(\.bitPattern)
        default: return a.storage == b.storage
        }
    }

    static func same(_ a: ColumnBatch, _ b: ColumnBatch) -> Bool {
        a.schema == b.schema && a.rowCount == b.rowCount && zip(a.columns, b.columns).allSatisfy { same($0, $1) }
    }

    /// A seeded batch with every value type, nulls in the nullable columns and strings that repeat (so
    /// writers dictionary-encode them).
    static func sampleBatch(rows: Int, seed: UInt64, nullable: Bool) -> ColumnBatch {
        var rng = SplitMix64(seed: seed)
        let words = ["", "a", "driver_42", "ünïcødé ✓", "零一二三", "quote\"back\\slash", String(repeating: "long", count: 20)]
        var fields: [SchemaField] = []
        var columns: [Column] = []
        for type in ValueType.allCases {
            var b = ColumnBuilder(type: type, capacity: rows)
            for _ in 0..<rows {
                let r = rng.next()
                if nullable, r % 5 == 0 { b.appendNull(); continue }
                switch type {
                case .bool: b.append(.bool(r & 2 == 0))
                case .int32: b.append(.int32(Int32(truncatingIfNeeded: r >> 9)))
                case .int64: b.append(.int64(Int64(bitPattern: r) >> Int64(r % 50)))
                case .float32: b.append(.float32(Float(Int32(truncatingIfNeeded: r >> 11)) / 7))
                case .float64: b.append(.float64(Double(Int64(bitPattern: r) % 1_000_003) / 3))
                case .string: b.append(.string(words[Int((r >> 4) % UInt64(words.count))]))
                case .bytes: b.append(.bytes((0..<Int(r % 6)).map { UInt8(truncatingIfNeeded: r >> UInt64($0 * 7)) }))
                case .timestamp: b.append(.timestamp(Timestamp(microsecondsSinceEpoch: 1_700_000_000_000_000 + Int64(r % 1_000_000_000))))
                }
            }
            fields.append(SchemaField(name: "\(type)_col", type: type, nullable: nullable))
            columns.append(b.finish())
        }
        return try! ColumnBatch(schema: Schema(fields), columns: columns)
    }
}
