import Larder
import LarderRegistry
import Synchronization

/// What every lookup with the same features, join key names (in request order) and naming compiles to:
/// the checked feature references, each view's Redis key prefix, HMGET fields and join key columns, and
/// where each response column comes from.
///
/// Compiled once per shape and registry version (``OnlineLookupShape/Cache``): on the serving path a
/// lookup then only checks and encodes its key values — resolving names against the registry was the
/// largest part of a 1-row lookup's CPU (BENCHMARKS.md).
final class OnlineLookupShape: Sendable {
    struct Key: Hashable, Sendable {
        let features: OnlineLookup.Query.Features
        let keyNames: [String]
        let fullFeatureNames: Bool
        /// The names in `request_context`, in request order (empty without on-demand features).
        let contextNames: [String]
    }

    /// One view's reads, with where its join key values come from.
    struct ViewRead: Sendable {
        let read: OnlineViewRead
        /// Per join key of the view: its column among the query's entities, its name and declared type.
        let keys: [(entity: Int, name: String, type: ValueType)]
    }

    let views: [ViewRead]
    /// The requested aggregation views' reads; their rows follow the views' in a result.
    let aggregates: [OnlineAggregateRead]
    /// The requested on-demand views, computed after the reads; their rows follow the views' in a result.
    let onDemand: [OnlineOnDemandPlan]
    /// Per requested feature, in request order: its view and its position among that view's fields.
    let columns: [(view: Int, feature: Int)]
    /// The response's column names: the join keys, then the features.
    let featureNames: [String]

    /// Checks the features and join key names against the registry; throws the error a client must fix.
    init(_ key: Key, lookup: OnlineLookup) throws {
        let spec = lookup.spec
        let references = try lookup.resolve(key.features)
        var seen = Set<String>()
        for name in key.keyNames where !seen.insert(name).inserted {
            throw LookupError(.invalidEntities, "join key \(name) is given twice")
        }
        var viewOrder: [String] = []
        var featuresByView: [String: [String]] = [:]
        var onDemandOrder: [OnDemandViewSpec] = []
        var aggregateOrder: [String] = []
        var aggregateFeatures: [String: [String]] = [:]
        for reference in references {
            if spec.aggregationView(reference.view) != nil {
                if aggregateFeatures[reference.view] == nil { aggregateOrder.append(reference.view) }
                if !aggregateFeatures[reference.view, default: []].contains(reference.feature) { aggregateFeatures[reference.view, default: []].append(reference.feature) }
                continue
            }
            guard spec.view(reference.view) != nil else {
                if !onDemandOrder.contains(where: { $0.name == reference.view }), let view = spec.onDemandView(reference.view) {
                    onDemandOrder.append(view)
                }
                continue
            }
            if featuresByView[reference.view] == nil { viewOrder.append(reference.view) }
            featuresByView[reference.view, default: []].append(reference.feature)
        }
        // On-demand views read their sources with the requested features (once per view and key).
        var compiled: [OnDemandView] = []
        for view in onDemandOrder {
            compiled.append(try Self.compiled(view, lookup: lookup))
            for source in view.sources {
                guard let read = spec.view(source.view), read.online, read.field(source.feature) != nil else {
                    throw LookupError(.onDemandUnavailable, "on-demand view \(view.name) reads \(source), which is not an online feature of the registry; fix the definitions and apply them")
                }
                if featuresByView[source.view] == nil { viewOrder.append(source.view) }
                if !featuresByView[source.view, default: []].contains(source.feature) { featuresByView[source.view, default: []].append(source.feature) }
            }
        }
        var neededKeys = Set<String>()
        var views: [ViewRead] = []
        for name in viewOrder {
            let view = spec.view(name)!
            let layout = lookup.layout(of: view)
            let keys = try Self.keyColumns(layout.joinKeys, entities: view.entities, of: "view \(name)", key: key, spec: spec, needed: &neededKeys)
            let read = try OnlineViewRead(layout: layout, features: featuresByView[name]!, keyPrefix: lookup.store.keyPrefix)
            views.append(ViewRead(read: read, keys: keys))
        }
        var aggregates: [OnlineAggregateRead] = []
        for name in aggregateOrder {
            let view = spec.aggregationView(name)!, layout = lookup.aggregateLayouts[name]!
            let keys = try Self.keyColumns(layout.joinKeys, entities: view.entities, of: "aggregation view \(name)", key: key, spec: spec, needed: &neededKeys)
            aggregates.append(OnlineAggregateRead(layout: layout, members: aggregateFeatures[name]!.map { layout.member(named: $0)! },
                                                  keyPrefix: lookup.store.keyPrefix, keys: keys))
        }
        let onDemand = try OnlineOnDemandPlan.plans(onDemandOrder, compiled: compiled, key: key, views: views, neededKeys: &neededKeys)
        for name in key.keyNames where !neededKeys.contains(name) {
            throw LookupError(.extraJoinKey, "\"entities\" has \(name), which none of the requested views joins on (they use \(neededKeys.sorted().joined(separator: ", ")))")
        }
        var shared: [String: Int] = [:]
        for reference in references { shared[reference.feature, default: 0] += 1 }
        var names = key.keyNames
        var columns: [(view: Int, feature: Int)] = []
        for reference in references {
            if let v = viewOrder.firstIndex(of: reference.view) {
                columns.append((v, views[v].read.features.firstIndex(of: reference.feature)!))
            } else if let a = aggregateOrder.firstIndex(of: reference.view) {
                columns.append((views.count + a, aggregates[a].features.firstIndex(of: reference.feature)!))
            } else {
                let o = onDemandOrder.firstIndex { $0.name == reference.view }!
                columns.append((views.count + aggregates.count + o, onDemandOrder[o].outputs.firstIndex { $0.name == reference.feature }!))
            }
            let full = key.fullFeatureNames || (shared[reference.feature] ?? 0) > 1
            names.append(full ? "\(reference.view)__\(reference.feature)" : reference.feature)
        }
        self.views = views
        self.aggregates = aggregates
        self.onDemand = onDemand
        self.columns = columns
        self.featureNames = names
    }

