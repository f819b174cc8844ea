import LarderColumnar

/// The entity rows in ascending order of their time T, ties in row order: computed once per join and shared by
/// every view's ``AsOfMatcher`` pass. Entity rows that are already in time order (a common case: entity tables
/// are often written in time order) cost one linear check and no permutation; otherwise a stable LSD radix sort
/// (``ColumnBatch/sortIndices(by:)``), O(E) for fixed-width times.
///
/// ```swift
/// let order = EntityTimeOrder(orders.column(named: "event_timestamp")!)
/// order.forEachRow { row in print(row) }   // rows by ascending T (null T rows first)
/// ```
struct EntityTimeOrder: Sendable {
    /// `nil` when the rows are already in order.
    private let permutation: [Int]?
    private let count: Int

    init(_ times: Column) {
        count = times.count
        let t = times.int64Values
        var sorted = times.validity == nil
        if sorted {
            for i in 1..<max(count, 1) where t[i] < t[i - 1] {
                sorted = false
                break
            }
        }
        if sorted {
            permutation = nil
        } else {
            do {
                let batch = try ColumnBatch(["t": times])
                permutation = try batch.sortIndices(by: [SortKey("t")])
            } catch {
                preconditionFailure("sorting a one-column batch by its only column failed: \(error)")
            }
        }
    }

    /// Calls `body` with every row position, in time order.
    @inline(__always)
    func forEachRow(_ body: (Int) -> Void) {
        if let permutation {
            permutation.withUnsafeBufferPointer { p in for i in p { body(i) } }
        } else {
            for i in 0..<count { body(i) }
        }
    }
}
