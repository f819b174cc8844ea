import Larder
import LarderColumnar
import Foundation

/// Rows that share their (join keys, `event_timestamp`) with another row: the batch is sorted by those columns (the
/// columnar radix sort for integer keys and times), then each key column marks, in one typed pass, whether a row
/// equals the one before it in that order. Every row of a group of two or more counts (nulls equal nulls).
///
/// ```swift
/// let scan = DuplicateScan(rows: batch, keys: ["driver_id", "event_timestamp"])
/// scan.rowCount     // 4: two pairs
/// scan.groupCount   // 2
/// scan.examples     // [(row: 7, size: 2), (row: 12, size: 2)]
/// ```
struct DuplicateScan: Sendable {
    var rowCount = 0
    var groupCount = 0
    /// The first row of the first few groups, with the group's size.
    var examples: [(row: Int, size: Int)] = []
    /// Why the scan could not run (a key column missing).
    var problem: String?

    init(rows: ColumnBatch, keys: [String]) {
        let order: [Int]
        do {
            order = try rows.sortIndices(by: keys.map { SortKey($0) })
        } catch {
            problem = "cannot check: \(error)"
            return
        }
        let n = order.count
        guard n > 1 else { return }
        var same = [Bool](repeating: true, count: n)
        same[0] = false
        for key in keys {
            guard let column = rows.column(named: key) else { continue }
            Self.markEqualToPrevious(column, order: order, same: &same)
        }
        var k = 0
        while k < n {
            var end = k + 1
            while end < n && same[end] { end += 1 }
            let size = end - k
            if size > 1 {
                rowCount += size
                groupCount += 1
                if examples.count < ExpectationChecker.maxExamples { examples.append((row: order[k], size: size)) }
            }
            k = end
        }
    }

    /// Clears `same[k]` where `column` differs between rows `order[k]` and `order[k - 1]`.
    static func markEqualToPrevious(_ column: Column, order: [Int], same: inout [Bool]) {
        let validity = column.validity
        func valid(_ i: Int) -> Bool { validity.map { $0[i] } ?? true }
        same.withUnsafeMutableBufferPointer { s in
            order.withUnsafeBufferPointer { o in
                func mark(_ equal: (Int, Int) -> Bool) {
                    for k in 1..<o.count where s[k] {
                        let a = o[k - 1], b = o[k]
                        if validity == nil {
                            s[k] = equal(a, b)
                        } else {
                            let va = valid(a), vb = valid(b)
                            s[k] = va == vb && (!va || equal(a, b))
                        }
                    }
                }
                switch column.storage {
                case .int64(let v): v.withUnsafeBufferPointer { p in mark { p[$0] == p[$1] } }
                case .int32(let v): v.withUnsafeBufferPointer { p in mark { p[$0] == p[$1] } }
                case .bool(let v): v.withUnsafeBufferPointer { p in mark { p[$0] == p[$1] } }
                case .float32(let v): v.withUnsafeBufferPointer { p in mark { p[$0].bitPattern == p[$1].bitPattern } }
                case .float64(let v): v.withUnsafeBufferPointer { p in mark { p[$0].bitPattern == p[$1].bitPattern } }
                case .binary:
                    column.withBinary { offsets, bytes in
                        mark { a, b in
                            let la = offsets[a + 1] - offsets[a], lb = offsets[b + 1] - offsets[b]
                            return la == lb && (la == 0 || memcmp(bytes.baseAddress! + offsets[a], bytes.baseAddress! + offsets[b], la) == 0)
                        }
                    }
                }
            }
        }
    }
}
