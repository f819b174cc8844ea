import Larder
import LarderColumnar

/// Null layouts the interop files cover.
enum NullPattern: String, CaseIterable {
    case none, all, alternating, random

    func isNull(_ row: Int, _ rng: inout SplitMix64) -> Bool {
        switch self {
        case .none: false
        case .all: true
        case .alternating: row % 2 == 1
        case .random: rng.next() % 4 == 0
        }
    }
}

enum SampleTables {
    static let words = ["", "a", "driver", "ünïcødé ✓", "tab\tquote\"", "longer string value with spaces", "零一二", "x"]

    /// A table with one column of every Larder type, nulls laid out per `pattern`.
    static func make(rows: Int, pattern: NullPattern, seed: UInt64, nullable: Bool = true) -> ColumnBatch {
        var rng = SplitMix64(seed: seed)
        let types: [ValueType] = [.bool, .int32, .int64, .float32, .float64, .string, .bytes, .timestamp]
        var fields: [SchemaField] = []
        var columns: [Column] = []
        for type in types {
            var b = ColumnBuilder(type: type, capacity: rows)
            for row in 0..<rows {
                if nullable && pattern.isNull(row, &rng) {
                    b.appendNull()
                    continue
                }
                let r = rng.next()
                switch type {
                case .bool: b.append(r & 1 == 1)
                case .int32: b.append(Int32(truncatingIfNeeded: r) >> Int32(r % 31))
                case .int64: b.append(Int64(bitPattern: r) >> Int64(r % 63))
                case .float32: b.append(r % 17 == 0 ? -0.0 : Float(Int64(bitPattern: r) % 1_000_000) / 1024)
                case .float64: b.append(r % 19 == 0 ? .infinity : Double(Int64(bitPattern: r) % 1_000_000_000) / 3)
                case .string: b.append(string: words[Int(r % UInt64(words.count))] + (r % 3 == 0 ? String(r % 1000) : ""))
                case .bytes: b.append(bytes: (0..<Int(r % 9)).map { UInt8(truncatingIfNeeded: r >> UInt64($0 * 7)) })
                case .timestamp:
                    // 1900..2100, microsecond precision, including instants before 1970.
                    b.append(timestampMicros: Int64(r % 6_311_390_400_000_000) - 2_208_988_800_000_000)
                }
            }
            fields.append(SchemaField(name: "\(type)_col", type: type, nullable: nullable))
            columns.append(b.finish())
        }
        return try! ColumnBatch(schema: Schema(fields), columns: columns)
    }
}
