public import Larder
public import LarderColumnar

extension PointInTimeJoin {
    /// One feature view's stored rows and what to take from them.
    ///
    /// `rows` holds the join key columns (same names as in the entity rows), the event-time column, an optional
    /// `created` column and the feature columns; other columns are ignored.
    ///
    /// ```swift
    /// let driverStats = PointInTimeJoin.ViewInput(
    ///     name: "driver_stats", joinKeys: ["driver_id"], ttl: .days(1), rows: driverBatch,
    ///     features: ["conv_rate", "acc_rate"])
    /// ```
    public struct ViewInput: Sendable {
        /// The feature view's name, used in full output names (`view__feature`) and in errors.
        public var name: String
        /// Key columns, named the same in the entity rows and in `rows`.
        public var joinKeys: [String]
        /// How far back a stored row may lie before the entity time; `nil` = unbounded.
        public var ttl: TimeSpan?
        public var rows: ColumnBatch
        /// The feature columns of `rows` to output, in this order.
        public var features: [String]
        /// Output column names, one per feature; `nil` applies the naming rule (see
        /// ``PointInTimeJoin/outputColumnNames(for:fullFeatureNames:)``).
        public var outputNames: [String]?
        /// The event-time column of `rows` (a timestamp column).
        public var eventTimestampColumn: String
        /// The ingestion-time column of `rows` that breaks ties on event time; `nil` = none
        /// (then the row stored last wins a tie).
        public var createdColumn: String?

        public init(
            name: String,
            joinKeys: [String],
            ttl: TimeSpan?,
            rows: ColumnBatch,
            features: [String],
            outputNames: [String]? = nil,
            eventTimestampColumn: String = "event_timestamp",
            createdColumn: String? = "created"
        ) {
            self.name = name
            self.joinKeys = joinKeys
            self.ttl = ttl
            self.rows = rows
            self.features = features
            self.outputNames = outputNames
            self.eventTimestampColumn = eventTimestampColumn
            self.createdColumn = createdColumn
        }
    }

    /// The output column names of every view's features: the explicit `outputNames` where given, else the
    /// feature name, or `view__feature` when `fullFeatureNames` is set or the feature name occurs in more
    /// than one view.
    ///
    /// ```swift
    /// PointInTimeJoin.outputColumnNames(for: [driverStats, customerStats], fullFeatureNames: true)
    /// // [["driver_stats__conv_rate", ...], ["customer_stats__current_balance", ...]]
    /// ```
    public static func outputColumnNames(for views: [ViewInput], fullFeatureNames: Bool) -> [[String]] {
        var viewsPerFeature: [String: Int] = [:]
        for view in views {
            for feature in Set(view.features) { viewsPerFeature[feature, default: 0] += 1 }
        }
        return views.map { view in
            if let explicit = view.outputNames { return explicit }
            return view.features.map { feature in
                fullFeatureNames || viewsPerFeature[feature, default: 0] > 1 ? "\(view.name)__\(feature)" : feature
            }
        }
    }
}
