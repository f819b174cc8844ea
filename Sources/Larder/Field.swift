/// A typed feature of a ``FeatureView``.
///
/// ```swift
/// Field("conv_rate", .float32, description: "Share of offers accepted")
/// Field("avg_daily_trips", .int32, nullable: false)
/// ```
public struct Field: Sendable, Hashable {
    public let name: String
    public let type: ValueType
    /// Whether the feature may be null. A null in a non-nullable field stops materialization.
    public let nullable: Bool
    public let description: String

    public init(_ name: String, _ type: ValueType, nullable: Bool = true, description: String = "") {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.description = description
    }
}
