import Larder

extension RegistryDiff {
    /// A view's expectation changes, all compatible (they gate future jobs, not stored data): added, removed, and
    /// changed — an expectation of the same kind on the same field with other bounds, values or severity.
    static func compareExpectations(_ diff: inout RegistryDiff, view: String, _ old: [ExpectationSpec], _ new: [ExpectationSpec]) {
        guard old != new else { return }
        func key(_ spec: ExpectationSpec) -> String { "\(spec.kind)(\(spec.field ?? ""))" }
        func label(_ spec: ExpectationSpec) -> String { "\(spec.name) [\(spec.severity.rawValue)]" }
        var remaining = old
        var changed: [(ExpectationSpec, ExpectationSpec)] = []
        var added: [ExpectationSpec] = []
        for spec in new {
            if let same = remaining.firstIndex(of: spec) {
                remaining.remove(at: same)
            } else {
                added.append(spec)
            }
        }
        // Pair an added and a removed expectation of one kind and field as a change.
        added = added.filter { spec in
            guard let previous = remaining.firstIndex(where: { key($0) == key(spec) }) else { return true }
            changed.append((remaining.remove(at: previous), spec))
            return false
        }
        for spec in added {
            diff.add("view", view, .changed, .compatible, "expectation added: \(label(spec)); checked from the next job on")
        }
        for spec in remaining {
            diff.add("view", view, .changed, .compatible, "expectation removed: \(label(spec))")
        }
        for (before, after) in changed {
            diff.add("view", view, .changed, .compatible, "expectation changed from \(label(before)) to \(label(after))")
        }
    }
}
