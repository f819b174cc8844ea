import Larder
public import LarderColumnar

/// The point-in-time join that builds training sets: entity rows (keys + a time T) × feature views.
///
/// For each entity row and each view, the join takes the stored row with the same key(s) whose event time is
/// `<= T` and `>= T - ttl` (both inclusive; no ttl = unbounded), with the greatest event time; ties go to the
/// greatest `created` (null `created` lowest), and remaining ties to the row stored last (greatest position in
/// the view's batch). No such row gives nulls; a null feature value on the chosen row stays null (no fallback
/// to an older row). Every entity row comes out once, in input order, duplicates included; entity columns pass
/// through unchanged, then each view's features follow with their types kept.
///
/// Algorithm, per view (n stored rows, k distinct keys, E entity rows, g = E / k entity rows per key):
/// 1. Key ids (``JoinKeyIndex``): integer keys in a small range index directly, others go through an
///    open-addressing hash map; multi-column keys fold column by column. O(n + E).
/// 2. Match (``AsOfMatcher``): counting sorts of both sides by key id, O(n + E + k), visiting the entity rows in
///    T order (one radix sort by T shared by all views, O(E)) so each key's entity rows come out sorted. Each
///    stored row binary-searches its key's entity rows for the first one it can serve, O(n log g), and a running
///    maximum per key gives every entity row its latest stored row at or before T; the ttl is then one
///    comparison. The stored rows are never sorted by time. Parallel over key ranges.
/// 3. Gather: each feature column once through the winner index array (-1 = null), columns in parallel.
/// Total O(n log g + E + k) time; O(n + E) extra memory (16 bytes per stored row, about 50 per entity row).
///
/// The join is synchronous and CPU-bound (about a second of CPU at scale M) and spreads its phases over the cores
/// with `DispatchQueue.concurrentPerform`; from async code, call it where blocking a thread is acceptable (not
/// from a request handler on Swift's cooperative pool or a NIO event loop).
///
/// ```swift
/// let training = try PointInTimeJoin.join(entities: orders, views: [
///     .init(name: "driver_stats", joinKeys: ["driver_id"], ttl: .days(1), rows: drivers,
///           features: ["conv_rate", "acc_rate"]),
///     .init(name: "customer_stats", joinKeys: ["customer_id"], ttl: .days(2), rows: customers,
///           features: ["current_balance"]),
/// ])
/// ```
public enum PointInTimeJoin {
    /// Joins `entities` with every view; see ``PointInTimeJoin`` for the rule.
    ///
    /// - Parameters:
    ///   - entities: entity rows: each view's join key columns and the timestamp column `entityTimestamp`.
    ///   - views: the feature views, output in this order.
    ///   - fullFeatureNames: name every feature column `view__feature` (otherwise only features whose name
    ///     occurs in several views are).
    /// - Returns: the entity columns, unchanged and in input order, then each view's feature columns.
    public static func join(
        entities: ColumnBatch,
        entityTimestamp: String = "event_timestamp",
        views: [ViewInput],
        fullFeatureNames: Bool = false
    ) throws(PointInTimeJoinError) -> ColumnBatch {
        guard let timeIndex = entities.schema.index(of: entityTimestamp) else {
            throw .missingColumn(view: nil, column: entityTimestamp, side: .entityRows, available: entities.schema.names)
        }
        let entityTimes = entities.columns[timeIndex]
        guard entityTimes.type == .timestamp else {
            throw .notATimestamp(view: nil, column: entityTimestamp, side: .entityRows, type: entityTimes.type)
        }
        let names = outputColumnNames(for: views, fullFeatureNames: fullFeatureNames)
        var taken = Set(entities.schema.names)
        var plans: [ViewPlan] = []
        for (view, outputNames) in zip(views, names) {
            guard outputNames.count == view.features.count else {
                throw .outputNameCountMismatch(view: view.name, features: view.features.count, outputNames: outputNames.count)
            }
            for name in outputNames where !taken.insert(name).inserted {
                throw .duplicateOutputColumn(name: name, view: view.name)
            }
            plans.append(try ViewPlan(view, entities: entities))
        }

        if plans.isEmpty { return entities }
        let timeOrder = EntityTimeOrder(entityTimes)
        let winners = plans.map { $0.winners(entityTimes: entityTimes, timeOrder: timeOrder) }

        let jobs = plans.indices.flatMap { v in plans[v].features.indices.map { (v, $0) } }
        var featureColumns = [Column?](repeating: nil, count: jobs.count)
        featureColumns.withUnsafeMutableBufferPointer { out in
            ParallelChunks.forEach(jobs.count) { j in
                let (v, f) = jobs[j]
                out[j] = plans[v].features[f].gather(rowsOrNull: winners[v])
            }
        }

        var fields = entities.schema.fields
        for (plan, outputNames) in zip(plans, names) {
            for (column, name) in zip(plan.features, outputNames) {
                fields.append(SchemaField(name: name, type: column.type, nullable: true))
            }
        }
        do {
            return try ColumnBatch(schema: Schema(fields), columns: entities.columns + featureColumns.map { $0! })
        } catch {
            preconditionFailure("the joined columns do not fit their own schema: \(error)")
        }
    }
}

