import Larder

/// The decoded reads of one view for a lookup's entity rows, flat: `values` and `statuses` row after
/// row (the requested features of each row in order), one event time per row.
///
/// Why flat: a 1-row lookup is dominated by small allocations, and per-row arrays cost two each —
/// here a view costs three, whatever the row count.
///
/// ```swift
/// rows.value(row: 0, feature: 1)   // the second requested feature of the first entity row
/// rows.row(0)                      // the same row as an OnlineFeatureRow
/// ```
struct OnlineViewRows: Sendable, Hashable {
    /// Requested features per row.
    let featureCount: Int
    private(set) var values: [Value] = []
    private(set) var statuses: [OnlineFeatureStatus] = []
    /// The stored row's event time (also for `OUTSIDE_MAX_AGE`), `nil` when not found.
    private(set) var eventTimes: [Timestamp?] = []

    init(featureCount: Int, reservingRows rows: Int) {
        self.featureCount = featureCount
        values.reserveCapacity(rows * featureCount)
        statuses.reserveCapacity(rows * featureCount)
        eventTimes.reserveCapacity(rows)
    }

    var rowCount: Int { eventTimes.count }

    func value(row: Int, feature: Int) -> Value { values[row * featureCount + feature] }
    func status(row: Int, feature: Int) -> OnlineFeatureStatus { statuses[row * featureCount + feature] }

    /// Row `row` with its own arrays, for callers that keep rows apart.
    func row(_ row: Int) -> OnlineFeatureRow {
        let range = row * featureCount ..< (row + 1) * featureCount
        return OnlineFeatureRow(values: Array(values[range]), statuses: Array(statuses[range]), eventTime: eventTimes[row])
    }

    var rows: [OnlineFeatureRow] { (0..<rowCount).map(row) }

    /// Appends a row whose every feature has `status` and value null.
    mutating func appendRow(allNull status: OnlineFeatureStatus, eventTime: Timestamp?) {
        values.append(contentsOf: repeatElement(.null, count: featureCount))
        statuses.append(contentsOf: repeatElement(status, count: featureCount))
        eventTimes.append(eventTime)
    }

    /// Starts a row: append exactly `featureCount` features with ``appendFeature(_:_:)`` next.
    mutating func beginRow(eventTime: Timestamp?) { eventTimes.append(eventTime) }

    mutating func appendFeature(_ value: Value, _ status: OnlineFeatureStatus) {
        values.append(value)
        statuses.append(status)
    }
}
