import Larder

/// What applying new definitions would change, object by object, each change classed as
/// compatible or breaking with the reason.
///
/// ```swift
/// let diff = RegistryDiff(from: registered, to: RepositorySpec(repository))
/// diff.isEmpty          // identical definitions
/// diff.breaking.count   // changes that need --allow-breaking
/// print(diff.rendered())
/// ```
public struct RegistryDiff: Sendable, Equatable {
    /// Whether a change keeps existing consumers working.
    public enum Impact: String, Sendable, Codable { case compatible, breaking }
    /// What happened to the object.
    public enum Action: String, Sendable, Codable { case added, removed, changed }

    /// One changed aspect of one object.
    public struct Change: Sendable, Equatable, CustomStringConvertible {
        public var kind: String
        public var name: String
        public var action: Action
        public var impact: Impact
        public var reason: String

        public var description: String {
            let sign = switch action { case .added: "+"; case .removed: "-"; case .changed: "~" }
            return "\(sign) \(kind) \(name): \(reason) [\(impact.rawValue)]"
        }
    }

    public private(set) var changes: [Change] = []

    public var isEmpty: Bool { changes.isEmpty }
    public var breaking: [Change] { changes.filter { $0.impact == .breaking } }

    /// The changes from `old` (nil when nothing is registered yet) to `new`.
    public init(from old: RepositorySpec?, to new: RepositorySpec) {
        let old = old ?? RepositorySpec(project: new.project, entities: [], sources: [], views: [], services: [])
        if old.project != new.project && !(old.entities.isEmpty && old.views.isEmpty) {
            add("project", new.project, .changed, .breaking, "project renamed from \(old.project): online keys are namespaced by project")
        }
        diffObjects(old.entities, new.entities, kind: "entity", removedImpact: .breaking, compare: Self.compareEntity)
        diffObjects(old.sources, new.sources, kind: "source", removedImpact: .compatible, compare: Self.compareSource)
        diffObjects(old.views, new.views, kind: "view", removedImpact: .breaking, compare: Self.compareView)
        diffObjects(old.onDemandViews, new.onDemandViews, kind: "on-demand view", removedImpact: .breaking, compare: Self.compareOnDemandView)
        diffObjects(old.aggregationViews, new.aggregationViews, kind: "aggregation view", removedImpact: .breaking,
                    compare: Self.compareAggregationView)
        diffObjects(old.services, new.services, kind: "service", removedImpact: .breaking, compare: Self.compareService)
    }

    mutating func add(_ kind: String, _ name: String, _ action: Action, _ impact: Impact, _ reason: String) {
        changes.append(Change(kind: kind, name: name, action: action, impact: impact, reason: reason))
    }

