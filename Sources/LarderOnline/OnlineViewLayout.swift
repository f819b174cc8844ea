public import Larder

/// How one feature view is stored in the online store: its project, name, join keys, features
/// with their declared types, ttl, and whether Redis should expire keys from the ttl.
///
/// Independent of the registry: the caller builds it from a feature view definition.
///
/// ```swift
/// let layout = OnlineViewLayout(project: "shop", view: "driver_stats", joinKeys: ["driver_id"],
///                               features: [(name: "conv_rate", type: .float32), (name: "trips", type: .int64)],
///                               ttl: .days(1), keyExpiry: true)
/// ```
public struct OnlineViewLayout: Sendable {
    public let project: String
    public let view: String
    public let joinKeys: [String]
    public let features: [(name: String, type: ValueType)]
    /// The view's max age: a value older than `now − ttl` is served null with status
    /// `OUTSIDE_MAX_AGE`. `nil` or zero means values never age out.
    public let ttl: TimeSpan?
    /// Whether writes set a Redis expiry at `event time + ttl`, so aged-out rows free their memory.
    public let keyExpiry: Bool

    /// Feature name → position in `features`.
    let featureIndex: [String: Int]

    public init(project: String, view: String, joinKeys: [String], features: [(name: String, type: ValueType)],
                ttl: TimeSpan?, keyExpiry: Bool) {
        self.project = project
        self.view = view
        self.joinKeys = joinKeys
        self.features = features
        self.ttl = ttl
        self.keyExpiry = keyExpiry
        var index: [String: Int] = [:]
        for (i, feature) in features.enumerated() where index[feature.name] == nil {
            index[feature.name] = i
        }
        featureIndex = index
    }

    /// The ttl when it limits age (positive), else `nil`.
    var effectiveTTL: TimeSpan? {
        guard let ttl, ttl.microseconds > 0 else { return nil }
        return ttl
    }

    /// Checks the names can be stored unambiguously; called by the store before any I/O.
    func validate() throws(OnlineStoreError) {
        func fail(_ reason: String) -> OnlineStoreError {
            OnlineStoreError(kind: .invalidLayout, view: view, message: reason)
        }
        if project.isEmpty || project.utf8.contains(UInt8(ascii: ":")) {
            throw fail("the project name \"\(project)\" must be non-empty and contain no ':' (it is part of every Redis key)")
        }
        if view.isEmpty || view.utf8.contains(UInt8(ascii: ":")) {
            throw fail("the view name must be non-empty and contain no ':' (it is part of every Redis key)")
        }
        if joinKeys.isEmpty {
            throw fail("a view stored online needs at least one join key")
        }
        if featureIndex.count != features.count {
            let names = features.map(\.name)
            let duplicate = names.first { name in names.filter { $0 == name }.count > 1 } ?? "?"
            throw fail("the feature \"\(duplicate)\" is declared twice; rename one")
        }
        if let reserved = features.first(where: { $0.name == OnlineKeyLayout.versionField }) {
            throw fail("the feature name \"\(reserved.name)\" is reserved for the row's version; rename the feature")
        }
        if features.count > OnlineKeyLayout.maximumFeatures {
            throw fail("\(features.count) features exceed the \(OnlineKeyLayout.maximumFeatures) one view can hold online (Lua argument limit); split the view")
        }
    }
}
