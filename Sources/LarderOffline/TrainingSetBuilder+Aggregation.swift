import Larder
import LarderColumnar
import LarderRegistry
import LarderSources

extension TrainingSetBuilder {
    /// A training set with window aggregates: the other features as ``build(entities:features:fullNames:entityFile:)``
    /// gives them, then each aggregation view's requested features (``WindowAggregator``), after the entity rows'
    /// columns and the other features, grouped by view in first-appearance order. The events come from the offline
    /// store once the view has been materialized there (its intervals go into the lineage like a view's), else
    /// straight from the view's source.
    func buildWithAggregations(entities: ColumnBatch, features: [FeatureReference], fullNames: Bool, entityFile: String?) throws -> Result {
        let others = features.filter { repository.aggregationView(named: $0.view) == nil }
        var groups: [(view: AggregationView, features: [String])] = []
        for reference in features {
            guard let view = repository.aggregationView(named: reference.view) else { continue }
            if let g = groups.firstIndex(where: { $0.view.name == view.name }) {
                groups[g].features.append(reference.feature)
            } else {
                groups.append((view, [reference.feature]))
            }
        }
        let base = others.isEmpty
            ? Result(batch: entities, intervals: [:])
            : try build(entities: entities, features: others, fullNames: fullNames, entityFile: entityFile)
        let file = entityFile.map { "entity file \($0)" } ?? "the entity rows"
        guard let times = entities.column(named: "event_timestamp"), times.type == .timestamp else {
            throw TrainingSetError("\(file) has no event_timestamp column (a timestamp), which window aggregations are computed at")
        }
        let counts = features.reduce(into: [String: Int]()) { $0[$1.feature, default: 0] += 1 }
        var fields = base.batch.schema.fields, columns = base.batch.columns
        var taken = Set(fields.map(\.name))
        var sources: [String: SourceRows] = [:]  // views of one source read it once
        var intervals = base.intervals
        let micros = times.int64Values
        let latest = ((0..<times.count).lazy.filter { !times.isNull($0) }.map { micros[$0] }.max() ?? 0) &+ 1
        for group in groups {
            let events: ColumnBatch
            let stored = try store.catalog.intervals(view: group.view.name)
            if !stored.isEmpty {
                events = try readStoredEvents(of: group.view, before: latest)
                intervals[group.view.name] = stored
            } else {
                events = try readEvents(of: group.view, sources: &sources)
            }
            let computed = try WindowAggregator.aggregate(view: group.view, features: group.features, events: events,
                                                          entities: entities, times: times)
            for (feature, column) in zip(group.features, computed) {
                let name = fullNames || counts[feature, default: 0] > 1 ? "\(group.view.name)__\(feature)" : feature
                guard taken.insert(name).inserted else {
                    throw TrainingSetError("two output columns would be named \(name); the entity rows have a column of that name or \(group.view.name):\(feature) is requested twice (use --full-names, or rename the entity column)")
                }
                fields.append(SchemaField(name: name, type: column.type, nullable: true))
                columns.append(column)
            }
        }
        return Result(batch: try ColumnBatch(schema: Schema(fields), columns: columns), intervals: intervals)
    }

    /// The view's events as `larder materialize` stored them (``AggregationView/eventsView``); only days before
    /// `end` (no window reaches past the latest entity time).
    private func readStoredEvents(of view: AggregationView, before end: Int64) throws -> ColumnBatch {
        let columns = view.joinKeys + ["event_timestamp", "created"] + view.events.map(\.name)
        let interval = EventInterval(start: Timestamp(microsecondsSinceEpoch: .min), end: Timestamp(microsecondsSinceEpoch: end))
        return try store.read(view: view.name, columns: columns, interval: interval)
            ?? ViewRowBuilderSchema.stored(view.eventsView).selecting(columns)
    }

    /// The view's events from its source, through its transform, as stored columns: join keys,
    /// `event_timestamp`, `created` and the declared event columns at their types.
    private func readEvents(of view: AggregationView, sources: inout [String: SourceRows]) throws -> ColumnBatch {
        guard let directory = dataDirectory else {
            throw TrainingSetError("aggregation view \(view.name) reads its events from source \(view.source.name), but no data directory was given; pass --data (or set LARDER_DATA)")
        }
        let shape = FeatureView(view.name, entities: view.entities, ttl: nil, source: view.source, fields: view.events,
                                transform: view.transform, online: false, offline: true)
        let rows = try sources[view.source.name] ?? SourceReader(dataDirectory: directory).read(view.source)
        sources[view.source.name] = rows
        return try ViewRowBuilder(view: shape).build(rows)
    }
}
