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
///
/// During materialization a row is a cursor over the batch's typed columns (no per-row boxing): it is
/// valid only inside the transform's call, and copies of it share the cursor. Rows built with
/// ``init(layout:values:)`` or ``init(_:)`` hold their own values.
public struct FeatureRow: Sendable, Equatable {
    private var ownLayout: RowLayout
    private var ownValues: [Value]
    // Unmanaged: the transform path keeps the cursor alive for the call, and a counted reference would cost
    // a retain and a release on every accessor call.
    private let cursor: Unmanaged<ColumnarRowCursor>?

    public init(layout: RowLayout, values: [Value]) {
        precondition(layout.names.count == values.count, "a row needs one value per column")
        ownLayout = layout
        ownValues = values
        cursor = nil
    }

    public init(_ pairs: KeyValuePairs<String, Value>) {
        self.init(layout: RowLayout(pairs.map(\.key)), values: pairs.map(\.value))
    }

    /// A row read and written through `cursor` (the columnar transform path).
    package init(cursor: ColumnarRowCursor) {
        ownLayout = RowLayout.empty
        ownValues = []
        self.cursor = Unmanaged.passUnretained(cursor)
    }

    /// Whether the row still reads and writes through `cursor` (a transform may assign a new row to it).
    package func isBacked(by cursor: ColumnarRowCursor) -> Bool { self.cursor?.toOpaque() == Unmanaged.passUnretained(cursor).toOpaque() }

    /// The column names, shared between rows of one batch so a lookup costs one hash probe.
    public var layout: RowLayout { cursor.map { RowLayout($0._withUnsafeGuaranteedRef(\.names)) } ?? ownLayout }
    /// The values, in the order of ``layout``.
    public var values: [Value] { cursor.map { $0._withUnsafeGuaranteedRef(\.values) } ?? ownValues }

    /// The value of a column, or `nil` when the row has no such column. Setting a column the row
    /// does not have adds it.
    public subscript(name: String) -> Value? {
        get {
            if let cursor { return cursor._withUnsafeGuaranteedRef { $0.value(named: name) } }
            return ownLayout.index(of: name).map { ownValues[$0] }
        }
        set {
            if let cursor { return cursor._withUnsafeGuaranteedRef { $0.set(newValue ?? .null, named: name) } }
            if let i = ownLayout.index(of: name) {
                ownValues[i] = newValue ?? .null
            } else {
                ownLayout = ownLayout.appending(name)
                ownValues.append(newValue ?? .null)
            }
        }
    }

    /// A numeric column as a `Double` (nil when missing, null or not numeric).
    public func double(_ name: String) -> Double? {
        if let cursor { return cursor._withUnsafeGuaranteedRef { $0.double(named: name) } }
        return self[name]?.doubleValue
    }
    /// An integer column as an `Int64` (nil when missing, null or not an integer).
    public func int64(_ name: String) -> Int64? {
        if let cursor { return cursor._withUnsafeGuaranteedRef { $0.int64(named: name) } }
        return self[name]?.int64Value
    }
    /// A string column (nil when missing, null or not a string).
    public func string(_ name: String) -> String? {
        if let cursor { return cursor._withUnsafeGuaranteedRef { $0.string(named: name) } }
        if case .string(let s)? = self[name] { return s }
        return nil
    }
    /// A timestamp column (nil when missing, null or not a timestamp).
    public func timestamp(_ name: String) -> Timestamp? {
        if let cursor { return cursor._withUnsafeGuaranteedRef { $0.timestamp(named: name) } }
        if case .timestamp(let t)? = self[name] { return t }
        return nil
    }

    public static func == (lhs: FeatureRow, rhs: FeatureRow) -> Bool {
        lhs.layout.names == rhs.layout.names && lhs.values == rhs.values
    }
}

/// The column names of a batch of ``FeatureRow``s and their positions.
public final class RowLayout: Sendable, Equatable {
    public let names: [String]
    private let positions: [String: Int]

    static let empty = RowLayout([])

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
