import Larder

extension DefinitionValidator {
    /// The aggregation views: unique names across every kind of view (features are referenced as
    /// `view:feature`), entities and source in the repository, then each view's events and aggregations.
    func validateAggregationViews(in repository: FeatureRepository, into issues: inout [DefinitionIssue]) {
        let kind = "aggregation view"
        duplicates(repository.aggregationViews.map(\.name), kind: kind, into: &issues)
        let viewNames = Set(repository.views.map(\.name)), onDemandNames = Set(repository.onDemandViews.map(\.name))
        for view in repository.aggregationViews {
            let other = viewNames.contains(view.name) ? "a feature view" : onDemandNames.contains(view.name) ? "an on-demand view" : nil
            if let other {
                issues.append(DefinitionIssue(kind: kind, name: view.name, problem: "the name is used by \(other) too",
                                              fix: "give the aggregation view a name of its own: features are referenced as view:feature"))
            }
            checkName(view.name, kind: kind, into: &issues)
            validate(view, in: repository, into: &issues)
        }
    }

    /// One aggregation view: its entities and source are the repository's, its event columns are named and
    /// unique, and every aggregation reads a declared event column its operation applies to, over a positive
    /// window whose hop divides it, under a feature name no other column of its rows takes.
    private func validate(_ view: AggregationView, in repository: FeatureRepository, into issues: inout [DefinitionIssue]) {
        func issue(_ problem: String, _ fix: String) {
            issues.append(DefinitionIssue(kind: "aggregation view", name: view.name, problem: problem, fix: fix))
        }
        func eventIssue(_ event: String, _ problem: String, _ fix: String) {
            issues.append(DefinitionIssue(kind: "event column", name: "\(view.name).\(event)", problem: problem, fix: fix))
        }
        if view.entities.isEmpty { issue("the view has no entities", "list the entities whose events it aggregates, e.g. entities: [driver]") }
        if view.aggregations.isEmpty { issue("the view has no aggregations", "declare what it computes, e.g. .count(\"trips_1h\", over: .hours(1))") }
        for entity in view.entities where repository.entity(named: entity.name) == nil {
            issue("uses entity \(entity.name), which is not in the repository's entities", "add \(entity.name) to `entities:`")
        }
        if repository.source(named: view.source.name) == nil {
            issue("reads source \(view.source.name), which is not in the repository's sources", "add \(view.source.name) to `sources:`")
        }
        var events = Set<String>()
        for event in view.events {
            checkName(event.name, kind: "event column", owner: view.name, into: &issues)
            if !events.insert(event.name).inserted { eventIssue(event.name, "is declared twice", "remove one of them from `events:`") }
        }
        // A feature becomes a column beside the join keys and the row times, in training sets and lookups alike.
        let joinKeys = Set(repository.entities.map(\.joinKey) + view.joinKeys)
        var features = Set<String>()
        for aggregation in view.aggregations {
            checkName(aggregation.name, kind: "aggregation", owner: view.name, into: &issues)
            if !features.insert(aggregation.name).inserted {
                issues.append(DefinitionIssue(kind: "aggregation", name: "\(view.name).\(aggregation.name)", problem: "is declared twice",
                                              fix: "give each aggregation of \(view.name) a name of its own"))
            }
            validate(aggregation, of: view, joinKeys: joinKeys, into: &issues)
        }
    }

    private func validate(_ aggregation: Aggregation, of view: AggregationView, joinKeys: Set<String>,
                          into issues: inout [DefinitionIssue]) {
        func issue(_ problem: String, _ fix: String) {
            issues.append(DefinitionIssue(kind: "aggregation", name: "\(view.name).\(aggregation.name)", problem: problem, fix: fix))
        }
        let operation = aggregation.operation
        if joinKeys.contains(aggregation.name) {
            issue("has the name of a join key", "rename the aggregation: join keys are columns of the same rows")
        }
        if Self.reservedNames.contains(aggregation.name) {
            issue("uses a reserved column name", "rename the aggregation; event_timestamp and created are columns of every row")
        }
        let declared = view.events.map(\.name).joined(separator: ", ")
        switch (operation, aggregation.column) {
        case (.count, let column?):
            issue("count takes no column, but names \(column)", "drop the column: .count(\"\(aggregation.name)\", over: ...) counts the events of the window")
        case (.count, nil):
            break
        case (_, nil):
            issue("\(operation) needs an event column, but names none", "name the column it aggregates, one of: \(declared.isEmpty ? "(no events declared)" : declared)")
        case (_, let column?):
            if let event = view.event(named: column) {
                if aggregation.outputType(input: event.type) == nil {
                    issue("\(operation) does not apply to \(column), which is \(event.type)",
                          "\(operation) takes \(Self.inputTypes(of: operation)); aggregate another column, or use count or last")
                }
            } else {
                issue("reads column \(column), which is not one of the view's events (\(declared.isEmpty ? "none declared" : declared))",
                      "declare it in `events:`, e.g. Field(\"\(column)\", .float64), or read one of the declared columns")
            }
        }
        if case .lastK(let k) = operation, !(1...100).contains(k) {
            issue("last_k has k = \(k), outside 1...100", "keep between 1 and 100 values, e.g. .last(3, \"\(aggregation.name)\", of: ...)")
        }
        switch aggregation.window {
        case .lifetime:
            if let hop = aggregation.hop {
                issue("a lifetime window has no hop, but hop is \(hop)", "remove hop: (a lifetime aggregation counts every earlier event)")
            }
        case .span(let window):
            guard window.microseconds > 0 else {
                issue("window is \(window), which holds no events", "use a positive window such as .hours(1), or .lifetime")
                break
            }
            let hop = aggregation.effectiveHop ?? Aggregation.defaultHop(for: window)
            let origin = aggregation.hop == nil ? " (the default for this window)" : ""
            if hop.microseconds <= 0 {
                issue("hop is \(hop), which never moves the window", "use a positive hop that divides the window \(window), or leave hop: out")
            } else if window.microseconds % hop.microseconds != 0 {
                issue("hop \(hop)\(origin) does not divide the window \(window)",
                      "set hop: to a divisor of \(window), such as \(Self.suggestedHop(for: window)), or make the window a multiple of \(hop)")
            }
        }
    }

    /// The input types an operation applies to, as a validation message lists them.
    static func inputTypes(of operation: Aggregation.Operation) -> String {
        switch operation {
        case .count: "no column"
        case .sum, .mean, .stddev: "int32, int64, float32 or float64"
        case .min, .max: "int32, int64, float32, float64, timestamp or string"
        case .last, .lastK: "any type"
        }
    }

    /// The largest round hop, no longer than the default one, that divides `window` (the window itself when
    /// none does): what a validation message suggests.
    static func suggestedHop(for window: TimeSpan) -> TimeSpan {
        let limit = Swift.min(Aggregation.defaultHop(for: window), window)
        let candidates: [TimeSpan] = [.days(1), .hours(1), .minutes(5), .minutes(1), .seconds(1)]
        return candidates.first { $0 <= limit && window.microseconds % $0.microseconds == 0 } ?? window
    }
}
