import Larder
import LarderColumnar

/// Runs `body` with typed pointers to every column of `columns`, nested so each buffer stays pinned.
func withColumnPointers<R>(_ columns: [Column], _ body: ([ColumnPointers]) throws -> R) rethrows -> R {
    var collected: [ColumnPointers] = []
    collected.reserveCapacity(columns.count)
    return try withColumnPointers(columns[...], &collected, body)
}

private func withColumnPointers<R>(_ columns: ArraySlice<Column>, _ collected: inout [ColumnPointers],
                                   _ body: ([ColumnPointers]) throws -> R) rethrows -> R {
    guard let column = columns.first else { return try body(collected) }
    func next(_ values: UnsafeRawPointer?, _ offsets: UnsafePointer<Int>?, _ collected: inout [ColumnPointers]) throws -> R {
        try withValidity(column.validity) { validity in
            collected.append(ColumnPointers(type: column.type, values: values, offsets: offsets, validity: validity))
            return try withColumnPointers(columns.dropFirst(), &collected, body)
        }
    }
    switch column.storage {
    case .bool(let v): return try v.withUnsafeBytes { try next($0.baseAddress, nil, &collected) }
    case .int32(let v): return try v.withUnsafeBytes { try next($0.baseAddress, nil, &collected) }
    case .int64(let v): return try v.withUnsafeBytes { try next($0.baseAddress, nil, &collected) }
    case .float32(let v): return try v.withUnsafeBytes { try next($0.baseAddress, nil, &collected) }
    case .float64(let v): return try v.withUnsafeBytes { try next($0.baseAddress, nil, &collected) }
    case .binary(let offsets, let bytes):
        return try bytes.withUnsafeBytes { b in try offsets.withUnsafeBufferPointer { o in try next(b.baseAddress, o.baseAddress, &collected) } }
    }
}

private func withValidity<R>(_ validity: Bitmap?, _ body: (UnsafePointer<UInt64>?) throws -> R) rethrows -> R {
    guard let validity else { return try body(nil) }
    return try validity.words.withUnsafeBufferPointer { try body($0.baseAddress) }
}
