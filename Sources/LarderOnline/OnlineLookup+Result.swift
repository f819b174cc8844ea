public import Larder

extension OnlineLookup {
    /// Column-major answer: the join key columns (as the request gave them), then one column per
    /// feature in request order.
    ///
    /// Kept as each view's decoded rows plus where each column comes from, so answering a lookup builds
    /// no per-column arrays; ``columns`` builds them for callers that want them.
    ///
    /// ```swift
    /// result.featureNames[2]               // "conv_rate"
    /// result.value(column: 2, row: 0)      // .float32(0.5)
    /// result.status(column: 2, row: 0)     // .present
    /// ```
    public struct Result: Sendable {
        public let featureNames: [String]
        public let rowCount: Int
        /// The leading columns that echo the request's join keys.
        public var joinKeyCount: Int { keyColumns.count }
        public var columnCount: Int { featureNames.count }

        /// The request's entities, as given (kept whole: building columns from them would cost arrays).
        let keyColumns: [(name: String, values: [Value])]
        let views: [OnlineViewRows]
        /// Per feature column: its view and its position among the view's requested features.
        let sources: [(view: Int, feature: Int)]

        init(featureNames: [String], rowCount: Int, keyColumns: [(name: String, values: [Value])], views: [OnlineViewRows], sources: [(view: Int, feature: Int)]) {
            self.featureNames = featureNames
            self.rowCount = rowCount
            self.keyColumns = keyColumns
            self.views = views
            self.sources = sources
        }

        /// One column's values, statuses and event times.
        public struct Column: Sendable, Hashable {
            public var values: [Value]
            public var statuses: [OnlineFeatureStatus]
            public var eventTimes: [Timestamp?]
        }

        public func value(column: Int, row: Int) -> Value {
            if column < keyColumns.count { return keyColumns[column].values[row] }
            let source = sources[column - keyColumns.count]
            return views[source.view].value(row: row, feature: source.feature)
        }

        /// Join key columns are always `PRESENT`.
        public func status(column: Int, row: Int) -> OnlineFeatureStatus {
            if column < keyColumns.count { return .present }
            let source = sources[column - keyColumns.count]
            return views[source.view].status(row: row, feature: source.feature)
        }

        /// The stored row's event time; `nil` for join key columns and rows not found.
        public func eventTime(column: Int, row: Int) -> Timestamp? {
            if column < keyColumns.count { return nil }
            return views[sources[column - keyColumns.count].view].eventTimes[row]
        }

        public func column(_ column: Int) -> Column {
            Column(values: (0..<rowCount).map { value(column: column, row: $0) },
                   statuses: (0..<rowCount).map { status(column: column, row: $0) },
                   eventTimes: (0..<rowCount).map { eventTime(column: column, row: $0) })
        }

        /// Every column, join keys first.
        public var columns: [Column] { (0..<columnCount).map(column) }

        /// Adds how many feature values (join keys aside) came back with each status to `counts`, indexed by
        /// ``OnlineFeatureStatus/index`` (as long as `OnlineFeatureStatus.allCases`).
        public func addStatusCounts(to counts: inout [Int]) {
            for source in sources {
                let rows = views[source.view]
                for row in 0..<rowCount { counts[rows.status(row: row, feature: source.feature).index] += 1 }
            }
        }
    }
}
