public import Larder
public import LarderColumnar

/// Events of one aggregation view on their way to its tiles: per event its join key values, event time,
/// created time (`Int64.min` for none) and its values of the layout's event columns, in order.
///
/// ```swift
/// let events = try AggregateEvents(batch: stored, layout: layout)   // join keys, event_timestamp, created, columns
/// try await store.pushEvents(layout, events: events, now: .now())
/// ```
public struct AggregateEvents: Sendable {
    public var entityKeys: [[Value]] = []
    public var times: [Int64] = []
    public var created: [Int64] = []
    public var values: [[Value]] = []

    public var count: Int { times.count }

    public init() {}

    public mutating func append(entityKey: [Value], time: Int64, created: Int64, values: [Value]) {
        entityKeys.append(entityKey)
        times.append(time)
        self.created.append(created)
        self.values.append(values)
    }

    /// The events of a batch laid out as an aggregation view's events are stored: its join keys,
    /// `event_timestamp`, `created` (optional) and the layout's event columns (a missing one reads as null).
    public init(batch: ColumnBatch, layout: AggregateTileLayout) throws(OnlineStoreError) {
        var keys: [Column] = []
        for name in layout.joinKeys {
            guard let column = batch.column(named: name) else {
                throw OnlineStoreError(kind: .invalidRows, view: layout.view, feature: name, message: "the events have no join key column \(name)")
            }
            keys.append(column)
        }
        guard let times = batch.column(named: "event_timestamp"), times.type == .timestamp else {
            throw OnlineStoreError(kind: .invalidRows, view: layout.view, message: "the events have no event_timestamp column (a timestamp)")
        }
        let created = batch.column(named: "created").flatMap { $0.type == .timestamp ? $0 : nil }
        let columns = layout.eventColumns.map { batch.column(named: $0.name) }
        let micros = times.int64Values, createdMicros = created?.int64Values
        for row in 0..<batch.rowCount {
            guard !times.isNull(row) else {
                throw OnlineStoreError(kind: .invalidRows, view: layout.view, feature: "event_timestamp", row: row, message: "an event has no event time")
            }
            append(entityKey: keys.map { $0.value(at: row) }, time: micros[row],
                   created: created.map { $0.isNull(row) ? Int64.min : createdMicros![row] } ?? Int64.min,
                   values: columns.map { $0?.value(at: row) ?? .null })
        }
    }

    /// The event's identity: the first 16 bytes of the SHA-256 of its key, times and values. A push retried
    /// with the same events carries the same identities, so they are recognised and not counted twice; two
    /// distinct events that agree in every one of these are one event by this rule (documented).
    func identity(_ event: Int, key: [UInt8]) -> [UInt8] {
        var bytes = key
        withUnsafeBytes(of: times[event].littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: created[event].littleEndian) { bytes.append(contentsOf: $0) }
        for value in values[event] {
            // Null gets a length no value has, so it differs from an empty string.
            if value.isNull { bytes.append(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF]) } else { AggregateTileCodec.appendValue(value, to: &bytes) }
        }
        return Array(SHA256.hash(bytes).bytes.prefix(16))
    }
}

/// What a push of events did to the tiles.
public struct AggregatePushStats: Sendable, Equatable {
    /// Events applied to tiles now.
    public var applied = 0
    /// Events already applied before (a retried push), or twice in this one: not counted again.
    public var duplicates = 0
    /// Events older than the allowed lateness: not applied online (the next batch run counts them).
    public var late = 0
    /// Positions of the events not seen before (applied or late): the ones to store offline.
    public var accepted: [Int] = []
    /// Read-merge-write rounds (more than one when another writer changed an entity in between).
    public var rounds = 0

    public init() {}
}
