/// The type of a feature value, an entity join key or a source column.
///
/// Every type is nullable: nullability is a property of a ``Field``, not of the type.
///
/// ```swift
/// Field("conv_rate", .float32)
/// Field("driver_id", .int64, nullable: false)
/// ```
public enum ValueType: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case bool
    case int32
    case int64
    case float32
    case float64
    case string
    case bytes
    /// A UTC instant with microsecond precision.
    case timestamp

    public var description: String { rawValue }

    /// Whether values of this type can be safely read as a value of `other` without loss
    /// (e.g. `int32` into `int64`). Used by validation and by the registry diff.
    public func widens(to other: ValueType) -> Bool {
        if self == other { return true }
        switch (self, other) {
        case (.int32, .int64), (.int32, .float64), (.float32, .float64): return true
        default: return false
        }
    }
}
