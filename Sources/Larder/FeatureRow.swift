/// One row handed to a ``RowTransform``: the source's columns by name, plus any features the
/// transform adds.
///
/// The same `FeatureRow` type flows through offline materialization, online materialization and
/// push ingestion, so a transform is written once and applied identically everywhere.
///
/// ```swift
/// RowTransform("clip_rates", version: 1) { row in
///     if let rate = row.double("conv_rate") { row["conv_rate"] = .float32(Float(min(max(rate, 0), 1))) }
/// }
/// ```
public struct FeatureRow: Sendable, Equatable {
    /// The column names, shared between rows of one batch so a lookup costs one hash probe.
    public private(set) var layout: RowLayout
    public private(set) var values: [Value]

    public init(layout: RowLayout, values: [Value]) {
        precondition(layout.names.count == values.count, "a row needs one value per column")
        self.layout = layout
        self.values = values
    }

    public init(_ pairs: KeyValuePairs<String, Value>) {
        self.init(layout: RowLayout(pairs.map(\.key)), values: pairs.map(\.value))
    }

    /// The value of a column, or `nil` when the row has no such column. Setting a column the row
    /// does not have adds it.
    public subscript(name: String) -> Value? {
        get { layout.index(of: name).map { values[$0] } }
        set {
            if let i = layout.index(of: name) {
                values[i] = newValue ?? .null
            } else {
                layout = layout.appending(name)
                values.append(newValue ?? .null)
            }
        }
    }

    /// A numeric column as a `Double` (nil when missing, null or not numeric).
    public func double(_ name: String) -> Double? { self[name]?.doubleValue }
    /// An integer column as an `Int64` (nil when missing, null or not an integer).
    public func int64(_ name: String) -> Int64? { self[name]?.int64Value }
    /// A string column (nil when missing, null or not a string).
    public func string(_ name: String) -> String? {
        if case .string(let s)? = self[name] { return s }
        return nil
    }
    /// A timestamp column (nil when missing, null or not a timestamp).
    public func timestamp(_ name: String) -> Timestamp? {
        if case .timestamp(let t)? = self[name] { return t }
        return nil
    }
}

/// The column names of a batch of ``FeatureRow``s and their positions.
public final class RowLayout: Sendable, Equatable {
    public let names: [String]
    private let positions: [String: Int]

    public init(_ names: [String]) {
        self.names = names
        var positions: [String: Int] = [:]
        for (i, name) in names.enumerated() where positions[name] == nil { positions[name] = i }
        self.positions = positions
    }

    public func index(of name: String) -> Int? { positions[name] }

    func appending(_ name: String) -> RowLayout { RowLayout(names + [name]) }

    public static func == (lhs: RowLayout, rhs: RowLayout) -> Bool { lhs === rhs || lhs.names == rhs.names }
}
