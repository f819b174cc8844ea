public import Larder
public import LarderColumnar

extension Column {
    /// Rows `range` as an on-demand view's input column (nulls as nil).
    public func onDemandColumn(_ range: Range<Int>) -> OnDemandColumn {
        switch type {
        case .bool:
            let v = boolValues
            return .bool(range.map { isNull($0) ? nil : v[$0] })
        case .int32:
            let v = int32Values
            return .int32(range.map { isNull($0) ? nil : v[$0] })
        case .int64:
            let v = int64Values
            return .int64(range.map { isNull($0) ? nil : v[$0] })
        case .float32:
            let v = float32Values
            return .float32(range.map { isNull($0) ? nil : v[$0] })
        case .float64:
            let v = float64Values
            return .float64(range.map { isNull($0) ? nil : v[$0] })
        case .string: return .string(range.map { string(at: $0) })
        case .bytes: return .bytes(range.map { bytes(at: $0) })
        case .timestamp:
            let v = timestampMicros
            return .timestamp(range.map { isNull($0) ? nil : Timestamp(microsecondsSinceEpoch: v[$0]) })
        }
    }

    /// One column from an on-demand view's output chunks, in order; every chunk is of `type`.
    public init(onDemand chunks: [OnDemandColumn], type: ValueType) {
        var builder = ColumnBuilder(type: type, capacity: chunks.reduce(0) { $0 + $1.count })
        func append<T>(_ values: [T?], _ add: (inout ColumnBuilder, T) -> Void) {
            for value in values {
                if let value { add(&builder, value) } else { builder.appendNull() }
            }
        }
        for chunk in chunks {
            precondition(chunk.type == type, "on-demand output chunks are checked against the declared type")
            switch chunk {
            case .bool(let v): append(v) { $0.append($1) }
            case .int32(let v): append(v) { $0.append($1) }
            case .int64(let v): append(v) { $0.append($1) }
            case .float32(let v): append(v) { $0.append($1) }
            case .float64(let v): append(v) { $0.append($1) }
            case .string(let v): append(v) { $0.append(string: $1) }
            case .bytes(let v): append(v) { $0.append(bytes: $1) }
            case .timestamp(let v): append(v) { $0.append($1) }
            }
        }
        self = builder.finish()
    }
}
