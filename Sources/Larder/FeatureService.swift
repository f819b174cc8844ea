/// A named, versioned selection of features that a model consumes — what training sets and online
/// lookups ask for by name.
///
/// ```swift
/// public let rides = FeatureService("rides", features: [
///     driverStats.allFeatures,
///     customerStats.features("current_balance", "avg_passenger_count", "lifetime_trip_count"),
/// ])
/// ```
public struct FeatureService: Sendable {
    public let name: String
    public let selections: [FeatureSelection]
    public let description: String
    public let owner: String?
    public let tags: [String: String]

    public init(
        _ name: String, features: [FeatureSelection], description: String = "", owner: String? = nil,
        tags: [String: String] = [:]
    ) {
        self.name = name
        self.selections = features
        self.description = description
        self.owner = owner
        self.tags = tags
    }
}

/// Some features of one view, chosen for a ``FeatureService``: `view.features("a", "b")` or
/// `view.allFeatures`.
public struct FeatureSelection: Sendable {
    public let view: FeatureView
    /// The chosen feature names, or `nil` for every feature of the view.
    public let features: [String]?

    public init(view: FeatureView, features: [String]?) {
        self.view = view
        self.features = features
    }

    /// The chosen feature names, resolving `nil` to all of the view's fields.
    public var featureNames: [String] { features ?? view.fields.map(\.name) }
}
