public import Larder
public import LarderColumnar

/// The newest row per entity key of a batch in a view's stored schema.
public enum LatestRows {
    /// O(n log n): one sort by (keys, event time, created), then the last row of each key run.
    public static func select(_ rows: ColumnBatch, keys: [String]) throws -> ColumnBatch {
        guard rows.rowCount > 1 else { return rows }
        let order = try rows.sortIndices(by: keys.map { SortKey($0) } + [SortKey("event_timestamp"), SortKey("created")])
        return rows.gather(try rows.lastRowsOfRuns(order, keys: keys))
    }
}

/// Stored rows as the online store's typed columns.
public enum OnlineRowsConversion {
    public static func rows(_ batch: ColumnBatch, view: FeatureView) throws -> OnlineRows {
        let keys = view.joinKeys.map { column(batch.column(named: $0)!) }
        let times = batch.column(named: "event_timestamp")!.timestampMicros.map(Timestamp.init(microsecondsSinceEpoch:))
        let createdColumn = batch.column(named: "created")!
        let created: [Timestamp]? = createdColumn.nullCount == createdColumn.count ? nil
            : (0..<createdColumn.count).map { createdColumn.isNull($0) ? Timestamp(microsecondsSinceEpoch: .min) : Timestamp(microsecondsSinceEpoch: createdColumn.timestampMicros[$0]) }
        let features = view.fields.map { column(batch.column(named: $0.name)!) }
        return OnlineRows(entityKeys: keys, eventTimes: times, createdTimes: created, features: features)
    }

    public static func column(_ c: Column) -> OnlineColumn {
        let validity: [Bool]? = c.hasNulls ? (0..<c.count).map { !c.isNull($0) } : nil
        switch c.type {
        case .bool: return .bool(c.boolValues, validity: validity)
        case .int32: return .int32(c.int32Values, validity: validity)
        case .int64: return .int64(c.int64Values, validity: validity)
        case .float32: return .float32(c.float32Values, validity: validity)
        case .float64: return .float64(c.float64Values, validity: validity)
        case .string: return .string((0..<c.count).map { c.string(at: $0) ?? "" }, validity: validity)
        case .bytes: return .bytes((0..<c.count).map { c.bytes(at: $0) ?? [] }, validity: validity)
        case .timestamp: return .timestamp(c.timestampMicros.map(Timestamp.init(microsecondsSinceEpoch:)), validity: validity)
        }
    }
}