    /// Where each join key of a view comes from among the query's entities, with its declared type; marks the keys
    /// `needed`, and refuses a missing one naming `what` needs it.
    private static func keyColumns(_ joinKeys: [String], entities: [String], of what: String, key: Key, spec: RepositorySpec,
                                   needed: inout Set<String>) throws(LookupError) -> [(entity: Int, name: String, type: ValueType)] {
        var keys: [(entity: Int, name: String, type: ValueType)] = []
        for (joinKey, entityName) in zip(joinKeys, entities) {
            needed.insert(joinKey)
            guard let entity = key.keyNames.firstIndex(of: joinKey) else {
                throw LookupError(.missingJoinKey, "join key \(joinKey) is missing from \"entities\"; \(what) needs \(joinKeys.joined(separator: ", "))")
            }
            keys.append((entity, joinKey, spec.entity(entityName)?.keyType ?? .int64))
        }
        return keys
    }

    /// The server's code for a registered on-demand view, which must be declared exactly as registered (a
    /// different `name@version`, request field or output would compute what the registry does not describe).
    private static func compiled(_ view: OnDemandViewSpec, lookup: OnlineLookup) throws(LookupError) -> OnDemandView {
        guard let code = lookup.onDemandViews[view.name] else {
            throw LookupError(.onDemandUnavailable, "on-demand view \(view.name) is registered, but this process was not built with its code; run the larder built from the definitions that registered \(view.transform)")
        }
        guard OnDemandViewSpec(code) == view else {
            throw LookupError(.onDemandUnavailable, "the compiled on-demand view \(code.identity) differs from the registered \(view.transform); run `larder plan` and `larder apply` with these definitions, or run the larder built from the applied ones")
        }
        return code
    }

    /// Compiled shapes of one registry version. Bounded: a client sending ever new feature lists
    /// empties it rather than growing it.
    final class Cache: Sendable {
        static let capacity = 512
        private let shapes = Mutex<[Key: OnlineLookupShape]>([:])

        func shape(_ key: Key, compile: () throws -> OnlineLookupShape) rethrows -> OnlineLookupShape {
            if let shape = shapes.withLock({ $0[key] }) { return shape }
            let shape = try compile()
            shapes.withLock { shapes in
                if shapes.count >= Self.capacity { shapes.removeAll(keepingCapacity: true) }
                shapes[key] = shape
            }
            return shape
        }
    }
}
