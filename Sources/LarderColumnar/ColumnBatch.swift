public import Larder

/// A table slice in columnar form: a ``Schema`` and one ``Column`` per field, all of `rowCount` rows.
///
/// ```swift
/// let batch = try ColumnBatch(
///     schema: Schema([SchemaField(name: "id", type: .int64), SchemaField(name: "name", type: .string)]),
///     columns: [Column(int64: [1, 2]), Column(strings: ["a", nil])])
/// batch.value(row: 1, column: 1)            // .null
/// let sorted = batch.gather(batch.sortIndices(by: [SortKey("id", descending: true)]))
/// ```
public struct ColumnBatch: Sendable, Hashable {
    public let schema: Schema
    public let columns: [Column]
    public let rowCount: Int

    /// Validates that columns match the schema's count, types and nullability and have equal lengths.
    public init(schema: Schema, columns: [Column]) throws(ColumnarError) {
        guard schema.count == columns.count else {
            throw .columnCountMismatch(schemaFields: schema.count, columns: columns.count)
        }
        let rows = columns.first?.count ?? 0
        for (f, c) in zip(schema.fields, columns) {
            guard f.type == c.type else { throw .typeMismatch(column: f.name, expected: f.type, actual: c.type) }
            guard c.count == rows else { throw .rowCountMismatch(column: f.name, expected: rows, actual: c.count) }
            if !f.nullable && c.hasNulls { throw .unexpectedNulls(column: f.name, nullCount: c.nullCount) }
        }
        self.schema = schema
        self.columns = columns
        self.rowCount = rows
    }

    /// Builds a batch whose schema is derived from the columns (all nullable).
    public init(_ named: KeyValuePairs<String, Column>) throws(ColumnarError) {
        try self.init(schema: Schema(named.map { SchemaField(name: $0.key, type: $0.value.type) }), columns: named.map(\.value))
    }

    init(trusted schema: Schema, columns: [Column], rowCount: Int) {
        self.schema = schema
        self.columns = columns
        self.rowCount = rowCount
    }

    /// A batch of no rows.
    public static func empty(schema: Schema) -> ColumnBatch {
        ColumnBatch(trusted: schema, columns: schema.fields.map { Column.nulls(type: $0.type, count: 0) }, rowCount: 0)
    }

    public func column(named name: String) -> Column? {
        schema.index(of: name).map { columns[$0] }
    }

    /// The named columns, in the given order.
    public func selecting(_ names: [String]) throws(ColumnarError) -> ColumnBatch {
        var fields: [SchemaField] = []
        var cols: [Column] = []
        for n in names {
            guard let i = schema.index(of: n) else { throw .unknownColumn(n, available: schema.names) }
            fields.append(schema[i])
            cols.append(columns[i])
        }
        return ColumnBatch(trusted: Schema(fields), columns: cols, rowCount: rowCount)
    }

    /// The boxed value at (`row`, `column`) (slow path for display and tests).
    public func value(row: Int, column: Int) -> Value { columns[column].value(at: row) }

    public func slice(_ range: Range<Int>) -> ColumnBatch {
        ColumnBatch(trusted: schema, columns: columns.map { $0.slice(range) }, rowCount: range.count)
    }

    /// The rows at `indices`, in that order. Large batches gather their columns in parallel.
    public func gather(_ indices: [Int]) -> ColumnBatch {
        if indices.count < 65_536 || columns.count < 2 {
            return ColumnBatch(trusted: schema, columns: columns.map { $0.gather(indices) }, rowCount: indices.count)
        }
        let gathered = parallelMap(columns.count) { columns[$0].gather(indices) }
        return ColumnBatch(trusted: schema, columns: gathered, rowCount: indices.count)
    }

    /// The batches one after another; all must share one schema.
    public static func concatenate(_ batches: [ColumnBatch]) throws(ColumnarError) -> ColumnBatch {
        guard let first = batches.first else { throw .nothingToConcatenate }
        for b in batches.dropFirst() where b.schema != first.schema {
            throw .schemaMismatch(expected: first.schema.description, actual: b.schema.description)
        }
        if batches.count == 1 { return first }
        let cols = (0..<first.schema.count).map { i in Column.concatenate(batches.map { $0.columns[i] }) }
        return ColumnBatch(trusted: first.schema, columns: cols, rowCount: batches.reduce(0) { $0 + $1.rowCount })
    }
}
