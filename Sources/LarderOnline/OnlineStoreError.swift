/// Why an online write or read failed: which view (and feature, row) and how to fix it.
///
/// Transport failures are ``RedisError``s and pass through unchanged.
///
/// ```swift
/// do { _ = try await store.read(layout, features: ["nope"], entityKeys: [[.int64(1)]], now: .now()) }
/// catch let error as OnlineStoreError { print(error) }
/// // online store, view "driver_stats", feature "nope": unknownFeature: ... ; the view has: conv_rate, trips
/// ```
public struct OnlineStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong, e.g. `error.kind == .unknownFeature`.
    public enum Kind: String, Sendable, Hashable {
        /// The layout's names cannot be stored (empty, ':' in a name, duplicate features...).
        case invalidLayout
        /// The rows do not match the layout (counts, types, null join keys).
        case invalidRows
        /// A requested feature is not in the view.
        case unknownFeature
        /// A stored value does not decode as the declared type (the type changed since it was written).
        case corruptValue
        /// Redis answered a write or read with an error reply.
        case server
        /// Redis answered with an error reply that passes by itself (``RedisError/isTransientReply(_:)``:
        /// `LOADING`, `MASTERDOWN`, `BUSY`, `OOM`, `READONLY`, …): retry later.
        case unavailable
    }

    public var kind: Kind
    public var view: String
    public var feature: String?
    /// The row (in the rows written, or the entity keys read) the error is about.
    public var row: Int?
    public var message: String

    public init(kind: Kind, view: String, feature: String? = nil, row: Int? = nil, message: String) {
        self.kind = kind
        self.view = view
        self.feature = feature
        self.row = row
        self.message = message
    }

    /// The kind for an error reply: ``Kind/unavailable`` when it is transient, else ``Kind/server``.
    static func kind(ofReply message: some StringProtocol) -> Kind {
        RedisError.isTransientReply(message) ? .unavailable : .server
    }

    public var description: String {
        var place = "online store, view \"\(view)\""
        if let feature { place += ", feature \"\(feature)\"" }
        if let row { place += ", row \(row)" }
        return "\(place): \(kind.rawValue): \(message)"
    }
}
