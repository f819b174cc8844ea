/// The rows an ``OnDemandView``'s code computes over: its inputs (request fields and source features) as
/// columns, read by name, and the outputs it sets, one column each.
///
/// Readers widen losslessly, as ``FeatureRow`` does: `float64` reads int32, int64, float32 and float64
/// inputs; `int64` reads int32 and int64. Asking for an input the view does not declare, or as a type it
/// cannot be read as, throws an ``OnDemandError`` naming it.
///
/// ```swift
/// let distance = try batch.float64("distance_km")     // [Double?], one per row
/// let trips = try batch.float64("avg_daily_trips")    // an int32 feature, widened
/// batch["expected_trips_per_km"] = .float64(batch.rows.map { i in
///     trips[i].flatMap { t in distance[i].map { t / max($0, 0.1) } }
/// })
/// ```
public struct OnDemandBatch: Sendable {
    /// The view computing, for errors.
    public let view: String
    public let rowCount: Int
    let inputs: [String: OnDemandColumn]
    /// What the code set so far, by output name.
    var outputs: [String: OnDemandColumn] = [:]

    public init(view: String, rowCount: Int, inputs: [String: OnDemandColumn]) {
        self.view = view
        self.rowCount = rowCount
        self.inputs = inputs
    }

    /// `0..<rowCount`, to map over.
    public var rows: Range<Int> { 0..<rowCount }

    /// An output the code set (`batch["x"] = .float64([...])`); reading gives what was set, if anything.
    public subscript(output: String) -> OnDemandColumn? {
        get { outputs[output] }
        set { outputs[output] = newValue }
    }

    /// The input `name` as it arrived.
    public func column(_ name: String) throws(OnDemandError) -> OnDemandColumn {
        guard let column = inputs[name] else {
            throw OnDemandError(.invalidInput, view: view, feature: name,
                                message: "the code reads \(name), which is not one of its inputs (\(inputs.keys.sorted().joined(separator: ", "))); declare it as a RequestField or add its view's feature to sources:")
        }
        return column
    }

    public func float64(_ name: String) throws(OnDemandError) -> [Double?] {
        switch try column(name) {
        case .float64(let v): return v
        case .float32(let v): return v.map { $0.map(Double.init) }
        case .int32(let v): return v.map { $0.map(Double.init) }
        case .int64(let v): return v.map { $0.map(Double.init) }
        case let other: throw mismatch(name, other, as: "float64")
        }
    }

    public func float32(_ name: String) throws(OnDemandError) -> [Float?] {
        guard case .float32(let v) = try column(name) else { throw mismatch(name, try column(name), as: "float32") }
        return v
    }

    public func int64(_ name: String) throws(OnDemandError) -> [Int64?] {
        switch try column(name) {
        case .int64(let v): return v
        case .int32(let v): return v.map { $0.map(Int64.init) }
        case let other: throw mismatch(name, other, as: "int64")
        }
    }

    public func bool(_ name: String) throws(OnDemandError) -> [Bool?] {
        guard case .bool(let v) = try column(name) else { throw mismatch(name, try column(name), as: "bool") }
        return v
    }

    public func string(_ name: String) throws(OnDemandError) -> [String?] {
        guard case .string(let v) = try column(name) else { throw mismatch(name, try column(name), as: "string") }
        return v
    }

    public func bytes(_ name: String) throws(OnDemandError) -> [[UInt8]?] {
        guard case .bytes(let v) = try column(name) else { throw mismatch(name, try column(name), as: "bytes") }
        return v
    }

    public func timestamp(_ name: String) throws(OnDemandError) -> [Timestamp?] {
        guard case .timestamp(let v) = try column(name) else { throw mismatch(name, try column(name), as: "timestamp") }
        return v
    }

    private func mismatch(_ name: String, _ column: OnDemandColumn, as wanted: String) -> OnDemandError {
        OnDemandError(.invalidInput, view: view, feature: name,
                      message: "the code reads \(name) as \(wanted) but it is \(column.type); read it with batch.\(column.type)(\"\(name)\")")
    }
}
