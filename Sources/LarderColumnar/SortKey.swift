/// One key of a multi-key sort: a column name and a direction. Nulls always sort first.
///
/// ```swift
/// let order = try batch.sortIndices(by: [SortKey("driver_id"), SortKey("event_timestamp", descending: true)])
/// ```
public struct SortKey: Sendable, Hashable {
    public var column: String
    public var descending: Bool

    public init(_ column: String, descending: Bool = false) {
        self.column = column
        self.descending = descending
    }
}
