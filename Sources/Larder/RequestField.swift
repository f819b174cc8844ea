/// A typed value an ``OnDemandView`` reads from the request rather than from a stored view: sent with each
/// online lookup (as an extra key of `entities`, or in `request_context`), and read from the entity file's
/// column of the same name when a training set is built.
///
/// ```swift
/// RequestField("distance_km", .float64, description: "Length of the requested trip")
/// ```
public struct RequestField: Sendable, Hashable {
    public let name: String
    public let type: ValueType
    public let description: String

    public init(_ name: String, _ type: ValueType, description: String = "") {
        self.name = name
        self.type = type
        self.description = description
    }
}
