public import Larder

/// A registered aggregation view: its typed event columns, its aggregations with every window and hop in
/// microseconds, and its transform as `name@version` (the closure itself cannot be stored).
///
/// ```swift
/// let spec = AggregationViewSpec(driverTrips)
/// spec.aggregation("fare_sum_24h")?.operation   // "sum"
/// spec.outputType(of: spec.aggregations[0])      // .scalar(.int64) for a count
/// ```
public struct AggregationViewSpec: Codable, Sendable, Equatable {
    public var name: String
    public var entities: [String]
    public var source: String
    /// The event columns the aggregations read, typed.
    public var events: [FieldSpec]
    public var aggregations: [AggregationSpec]
    /// The row transform's identity, `name@version`, or `nil` for none.
    public var transform: String?
    public var tags: [String: String]
    public var owner: String?
    public var description: String
    /// The schedule's description, as for views; absent when none.
    public var schedule: String? = nil
    public var allowedLatenessMicroseconds: Int64? = nil

    public func aggregation(_ name: String) -> AggregationSpec? { aggregations.first { $0.name == name } }
    public func event(_ name: String) -> FieldSpec? { events.first { $0.name == name } }

    /// The feature's type, by the same rule as ``AggregationView/outputType(of:)``; `nil` when the operation
    /// is unknown to this larder or does not apply to its column.
    public func outputType(of aggregation: AggregationSpec) -> Aggregation.OutputType? {
        guard let operation = aggregation.parsedOperation else { return nil }
        return Aggregation(aggregation.name, operation, of: aggregation.column, over: .lifetime)
            .outputType(input: aggregation.column.flatMap { event($0)?.type })
    }
}

/// A registered aggregation. `operation` is a stable name (`count`, `sum`, `mean`, `min`, `max`, `stddev`,
/// `last`, `last_k`) rather than ``Aggregation/Operation``'s description, so that registries never depend on
/// how Swift prints a case; `k` is set for `last_k` only.
public struct AggregationSpec: Codable, Sendable, Equatable {
    public var name: String
    public var operation: String
    public var k: Int?
    /// The event column aggregated; `nil` for `count`.
    public var column: String?
    /// The window's length; `nil` for a lifetime window.
    public var windowMicroseconds: Int64?
    /// The hop in effect (the default rule applied), so a later change of that rule shows as a diff
    /// instead of silently changing registered features; `nil` for a lifetime window.
    public var hopMicroseconds: Int64?

    public init(name: String, operation: String, k: Int? = nil, column: String?, windowMicroseconds: Int64?, hopMicroseconds: Int64?) {
        self.name = name
        self.operation = operation
        self.k = k
        self.column = column
        self.windowMicroseconds = windowMicroseconds
        self.hopMicroseconds = hopMicroseconds
    }

    /// The operation, or `nil` for a name this larder does not know.
    public var parsedOperation: Aggregation.Operation? {
        switch operation {
        case "count": .count
        case "sum": .sum
        case "mean": .mean
        case "min": .min
        case "max": .max
        case "stddev": .stddev
        case "last": .last
        case "last_k": k.map(Aggregation.Operation.lastK)
        default: nil
        }
    }

    /// `count`, `sum`, …, `last_k(3)`: the operation as `describe` and `plan` print it.
    public var operationDescription: String { k.map { "\(operation)(\($0))" } ?? operation }

    /// The window as `plan` and `describe` print it: `1h`, `7d` or `lifetime`.
    public var windowDescription: String { windowMicroseconds.map { TimeSpan(microseconds: $0).description } ?? "lifetime" }

    /// The hop as `plan` and `describe` print it, or `none` for a lifetime window.
    public var hopDescription: String { hopMicroseconds.map { TimeSpan(microseconds: $0).description } ?? "none" }
}

extension AggregationViewSpec {
    public init(_ view: AggregationView) {
        self.init(
            name: view.name, entities: view.entities.map(\.name), source: view.source.name,
            events: view.events.map { FieldSpec(name: $0.name, type: $0.type, nullable: $0.nullable, description: $0.description) },
            aggregations: view.aggregations.map(AggregationSpec.init), transform: view.transform?.identity,
            tags: view.tags, owner: view.owner, description: view.description, schedule: view.schedule?.description,
            allowedLatenessMicroseconds: view.allowedLateness?.microseconds)
    }
}

extension AggregationSpec {
    public init(_ aggregation: Aggregation) {
        let (operation, k): (String, Int?) = switch aggregation.operation {
        case .count: ("count", nil)
        case .sum: ("sum", nil)
        case .mean: ("mean", nil)
        case .min: ("min", nil)
        case .max: ("max", nil)
        case .stddev: ("stddev", nil)
        case .last: ("last", nil)
        case .lastK(let k): ("last_k", k)
        }
        let window: Int64? = if case .span(let span) = aggregation.window { span.microseconds } else { nil }
        self.init(name: aggregation.name, operation: operation, k: k, column: aggregation.column,
                  windowMicroseconds: window, hopMicroseconds: aggregation.effectiveHop?.microseconds)
    }
}