/// One view's validated inputs: its key columns on both sides, its time columns and its feature columns.
private struct ViewPlan {
    let name: String
    let entityKeys: [Column]
    let storedKeys: [Column]
    let eventTimes: Column
    let created: Column?
    let features: [Column]
    let ttl: Int64?

    init(_ view: PointInTimeJoin.ViewInput, entities: ColumnBatch) throws(PointInTimeJoinError) {
        let rows = view.rows
        func stored(_ column: String) throws(PointInTimeJoinError) -> Column {
            guard let c = rows.column(named: column) else {
                throw .missingColumn(view: view.name, column: column, side: .storedRows, available: rows.schema.names)
            }
            return c
        }
        func storedTimestamp(_ column: String) throws(PointInTimeJoinError) -> Column {
            let c = try stored(column)
            guard c.type == .timestamp else { throw .notATimestamp(view: view.name, column: column, side: .storedRows, type: c.type) }
            return c
        }
        guard !view.joinKeys.isEmpty else { throw .noJoinKeys(view: view.name) }
        if let ttl = view.ttl, ttl.microseconds < 0 { throw .negativeTTL(view: view.name, ttl: ttl) }
        var entityKeys: [Column] = [], storedKeys: [Column] = []
        for key in view.joinKeys {
            guard let e = entities.column(named: key) else {
                throw .missingColumn(view: view.name, column: key, side: .entityRows, available: entities.schema.names)
            }
            let s = try stored(key)
            guard Self.isKeyType(e.type) else { throw .unsupportedKeyType(view: view.name, column: key, side: .entityRows, type: e.type) }
            guard Self.isKeyType(s.type) else { throw .unsupportedKeyType(view: view.name, column: key, side: .storedRows, type: s.type) }
            guard e.type == s.type else {
                throw .keyTypeMismatch(view: view.name, column: key, entityType: e.type, storedType: s.type)
            }
            entityKeys.append(e)
            storedKeys.append(s)
        }
        name = view.name
        self.entityKeys = entityKeys
        self.storedKeys = storedKeys
        eventTimes = try storedTimestamp(view.eventTimestampColumn)
        created = try view.createdColumn.map { name throws(PointInTimeJoinError) in try storedTimestamp(name) }
        var features: [Column] = []
        for feature in view.features { features.append(try stored(feature)) }
        self.features = features
        ttl = view.ttl?.microseconds
    }

    private static func isKeyType(_ type: ValueType) -> Bool {
        type == .int64 || type == .int32 || type == .string || type == .bytes
    }

    /// The stored row each entity row gets from this view (-1 = none).
    func winners(entityTimes: Column, timeOrder: EntityTimeOrder) -> [Int32] {
        let (index, storedIds) = JoinKeyIndex.build(storedKeys: storedKeys)
        return AsOfMatcher.winners(
            storedKeyIds: storedIds, keyCount: index.keyCount, storedTimes: eventTimes, created: created,
            entityKeyIds: index.lookup(entityKeys: entityKeys), entityTimes: entityTimes, entityTimeOrder: timeOrder, ttl: ttl)
    }
}
