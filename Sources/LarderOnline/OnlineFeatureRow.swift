public import Larder

/// Why a feature value is (or is not) served, as in Feast's `get-online-features` response.
///
/// ```swift
/// row.statuses[0] == .present   // the value is there and fresh
/// OnlineFeatureStatus.outsideMaxAge.rawValue   // "OUTSIDE_MAX_AGE"
/// ```
public enum OnlineFeatureStatus: String, Sendable, Hashable, CaseIterable {
    case present = "PRESENT"
    /// No row for this entity key in the view.
    case notFound = "NOT_FOUND"
    /// The row exists but this feature is null.
    case nullValue = "NULL_VALUE"
    /// The row is older than `now − ttl`: its values are served null.
    case outsideMaxAge = "OUTSIDE_MAX_AGE"
}

/// The requested features of one view for one entity key: values typed by the view's declared
/// types (null when not served), a status per feature, and the row's event time.
///
/// ```swift
/// let rows = try await store.read(layout, features: ["conv_rate"], entityKeys: [[.int64(1001)]], now: .now())
/// rows[0].values      // [.float32(0.5)]
/// rows[0].statuses    // [.present]
/// rows[0].eventTime   // 2026-01-01T08:00:00.000000Z
/// ```
public struct OnlineFeatureRow: Sendable, Hashable {
    /// In the order of the requested features.
    public var values: [Value]
    public var statuses: [OnlineFeatureStatus]
    /// The stored row's event time (also for `OUTSIDE_MAX_AGE`), `nil` when not found.
    public var eventTime: Timestamp?

    public init(values: [Value], statuses: [OnlineFeatureStatus], eventTime: Timestamp?) {
        self.values = values
        self.statuses = statuses
        self.eventTime = eventTime
    }
}

extension OnlineFeatureStatus {
    /// The status' position in `allCases`, for counting statuses in a plain array.
    public var index: Int {
        // A switch, not `allCases.firstIndex`: `allCases` builds an array on every call, and this runs per value.
        switch self {
        case .present: 0
        case .notFound: 1
        case .nullValue: 2
        case .outsideMaxAge: 3
        }
    }
}
