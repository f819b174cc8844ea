public import Larder

/// One named, typed column of a ``Schema``.
///
/// ```swift
/// SchemaField(name: "driver_id", type: .int64, nullable: false)
/// ```
public struct SchemaField: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var type: ValueType
    public var nullable: Bool

    public init(name: String, type: ValueType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }

    public var description: String { "\(name): \(type)\(nullable ? "?" : "")" }
}

/// The ordered fields of a ``ColumnBatch``.
///
/// ```swift
/// let schema = Schema([SchemaField(name: "id", type: .int64), SchemaField(name: "rate", type: .float32)])
/// schema.index(of: "rate")   // 1
/// ```
public struct Schema: Sendable, Hashable, CustomStringConvertible {
    public private(set) var fields: [SchemaField]
    private var positions: [String: Int]

    public init(_ fields: [SchemaField]) {
        self.fields = fields
        var positions: [String: Int] = [:]
        for (i, f) in fields.enumerated() where positions[f.name] == nil { positions[f.name] = i }
        self.positions = positions
    }

    public init(fields: [SchemaField]) { self.init(fields) }

    public var count: Int { fields.count }
    public var names: [String] { fields.map(\.name) }

    /// The position of the first field called `name`, or `nil`.
    public func index(of name: String) -> Int? { positions[name] }

    public subscript(index: Int) -> SchemaField { fields[index] }

    public var description: String { "(" + fields.map(\.description).joined(separator: ", ") + ")" }

    public static func == (lhs: Schema, rhs: Schema) -> Bool { lhs.fields == rhs.fields }
    public func hash(into hasher: inout Hasher) { hasher.combine(fields) }
}
