public import Larder
import LarderCSV
import LarderParquet
import LarderColumnar
public import LarderRegistry
import Foundation

/// The columns a source really has, for validation before `apply`: a CSV header (types unknown), a
/// Parquet schema (the first file of a glob), or a SQLite table's declared columns. `nil` when the
/// data does not exist yet.
public struct SourceColumnsReader: Sendable {
    public let reader: SourceReader

    public init(dataDirectory: String) { reader = SourceReader(dataDirectory: dataDirectory) }

    public func columns(of source: Source) throws -> SourceColumns? {
        switch source.location {
        case .csv(let path):
            let file = reader.resolve(path)
            guard FileManager.default.fileExists(atPath: file) else { return nil }
            let names = try CSVReader.header(of: file)
            return SourceColumns(location: file, columns: Dictionary(names.map { ($0, nil) }, uniquingKeysWith: { a, _ in a }))
        case .parquet(let path):
            guard let file = reader.files(matching: path).first, FileManager.default.fileExists(atPath: file) else { return nil }
            let schema = try ParquetFile(path: file).schema
            return SourceColumns(location: file, columns: Dictionary(schema.fields.map { ($0.name, Optional($0.type)) }, uniquingKeysWith: { a, _ in a }))
        case .sqlite(let database, let table):
            let file = reader.resolve(database)
            guard FileManager.default.fileExists(atPath: file) else { return nil }
            let columns = try SQLiteTableReader(path: file, table: table).columns()
            // Declared SQLite types are loose (INTEGER for every integer width): report names only.
            return SourceColumns(location: "\(file) table \(table)", columns: Dictionary(columns.map { ($0.name, nil) }, uniquingKeysWith: { a, _ in a }))
        }
    }
}
