import Larder
import LarderColumnar

/// One event column an aggregation reads, laid out in ``SortedEvents`` position order: whether each value is
/// present, its number (for sums, means and deviations) and an order key (for min, max and the full-tie rule
/// of `last`): the value itself for numbers and times, and for strings and bytes their rank among the column's
/// distinct values in byte order.
struct WindowInput: Sendable {
    let valid: [Bool]
    /// The value as a `Double` (numeric columns; 0 elsewhere).
    let numbers: [Double]
    /// The value as an `Int64` for integer, bool and time columns, the byte-order rank for strings and bytes.
    let integers: [Int64]
    /// Whether `numbers` orders the values (float columns) rather than `integers`.
    let ordersByNumber: Bool
    let type: ValueType

    init(_ column: Column, order: [Int32]) {
        type = column.type
        valid = order.map { !column.isNull(Int($0)) }
        switch column.storage {
        case .float32(let v):
            numbers = order.map { Double(v[Int($0)]) }
            integers = []
            ordersByNumber = true
        case .float64(let v):
            numbers = order.map { v[Int($0)] }
            integers = []
            ordersByNumber = true
        case .int32(let v):
            integers = order.map { Int64(v[Int($0)]) }
            numbers = integers.map(Double.init)
            ordersByNumber = false
        case .int64(let v):
            integers = order.map { v[Int($0)] }
            numbers = integers.map(Double.init)
            ordersByNumber = false
        case .bool(let v):
            integers = order.map { v[Int($0)] ? 1 : 0 }
            numbers = integers.map(Double.init)
            ordersByNumber = false
        case .binary:
            integers = Self.byteRanks(column, order: order)
            numbers = []
            ordersByNumber = false
        }
    }

    /// Each row's rank among the column's distinct values, compared as bytes (as DuckDB and Parquet order them):
    /// the values get dense ids as join keys do (``KeyColumnEncoding``), and only the distinct ones are sorted.
    private static func byteRanks(_ column: Column, order: [Int32]) -> [Int64] {
        let (encoding, ids) = KeyColumnEncoding.encode(column)
        var firstRow = [Int](repeating: -1, count: encoding.keyCount)
        for (row, id) in ids.enumerated() where id >= 0 && firstRow[Int(id)] < 0 { firstRow[Int(id)] = row }
        return column.withBinary { offsets, bytes in
            func value(_ id: Int) -> UnsafeBufferPointer<UInt8> {
                UnsafeBufferPointer(rebasing: bytes[offsets[firstRow[id]]..<offsets[firstRow[id] + 1]])
            }
            let sorted = (0..<encoding.keyCount).sorted { value($0).lexicographicallyPrecedes(value($1)) }
            var rank = [Int64](repeating: 0, count: encoding.keyCount)
            for (r, id) in sorted.enumerated() { rank[id] = Int64(r) }
            return order.map { ids[Int($0)] < 0 ? 0 : rank[Int(ids[Int($0)])] }
        }
    }

    /// Whether the value at position `a` orders before the one at `b` (both present).
    @inline(__always) func precedes(_ a: Int, _ b: Int) -> Bool {
        ordersByNumber ? numbers[a] < numbers[b] : integers[a] < integers[b]
    }
}
