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
    }

    /// One view's reads, with where its join key values come from.
    struct ViewRead: Sendable {
        let read: OnlineViewRead
        /// Per join key of the view: its column among the query's entities, its name and declared type.
        let keys: [(entity: Int, name: String, type: ValueType)]
    }

    let views: [ViewRead]
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
        for reference in references {
            if featuresByView[reference.view] == nil { viewOrder.append(reference.view) }
            featuresByView[reference.view, default: []].append(reference.feature)
        }
        var neededKeys = Set<String>()
        var views: [ViewRead] = []
        for name in viewOrder {
            let view = spec.view(name)!
            let layout = lookup.layout(of: view)
            var keys: [(entity: Int, name: String, type: ValueType)] = []
            for (joinKey, entityName) in zip(layout.joinKeys, view.entities) {
                neededKeys.insert(joinKey)
                guard let entity = key.keyNames.firstIndex(of: joinKey) else {
                    throw LookupError(.missingJoinKey, "join key \(joinKey) is missing from \"entities\"; view \(name) needs \(layout.joinKeys.joined(separator: ", "))")
                }
                keys.append((entity, joinKey, spec.entity(entityName)?.keyType ?? .int64))
            }
            let read = try OnlineViewRead(layout: layout, features: featuresByView[name]!, keyPrefix: lookup.store.keyPrefix)
            views.append(ViewRead(read: read, keys: keys))
        }
        for name in key.keyNames where !neededKeys.contains(name) {
            throw LookupError(.extraJoinKey, "\"entities\" has \(name), which none of the requested views joins on (they use \(neededKeys.sorted().joined(separator: ", ")))")
        }
        var shared: [String: Int] = [:]
        for reference in references { shared[reference.feature, default: 0] += 1 }
        var names = key.keyNames
        var columns: [(view: Int, feature: Int)] = []
        for reference in references {
            let v = viewOrder.firstIndex(of: reference.view)!
            columns.append((v, views[v].read.features.firstIndex(of: reference.feature)!))
            let full = key.fullFeatureNames || (shared[reference.feature] ?? 0) > 1
            names.append(full ? "\(reference.view)__\(reference.feature)" : reference.feature)
        }
        self.views = views
        self.columns = columns
        self.featureNames = names
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
