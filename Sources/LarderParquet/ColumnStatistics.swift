import LarderColumnar

/// Min, max and null count of a column range, encoded as Parquet statistics (PLAIN-encoded values;
/// strings compared as unsigned bytes; NaN ignored; a zero min written as -0.0 and a zero max as +0.0,
/// as the spec asks).
enum ColumnStatistics {
    static let maxBinaryStatistic = 256

    static func compute(_ column: Column, _ range: Range<Int>) -> Statistics {
        var stats = Statistics()
        let validity = column.validity
        var nulls = 0
        if let validity { for i in range where !validity[i] { nulls += 1 } }
        stats.nullCount = Int64(nulls)
        func present(_ i: Int) -> Bool { validity?[i] ?? true }
        func minMax<T: Comparable>(_ v: [T], skip: (T) -> Bool = { _ in false }) -> (T, T)? {
            var result: (T, T)?
            v.withUnsafeBufferPointer { b in
                for i in range where present(i) && !skip(b[i]) {
                    let x = b[i]
                    if let (lo, hi) = result { result = (min(lo, x), max(hi, x)) } else { result = (x, x) }
                }
            }
            return result
        }
        func le<T: BitwiseCopyable>(_ x: T) -> [UInt8] { withUnsafeBytes(of: x) { Array($0) } }
        switch column.storage {
        case .int32(let v): if let (lo, hi) = minMax(v) { (stats.minValue, stats.maxValue) = (le(lo), le(hi)) }
        case .int64(let v): if let (lo, hi) = minMax(v) { (stats.minValue, stats.maxValue) = (le(lo), le(hi)) }
        case .float32(let v):
            if let (lo, hi) = minMax(v, skip: { $0.isNaN }) {
                (stats.minValue, stats.maxValue) = (le(lo == 0 ? -Float(0) : lo), le(hi == 0 ? Float(0) : hi))
            }
        case .float64(let v):
            if let (lo, hi) = minMax(v, skip: { $0.isNaN }) {
                (stats.minValue, stats.maxValue) = (le(lo == 0 ? -Double(0) : lo), le(hi == 0 ? Double(0) : hi))
            }
        case .bool(let v):
            var sawTrue = false, sawFalse = false
            for i in range where present(i) {
                if v[i] { sawTrue = true } else { sawFalse = true }
            }
            if sawTrue || sawFalse { (stats.minValue, stats.maxValue) = ([sawFalse ? 0 : 1], [sawTrue ? 1 : 0]) }
        case .binary(let offsets, let bytes):
            var lo: Range<Int>?
            var hi: Range<Int>?
            bytes.withUnsafeBufferPointer { b in
                func less(_ x: Range<Int>, _ y: Range<Int>) -> Bool {
                    for (p, q) in zip(x, y) where b[p] != b[q] { return b[p] < b[q] }
                    return x.count < y.count
                }
                for i in range where present(i) {
                    let r = offsets[i]..<offsets[i + 1]
                    if lo == nil || less(r, lo!) { lo = r }
                    if hi == nil || less(hi!, r) { hi = r }
                }
            }
            // Long values would bloat the footer; without truncation logic we omit them (readers then skip pruning).
            if let lo, let hi, lo.count <= maxBinaryStatistic, hi.count <= maxBinaryStatistic {
                (stats.minValue, stats.maxValue) = (Array(bytes[lo]), Array(bytes[hi]))
            }
        }
        return stats
    }
}
