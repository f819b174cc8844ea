public import Larder

/// Why a batch or column operation was rejected.
///
/// ```swift
/// do { _ = try ColumnBatch(schema: schema, columns: cols) }
/// catch let e as ColumnarError { print(e) }   // says which column and how to fix it
/// ```
public enum ColumnarError: Error, Sendable, Equatable, CustomStringConvertible {
    case columnCountMismatch(schemaFields: Int, columns: Int)
    case typeMismatch(column: String, expected: ValueType, actual: ValueType)
    case rowCountMismatch(column: String, expected: Int, actual: Int)
    case unexpectedNulls(column: String, nullCount: Int)
    case unknownColumn(String, available: [String])
    case schemaMismatch(expected: String, actual: String)
    case nothingToConcatenate

    public var description: String {
        switch self {
        case .columnCountMismatch(let f, let c):
            "schema has \(f) fields but \(c) columns were given; pass exactly one column per field"
        case .typeMismatch(let name, let expected, let actual):
            "column '\(name)' holds \(actual) values but the schema declares \(expected); convert the column or fix the schema"
        case .rowCountMismatch(let name, let expected, let actual):
            "column '\(name)' has \(actual) rows but the batch has \(expected); all columns must have the same length"
        case .unexpectedNulls(let name, let n):
            "column '\(name)' is declared non-nullable but holds \(n) nulls; mark the field nullable or fill the nulls"
        case .unknownColumn(let name, let available):
            "no column named '\(name)'; available: \(available.joined(separator: ", "))"
        case .schemaMismatch(let expected, let actual):
            "batches have different schemas: \(expected) vs \(actual); concatenate only batches of one schema"
        case .nothingToConcatenate:
            "concatenate was given no batches; pass at least one (use ColumnBatch.empty(schema:) for none)"
        }
    }
}
