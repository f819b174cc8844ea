// Slicing, gathering and concatenation: whole-array copies per column, never per-row boxing.

extension Column {
    /// Rows `range` of this column.
    public func slice(_ range: Range<Int>) -> Column {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "slice \(range) out of range 0..<\(count)")
        let s: ColumnStorage
        switch storage {
        case .bool(let v): s = .bool(Array(v[range]))
        case .int32(let v): s = .int32(Array(v[range]))
        case .int64(let v): s = .int64(Array(v[range]))
        case .float32(let v): s = .float32(Array(v[range]))
        case .float64(let v): s = .float64(Array(v[range]))
        case .binary(let offsets, let bytes):
            let base = offsets[range.lowerBound]
            let newOffsets = offsets[range.lowerBound...range.upperBound].map { $0 - base }
            s = .binary(offsets: newOffsets, bytes: Array(bytes[base..<offsets[range.upperBound]]))
        }
        return Column(type: type, storage: s, validity: validity?.slice(range))
    }

    /// The rows at `indices`, in that order (indices may repeat).
    public func gather(_ indices: [Int]) -> Column {
        let s: ColumnStorage
        switch storage {
        case .bool(let v): s = .bool(Column.gatherValues(v, indices))
        case .int32(let v): s = .int32(Column.gatherValues(v, indices))
        case .int64(let v): s = .int64(Column.gatherValues(v, indices))
        case .float32(let v): s = .float32(Column.gatherValues(v, indices))
        case .float64(let v): s = .float64(Column.gatherValues(v, indices))
        case .binary(let offsets, let bytes):
            var newOffsets = [Int](repeating: 0, count: indices.count + 1)
            var total = 0
            offsets.withUnsafeBufferPointer { o in
                for (k, i) in indices.enumerated() {
                    precondition(i >= 0 && i < count, "gather index \(i) out of range 0..<\(count)")
                    total += o[i + 1] - o[i]
                    newOffsets[k + 1] = total
                }
            }
            let newBytes = [UInt8](unsafeUninitializedCapacity: total) { dst, initialized in
                offsets.withUnsafeBufferPointer { o in
                    bytes.withUnsafeBufferPointer { src in
                        var at = 0
                        for i in indices {
                            let n = o[i + 1] - o[i]
                            if n > 0 {
                                (dst.baseAddress! + at).initialize(from: src.baseAddress! + o[i], count: n)
                            }
                            at += n
                        }
                    }
                }
                initialized = total
            }
            s = .binary(offsets: newOffsets, bytes: newBytes)
        }
        return Column(type: type, storage: s, validity: validity?.gather(indices))
    }

    static func gatherValues<T>(_ values: [T], _ indices: [Int]) -> [T] {
        [T](unsafeUninitializedCapacity: indices.count) { dst, initialized in
            values.withUnsafeBufferPointer { src in
                for (k, i) in indices.enumerated() {
                    precondition(i >= 0 && i < src.count, "gather index \(i) out of range 0..<\(src.count)")
                    (dst.baseAddress! + k).initialize(to: src[i])
                }
            }
            initialized = indices.count
        }
    }

    /// The columns one after another. All must have the same type (precondition).
    public static func concatenate(_ columns: [Column]) -> Column {
        precondition(!columns.isEmpty, "concatenate needs at least one column")
        let type = columns[0].type
        precondition(columns.allSatisfy { $0.type == type }, "concatenate needs columns of one type")
        if columns.count == 1 { return columns[0] }
        let total = columns.reduce(0) { $0 + $1.count }
        let s: ColumnStorage
        switch columns[0].storage {
        case .bool: s = .bool(columns.flatMap(\.boolValues))
        case .int32: s = .int32(joined(columns, total) { $0.int32Values })
        case .int64: s = .int64(joined(columns, total) { $0.int64Values })
        case .float32: s = .float32(joined(columns, total) { $0.float32Values })
        case .float64: s = .float64(joined(columns, total) { $0.float64Values })
        case .binary:
            var offsets: [Int] = [0]
            offsets.reserveCapacity(total + 1)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(columns.reduce(0) { $0 + $1.binaryBytes.count })
            for c in columns {
                let base = bytes.count
                let o = c.binaryOffsets
                offsets.append(contentsOf: o.dropFirst().lazy.map { $0 + base })
                bytes.append(contentsOf: c.binaryBytes)
            }
            s = .binary(offsets: offsets, bytes: bytes)
        }
        var validity: Bitmap?
        if columns.contains(where: { $0.validity != nil }) {
            var v = Bitmap(count: 0, allSet: false)
            for c in columns {
                if let cv = c.validity { v.append(contentsOf: cv) } else { v.append(repeating: true, count: c.count) }
            }
            validity = v
        }
        return Column(type: type, storage: s, validity: validity)
    }

    private static func joined<T>(_ columns: [Column], _ total: Int, _ values: (Column) -> [T]) -> [T] {
        var out: [T] = []
        out.reserveCapacity(total)
        for c in columns { out.append(contentsOf: values(c)) }
        return out
    }
}
