public import Larder
public import LarderColumnar
import LarderOffline
public import LarderOnline
import LarderRegistry
import LarderSources

extension PushIngestion {
    /// What a push of events did, summed over the aggregation views it fed.
    public struct EventPush: Sendable, Equatable {
        public var views: [String] = []
        /// Events received per view (after the transform; a filter may drop some).
        public var rows = 0
        public var online = AggregatePushStats()
    }

    /// The aggregation views a push names: one by name, or every one over the named event source.
    public func aggregationViews(named name: String) -> [AggregationView] {
        if let view = repository.aggregationView(named: name) { return [view] }
        return repository.aggregationViews.filter { $0.source.name == name }
    }

    /// Pushes raw events to `views` (all over one source): through each view's transform and type checks, then
    /// into its online tiles (``RedisOnlineStore/pushEvents(_:events:now:maxRounds:)``: atomic per entity,
    /// idempotent by event identity, late events left to the next batch run) and its stored events offline —
    /// only the events not seen before, so a retried push stores nothing twice. A push that fails the checks
    /// writes nothing.
    public func pushEvents(views: [AggregationView], batch: ColumnBatch, to destination: Destination, now: Timestamp = .now()) async throws -> EventPush {
        var built: [(AggregationView, ColumnBatch)] = []
        for view in views {
            do {
                built.append((view, try ViewRowBuilder(view: view.eventsView).build(SourceRows(batch: batch, parts: [
                    .init(location: "pushed events", firstIndex: 0, sourceRows: (0..<batch.rowCount).map { Int32($0 + 1) }, isCSV: false),
                ]))))
            } catch let error as SourceError {
                throw APIError.badRequest("INVALID_ROWS", "aggregation view \(view.name): \(error.description)")
            }
        }
        if destination != .online, offline == nil {
            throw APIError.badRequest("OFFLINE_UNAVAILABLE", "this server does not write the offline store")
        }
        var result = EventPush()
        for (view, stored) in built {
            result.views.append(view.name)
            result.rows += stored.rowCount
            var keep = stored
            if destination != .offline {
                let layout = try AggregateTileLayout(spec: AggregationViewSpec(view), joinKeys: view.joinKeys, project: repository.project)
                let stats = try await store.pushEvents(layout, events: try AggregateEvents(batch: stored, layout: layout), now: now)
                result.online.applied += stats.applied
                result.online.duplicates += stats.duplicates
                result.online.late += stats.late
                result.online.rounds = max(result.online.rounds, stats.rounds)
                keep = stored.gather(stats.accepted)
            }
            if destination != .online, let offline, keep.rowCount > 0 {
                try await offline.append(view: view.eventsView.name, rows: keep)
            }
        }
        return result
    }
}
