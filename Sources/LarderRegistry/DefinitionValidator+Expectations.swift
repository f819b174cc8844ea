import Larder

extension DefinitionValidator {
    /// A view's expectations: each names a field of the view (or a join key) of a type it can check, with bounds that
    /// are finite and in order, a non-empty set, a positive staleness; none is declared twice. Issues are of kind
    /// `expectation`, named `view.field` (or the view for rules without a field).
    func validateExpectations(_ view: FeatureView, into issues: inout [DefinitionIssue]) {
        var types: [String: ValueType] = [:]
        for entity in view.entities { types[entity.joinKey] = entity.keyType }
        for field in view.fields { types[field.name] = field.type }
        let numeric: Set<ValueType> = [.int32, .int64, .float32, .float64]
        var seen = Set<String>()
        for expectation in view.expectations {
            let name = expectation.field.map { "\(view.name).\($0)" } ?? view.name
            func issue(_ problem: String, _ fix: String) {
                issues.append(DefinitionIssue(kind: "expectation", name: name, problem: "\(expectation): \(problem)", fix: fix))
            }
            if !seen.insert(expectation.description).inserted {
                issue("is declared twice", "remove one of them (results are recorded by the expectation's name)")
            }
            var type: ValueType?
            if let field = expectation.field {
                type = types[field]
                if type == nil {
                    let known = (view.joinKeys + view.fields.map(\.name)).joined(separator: ", ")
                    issue("\(field) is not a field or join key of view \(view.name)", "name one of \(known)")
                    continue
                }
            }
            func checkBounds(_ lo: Double?, _ hi: Double?, what: String) {
                if let type, !numeric.contains(type) {
                    issue("\(expectation.field ?? "") is \(type), but \(what) needs a numeric field (int32, int64, float32, float64)",
                          "check a numeric field, or use .inSet / .notNull for a \(type)")
                }
                if lo == nil && hi == nil { issue("has neither a lower nor an upper bound", "give at least one bound") }
                for bound in [lo, hi].compactMap({ $0 }) where !bound.isFinite {
                    issue("bound \(bound) is not a finite number", "leave the bound out (.atLeast / .atMost) for an open side")
                }
                if let lo, let hi, lo > hi {
                    issue("the bounds are inverted (\(QualityExpectation.bound(lo, open: "")) > \(QualityExpectation.bound(hi, open: "")))",
                          "write the lower bound first")
                }
            }
            switch expectation.rule {
            case .notNull: break
            case .between(_, let lo, let hi): checkBounds(lo, hi, what: "between")
            case .mean(_, let lo, let hi): checkBounds(lo, hi, what: "mean")
            case .stddev(_, let lo, let hi):
                checkBounds(lo, hi, what: "stddev")
                if let hi, hi < 0 { issue("a standard deviation is never negative", "use bounds of 0 or more") }
            case .inSet(let field, let values):
                switch values {
                case .strings(let strings):
                    if let type, type != .string { issue("\(field) is \(type), but the set holds strings", "list \(type) values, or check a string field") }
                    if strings.isEmpty { issue("the set is empty, so every non-null value fails", "list the allowed values") }
                case .integers(let integers):
                    if let type, type != .int32 && type != .int64 {
                        issue("\(field) is \(type), but the set holds integers", "list \(type) values, or check an int32/int64 field")
                    }
                    if integers.isEmpty { issue("the set is empty, so every non-null value fails", "list the allowed values") }
                }
            case .uniquePerEntityAndTime: break
            case .rowCount(let lo, let hi):
                if lo == nil && hi == nil { issue("has neither a lower nor an upper bound", "give at least one bound") }
                if let lo, lo < 0 { issue("the lower bound is negative", "use 0 or more") }
                if let lo, let hi, lo > hi { issue("the bounds are inverted (\(lo) > \(hi))", "write the lower bound first") }
            case .maxStaleness(let span):
                if span.microseconds <= 0 { issue("the staleness \(span) is not positive", "use a positive span such as .hours(2)") }
            }
        }
    }
}
