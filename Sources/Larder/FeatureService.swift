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
/// `view.allFeatures`, for a ``FeatureView`` or an ``OnDemandView`` alike.
public struct FeatureSelection: Sendable {
    /// Where the selected features come from.
    public enum Origin: Sendable {
        case view(FeatureView)
        case onDemand(OnDemandView)
        case aggregation(AggregationView)
    }

    public let origin: Origin
    /// The chosen feature names, or `nil` for every feature of the view.
    public let features: [String]?

    public init(view: FeatureView, features: [String]?) {
        self.origin = .view(view)
        self.features = features
    }

    public init(onDemandView: OnDemandView, features: [String]?) {
        self.origin = .onDemand(onDemandView)
        self.features = features
    }

    public init(aggregationView: AggregationView, features: [String]?) {
        self.origin = .aggregation(aggregationView)
        self.features = features
    }

    /// The feature view selected from, or `nil` for an on-demand or aggregation view.
    public var view: FeatureView? {
        if case .view(let view) = origin { view } else { nil }
    }

    /// The on-demand view selected from, or `nil` for a feature view.
    public var onDemandView: OnDemandView? {
        if case .onDemand(let view) = origin { view } else { nil }
    }

    /// The aggregation view selected from, or `nil` for another kind.
    public var aggregationView: AggregationView? {
        if case .aggregation(let view) = origin { view } else { nil }
    }

    /// The name of the view selected from, whichever kind.
    public var viewName: String {
        switch origin {
        case .view(let view): view.name
        case .onDemand(let view): view.name
        case .aggregation(let view): view.name
        }
    }

    /// The chosen feature names, resolving `nil` to all of the view's fields (or outputs).
    public var featureNames: [String] {
        if let features { return features }
        return switch origin {
        case .view(let view): view.fields.map(\.name)
        case .onDemand(let view): view.outputs.map(\.name)
        case .aggregation(let view): view.aggregations.map(\.name)
        }
    }
}
