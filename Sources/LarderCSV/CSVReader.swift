public import LarderColumnar

/// Reads a CSV file with a header line into a ``ColumnBatch``, typed by a ``Schema`` or by inference.
///
/// - Columns are matched to the schema by header name; header columns not in the schema are skipped;
///   a schema column missing from the header is an error. Without a schema, every header column is read
///   with an inferred type (see ``inferSchema(path:)``).
/// - RFC-4180 quoting: quoted fields may hold delimiters, line breaks and doubled quotes. Rows end with
///   `\n`, `\r\n` or `\r`; a UTF-8 byte order mark is skipped; blank lines are skipped when the header
///   has more than one column.
/// - An empty field is null; in a string column only an unquoted empty field is (`""` is the empty
///   string). A null in a non-nullable column is an error.
/// - Timestamps: ISO-8601 or epoch numbers, see ``CSVTimestampParsing``. Booleans: `true`/`false` (any
///   case), `1`/`0`. Bytes: hexadecimal, optionally after `0x`.
///
/// The file is memory-mapped and parsed on ``CSVReadOptions/threads`` threads (pages already parsed are
/// released as the parse moves on). Reading blocks the calling thread: from async code, call it off the
/// cooperative pool (e.g. on a dedicated thread or `DispatchQueue`).
///
/// ```swift
/// let schema = Schema([
///     SchemaField(name: "driver_id", type: .int64, nullable: false),
///     SchemaField(name: "event_timestamp", type: .timestamp, nullable: false),
///     SchemaField(name: "conv_rate", type: .float32),
/// ])
/// let batch = try CSVReader(schema: schema).read(path: "driver_stats.csv")
/// let inferred = try CSVReader().read(path: "orders.csv")
/// ```
public struct CSVReader: Sendable {
    /// The columns to read and their types; `nil` reads every column with inferred types.
    public var schema: Schema?
    public var options: CSVReadOptions

    public init(schema: Schema? = nil, options: CSVReadOptions = CSVReadOptions()) {
        self.schema = schema
        self.options = options
    }

    /// Reads the file at `path`.
    public func read(path: String) throws(CSVError) -> ColumnBatch {
        let file = try CSVMappedFile(path: path)
        defer { withExtendedLifetime(file) {} }
        return try read(file.bytes, name: path)
    }