    private mutating func diffObjects<T: Equatable & Named>(
        _ old: [T], _ new: [T], kind: String, removedImpact: Impact,
        compare: (inout RegistryDiff, T, T) -> Void
    ) {
        let oldByName = Dictionary(old.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let newNames = Set(new.map(\.name))
        for object in new {
            if let previous = oldByName[object.name] {
                if previous != object { compare(&self, previous, object) }
            } else {
                add(kind, object.name, .added, .compatible, "new \(kind)")
            }
        }
        for object in old where !newNames.contains(object.name) {
            add(kind, object.name, .removed, removedImpact,
                removedImpact == .breaking ? "removed: anything that reads it stops working" : "removed")
        }
    }

    static func metadata(_ diff: inout RegistryDiff, kind: String, name: String,
                                 description: (String, String), owner: (String?, String?), tags: ([String: String], [String: String])) {
        if description.0 != description.1 { diff.add(kind, name, .changed, .compatible, "description changed") }
        if owner.0 != owner.1 { diff.add(kind, name, .changed, .compatible, "owner changed to \(owner.1 ?? "none")") }
        if tags.0 != tags.1 { diff.add(kind, name, .changed, .compatible, "tags changed") }
    }

    private static func compareEntity(_ diff: inout RegistryDiff, _ a: EntitySpec, _ b: EntitySpec) {
        if a.joinKey != b.joinKey {
            diff.add("entity", b.name, .changed, .breaking, "join key changed from \(a.joinKey) to \(b.joinKey)")
        }
        if a.keyType != b.keyType {
            diff.add("entity", b.name, .changed, .breaking, "join key type changed from \(a.keyType) to \(b.keyType)")
        }
        metadata(&diff, kind: "entity", name: b.name, description: (a.description, b.description), owner: (a.owner, b.owner), tags: (a.tags, b.tags))
    }

    private static func compareSource(_ diff: inout RegistryDiff, _ a: SourceSpec, _ b: SourceSpec) {
        if a.kind != b.kind || a.path != b.path || a.table != b.table {
            diff.add("source", b.name, .changed, .compatible,
                     "location changed from \(a.kind) \(a.path)\(a.table.map { " table \($0)" } ?? "") to \(b.kind) \(b.path)\(b.table.map { " table \($0)" } ?? ""); re-materialize to pick up its data")
        }
        if a.eventTimestampColumn != b.eventTimestampColumn || a.createdTimestampColumn != b.createdTimestampColumn {
            diff.add("source", b.name, .changed, .compatible, "timestamp columns changed; re-materialize to apply them")
        }
        if a.description != b.description { diff.add("source", b.name, .changed, .compatible, "description changed") }
    }

    private static func compareView(_ diff: inout RegistryDiff, _ a: ViewSpec, _ b: ViewSpec) {
        let name = b.name
        if a.entities != b.entities {
            diff.add("view", name, .changed, .breaking, "entities changed from [\(a.entities.joined(separator: ", "))] to [\(b.entities.joined(separator: ", "))]: stored rows are keyed by the old ones")
        }
        switch (a.ttlMicroseconds, b.ttlMicroseconds) {
        case let (x?, y?) where y < x:
            diff.add("view", name, .changed, .breaking, "ttl shortened from \(TTL(x)) to \(TTL(y)): values models saw in training now expire")
        case let (x?, y?) where y > x:
            diff.add("view", name, .changed, .compatible, "ttl lengthened from \(TTL(x)) to \(TTL(y))")
        case let (nil, y?):
            diff.add("view", name, .changed, .breaking, "ttl set to \(TTL(y)) (was unlimited): old values now expire")
        case (_?, nil):
            diff.add("view", name, .changed, .compatible, "ttl removed (values never expire)")
        default: break
        }
        if a.source != b.source {
            diff.add("view", name, .changed, .compatible, "source changed from \(a.source) to \(b.source); re-materialize")
        }
        if a.transform != b.transform {
            diff.add("view", name, .changed, .breaking, "transform changed from \(a.transform ?? "none") to \(b.transform ?? "none"): stored values were computed by the old one")
        }
        let oldFields = Dictionary(a.fields.map { ($0.name, $0) }, uniquingKeysWith: { x, _ in x })
        let newFields = Set(b.fields.map(\.name))
        for field in b.fields {
            guard let previous = oldFields[field.name] else {
                diff.add("view", name, .changed, .compatible, "new field \(field.name) (\(field.type))")
                continue
            }
            if previous.type != field.type {
                diff.add("view", name, .changed, .breaking, "field \(field.name) changed type from \(previous.type) to \(field.type)")
            }
            if previous.nullable && !field.nullable {
                diff.add("view", name, .changed, .breaking, "field \(field.name) became non-nullable: stored nulls violate it")
            } else if !previous.nullable && field.nullable {
                diff.add("view", name, .changed, .compatible, "field \(field.name) became nullable")
            }
            if previous.description != field.description {
                diff.add("view", name, .changed, .compatible, "field \(field.name) description changed")
            }
        }
        for field in a.fields where !newFields.contains(field.name) {
            diff.add("view", name, .changed, .breaking, "field \(field.name) removed: services and models that read it break")
        }
        if a.online != b.online {
            diff.add("view", name, .changed, a.online ? .breaking : .compatible,
                     a.online ? "no longer served online: lookups of its features fail" : "now served online; materialize to fill it")
        }
        if a.offline != b.offline {
            diff.add("view", name, .changed, a.offline ? .breaking : .compatible,
                     a.offline ? "no longer stored offline: training sets cannot read it" : "now stored offline; materialize to fill it")
        }
        if a.schedule != b.schedule { diff.add("view", name, .changed, .compatible, "schedule changed to \(b.schedule ?? "none")") }
        if a.lookbackMicroseconds != b.lookbackMicroseconds {
            diff.add("view", name, .changed, .compatible, "allowedLateness changed to \(b.lookbackMicroseconds.map { TTL($0) } ?? "none")")
        }
        compareExpectations(&diff, view: name, a.expectations, b.expectations)
        metadata(&diff, kind: "view", name: name, description: (a.description, b.description), owner: (a.owner, b.owner), tags: (a.tags, b.tags))
    }

    private static func compareService(_ diff: inout RegistryDiff, _ a: ServiceSpec, _ b: ServiceSpec) {
        let kept = Set(b.features)
        let had = Set(a.features)
        for feature in a.features where !kept.contains(feature) {
            diff.add("service", b.name, .changed, .breaking, "no longer serves \(feature): models that read it break")
        }
        for feature in b.features where !had.contains(feature) {
            diff.add("service", b.name, .changed, .compatible, "now serves \(feature)")
        }
        if kept == had && a.features != b.features {
            diff.add("service", b.name, .changed, .compatible, "feature order changed")
        }
        metadata(&diff, kind: "service", name: b.name, description: (a.description, b.description), owner: (a.owner, b.owner), tags: (a.tags, b.tags))
    }

    /// The diff as lines for a terminal, or "no changes".
    public func rendered() -> String {
        if changes.isEmpty { return "no changes" }
        let breakingCount = breaking.count
        return changes.map(\.description).joined(separator: "\n")
            + "\n\(changes.count) change\(changes.count == 1 ? "" : "s"), \(breakingCount) breaking"
    }
}

private func TTL(_ microseconds: Int64) -> String { TimeSpan(microseconds: microseconds).description }

/// Registered objects have a unique name.
protocol Named { var name: String { get } }
extension EntitySpec: Named {}
extension SourceSpec: Named {}
extension ViewSpec: Named {}
extension ServiceSpec: Named {}
extension OnDemandViewSpec: Named {}
extension AggregationViewSpec: Named {}
