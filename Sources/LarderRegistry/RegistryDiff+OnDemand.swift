import Larder

extension RegistryDiff {
    /// An on-demand view's changes, classed as a feature view's are: new code (a version bump), a changed or
    /// removed output, and any change to what requests must carry are breaking.
    static func compareOnDemandView(_ diff: inout RegistryDiff, _ a: OnDemandViewSpec, _ b: OnDemandViewSpec) {
        let kind = "on-demand view", name = b.name
        if a.transform != b.transform {
            diff.add(kind, name, .changed, .breaking, "code changed from \(a.transform) to \(b.transform): models were trained on values the old code computed")
        }
        let oldRequest = Dictionary(a.requestFields.map { ($0.name, $0) }, uniquingKeysWith: { x, _ in x })
        let newRequest = Set(b.requestFields.map(\.name))
        for field in b.requestFields {
            guard let previous = oldRequest[field.name] else {
                diff.add(kind, name, .changed, .breaking, "new request field \(field.name) (\(field.type)): lookups without it are refused and entity files need the column")
                continue
            }
            if previous.type != field.type {
                diff.add(kind, name, .changed, .breaking, "request field \(field.name) changed type from \(previous.type) to \(field.type): clients send the old type")
            }
            if previous.description != field.description {
                diff.add(kind, name, .changed, .compatible, "request field \(field.name) description changed")
            }
        }
        for field in a.requestFields where !newRequest.contains(field.name) {
            diff.add(kind, name, .changed, .breaking, "request field \(field.name) removed: clients and entity files that send it no longer match")
        }
        let keptSources = Set(b.sources), hadSources = Set(a.sources)
        for source in a.sources where !keptSources.contains(source) {
            diff.add(kind, name, .changed, .breaking, "no longer reads \(source): computed values change")
        }
        for source in b.sources where !hadSources.contains(source) {
            diff.add(kind, name, .changed, .breaking, "now reads \(source): computed values change and lookups need its view's join keys")
        }
        let oldOutputs = Dictionary(a.outputs.map { ($0.name, $0) }, uniquingKeysWith: { x, _ in x })
        let newOutputs = Set(b.outputs.map(\.name))
        for output in b.outputs {
            guard let previous = oldOutputs[output.name] else {
                diff.add(kind, name, .changed, .compatible, "new output \(output.name) (\(output.type))")
                continue
            }
            if previous.type != output.type {
                diff.add(kind, name, .changed, .breaking, "output \(output.name) changed type from \(previous.type) to \(output.type)")
            }
            if previous.nullable && !output.nullable {
                diff.add(kind, name, .changed, .breaking, "output \(output.name) became non-nullable: lookups with missing inputs now fail")
            } else if !previous.nullable && output.nullable {
                diff.add(kind, name, .changed, .compatible, "output \(output.name) became nullable")
            }
            if previous.description != output.description {
                diff.add(kind, name, .changed, .compatible, "output \(output.name) description changed")
            }
        }
        for output in a.outputs where !newOutputs.contains(output.name) {
            diff.add(kind, name, .changed, .breaking, "output \(output.name) removed: services and models that read it break")
        }
        metadata(&diff, kind: kind, name: name, description: (a.description, b.description), owner: (a.owner, b.owner), tags: (a.tags, b.tags))
    }
}
