public import Larder
import LarderColumnar
import LarderCSV
import LarderParquet
import Foundation

/// Reads a view's source — a CSV file, Parquet files (a path or a glob) or a SQLite table — keeping
/// only rows whose event time falls in an interval.
///
/// ```swift
/// let reader = SourceReader(dataDirectory: "data")
/// let rows = try reader.read(driverStats.source, columns: ["driver_id", "event_timestamp", "conv_rate"],
///                            types: ["driver_id": .int64], interval: day)
/// ```
public struct SourceReader: Sendable {
    public let dataDirectory: String
    /// The most one file may decode to (``ParquetReadOptions/maxDecodedBytes``, ``CSVReadOptions/maxDecodedBytes``).
    public var maxDecodedBytes: Int

    public init(dataDirectory: String, maxDecodedBytes: Int = 4 << 30) {
        self.dataDirectory = dataDirectory
        self.maxDecodedBytes = maxDecodedBytes
    }

    private var parquetOptions: ParquetReadOptions { ParquetReadOptions(maxDecodedBytes: maxDecodedBytes) }

    private var csvOptions: CSVReadOptions {
        var options = CSVReadOptions()
        options.maxDecodedBytes = maxDecodedBytes
        return options
    }

    /// The absolute or data-relative path of a source file.
    public func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : dataDirectory + "/" + path
    }

    /// The files a path names: itself, or every match of a glob (`events/*.parquet`), sorted.
    public func files(matching path: String) -> [String] {
        let full = resolve(path)
        guard full.contains("*") || full.contains("?") || full.contains("[") else { return [full] }
        return FileGlob.matches(full)
    }

    /// Rows an incremental run takes behind its interval: those with an event time before the interval's
    /// start that were created after `createdAfter` — rows that landed in the source after the last run.
    public struct LateRows: Sendable, Equatable {
        /// `nil` takes no row behind the interval (a view's first run) but still reports the greatest created time.
        public var createdAfter: Int64?
        public init(createdAfter: Int64?) { self.createdAfter = createdAfter }
    }

    /// Reads `source`. `columns` projects (nil = all); `types` gives the wanted type of columns whose
    /// type the file cannot tell (CSV) or that must be widened; rows outside `interval` are dropped, except
    /// the late rows `late` asks for (a source with a created column only), and the result's `maxCreated` is
    /// the greatest created time of the source's rows.
    public func read(_ source: Source, columns: [String]? = nil, types: [String: ValueType] = [:],
                     interval: EventInterval = .all, late: LateRows? = nil) throws -> SourceRows {
        let late = source.createdTimestampColumn == nil ? nil : late
        let columns = late == nil ? columns : columns.map { names in
            names.contains(source.createdTimestampColumn!) ? names : names + [source.createdTimestampColumn!]
        }
        let keep = RowFilter(interval: interval, late: late)
        switch source.location {
        case .csv(let path):
            let file = resolve(path)
            let batch = try readCSV(file, source: source, columns: columns, types: types)
            return try filter(batch, source: source, location: file, isCSV: true, keep: keep, types: types)
        case .parquet(let path):
            let files = files(matching: path)
            if files.isEmpty {
                throw SourceError(location: resolve(path), message: "no Parquet file matches",
                                  fix: "check the path under the data directory (--data)")
            }
            var parts: [SourceRows] = []
            var skippedCreated: Int64?
            for file in files {
                guard FileManager.default.fileExists(atPath: file) else {
                    throw SourceError(location: file, message: "the file does not exist",
                                      fix: "create it, or point the source at the right path under --data")
                }
                let parquet = try ParquetFile(path: file, options: parquetOptions)
                let wanted = columns.map { names in names.filter(Set(parquet.schema.names).contains) }
                // The footer's statistics tell whether any row can fall in the interval (or be late): files
                // (or growing sources' old files) wholly outside it are not read at all.
                if interval != .all, let range = Self.timeRange(parquet, column: source.eventTimestampColumn),
                   range.max < interval.start.microsecondsSinceEpoch || range.min >= interval.end.microsecondsSinceEpoch {
                    guard let late else { continue }
                    if let created = Self.timeRange(parquet, column: source.createdTimestampColumn!),
                       late.createdAfter.map({ created.max <= $0 }) ?? true {
                        skippedCreated = max(skippedCreated ?? .min, created.max)
                        continue
                    }
                }
                let batch = try parquet.read(columns: wanted)
                parts.append(try filter(batch, source: source, location: file, isCSV: false, keep: keep, types: types))
            }
            if parts.isEmpty {
                let parquet = try ParquetFile(path: files[0], options: parquetOptions)
                let wanted = columns.map { names in names.filter(Set(parquet.schema.names).contains) } ?? parquet.schema.names
                let empty = ColumnBatch.empty(schema: Schema(wanted.compactMap { name in parquet.schema.fields.first { $0.name == name } }))
                parts.append(try filter(empty, source: source, location: files[0], isCSV: false, keep: keep, types: types))
            }
            var rows = try Self.concatenate(parts)
            if let skippedCreated, late != nil { rows.maxCreated = max(rows.maxCreated ?? .min, skippedCreated) }
            return rows
        case .sqlite(let database, let table):
            let file = resolve(database)
            let batch = try SQLiteTableReader(path: file, table: table).read(columns: columns, types: types,
                                                                              timestampColumns: timestampColumns(of: source))
            return try filter(batch, source: source, location: "\(file) table \(table)", isCSV: false, keep: keep, types: types)
        }
    }

    /// The smallest and largest time of `column` a Parquet file's row-group statistics record, if all have them.
    static func timeRange(_ file: ParquetFile, column: String) -> (min: Int64, max: Int64)? {
        var low = Int64.max, high = Int64.min
        for group in file.rowGroups {
            guard let chunk = group.columns.first(where: { $0.name == column }),
                  let a = micros(chunk.minValue), let b = micros(chunk.maxValue) else { return nil }
            low = min(low, a)
            high = max(high, b)
        }
        return file.rowGroups.isEmpty ? nil : (low, high)
    }

    private static func micros(_ value: Value?) -> Int64? {
        switch value {
        case .timestamp(let t)?: t.microsecondsSinceEpoch
        case .int64(let v)?: v
        default: nil
        }
    }

    private func timestampColumns(of source: Source) -> Set<String> {
        Set([source.eventTimestampColumn] + (source.createdTimestampColumn.map { [$0] } ?? []))
    }

    private func readCSV(_ file: String, source: Source, columns: [String]?, types: [String: ValueType]) throws -> ColumnBatch {
        guard FileManager.default.fileExists(atPath: file) else {
            throw SourceError(location: file, message: "the file does not exist",
                              fix: "create it, or point the source at the right path under --data")
        }
        let header = try CSVReader.header(of: file, options: csvOptions)
        let wanted = columns.map { names in header.filter(names.contains) } ?? header
        let forced = types.merging(timestampColumns(of: source).map { ($0, ValueType.timestamp) }, uniquingKeysWith: { _, b in b })
        let needInference = wanted.contains { forced[$0] == nil }
        let inferred = needInference ? try CSVReader.inferSchema(path: file, options: csvOptions) : Schema([])
        let fields = wanted.map { name in
            SchemaField(name: name, type: forced[name] ?? inferred.fields.first { $0.name == name }?.type ?? .string, nullable: true)
        }
        return try CSVReader(schema: Schema(fields), options: csvOptions).read(path: file)
    }

    /// Which rows a read keeps: those in `interval`, and the late rows before it.
    struct RowFilter {
        var interval: EventInterval
        var late: LateRows?
    }

    /// Keeps the rows `keep` selects, widens columns to `types`, and records where rows came from.
    private func filter(_ batch: ColumnBatch, source: Source, location: String, isCSV: Bool,
                        keep: RowFilter, types: [String: ValueType]) throws -> SourceRows {
        guard let time = batch.column(named: source.eventTimestampColumn) else {
            throw SourceError(location: location, column: source.eventTimestampColumn,
                              message: "the event time column is missing; the file has \(batch.schema.names.joined(separator: ", "))",
                              fix: "set eventTimestamp: in the Source to one of those columns")
        }
        guard time.type == .timestamp else {
            throw SourceError(location: location, column: source.eventTimestampColumn,
                              message: "the event time column is \(time.type), not a timestamp",
                              fix: "store event times as timestamps (Parquet TIMESTAMP, ISO-8601 text in CSV)")
        }
        let interval = keep.interval
        // Late rows need a created time; a source whose rows lack the column has none to offer.
        let created = keep.late == nil ? nil : source.createdTimestampColumn.flatMap { batch.column(named: $0) }.flatMap { $0.type == .timestamp ? $0 : nil }
        var maxCreated: Int64?
        if let created {
            let values = created.timestampMicros
            for i in 0..<values.count where !created.isNull(i) { maxCreated = max(maxCreated ?? .min, values[i]) }
        }
        let lateAfter = created == nil ? nil : keep.late?.createdAfter
        let everything = interval == .all
        var kept: [Int] = []
        let micros = time.timestampMicros
        if !everything {
            kept.reserveCapacity(micros.count)
            let start = interval.start.microsecondsSinceEpoch
            let createdMicros = created?.timestampMicros ?? []
            for i in 0..<micros.count where !time.isNull(i) {
                if interval.contains(micros: micros[i]) {
                    kept.append(i)
                } else if let lateAfter, micros[i] < start, !created!.isNull(i), createdMicros[i] > lateAfter {
                    kept.append(i)
                }
            }
        }
        let selected = everything ? batch : batch.gather(kept)
        let rows: [Int32] = everything ? (0..<batch.rowCount).map { Int32($0 + 1) } : kept.map { Int32($0 + 1) }
        let widened = try ColumnConversion.widen(selected, to: types, location: location)
        return SourceRows(batch: widened, parts: [.init(location: location, firstIndex: 0, sourceRows: rows, isCSV: isCSV)],
                          maxCreated: maxCreated)
    }

    static func concatenate(_ parts: [SourceRows]) throws -> SourceRows {
        if parts.count == 1 { return parts[0] }
        let names = parts[0].batch.schema.names
        for part in parts.dropFirst() where part.batch.schema.names != names {
            throw SourceError(location: part.parts[0].location,
                              message: "its columns (\(part.batch.schema.names.joined(separator: ", "))) differ from \(parts[0].parts[0].location)'s (\(names.joined(separator: ", ")))",
                              fix: "give every file matched by the glob the same columns")
        }
        var offset = 0
        var merged: [SourceRows.Part] = []
        for part in parts {
            for p in part.parts { merged.append(.init(location: p.location, firstIndex: p.firstIndex + offset, sourceRows: p.sourceRows, isCSV: p.isCSV)) }
            offset += part.batch.rowCount
        }
        let created = parts.compactMap(\.maxCreated).max()
        return SourceRows(batch: try ColumnBatch.concatenate(parts.map(\.batch)), parts: merged, maxCreated: created)
    }
}
