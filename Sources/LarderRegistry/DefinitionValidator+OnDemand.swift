import Larder

extension DefinitionValidator {
    /// A service's selections: every view (feature or on-demand) is in the repository and defines what is
    /// selected, nothing is selected twice, and no on-demand output shares its name with another selected
    /// feature (its column would be ambiguous in lookups and training sets alike).
    func validate(_ service: FeatureService, in repository: FeatureRepository, into issues: inout [DefinitionIssue]) {
        func issue(_ problem: String, _ fix: String) {
            issues.append(DefinitionIssue(kind: "service", name: service.name, problem: problem, fix: fix))
        }
        let references = service.selections.flatMap { s in s.featureNames.map { (s, $0) } }
        if references.isEmpty {
            issue("the service selects no features", "add at least one selection such as driverStats.allFeatures")
        }
        for (selection, feature) in references {
            switch selection.origin {
            case .view(let view):
                if repository.view(named: view.name) == nil {
                    issue("uses view \(view.name), which is not in the repository's views", "add \(view.name) to `views:` of the FeatureRepository")
                } else if view.field(named: feature) == nil {
                    issue("selects \(view.name):\(feature), which the view does not define",
                          "choose one of: \(view.fields.map(\.name).joined(separator: ", "))")
                }
            case .onDemand(let view):
                if repository.onDemandView(named: view.name) == nil {
                    issue("uses on-demand view \(view.name), which is not in the repository's onDemandViews",
                          "add \(view.name) to `onDemandViews:` of the FeatureRepository")
                } else if view.output(named: feature) == nil {
                    issue("selects \(view.name):\(feature), which the on-demand view does not output",
                          "choose one of: \(view.outputs.map(\.name).joined(separator: ", "))")
                }
            case .aggregation(let view):
                if repository.aggregationView(named: view.name) == nil {
                    issue("uses aggregation view \(view.name), which is not in the repository's aggregationViews",
                          "add \(view.name) to `aggregationViews:` of the FeatureRepository")
                } else if view.aggregation(named: feature) == nil {
                    issue("selects \(view.name):\(feature), which the aggregation view does not define",
                          "choose one of: \(view.aggregations.map(\.name).joined(separator: ", "))")
                }
            }
        }
        var seen = Set<String>()
        for (selection, feature) in references where !seen.insert("\(selection.viewName):\(feature)").inserted {
            issue("selects \(selection.viewName):\(feature) twice", "list each feature once")
        }
        var reported = Set<String>()
        for (selection, feature) in references where selection.onDemandView != nil {
            for (other, otherFeature) in references where otherFeature == feature && other.viewName != selection.viewName {
                guard reported.insert(feature).inserted else { continue }
                issue("selects \(selection.viewName):\(feature) and \(other.viewName):\(feature): an on-demand output may not share its name with another feature of the service",
                      "rename the output of \(selection.viewName), or select only one of them")
            }
        }
    }

    /// An on-demand view: a positive version, named and typed request fields and outputs, sources that
    /// are features of the repository's feature views (served online and stored offline, since lookups and
    /// training sets both read them), and no two inputs or outputs sharing a name.
    func validate(_ view: OnDemandView, in repository: FeatureRepository, into issues: inout [DefinitionIssue]) {
        func issue(_ problem: String, _ fix: String, field: String? = nil) {
            issues.append(DefinitionIssue(kind: field == nil ? "on-demand view" : "field",
                                          name: field.map { "\(view.name).\($0)" } ?? view.name, problem: problem, fix: fix))
        }
        if view.version < 1 { issue("version is \(view.version)", "start at version: 1 and bump it when the code changes") }
        if view.outputs.isEmpty { issue("the view has no outputs", "declare what it computes, e.g. Field(\"ratio\", .float64)") }
        let joinKeys = Set(repository.entities.map(\.joinKey))
        var inputs: [String: String] = [:]  // input name → where it comes from
        for field in view.request {
            checkName(field.name, kind: "field", owner: view.name, into: &issues)
            if joinKeys.contains(field.name) {
                issue("has the name of a join key", "rename the request field: lookups read join keys and request values from the same \"entities\"", field: field.name)
            }
            if field.type == .bytes { issue("is bytes, which a JSON request cannot carry", "declare it .string", field: field.name) }
            if let earlier = inputs.updateValue("the request", forKey: field.name) {
                issue("is declared twice (also from \(earlier))", "remove one of them", field: field.name)
            }
        }
        for selection in view.sources {
            guard case .view(let declared) = selection.origin else {
                issue("reads on-demand view \(selection.viewName)", "read features of feature views only; compute in one on-demand view instead")
                continue
            }
            guard let source = repository.view(named: declared.name) else {
                issue("reads view \(declared.name), which is not in the repository's views", "add \(declared.name) to `views:`")
                continue
            }
            if !source.online { issue("reads \(source.name), which is not served online (online: false)", "set online: true on \(source.name), or read another view") }
            if !source.offline { issue("reads \(source.name), which is not stored offline (offline: false)", "set offline: true on \(source.name), or read another view") }
            for feature in selection.featureNames {
                guard source.field(named: feature) != nil else {
                    issue("reads \(source.name):\(feature), which the view does not define",
                          "choose one of: \(source.fields.map(\.name).joined(separator: ", "))")
                    continue
                }
                if let earlier = inputs.updateValue(source.name, forKey: feature) {
                    issue("reads \(feature) from both \(earlier) and \(source.name)",
                          "inputs are read by name: keep one of them (or rename the request field)", field: feature)
                }
            }
        }
        var outputs = Set<String>()
        for output in view.outputs {
            checkName(output.name, kind: "field", owner: view.name, into: &issues)
            if !outputs.insert(output.name).inserted { issue("is declared twice", "remove one of them", field: output.name) }
            if let input = inputs[output.name] {
                issue("is both an output and an input (from \(input))", "rename the output", field: output.name)
            }
            if joinKeys.contains(output.name) { issue("has the name of a join key", "rename the output", field: output.name) }
            if Self.reservedNames.contains(output.name) {
                issue("uses a reserved column name", "rename the output; event_timestamp and created are entity file columns", field: output.name)
            }
        }
    }
}
