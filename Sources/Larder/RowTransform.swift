/// A feature view's row transform: Swift code applied to every source row before it is stored,
/// offline and online alike, and to every pushed row.
///
/// The closure cannot be compared, so the registry tracks a transform by its `name` and `version`:
/// bump the version whenever the code changes what it computes, and `larder plan` reports the change
/// as breaking (stored values were computed by the old code). Features the transform creates, rather
/// than reads from the source, are listed in `produces` so validation does not look for them there.
///
/// ```swift
/// let tripBuckets = RowTransform("trip_buckets", version: 1, produces: ["trips_bucket"]) { row in
///     let trips = row.int64("avg_daily_trips") ?? 0
///     row["trips_bucket"] = .int32(Int32(min(trips / 100, 9)))
/// }
/// ```
public struct RowTransform: Sendable {
    public let name: String
    public let version: Int
    /// Features the transform adds (not read from the source).
    public let produces: [String]
    public let apply: @Sendable (inout FeatureRow) throws -> Void

    public init(
        _ name: String, version: Int, produces: [String] = [],
        _ apply: @escaping @Sendable (inout FeatureRow) throws -> Void
    ) {
        self.name = name
        self.version = version
        self.produces = produces
        self.apply = apply
    }

    /// `name@version`, the identity the registry stores.
    public var identity: String { "\(name)@\(version)" }
}

/// A transform's refusal of a row, with the reason shown to the user beside the row's location.
public struct TransformError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
