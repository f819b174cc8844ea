// Gathering with "no match" rows: the point-in-time join looks up, for each entity row, the feature row
// it matched or -1 when none did; the result must be null there. One typed pass, no boxing.

extension Column {
    /// The rows at `indices`, where a negative index gives null (a row that matched nothing). A
    /// result row is valid when its index is non-negative and the source row is valid.
    ///
    /// ```swift
    /// Column(int64: [10, 20]).gather(rowsOrNull: [1, -1, 0])   // [20, null, 10]
    /// ```
    public func gather(rowsOrNull indices: [Int32]) -> Column {
        let n = indices.count
        var words = [UInt64](repeating: 0, count: (n + 63) / 64)
        var anyNull = false
        indices.withUnsafeBufferPointer { idx in
            words.withUnsafeMutableBufferPointer { w in
                for k in 0..<n {
                    let i = Int(idx[k])
                    precondition(i < count, "gather index \(i) out of range 0..<\(count)")
                    if i >= 0 && !isNull(i) {
                        w[k >> 6] |= UInt64(1) << UInt64(k & 63)
                    } else {
                        anyNull = true
                    }
                }
            }
        }
        let validity = anyNull ? Bitmap(words: words, count: n) : nil
        let s: ColumnStorage
        switch storage {
        case .bool(let v): s = .bool(Column.gatherOrZero(v, indices, zero: false))
        case .int32(let v): s = .int32(Column.gatherOrZero(v, indices, zero: 0))
        case .int64(let v): s = .int64(Column.gatherOrZero(v, indices, zero: 0))
        case .float32(let v): s = .float32(Column.gatherOrZero(v, indices, zero: 0))
        case .float64(let v): s = .float64(Column.gatherOrZero(v, indices, zero: 0))
        case .binary(let offsets, let bytes):
            var newOffsets = [Int](repeating: 0, count: n + 1)
            var total = 0
            offsets.withUnsafeBufferPointer { o in
                for (k, i) in indices.enumerated() {
                    if i >= 0 { total += o[Int(i) + 1] - o[Int(i)] }
                    newOffsets[k + 1] = total
                }
            }
            let newBytes = [UInt8](unsafeUninitializedCapacity: total) { dst, initialized in
                offsets.withUnsafeBufferPointer { o in
                    bytes.withUnsafeBufferPointer { src in
                        var at = 0
                        for i in indices where i >= 0 {
                            let length = o[Int(i) + 1] - o[Int(i)]
                            if length > 0 { (dst.baseAddress! + at).initialize(from: src.baseAddress! + o[Int(i)], count: length) }
                            at += length
                        }
                    }
                }
                initialized = total
            }
            s = .binary(offsets: newOffsets, bytes: newBytes)
        }
        return Column(type: type, storage: s, validity: validity)
    }

    static func gatherOrZero<T>(_ values: [T], _ indices: [Int32], zero: T) -> [T] {
        [T](unsafeUninitializedCapacity: indices.count) { dst, initialized in
            values.withUnsafeBufferPointer { src in
                for (k, i) in indices.enumerated() {
                    (dst.baseAddress! + k).initialize(to: i >= 0 ? src[Int(i)] : zero)
                }
            }
            initialized = indices.count
        }
    }
}
