import Larder
import LarderColumnar
import LarderRegistry
import Foundation

/// Reads a table of a SQLite database file into a batch. Column types come from the declared types
/// (INTEGER → int64, REAL → float64, TEXT → string, BLOB → bytes) unless the view asks for others;
/// timestamp columns may hold ISO-8601 text or epoch numbers (seconds, ms, µs or ns by magnitude).
struct SQLiteTableReader {
    let path: String
    let table: String

    var location: String { "\(path) table \(table)" }

    /// The table's columns and the types their declarations map to.
    func columns() throws -> [(name: String, type: ValueType)] {
        let db = try SQLiteConnection(path: path, readOnly: true)
        let info = try db.query("SELECT name, type FROM pragma_table_info(?)", [.text(table)])
        if info.isEmpty {
            throw SourceError(location: location, message: "the table does not exist",
                              fix: "create it, or fix `table:` in the Source")
        }
        return info.map { row in (row[0].string ?? "", Self.type(declared: row[1].string ?? "")) }
    }

    static func type(declared: String) -> ValueType {
        let d = declared.uppercased()
        if d.contains("INT") { return .int64 }
        if d.contains("REAL") || d.contains("FLOA") || d.contains("DOUB") { return .float64 }
        if d.contains("BLOB") { return .bytes }
        if d.contains("TIMESTAMP") || d.contains("DATETIME") { return .timestamp }
        if d.contains("BOOL") { return .bool }
        return .string
    }

    func read(columns wanted: [String]?, types: [String: ValueType], timestampColumns: Set<String>) throws -> ColumnBatch {
        let all = try columns()
        let selected = wanted.map { names in all.filter { names.contains($0.name) } } ?? all
        let fields = selected.map { column in
            SchemaField(name: column.name, type: timestampColumns.contains(column.name) ? .timestamp : (types[column.name] ?? column.type))
        }
        let db = try SQLiteConnection(path: path, readOnly: true)
        let list = fields.map { "\"" + $0.name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ", ")
        let statement = try db.prepare("SELECT \(list) FROM \"\(table.replacingOccurrences(of: "\"", with: "\"\""))\" ORDER BY rowid")
        var builders = fields.map { ColumnBuilder(type: $0.type) }
        var row = 0
        while try statement.step() {
            row += 1
            for (i, field) in fields.enumerated() {
                try append(statement.value(i), to: &builders[i], field: field, row: row)
            }
        }
        return try ColumnBatch(schema: Schema(fields), columns: builders.map { var b = $0; return b.finish() })
    }

    private func append(_ value: SQLiteValue, to builder: inout ColumnBuilder, field: SchemaField, row: Int) throws {
        func mismatch() -> SourceError {
            SourceError(location: location, row: row, column: field.name,
                        message: "holds \(value), which is not a \(field.type)",
                        fix: "fix the row, or declare the feature with the column's type")
        }
        switch (value, field.type) {
        case (.null, _): builder.appendNull()
        case (.integer(let v), .int64): builder.append(v)
        case (.integer(let v), .int32):
            guard let narrow = Int32(exactly: v) else { throw mismatch() }
            builder.append(narrow)
        case (.integer(let v), .bool): builder.append(v != 0)
        case (.integer(let v), .float64): builder.append(Double(v))
        case (.integer(let v), .float32): builder.append(Float(v))
        case (.real(let v), .float64): builder.append(v)
        case (.real(let v), .float32): builder.append(Float(v))
        case (.integer(let v), .timestamp): builder.append(Timestamp(epochNumber: v))
        case (.real(let v), .timestamp): builder.append(Timestamp(epochNumber: Int64(v)))
        case (.text(let s), .timestamp):
            guard let t = try? Timestamp(parsing: s) else { throw mismatch() }
            builder.append(t)
        case (.text(let s), .string): builder.append(string: s)
        case (.blob(let b), .bytes): builder.append(bytes: b)
        case (.text(let s), .bytes): builder.append(bytes: Array(s.utf8))
        default: throw mismatch()
        }
    }
}
