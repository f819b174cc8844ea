import Larder
import LarderColumnar
import LarderOffline

/// The join rule applied literally, row by row on boxed values: the reference the fast join is checked against.
/// For each entity row and view, scan every stored row (O(entities × stored rows)).
enum BruteForceJoin {
    /// One feature value per (entity row, view feature), views' features concatenated in view order.
    static func expectedFeatures(
        entities: ColumnBatch, entityTimestamp: String = "event_timestamp", views: [PointInTimeJoin.ViewInput]
    ) -> [[Value]] {
        (0..<entities.rowCount).map { row in
            views.flatMap { view in features(entities: entities, row: row, entityTimestamp: entityTimestamp, view: view) }
        }
    }

    static func features(
        entities: ColumnBatch, row: Int, entityTimestamp: String, view: PointInTimeJoin.ViewInput
    ) -> [Value] {
        let nulls = [Value](repeating: .null, count: view.features.count)
        guard let winner = winner(entities: entities, row: row, entityTimestamp: entityTimestamp, view: view) else {
            return nulls
        }
        return view.features.map { view.rows.column(named: $0)!.value(at: winner) }
    }

    /// The stored row the rule picks for entity row `row`, or nil.
    static func winner(entities: ColumnBatch, row: Int, entityTimestamp: String, view: PointInTimeJoin.ViewInput) -> Int? {
        guard case .timestamp(let t) = entities.column(named: entityTimestamp)!.value(at: row) else { return nil }
        let keys = view.joinKeys.map { entities.column(named: $0)!.value(at: row) }
        if keys.contains(where: \.isNull) { return nil }
        let storedKeys = view.joinKeys.map { view.rows.column(named: $0)! }
        let storedTimes = view.rows.column(named: view.eventTimestampColumn)!
        let storedCreated = view.createdColumn.map { view.rows.column(named: $0)! }
        var best: (time: Int64, hasCreated: Bool, created: Int64, row: Int)?
        for r in 0..<view.rows.rowCount {
            guard zip(keys, storedKeys).allSatisfy({ $0 == $1.value(at: r) }) else { continue }
            guard case .timestamp(let e) = storedTimes.value(at: r) else { continue }
            let time = e.microsecondsSinceEpoch
            guard time <= t.microsecondsSinceEpoch else { continue }
            if let ttl = view.ttl, time < t.microsecondsSinceEpoch - ttl.microseconds { continue }
            var candidate = (time: time, hasCreated: false, created: Int64(0), row: r)
            if case .timestamp(let c)? = storedCreated?.value(at: r) {
                candidate.hasCreated = true
                candidate.created = c.microsecondsSinceEpoch
            }
            if let b = best, (b.time, b.hasCreated ? 1 : 0, b.created, b.row)
                > (candidate.time, candidate.hasCreated ? 1 : 0, candidate.created, candidate.row) {
                continue
            }
            best = candidate
        }
        return best?.row
    }
}
