import Larder
import LarderColumnar
import Foundation

/// The rows of one column that break a per-row expectation: how many, and the first few. Each scan is one loop over
/// the column's typed buffer and validity words (no boxing), specialized per storage type.
///
/// ```swift
/// let scan = RowScan.outside(Column(float32: [0.5, 1.5, .nan]), 0, 1)
/// scan.count   // 2 (1.5, and NaN, which is never between anything)
/// scan.first   // [1, 2]
/// ```
struct RowScan: Sendable, Equatable {
    var count = 0
    var first: [Int] = []

    /// Scans rows `0..<n`, skipping null rows (per `validity`), counting those for which `fails` holds.
    @inline(__always)
    static func scan(_ n: Int, validity: Bitmap?, _ fails: (Int) -> Bool) -> RowScan {
        var scan = RowScan()
        func hit(_ i: Int) {
            if scan.first.count < ExpectationChecker.maxExamples { scan.first.append(i) }
            scan.count += 1
        }
        if let validity {
            validity.words.withUnsafeBufferPointer { words in
                for i in 0..<n where words[i >> 6] & (1 << UInt64(i & 63)) != 0 && fails(i) { hit(i) }
            }
        } else {
            for i in 0..<n where fails(i) { hit(i) }
        }
        return scan
    }

    /// Null rows, and NaN in float columns.
    static func nulls(_ column: Column) -> RowScan {
        var scan = RowScan()
        let n = column.count
        let validity = column.validity?.words ?? []
        validity.withUnsafeBufferPointer { words in
            func isNull(_ i: Int) -> Bool { !words.isEmpty && words[i >> 6] & (1 << UInt64(i & 63)) == 0 }
            func check(_ isNaN: (Int) -> Bool) {
                for i in 0..<n where isNull(i) || isNaN(i) {
                    if scan.first.count < ExpectationChecker.maxExamples { scan.first.append(i) }
                    scan.count += 1
                }
            }
            switch column.storage {
            case .float32(let v): v.withUnsafeBufferPointer { p in check { p[$0].isNaN } }
            case .float64(let v): v.withUnsafeBufferPointer { p in check { p[$0].isNaN } }
            default:
                guard !words.isEmpty else { return }
                check { _ in false }
            }
        }
        return scan
    }

    /// Non-null rows outside `[lo, hi]` (NaN included); numeric columns only. Float32 columns compare with the bounds
    /// rounded to float32, as the declared values were.
    static func outside(_ column: Column, _ lo: Double, _ hi: Double) -> RowScan {
        let n = column.count, validity = column.validity
        switch column.storage {
        case .float32(let v):
            // Compared at the column's precision: a float32 0.1 is within between(x, 0, 0.1) (as Double it is 0.10000000149).
            let low = Float(lo), high = Float(hi)
            return v.withUnsafeBufferPointer { p in scan(n, validity: validity) { i in !(p[i] >= low && p[i] <= high) } }
        case .float64(let v):
            return v.withUnsafeBufferPointer { p in scan(n, validity: validity) { i in !(p[i] >= lo && p[i] <= hi) } }
        case .int32(let v):
            return v.withUnsafeBufferPointer { p in scan(n, validity: validity) { i in let x = Double(p[i]); return !(x >= lo && x <= hi) } }
        case .int64(let v):
            return v.withUnsafeBufferPointer { p in scan(n, validity: validity) { i in let x = Double(p[i]); return !(x >= lo && x <= hi) } }
        case .bool, .binary:
            // Validation refuses between on these; every non-null row fails rather than passing unchecked.
            return scan(n, validity: validity) { _ in true }
        }
    }

    /// Non-null rows whose value is not one of `allowed`.
    static func notIn(_ column: Column, _ allowed: QualityExpectation.AllowedValues) -> RowScan {
        let n = column.count, validity = column.validity
        switch (column.storage, allowed) {
        case (.int64(let v), .integers(let set)):
            let members = Set(set)
            return v.withUnsafeBufferPointer { p in scan(n, validity: validity) { !members.contains(p[$0]) } }
        case (.int32(let v), .integers(let set)):
            let members = Set(set)
            return v.withUnsafeBufferPointer { p in scan(n, validity: validity) { !members.contains(Int64(p[$0])) } }
        case (.binary, .strings(let set)):
            let candidates = set.map { Array($0.utf8) }
            return column.withBinary { offsets, bytes in
                scan(n, validity: validity) { i in
                    let start = offsets[i], length = offsets[i + 1] - start
                    for candidate in candidates where candidate.count == length {
                        let equal = candidate.withUnsafeBufferPointer { c in
                            length == 0 || memcmp(c.baseAddress!, bytes.baseAddress! + start, length) == 0
                        }
                        if equal { return false }
                    }
                    return true
                }
            }
        default:
            // A set of the wrong type (refused by validation): no value can be in it.
            return scan(n, validity: validity) { _ in true }
        }
    }

    /// The greatest non-null value of a timestamp column, `nil` when it has none.
    static func newest(_ column: Column) -> Int64? {
        guard case .int64(let v) = column.storage else { return nil }
        var newest: Int64?
        v.withUnsafeBufferPointer { p in
            if let validity = column.validity {
                for i in 0..<p.count where validity[i] { newest = max(newest ?? p[i], p[i]) }
            } else if var m = p.first {
                for x in p where x > m { m = x }
                newest = m
            }
        }
        return newest
    }
}

/// Count, mean and sample standard deviation of a numeric column's non-null, non-NaN values (two passes: the mean,
/// then the squared deviations from it, so large offsets lose no precision).
struct Moments: Sendable {
    var count = 0
    var mean = 0.0
    var sampleStddev = 0.0

    init(_ column: Column) {
        if case .binary = column.storage { return }
        // Nulls read as NaN, so one test skips both.
        let values = column.doubleValues(nullValue: .nan)
        values.withUnsafeBufferPointer { p in
            func present(_ i: Int) -> Bool { !p[i].isNaN }
            var sum = 0.0, n = 0
            for i in 0..<p.count where present(i) { sum += p[i]; n += 1 }
            guard n > 0 else { return }
            let mean = sum / Double(n)
            var squares = 0.0
            for i in 0..<p.count where present(i) { let d = p[i] - mean; squares += d * d }
            count = n
            self.mean = mean
            sampleStddev = n > 1 ? (squares / Double(n - 1)).squareRoot() : 0
        }
    }
}
