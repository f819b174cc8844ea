import Larder

/// How stored values become Larder values.
enum ValueConversion: Sendable {
    case none
    /// INT32 days since the epoch -> timestamp µs at midnight UTC.
    case daysToMicros
    case millisToMicros
    case nanosToMicros
}

/// A flat (leaf) column of a Parquet file and how it maps to a Larder column.
struct LeafColumn: Sendable {
    var name: String
    /// Position among the leaves = index of its chunk in every row group.
    var chunkIndex: Int
    var physical: PhysicalType?
    var valueType: ValueType
    var conversion: ValueConversion
    /// 1 for OPTIONAL columns (one definition level), 0 for REQUIRED.
    var maxDefinitionLevel: Int
    /// Why this column cannot be read, or `nil`.
    var unsupported: String?
}

enum SchemaMapping {
    /// Maps the flattened schema tree to leaf columns; nested fields become unreadable leaves.
    static func leaves(_ schema: [SchemaElement]) throws(ParquetError) -> [LeafColumn] {
        guard let root = schema.first else { throw ParquetError(.malformed, "the footer has an empty schema") }
        var out: [LeafColumn] = []
        var at = 1
        for _ in 0..<root.numChildren {
            guard at < schema.count else { throw ParquetError(.malformed, "the schema tree declares more children than elements") }
            let e = schema[at]
            if e.numChildren > 0 {
                // A group (struct, list, map): count its leaves so chunk indices stay aligned.
                var pending = e.numChildren
                at += 1
                while pending > 0 {
                    guard at < schema.count else { throw ParquetError(.malformed, "the schema tree declares more children than elements") }
                    pending += schema[at].numChildren - 1
                    if schema[at].numChildren == 0 {
                        out.append(LeafColumn(name: e.name, chunkIndex: out.count, physical: nil, valueType: .bytes,
                                              conversion: .none, maxDefinitionLevel: 0,
                                              unsupported: "nested (group/list/map) columns are not supported"))
                    }
                    at += 1
                }
                continue
            }
            out.append(map(e, chunkIndex: out.count))
            at += 1
        }
        guard at == schema.count else {
            throw ParquetError(.malformed, "the schema tree covers \(at) of its \(schema.count) elements")
        }
        return out
    }

    static func map(_ e: SchemaElement, chunkIndex: Int) -> LeafColumn {
        var leaf = LeafColumn(name: e.name, chunkIndex: chunkIndex, physical: e.type, valueType: .bytes,
                              conversion: .none, maxDefinitionLevel: e.repetition == .optional ? 1 : 0, unsupported: nil)
        func reject(_ why: String) -> LeafColumn {
            var l = leaf
            l.unsupported = why
            return l
        }
        if e.repetition == .repeated { return reject("repeated (list) columns are not supported") }
        let logical = e.logicalType
        let converted = e.convertedType
        if e.rawConvertedType != nil && converted == nil { return reject("converted type #\(e.rawConvertedType!) is unknown") }
        if case .other(let field)? = logical { return reject("logical type #\(field) (e.g. DECIMAL, TIME, UUID, FLOAT16) is not supported") }
        if converted == .decimal { return reject("DECIMAL values are not supported") }
        switch e.type {
        case .boolean?: leaf.valueType = .bool
        case .int32?:
            switch (logical, converted) {
            case (.date?, _), (nil, .date?): leaf.valueType = .timestamp; leaf.conversion = .daysToMicros
            case (.integer(let width, let signed)?, _):
                if !signed && width >= 32 { return reject("UINT\(width) values are not supported") }
                leaf.valueType = .int32
            case (nil, .uint32?): return reject("UINT32 values are not supported")
            case (nil, .timeMillis?): return reject("TIME(MILLIS) values are not supported")
            case (nil, nil), (nil, .int8?), (nil, .int16?), (nil, .int32?), (nil, .uint8?), (nil, .uint16?): leaf.valueType = .int32
            default: return reject("INT32 with this logical type is not supported")
            }
        case .int64?:
            switch (logical, converted) {
            case (.timestamp(_, let unit)?, _):
                leaf.valueType = .timestamp
                leaf.conversion = unit == .millis ? .millisToMicros : (unit == .nanos ? .nanosToMicros : .none)
            case (nil, .timestampMillis?): leaf.valueType = .timestamp; leaf.conversion = .millisToMicros
            case (nil, .timestampMicros?): leaf.valueType = .timestamp
            case (.integer(let width, let signed)?, _):
                if !signed { return reject("UINT\(width) values are not supported") }
                leaf.valueType = .int64
            case (nil, nil), (nil, .int64?): leaf.valueType = .int64
            case (nil, .uint64?): return reject("UINT64 values are not supported")
            default: return reject("INT64 with this logical type (e.g. TIME) is not supported")
            }
        case .float?: leaf.valueType = .float32
        case .double?: leaf.valueType = .float64
        case .byteArray?:
            switch (logical, converted) {
            case (.string?, _), (nil, .utf8?), (nil, .json?), (nil, .enumeration?): leaf.valueType = .string
            case (nil, nil), (nil, .bson?): leaf.valueType = .bytes
            default: return reject("BYTE_ARRAY with this logical type is not supported")
            }
        case .int96?: return reject("INT96 timestamps are not supported (write with coerce_timestamps or a newer writer)")
        case .fixedLenByteArray?: return reject("FIXED_LEN_BYTE_ARRAY values are not supported")
        case nil: return reject("physical type #\(e.rawType.map(String.init) ?? "none") is unknown")
        }
        return leaf
    }
}
