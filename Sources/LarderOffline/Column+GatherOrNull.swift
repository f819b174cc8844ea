import Larder
import LarderColumnar

extension Column {
    /// The rows at `rows`, in that order, where -1 gives a null: the join's feature gather. One pass over the
    /// index array per column, typed (no boxing); the result's validity combines "a row was found" with the
    /// source row's own validity, so a null stored value stays null.
    ///
    /// ```swift
    /// Column(float32: [0.5, 0.25]).gather(rowsOrNull: [1, -1, 0])   // [0.25, null, 0.5]
    /// ```
    func gather(rowsOrNull rows: [Int32]) -> Column {
        let n = rows.count
        let storage: ColumnStorage = rows.withUnsafeBufferPointer { r in
            switch self.storage {
            case .bool(let v): .bool(Self.gatherOrZero(v, r, zero: false))
            case .int32(let v): .int32(Self.gatherOrZero(v, r, zero: 0))
            case .int64(let v): .int64(Self.gatherOrZero(v, r, zero: 0))
            case .float32(let v): .float32(Self.gatherOrZero(v, r, zero: 0))
            case .float64(let v): .float64(Self.gatherOrZero(v, r, zero: 0))
            case .binary(let offsets, let bytes): Self.gatherBinaryOrEmpty(offsets, bytes, r)
            }
        }
        let sourceWords = validity?.words
        var words = [UInt64](repeating: 0, count: (n + 63) >> 6)
        rows.withUnsafeBufferPointer { r in
            words.withUnsafeMutableBufferPointer { w in
                for i in 0..<n {
                    let row = Int(r[i])
                    guard row >= 0 else { continue }
                    if let sourceWords, sourceWords[row >> 6] & (1 << UInt64(row & 63)) == 0 { continue }
                    w[i >> 6] |= 1 << UInt64(i & 63)
                }
            }
        }
        return Column(type: type, storage: storage, validity: Bitmap(words: words, count: n))
    }

    private static func gatherOrZero<T>(_ values: [T], _ rows: UnsafeBufferPointer<Int32>, zero: T) -> [T] {
        [T](unsafeUninitializedCapacity: rows.count) { out, initialized in
            values.withUnsafeBufferPointer { v in
                for i in 0..<rows.count {
                    let row = Int(rows[i])
                    out.initializeElement(at: i, to: row >= 0 ? v[row] : zero)
                }
            }
            initialized = rows.count
        }
    }

    private static func gatherBinaryOrEmpty(_ offsets: [Int], _ bytes: [UInt8], _ rows: UnsafeBufferPointer<Int32>) -> ColumnStorage {
        var newOffsets = [Int](repeating: 0, count: rows.count + 1)
        var total = 0
        offsets.withUnsafeBufferPointer { o in
            for i in 0..<rows.count {
                let row = Int(rows[i])
                if row >= 0 { total += o[row + 1] - o[row] }
                newOffsets[i + 1] = total
            }
        }
        let newBytes = [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
            offsets.withUnsafeBufferPointer { o in
                bytes.withUnsafeBufferPointer { src in
                    var at = 0
                    for i in 0..<rows.count {
                        let row = Int(rows[i])
                        guard row >= 0 else { continue }
                        let length = o[row + 1] - o[row]
                        if length > 0 {
                            (out.baseAddress! + at).initialize(from: src.baseAddress! + o[row], count: length)
                            at += length
                        }
                    }
                }
            }
            initialized = total
        }
        return .binary(offsets: newOffsets, bytes: newBytes)
    }
}