    /// Reads CSV text held in memory; `name` stands for the file in error messages.
    public func read(bytes: [UInt8], name: String = "<memory>") throws(CSVError) -> ColumnBatch {
        let result: Result<ColumnBatch, CSVError> = bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else {
                return .failure(CSVReader.missingHeader(name))
            }
            do throws(CSVError) {
                return .success(try read(CSVBytes(base: base, count: buffer.count, isMapped: false), name: name))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// The column names of the file's header line, reading nothing else.
    public static func header(of path: String, options: CSVReadOptions = CSVReadOptions()) throws(CSVError) -> [String] {
        let file = try CSVMappedFile(path: path)
        defer { withExtendedLifetime(file) {} }
        try options.validate(path: path)
        guard let bytes = file.bytes else { throw missingHeader(path) }
        return try CSVHeader(bytes, name: path, delimiter: options.delimiter).names
    }

    /// The schema ``read(path:)`` infers without one: each header column gets the narrowest of bool,
    /// int64, float64, timestamp (ISO-8601 text only) and string that holds every value in the file; it is
    /// nullable if any field is empty. A column with only nulls is a nullable string.
    public static func inferSchema(path: String, options: CSVReadOptions = CSVReadOptions()) throws(CSVError) -> Schema {
        let file = try CSVMappedFile(path: path)
        defer { withExtendedLifetime(file) {} }
        try options.validate(path: path)
        guard let bytes = file.bytes else { throw missingHeader(path) }
        let header = try CSVHeader(bytes, name: path, delimiter: options.delimiter, maxDecodedBytes: options.maxDecodedBytes)
        return try inferSchema(bytes, header: header, name: path, options: options)
    }

    private func read(_ data: CSVBytes?, name: String) throws(CSVError) -> ColumnBatch {
        try options.validate(path: name)
        guard let data else { throw CSVReader.missingHeader(name) }
        let header = try CSVHeader(data, name: name, delimiter: options.delimiter, maxDecodedBytes: options.maxDecodedBytes)
        let schema: Schema
        if let given = self.schema {
            schema = given
        } else {
            schema = try CSVReader.inferSchema(data, header: header, name: name, options: options)
        }
        let targets = try header.targets(for: schema, name: name)
        let fields = schema.fields
        let budget = DecodeBudget(limit: options.maxDecodedBytes)
        var outcomes = try CSVParallelParser.parse(
            layout(data, header), threads: options.threads, minimumChunkBytes: options.minimumChunkBytes, budget: budget,
            makeSink: { _, rows in
                CSVSchemaSink(
                    columns: fields.map { CSVColumnAccumulator(type: $0.type, nullable: $0.nullable, capacity: rows) },
                    targets: targets)
            },
            locate: { header.error(for: $0, linesBefore: $1, name: name) })
        return try CSVReader.assemble(&outcomes, schema: schema, name: name, budget: budget)
    }

    private static func inferSchema(
        _ data: CSVBytes, header: CSVHeader, name: String, options: CSVReadOptions
    ) throws(CSVError) -> Schema {
        let count = header.names.count
        let outcomes = try CSVParallelParser.parse(
            layout(data, header, delimiter: options.delimiter), threads: options.threads,
            minimumChunkBytes: options.minimumChunkBytes, budget: DecodeBudget(limit: options.maxDecodedBytes),
            makeSink: { _, _ in CSVInferenceSink(columns: Array(repeating: CSVTypeInference(), count: count)) },
            locate: { header.error(for: $0, linesBefore: $1, name: name) })
        var merged = Array(repeating: CSVTypeInference(), count: count)
        for outcome in outcomes {
            for c in 0..<count { merged[c].merge(outcome.sink.columns[c]) }
        }
        return Schema(zip(header.names, merged).map { SchemaField(name: $0, type: $1.type, nullable: $1.sawNull) })
    }

    private func layout(_ data: CSVBytes, _ header: CSVHeader) -> CSVParallelParser.Layout {
        CSVReader.layout(data, header, delimiter: options.delimiter)
    }

    private static func layout(_ data: CSVBytes, _ header: CSVHeader, delimiter: UInt8) -> CSVParallelParser.Layout {
        CSVParallelParser.Layout(data: data, bodyStart: header.bodyStart, fieldCount: header.names.count, delimiter: delimiter)
    }

    /// Joins the chunks column by column, so at most one column exists twice at any moment (and that
    /// copy is reserved in the budget while it exists).
    private static func assemble(
        _ outcomes: inout [CSVChunkOutcome<CSVSchemaSink>], schema: Schema, name: String, budget: DecodeBudget
    ) throws(CSVError) -> ColumnBatch {
        var first: [CSVColumnAccumulator] = []
        swap(&first, &outcomes[0].sink.columns)
        var columns: [Column] = []
        columns.reserveCapacity(first.count)
        for c in first.indices {
            if outcomes.count > 1 {
                let pieces = [first[c].heldBytes] + outcomes[1...].map { $0.sink.columns[c].heldBytes }
                let total = pieces.reduce(0, +)
                guard budget.reserve(total) else {
                    throw CSVError(
                        kind: .limitExceeded, path: name, column: c + 1, columnName: schema[c].name,
                        expected: "columns that fit in maxDecodedBytes = \(budget.limit) bytes: joining this column's \(outcomes.count) parsed pieces needs \(total) more with \(budget.heldBytes) held; raise CSVReadOptions.maxDecodedBytes (larder: --max-decoded-bytes) if the file is trusted, or read fewer columns")
                }
                for k in 1..<outcomes.count { first[c].absorb(&outcomes[k].sink.columns[c]) }
                // The pieces are freed; the joined column keeps the reservation just made.
                budget.release(total)
            }
            columns.append(first[c].column())
            first[c] = CSVColumnAccumulator(type: schema[c].type, nullable: true, capacity: 0)
        }
        do throws(ColumnarError) {
            return try ColumnBatch(schema: schema, columns: columns)
        } catch {
            throw CSVError(kind: .unsupported, path: name, expected: "columns that form a batch: \(error)")
        }
    }

    static func missingHeader(_ name: String) -> CSVError {
        CSVError(kind: .missingHeader, path: name, line: 1, expected: "a header line naming the columns; the file is empty")
    }
}

/// Hands each field to its schema column's accumulator; `targets[i]` is the schema position of header
/// column `i`, or -1 to skip it.
struct CSVSchemaSink: CSVRowSink {
    var columns: [CSVColumnAccumulator]
    let targets: [Int]

    @inline(__always)
    mutating func take(_ field: CSVField, at index: Int) throws(CSVValueProblem) {
        let target = targets[index]
        if target >= 0 { try columns[target].append(field) }
    }

    var heldBytes: Int { columns.reduce(columns.count * MemoryLayout<CSVColumnAccumulator>.stride) { $0 + $1.heldBytes } }
}

/// Widens each column's candidate type by the values of one chunk.
struct CSVInferenceSink: CSVRowSink {
    var columns: [CSVTypeInference]

    @inline(__always)
    mutating func take(_ field: CSVField, at index: Int) throws(CSVValueProblem) {
        columns[index].observe(field)
    }

    var heldBytes: Int { columns.count * MemoryLayout<CSVTypeInference>.stride }
}
