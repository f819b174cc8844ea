public import Larder
public import LarderColumnar

/// Window aggregates of events for query rows, exactly by ``Aggregation``'s rule: for a row at time `t`, the
/// events of its key with `floor_hop(t − window) ≤ event time < t` (every event before `t` for a lifetime).
///
/// Events are grouped by key and sorted once (``SortedEvents``); the queries of one key are visited in time
/// order, so each window's two ends only move forward (the start never passes the end: events from the end on
/// are at or after `t`, past any start), and each aggregate is computed over its window's events directly — no
/// running sums to drift, no tiles to mis-merge. Keys run in parallel. Cost O(E) for the radix sort plus, per
/// query and aggregation, the number of events in its window.
///
/// ```swift
/// let columns = try WindowAggregator.aggregate(view: driverTrips, features: ["trips_1h"], events: trips,
///                                             entities: orders, times: orders.column(named: "event_timestamp")!)
/// ```
public enum WindowAggregator {
    /// One column per name in `features`, a value per entity row (in entity order). `events` holds the view's
    /// join keys, `event_timestamp`, optionally `created`, and its event columns at their declared types.
    public static func aggregate(
        view: AggregationView, features: [String], events: ColumnBatch, entities: ColumnBatch, times: Column
    ) throws -> [Column] {
        let aggregations = try features.map { name in
            guard let aggregation = view.aggregation(named: name) else {
                throw TrainingSetError("aggregation view \(view.name) has no feature \(name); it has \(view.aggregations.map(\.name).joined(separator: ", "))")
            }
            if case .lastK = aggregation.operation {
                throw TrainingSetError("\(view.name):\(name) is a last_k (list-valued) feature, which training sets cannot hold yet; leave it out of the selection")
            }
            return aggregation
        }
        var entityKeys: [Column] = [], eventKeys: [Column] = []
        for key in view.joinKeys {
            guard let e = entities.column(named: key) else {
                throw TrainingSetError("the entity rows have no \(key) column, which aggregation view \(view.name) joins on; they have \(entities.schema.names.joined(separator: ", "))")
            }
            guard let s = events.column(named: key) else { throw TrainingSetError("the events of \(view.name) have no key column \(key)") }
            guard e.type == s.type else {
                throw TrainingSetError("\(key) is \(e.type) in the entity rows but \(s.type) in the events of \(view.name); declare the entity's key type to match")
            }
            entityKeys.append(e)
            eventKeys.append(s)
        }
        guard let eventTimes = events.column(named: "event_timestamp"), eventTimes.type == .timestamp else {
            throw TrainingSetError("the events of \(view.name) have no timestamp column event_timestamp")
        }
        let sorted = try SortedEvents(keys: eventKeys, times: eventTimes, created: events.column(named: "created"))
        var inputs: [String: WindowInput] = [:]
        for aggregation in aggregations {
            guard let name = aggregation.column, inputs[name] == nil else { continue }
            guard let column = events.column(named: name) else { throw TrainingSetError("the events of \(view.name) have no column \(name)") }
            inputs[name] = WindowInput(column, order: sorted.order)
        }
        let plans = aggregations.map { WindowPlan(aggregation: $0, input: $0.column.flatMap { inputs[$0] }) }
        let ids = sorted.keyIndex.lookup(entityKeys: entityKeys)
        let groups = EntityGroups(keyIds: ids, times: times, keyCount: sorted.keyIndex.keyCount, timeOrder: EntityTimeOrder(times))
        let outputs = plans.map { WindowOutput(rows: entities.rowCount, plan: $0) }
        defer { outputs.forEach { $0.deallocate() } }
        ParallelChunks.run(count: sorted.keyIndex.keyCount, minimumChunk: 64) { keys in
            for k in keys {
                aggregateKey(k, sorted: sorted, groups: groups, plans: plans, outputs: outputs)
            }
        }
        return zip(plans, outputs).map { plan, output in
            let column = output.column(plan: plan, events: plan.aggregation.column.flatMap { events.column(named: $0) })
            // A row with no time has no window: null, even for a count.
            return times.validity == nil ? column : column.maskingNulls(of: times)
        }
    }

    /// Key `k`'s queries, in time order, each with every aggregation's window.
    private static func aggregateKey(_ k: Int, sorted: SortedEvents, groups: EntityGroups, plans: [WindowPlan], outputs: [WindowOutput]) {
        let first = sorted.starts[k], end = sorted.starts[k + 1]
        var high = first
        var lows = [Int](repeating: first, count: plans.count)
        for q in groups.starts[k]..<groups.starts[k + 1] {
            let query = groups.rows[q]
            let t = query.time, row = Int(query.row)
            while high < end && sorted.times[high] < t { high += 1 }
            for (a, plan) in plans.enumerated() {
                if let start = plan.aggregation.windowStart(at: t) {
                    while lows[a] < high && sorted.times[lows[a]] < start { lows[a] += 1 }
                }
                outputs[a].store(plan.compute(lows[a]..<high, sorted: sorted), at: row)
            }
        }
    }
}

extension Column {
    /// This column with a null wherever `other` has one.
    func maskingNulls(of other: Column) -> Column {
        let indices = (0..<count).map { other.isNull($0) ? Int32(-1) : Int32($0) }
        return gather(rowsOrNull: indices)
    }
}
