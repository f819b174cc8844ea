public import Larder
public import LarderColumnar
public import LarderRegistry
import Foundation

/// Builds point-in-time-correct training sets from the offline store: for each entity row and each
/// requested view, the stored row with the same keys, the greatest event time at or before the entity
/// row's time and within the view's ttl, ties broken by the greatest `created` (see ``PointInTimeJoin``).
/// Every entity row comes out, in input order.
///
/// Features of on-demand views (``OnDemandView``) are computed after the join from each row's joined
/// features and its request fields, read from the entity rows' columns of the same names
/// (`TrainingSetBuilder+OnDemand.swift`); window aggregates (``AggregationView``) from the view's events at
/// each entity row's time (`TrainingSetBuilder+Aggregation.swift`).
///
/// Cost: reading each view's files (only days that can match: from the earliest entity time minus the
/// ttl to the latest entity time), then the join — O(n + m) after sorting, views in parallel.
///
/// ```swift
/// let builder = TrainingSetBuilder(repository: repository, store: store)
/// let set = try builder.build(entities: orders, features: service.features, fullNames: false)
/// ```
public struct TrainingSetBuilder: Sendable {
    public let repository: FeatureRepository
    public let store: OfflineStore
    /// Where sources are read from (aggregation views read their events there).
    public let dataDirectory: String?

    public init(repository: FeatureRepository, store: OfflineStore, dataDirectory: String? = nil) {
        self.repository = repository
        self.store = store
        self.dataDirectory = dataDirectory
    }

    /// The built set and what it read.
    public struct Result: Sendable {
        public var batch: ColumnBatch
        /// Per view, the materialized intervals the offline store held.
        public var intervals: [String: [EventInterval]]
    }

    /// `features` in output order; features of one view are grouped under that view's first position.
    /// `entityFile` names the entity rows' file in errors.
    public func build(entities: ColumnBatch, features: [FeatureReference], fullNames: Bool, entityFile: String? = nil) throws -> Result {
        if features.contains(where: { repository.aggregationView(named: $0.view) != nil }) {
            return try buildWithAggregations(entities: entities, features: features, fullNames: fullNames, entityFile: entityFile)
        }
        if features.contains(where: { repository.view(named: $0.view) == nil && repository.onDemandView(named: $0.view) != nil }) {
            return try buildWithOnDemand(entities: entities, features: features, fullNames: fullNames, entityFile: entityFile)
        }
        return try join(entities: entities, features: features, fullNames: fullNames)
    }

    /// The point-in-time join of feature view features.
    func join(entities: ColumnBatch, features: [FeatureReference], fullNames: Bool) throws -> Result {
        var order: [String] = []
        var byView: [String: [String]] = [:]
        for reference in features {
            guard let view = repository.view(named: reference.view) else {
                throw TrainingSetError("unknown view \(reference.view) in \(reference); views: \(repository.views.map(\.name).joined(separator: ", "))")
            }
            guard view.field(named: reference.feature) != nil else {
                throw TrainingSetError("view \(view.name) has no feature \(reference.feature); it has \(view.fields.map(\.name).joined(separator: ", "))")
            }
            guard view.offline else { throw TrainingSetError("view \(view.name) is not stored offline (offline: false)") }
            if byView[view.name] == nil { order.append(view.name) }
            byView[view.name, default: []].append(reference.feature)
        }
        let times = entities.column(named: "event_timestamp")?.timestampMicros ?? []
        let earliest = times.min() ?? 0, latest = times.max() ?? 0
        var inputs: [PointInTimeJoin.ViewInput] = []
        var intervals: [String: [EventInterval]] = [:]
        for name in order {
            let view = repository.view(named: name)!
            for key in view.joinKeys where entities.column(named: key) == nil {
                throw TrainingSetError("the entity rows have no \(key) column, which view \(name) joins on; they have \(entities.schema.names.joined(separator: ", "))")
            }
            let wanted = byView[name]!
            let reach = EventInterval(start: Timestamp(microsecondsSinceEpoch: view.ttl.map { earliest &- $0.microseconds } ?? .min),
                                      end: Timestamp(microsecondsSinceEpoch: latest &+ 1))
            let columns = view.joinKeys + ["event_timestamp", "created"] + wanted
            let rows = try store.read(view: name, columns: columns, interval: reach)
                ?? (try ViewRowBuilderSchema.stored(view).selecting(columns))
            intervals[name] = try store.catalog.intervals(view: name)
            inputs.append(PointInTimeJoin.ViewInput(name: name, joinKeys: view.joinKeys, ttl: view.ttl, rows: rows, features: wanted))
        }
        let batch = try PointInTimeJoin.join(entities: entities, views: inputs, fullFeatureNames: fullNames)
        return Result(batch: batch, intervals: intervals)
    }
}
