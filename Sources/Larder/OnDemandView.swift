/// Features computed when they are asked for, from values sent with the request and features of other
/// views — Feast's on-demand feature views, Tecton's realtime features. Nothing is stored: an online
/// lookup runs the code over the lookup's rows, and `larder training-set` runs the same code over the
/// entity file's rows and their point-in-time joined features, so a model trains on exactly the values
/// it is served.
///
/// The code runs once per lookup (once per chunk of rows for a training set) over all its rows: it gets
/// an ``OnDemandBatch`` of input columns and sets one column per output. Column-shaped rather than one
/// call per row, so a lookup pays one call and a training set of millions of rows one per chunk, and the
/// code can loop however suits it (`batch.rows.map { … }`).
///
/// Inputs are the request fields and the `sources` features, by name; a source value that is missing
/// (no row for the entity, or older than the view's ttl) reads as `nil`, and the code decides what that
/// gives (usually `nil`, which is served as `NULL_VALUE` and written as null in a training set).
///
/// Like ``RowTransform``, the closure cannot be compared, so the registry tracks it as `name@version`:
/// bump `version` whenever the code changes what it computes, and `larder plan` reports it as breaking.
///
/// ```swift
/// public let tripRequest = OnDemandView(
///     "trip_request", version: 1,
///     request: [RequestField("distance_km", .float64)],
///     sources: [driverStats.features("avg_daily_trips"), customerStats.features("current_balance")],
///     outputs: [Field("expected_trips_per_km", .float64), Field("balance_after_fare", .float64)]
/// ) { batch in
///     let distance = try batch.float64("distance_km")
///     let trips = try batch.float64("avg_daily_trips")
///     let balance = try batch.float64("current_balance")
///     batch["expected_trips_per_km"] = .float64(batch.rows.map { i in
///         guard let t = trips[i], let d = distance[i] else { return nil }
///         return t / max(d, 0.1)
///     })
///     batch["balance_after_fare"] = .float64(batch.rows.map { i in
///         guard let b = balance[i], let d = distance[i] else { return nil }
///         return b - 2.5 * d
///     })
/// }
/// ```
public struct OnDemandView: Sendable {
    public let name: String
    public let version: Int
    /// Values each request (or entity row) must carry.
    public let request: [RequestField]
    /// Features of feature views the code reads, joined by the lookup's (or entity row's) keys.
    public let sources: [FeatureSelection]
    /// What the code computes, in order; these are the view's features.
    public let outputs: [Field]
    public let compute: @Sendable (inout OnDemandBatch) throws -> Void
    public let tags: [String: String]
    public let owner: String?
    public let description: String

    public init(
        _ name: String, version: Int, request: [RequestField], sources: [FeatureSelection], outputs: [Field],
        tags: [String: String] = [:], owner: String? = nil, description: String = "",
        _ compute: @escaping @Sendable (inout OnDemandBatch) throws -> Void
    ) {
        self.name = name
        self.version = version
        self.request = request
        self.sources = sources
        self.outputs = outputs
        self.compute = compute
        self.tags = tags
        self.owner = owner
        self.description = description
    }

    /// `name@version`, the identity the registry stores.
    public var identity: String { "\(name)@\(version)" }

    /// The output called `name`, if the view has one.
    public func output(named name: String) -> Field? { outputs.first { $0.name == name } }

    /// A selection of this view's outputs for a ``FeatureService``; no names means all of them.
    public func features(_ names: String...) -> FeatureSelection {
        FeatureSelection(onDemandView: self, features: names.isEmpty ? nil : names)
    }

    /// All outputs of this view, for a ``FeatureService``.
    public var allFeatures: FeatureSelection { FeatureSelection(onDemandView: self, features: nil) }

    /// Runs the code over `inputs` (every request field and source feature by name, `rowCount` values
    /// each) and returns the outputs in declared order, each checked to hold `rowCount` values of its
    /// declared type (a lossless wider type is converted, as for transforms). Lookups and training sets
    /// both come here, so both compute the same values from the same inputs.
    public func run(_ inputs: [String: OnDemandColumn], rowCount: Int) throws(OnDemandError) -> [OnDemandColumn] {
        var batch = OnDemandBatch(view: name, rowCount: rowCount, inputs: inputs)
        do {
            try compute(&batch)
        } catch let error as OnDemandError {
            throw error
        } catch {
            throw OnDemandError(.refused, view: name, message: "its code refused the rows: \(error)")
        }
        for written in batch.outputs.keys.sorted() where output(named: written) == nil {
            throw OnDemandError(.invalidOutput, view: name, feature: written,
                                message: "the code sets \(written), which is not a declared output; declare Field(\"\(written)\", …) in outputs: or stop setting it")
        }
        return try outputs.map { field throws(OnDemandError) in
            guard let column = batch.outputs[field.name] else {
                throw OnDemandError(.invalidOutput, view: name, feature: field.name,
                                    message: "the code did not set output \(field.name); set batch[\"\(field.name)\"] = .\(field.type)([…])")
            }
            guard column.count == rowCount else {
                throw OnDemandError(.invalidOutput, view: name, feature: field.name,
                                    message: "output \(field.name) has \(column.count) values for \(rowCount) rows; give one value per row (batch.rows.map { … })")
            }
            guard let typed = column.converted(to: field.type) else {
                throw OnDemandError(.invalidOutput, view: name, feature: field.name,
                                    message: "output \(field.name) is declared \(field.type) but the code set \(column.type) values; set .\(field.type)([…]) or change the declared type")
            }
            if !field.nullable, let row = typed.firstNullRow {
                throw OnDemandError(.invalidOutput, view: name, feature: field.name,
                                    message: "output \(field.name) is not nullable but row \(row) is nil; give a value or declare it nullable")
            }
            return typed
        }
    }
}
