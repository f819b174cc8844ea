extension ColumnBatch {
    /// The last row of each run of equal `keys` along `order` (a permutation that sorts the batch by
    /// `keys` first, e.g. from ``sortIndices(by:)``), in `order`'s sequence. Keys compare typed, with
    /// nulls equal to each other: no `Value` is built per row.
    ///
    /// ```swift
    /// let order = try batch.sortIndices(by: [SortKey("driver_id"), SortKey("event_timestamp")])
    /// let newest = batch.gather(try batch.lastRowsOfRuns(order, keys: ["driver_id"]))
    /// ```
    public func lastRowsOfRuns(_ order: [Int], keys: [String]) throws(ColumnarError) -> [Int] {
        var comparators: [(Int, Int) -> Int] = []
        for key in keys {
            guard let column = column(named: key) else { throw .unknownColumn(key, available: schema.names) }
            comparators.append(makeComparator(column, descending: false))
        }
        var last: [Int] = []
        for position in order.indices {
            let row = order[position]
            if position == order.count - 1 || comparators.contains(where: { $0(row, order[position + 1]) != 0 }) {
                last.append(row)
            }
        }
        return last
    }
}
