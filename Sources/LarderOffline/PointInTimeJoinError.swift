public import Larder

/// Why ``PointInTimeJoin/join(entities:entityTimestamp:views:fullFeatureNames:)`` rejected its input.
///
/// Every case names the feature view and the column involved, and ``description`` says how to fix it.
///
/// ```swift
/// do { _ = try PointInTimeJoin.join(entities: orders, views: [driverStats]) }
/// catch let error as PointInTimeJoinError { print(error) }
/// // view 'driver_stats': join key 'driver_id' is int64 in the entity rows but string in the stored rows; ...
/// ```
public enum PointInTimeJoinError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which side of the join a column was looked up in.
    public enum Side: String, Sendable, Equatable {
        case entityRows = "entity rows"
        case storedRows = "stored rows"
    }

    /// `column` is not in the entity rows or in the view's stored rows.
    case missingColumn(view: String?, column: String, side: Side, available: [String])
    /// A join key has different types in the entity rows and in the stored rows.
    case keyTypeMismatch(view: String, column: String, entityType: ValueType, storedType: ValueType)
    /// A join key column has a type that cannot be a key (only int32, int64, string and bytes can).
    case unsupportedKeyType(view: String, column: String, side: Side, type: ValueType)
    /// An event-time or created column is not a timestamp column.
    case notATimestamp(view: String?, column: String, side: Side, type: ValueType)
    /// A view lists no join keys.
    case noJoinKeys(view: String)
    /// A view's `outputNames` does not have one name per feature.
    case outputNameCountMismatch(view: String, features: Int, outputNames: Int)
    /// Two output columns would have the same name.
    case duplicateOutputColumn(name: String, view: String)
    /// A view's ttl is negative.
    case negativeTTL(view: String, ttl: TimeSpan)

    public var description: String {
        switch self {
        case .missingColumn(let view, let column, let side, let available):
            (view.map { "view '\($0)': " } ?? "")
                + "no column '\(column)' in the \(side.rawValue) (available: \(available.joined(separator: ", "))); "
                + "add the column or fix the join keys, feature names or timestamp column names"
        case .keyTypeMismatch(let view, let column, let entityType, let storedType):
            "view '\(view)': join key '\(column)' is \(entityType) in the entity rows but \(storedType) in the stored rows; "
                + "cast one side so both have the same type"
        case .unsupportedKeyType(let view, let column, let side, let type):
            "view '\(view)': join key '\(column)' in the \(side.rawValue) is \(type); join keys must be int32, int64, string or bytes"
        case .notATimestamp(let view, let column, let side, let type):
            (view.map { "view '\($0)': " } ?? "")
                + "column '\(column)' in the \(side.rawValue) is \(type), not timestamp; convert it to a timestamp column "
                + "(microseconds since the epoch, UTC)"
        case .noJoinKeys(let view):
            "view '\(view)' has no join keys; give it at least one entity key column"
        case .outputNameCountMismatch(let view, let features, let outputNames):
            "view '\(view)' selects \(features) features but gives \(outputNames) output names; give one name per feature or none"
        case .duplicateOutputColumn(let name, let view):
            "view '\(view)': output column '\(name)' already exists (an entity column or another feature); "
                + "use full feature names (view__feature) or rename the feature"
        case .negativeTTL(let view, let ttl):
            "view '\(view)' has a negative ttl (\(ttl)); use a ttl of zero or more, or none for an unbounded lookback"
        }
    }
}
