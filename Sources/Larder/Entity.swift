/// A thing features describe, identified by one join key: a driver, a customer, an order.
///
/// ```swift
/// public let driver = Entity("driver", joinKey: "driver_id", type: .int64,
///                            description: "A driver of the rides platform")
/// ```
public struct Entity: Sendable, Hashable {
    /// The entity's name, unique among entities (e.g. `driver`).
    public let name: String
    /// The column that identifies an instance in sources, entity rows and online requests.
    public let joinKey: String
    /// The join key's type: `int64` or `string` in practice.
    public let keyType: ValueType
    public let description: String
    public let owner: String?
    public let tags: [String: String]

    public init(
        _ name: String, joinKey: String, type: ValueType = .int64, description: String = "",
        owner: String? = nil, tags: [String: String] = [:]
    ) {
        self.name = name
        self.joinKey = joinKey
        self.keyType = type
        self.description = description
        self.owner = owner
        self.tags = tags
    }
}
