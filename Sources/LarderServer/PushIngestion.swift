import Foundation
public import Larder
public import LarderColumnar
import LarderOffline
public import LarderOnline
public import LarderQuality
import LarderRegistry
import LarderSources

/// Push ingestion (Feast's `/push`): rows for one view go through the view's transform and type checks,
/// then into Redis (never replacing a newer value) and/or the offline store (committed as push parts of their
/// days before the push returns, concurrent pushes of a view sharing one commit: ``OfflinePushBuffer``). A push
/// that fails validation, or an expectation of severity `fail` (400 `EXPECTATION_FAILED`), writes nothing.
///
/// ```swift
/// let push = PushIngestion(repository: repository, store: store, offline: buffer)
/// let written = try await push.push(view: "driver_stats", columns: df, to: .onlineAndOffline)
/// ```
public struct PushIngestion: Sendable {
    public enum Destination: String, Sendable { case online, offline, onlineAndOffline = "online_and_offline" }

    public let repository: FeatureRepository
    public let store: RedisOnlineStore
    public let offline: OfflinePushBuffer?
    /// Where a push that fails an expectation is recorded (as a `push` job with its results); `nil` records nothing.
    public let quality: QualityLog?

    public init(repository: FeatureRepository, store: RedisOnlineStore, offline: OfflinePushBuffer?, quality: QualityLog? = nil) {
        self.repository = repository
        self.store = store
        self.offline = offline
        self.quality = quality
    }

    /// The view a push names: a view name, or the name of a view's source (Feast's push source).
    public func view(named name: String) throws(APIError) -> FeatureView {
        if let view = repository.view(named: name) ?? repository.views.first(where: { $0.source.name == name }) { return view }
        throw APIError.badRequest("UNKNOWN_FEATURE_VIEW", "no feature view or push source named \"\(name)\"; views: \(repository.views.map(\.name).joined(separator: ", "))")
    }

    /// Validates `batch` (source columns) through the view's transform and writes it. Returns stored rows.
    public func push(view: FeatureView, batch: ColumnBatch, to destination: Destination) async throws -> Int {
        let stored: ColumnBatch
        do {
            stored = try ViewRowBuilder(view: view).build(SourceRows(batch: batch, parts: [
                .init(location: "pushed rows", firstIndex: 0, sourceRows: (0..<batch.rowCount).map { Int32($0 + 1) }, isCSV: false),
            ]))
        } catch let error as SourceError {
            throw APIError.badRequest("INVALID_ROWS", error.description)
        }
        _ = try await checkExpectations(view, rows: stored)
        if destination != .offline {
            guard view.online else { throw APIError.badRequest("VIEW_NOT_ONLINE", "view \(view.name) is not served online (online: false)") }
            let layout = OnlineViewLayout(project: repository.project, view: view.name, joinKeys: view.joinKeys,
                                          features: view.fields.map { (name: $0.name, type: $0.type) }, ttl: view.ttl, keyExpiry: false)
            _ = try await store.write(layout, rows: try OnlineRowsConversion.rows(try LatestRows.select(stored, keys: view.joinKeys), view: view))
        }
        if destination != .online {
            guard let offline else { throw APIError.badRequest("OFFLINE_UNAVAILABLE", "this server does not write the offline store") }
            guard view.offline else { throw APIError.badRequest("VIEW_NOT_OFFLINE", "view \(view.name) is not stored offline (offline: false)") }
            try await offline.append(view: view.name, rows: stored)
        }
        return stored.rowCount
    }

    /// Types a JSON `df` (column name → values) by the view: join keys by their entities, the time
    /// columns as timestamps (ISO-8601 text or epoch numbers), features by their declared types, other
    /// columns (a transform's inputs) by their JSON values.
    public static func batch(view: FeatureView, columns: [(name: String, values: [PushValue])]) throws(APIError) -> ColumnBatch {
        var types: [String: ValueType] = [view.source.eventTimestampColumn: .timestamp]
        if let created = view.source.createdTimestampColumn { types[created] = .timestamp }
        for entity in view.entities { types[entity.joinKey] = entity.keyType }
        for field in view.fields { types[field.name] = field.type }
        let count = columns.first?.values.count ?? 0
        var fields: [SchemaField] = []
        var built: [Column] = []
        for (name, values) in columns {
            guard values.count == count else {
                throw APIError.badRequest("INVALID_ROWS", "df columns have different lengths: \(columns[0].name) has \(count) values, \(name) has \(values.count)")
            }
            let type = types[name] ?? values.lazy.compactMap(\.naturalType).first ?? .string
            var builder = ColumnBuilder(type: type, capacity: count)
            for (row, value) in values.enumerated() {
                guard let typed = value.value(as: type) else {
                    throw APIError.badRequest("INVALID_ROWS", "df.\(name)[\(row)]: \(value) is not a \(type)")
                }
                builder.append(typed)
            }
            fields.append(SchemaField(name: name, type: type))
            built.append(builder.finish())
        }
        do {
            return try ColumnBatch(schema: Schema(fields), columns: built)
        } catch {
            throw APIError.badRequest("INVALID_ROWS", "\(error)")
        }
    }
}

/// A JSON value in a pushed `df` column.
public enum PushValue: Decodable, Sendable, CustomStringConvertible {
    case null, bool(Bool), integer(Int64), number(Double), text(String)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .integer(i) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else { self = .text(try c.decode(String.self)) }
    }

    var naturalType: ValueType? {
        switch self {
        case .null: nil
        case .bool: .bool
        case .integer: .int64
        case .number: .float64
        case .text: .string
        }
    }

    /// The value as `type`, or nil when it does not fit.
    func value(as type: ValueType) -> Value? {
        switch (self, type) {
        case (.null, _): .null
        case (.bool(let b), .bool): .bool(b)
        case (.integer(let i), .int64): .int64(i)
        case (.integer(let i), .int32): Int32(exactly: i).map(Value.int32)
        case (.integer(let i), .float64): .float64(Double(i))
        case (.integer(let i), .float32): .float32(Float(i))
        case (.number(let d), .float64): .float64(d)
        case (.number(let d), .float32): .float32(Float(d))
        case (.integer(let i), .timestamp): .timestamp(Timestamp(epochNumber: i))
        case (.text(let s), .timestamp): (try? Timestamp(parsing: s)).map(Value.timestamp)
        case (.text(let s), .string): .string(s)
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .null: "null"
        case .bool(let b): String(b)
        case .integer(let i): String(i)
        case .number(let d): String(d)
        case .text(let s): "\"\(s)\""
        }
    }
}
