import Larder

extension RegistryDiff {
    /// An aggregation view's changes. Whatever changes which events an aggregation sees or how it combines
    /// them (entities, source, transform, an event column's type, an aggregation's operation, column, window
    /// or hop) is breaking: models were trained on the values the old definition computed. A new aggregation
    /// or event column is compatible; a removed aggregation breaks the services and models that read it.
    static func compareAggregationView(_ diff: inout RegistryDiff, _ a: AggregationViewSpec, _ b: AggregationViewSpec) {
        let kind = "aggregation view", name = b.name
        func breaking(_ reason: String) { diff.add(kind, name, .changed, .breaking, reason) }
        func compatible(_ reason: String) { diff.add(kind, name, .changed, .compatible, reason) }
        if a.entities != b.entities {
            breaking("entities changed from [\(a.entities.joined(separator: ", "))] to [\(b.entities.joined(separator: ", "))]: events are grouped by the old ones")
        }
        if a.source != b.source {
            breaking("source changed from \(a.source) to \(b.source): every aggregation reads other events")
        }
        if a.transform != b.transform {
            breaking("transform changed from \(a.transform ?? "none") to \(b.transform ?? "none"): events are rewritten differently before they are aggregated")
        }
        if a.schedule != b.schedule { compatible("schedule changed to \(b.schedule ?? "none")") }
        if a.allowedLatenessMicroseconds != b.allowedLatenessMicroseconds {
            compatible("allowed lateness changed to \(b.allowedLatenessMicroseconds.map { TimeSpan(microseconds: $0).description } ?? "none")")
        }
        let oldEvents = Dictionary(a.events.map { ($0.name, $0) }, uniquingKeysWith: { x, _ in x })
        let newEvents = Set(b.events.map(\.name))
        for event in b.events {
            guard let previous = oldEvents[event.name] else {
                compatible("new event column \(event.name) (\(event.type))")
                continue
            }
            if previous.type != event.type {
                breaking("event column \(event.name) changed type from \(previous.type) to \(event.type): aggregates of it change")
            }
            if previous.nullable != event.nullable || previous.description != event.description {
                compatible("event column \(event.name) \(previous.nullable != event.nullable ? "nullability" : "description") changed")
            }
        }
        // An aggregation that read a removed column is itself changed or removed, and reported as breaking.
        for event in a.events where !newEvents.contains(event.name) {
            compatible("event column \(event.name) no longer declared")
        }
        let oldAggregations = Dictionary(a.aggregations.map { ($0.name, $0) }, uniquingKeysWith: { x, _ in x })
        let newAggregations = Set(b.aggregations.map(\.name))
        for aggregation in b.aggregations {
            guard let previous = oldAggregations[aggregation.name] else {
                compatible("new aggregation \(aggregation.name) (\(summary(aggregation)))")
                continue
            }
            let feature = aggregation.name
            if previous.operation != aggregation.operation || previous.k != aggregation.k {
                breaking("aggregation \(feature) changed operation from \(previous.operationDescription) to \(aggregation.operationDescription)")
            }
            if previous.column != aggregation.column {
                breaking("aggregation \(feature) changed column from \(previous.column ?? "none") to \(aggregation.column ?? "none")")
            }
            let hopChanged = previous.hopMicroseconds != aggregation.hopMicroseconds
            let hop = "hop from \(previous.hopDescription) to \(aggregation.hopDescription)"
            // A new window often brings a new default hop: one change, not two.
            if previous.windowMicroseconds != aggregation.windowMicroseconds {
                breaking("aggregation \(feature) changed window from \(previous.windowDescription) to \(aggregation.windowDescription)"
                         + (hopChanged ? ", \(hop)" : ""))
            } else if hopChanged {
                breaking("aggregation \(feature) changed \(hop): windows start at other times")
            }
        }
        for aggregation in a.aggregations where !newAggregations.contains(aggregation.name) {
            breaking("aggregation \(aggregation.name) removed: services and models that read it break")
        }
        metadata(&diff, kind: kind, name: name, description: (a.description, b.description), owner: (a.owner, b.owner), tags: (a.tags, b.tags))
    }

    /// `sum of fare over 24h, hop 1h`, as `plan` prints a new aggregation.
    private static func summary(_ aggregation: AggregationSpec) -> String {
        let column = aggregation.column.map { " of \($0)" } ?? ""
        let hop = aggregation.hopMicroseconds == nil ? "" : ", hop \(aggregation.hopDescription)"
        return "\(aggregation.operationDescription)\(column) over \(aggregation.windowDescription)\(hop)"
    }
}
