public import Larder
public import LarderColumnar
import LarderCSV
import LarderParquet
import Foundation

/// Reads the entity rows of a training set — join keys, `event_timestamp`, and any other columns (labels)
/// that pass through — from CSV or Parquet.
public enum EntityRowsReader {
    /// Reads `path`; `keyTypes` types the join keys of a CSV file (Parquet files carry their types).
    /// A file whose columns would decode to more than `maxDecodedBytes` is refused.
    public static func read(_ path: String, keyTypes: [String: ValueType], timestampColumn: String = "event_timestamp",
                            maxDecodedBytes: Int = 4 << 30) throws -> ColumnBatch {
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrainingSetError("entity file \(path) does not exist")
        }
        let batch: ColumnBatch
        if path.lowercased().hasSuffix(".csv") {
            var options = CSVReadOptions()
            options.maxDecodedBytes = maxDecodedBytes
            let inferred = try CSVReader.inferSchema(path: path, options: options)
            let fields = inferred.fields.map { field in
                SchemaField(name: field.name, type: field.name == timestampColumn ? .timestamp : (keyTypes[field.name] ?? field.type), nullable: true)
            }
            batch = try CSVReader(schema: Schema(fields), options: options).read(path: path)
        } else {
            batch = try ParquetFile.read(path, options: ParquetReadOptions(maxDecodedBytes: maxDecodedBytes))
        }
        guard let time = batch.column(named: timestampColumn) else {
            throw TrainingSetError("entity file \(path) has no \(timestampColumn) column; it has \(batch.schema.names.joined(separator: ", "))")
        }
        guard time.type == .timestamp else {
            throw TrainingSetError("column \(timestampColumn) of \(path) is \(time.type), not a timestamp")
        }
        return batch
    }
}

/// A training set cannot be built as asked.
public struct TrainingSetError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
