import Larder
import LarderRegistry

/// One on-demand view of a lookup shape: its compiled code, where each request field is in the request
/// (a column of `entities` or of `request_context`) and where each source feature is among the shape's
/// view reads. Compiled with the shape; per lookup it types the request values
/// (``requestColumns(entities:context:rowCount:)``) and, after the Redis round trip, runs the code once
/// over all the lookup's rows (``compute(request:views:rowCount:)``).
struct OnlineOnDemandPlan: Sendable {
    enum RequestSource: Sendable { case entities(Int), context(Int) }

    let view: OnDemandView
    let request: [(name: String, type: ValueType, source: RequestSource)]
    /// Source features: their name, declared type, and position among the shape's views and that view's reads.
    let features: [(name: String, type: ValueType, view: Int, feature: Int)]

    /// The plans of a shape's on-demand views, in request order; inserts the names of `entities` that are
    /// request fields into `neededKeys`, and refuses missing, doubled or unexpected request fields.
    static func plans(_ specs: [OnDemandViewSpec], compiled: [OnDemandView], key: OnlineLookupShape.Key,
                      views: [OnlineLookupShape.ViewRead], neededKeys: inout Set<String>) throws(LookupError) -> [OnlineOnDemandPlan] {
        guard !specs.isEmpty || !key.contextNames.isEmpty else { return [] }
        var seen = Set<String>()
        for name in key.contextNames where !seen.insert(name).inserted {
            throw LookupError(.invalidRequest, "request field \(name) is given twice in \"request_context\"")
        }
        var usedContext = Set<String>()
        var plans: [OnlineOnDemandPlan] = []
        for (spec, code) in zip(specs, compiled) {
            var request: [(name: String, type: ValueType, source: RequestSource)] = []
            for field in spec.requestFields {
                let inEntities = key.keyNames.firstIndex(of: field.name), inContext = key.contextNames.firstIndex(of: field.name)
                switch (inEntities, inContext) {
                case (let e?, nil):
                    neededKeys.insert(field.name)
                    request.append((field.name, field.type, .entities(e)))
                case (nil, let c?):
                    usedContext.insert(field.name)
                    request.append((field.name, field.type, .context(c)))
                case (_?, _?):
                    throw LookupError(.invalidRequest, "request field \(field.name) is given both in \"entities\" and in \"request_context\"; give it once")
                case (nil, nil):
                    throw LookupError(.missingRequestField, "request field \(field.name) (\(field.type)) of on-demand view \(spec.name) is missing: send it as a key of \"entities\" or of \"request_context\", one value per entity row")
                }
            }
            var features: [(name: String, type: ValueType, view: Int, feature: Int)] = []
            for source in spec.sources {
                let v = views.firstIndex { $0.read.layout.view == source.view }!
                let f = views[v].read.features.firstIndex(of: source.feature)!
                features.append((source.feature, views[v].read.types[f], v, f))
            }
            plans.append(OnlineOnDemandPlan(view: code, request: request, features: features))
        }
        for name in key.contextNames where !usedContext.contains(name) {
            let wanted = specs.flatMap { $0.requestFields.map(\.name) }
            throw LookupError(.extraRequestField, "\"request_context\" has \(name), which none of the requested on-demand views reads\(wanted.isEmpty ? "" : " (they read \(wanted.joined(separator: ", ")))")")
        }
        return plans
    }

    /// The request fields' values, typed as declared: numbers for float fields, integers that fit for
    /// integer fields, ISO-8601 text for timestamps, null as nil. Anything else is refused naming the value.
    func requestColumns(entities: [(name: String, values: [Value])], context: [(name: String, values: [Value])],
                        rowCount: Int) throws(LookupError) -> [String: OnDemandColumn] {
        var columns: [String: OnDemandColumn] = [:]
        for (name, type, source) in request {
            let values: [Value]
            switch source {
            case .entities(let i): values = entities[i].values
            case .context(let i):
                values = context[i].values
                guard values.count == rowCount else {
                    throw LookupError(.invalidEntities, "request_context.\(name) has \(values.count) values for \(rowCount) entity rows; give one per row")
                }
            }
            var typed: [Value] = []
            typed.reserveCapacity(values.count)
            for (row, value) in values.enumerated() {
                guard let converted = Self.typed(value, as: type) else {
                    throw LookupError(.invalidRequestValue, "value \(Self.quoted(value)) at position \(row) of request field \(name) is not \(type == .timestamp ? "an ISO-8601 timestamp" : "a \(type)") (on-demand view \(view.name) declares \(name) as \(type))")
                }
                typed.append(converted)
            }
            columns[name] = OnDemandColumn(typed, type: type)!
        }
        return columns
    }

    /// Runs the view's code over every row: request values plus the source features as read (nil where the
    /// view row was not found or was too old), then its outputs as a view's rows — `PRESENT` where computed,
    /// `NULL_VALUE` where the code gave nil, with no event time.
    func compute(request: [String: OnDemandColumn], views: [OnlineViewRows], rowCount: Int) throws(OnDemandError) -> OnlineViewRows {
        var inputs = request
        for input in features {
            let rows = views[input.view]
            guard let column = OnDemandColumn((0..<rowCount).map { rows.value(row: $0, feature: input.feature) }, type: input.type) else {
                throw OnDemandError(.invalidInput, view: view.name, feature: input.name, message: "the stored values of \(input.name) are not \(input.type)")
            }
            inputs[input.name] = column
        }
        let outputs = try view.run(inputs, rowCount: rowCount)
        var rows = OnlineViewRows(featureCount: outputs.count, reservingRows: rowCount)
        for row in 0..<rowCount {
            rows.beginRow(eventTime: nil)
            for output in outputs {
                let value = output.value(at: row)
                rows.appendFeature(value, value.isNull ? .nullValue : .present)
            }
        }
        return rows
    }

    /// A request value as JSON would show it (strings quoted), for errors.
    static func quoted(_ value: Value) -> String {
        if case .string(let text) = value { return "\"\(text)\"" }
        return value.description
    }

    /// `value` as `type`, or `nil` when it cannot be read as one.
    static func typed(_ value: Value, as type: ValueType) -> Value? {
        switch (value, type) {
        case (.null, _): return .null
        case (.int64(let v), .float64): return .float64(Double(v))
        case (.int64(let v), .float32): return .float32(Float(v))
        case (.float64(let v), .float32): return .float32(Float(v))
        case (.int64(let v), .int32): return Int32(exactly: v).map(Value.int32)
        case (.string(let text), .timestamp): return (try? Timestamp(parsing: text)).map(Value.timestamp)
        default: return value.converted(to: type)
        }
    }
}
