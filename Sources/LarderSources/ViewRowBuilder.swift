public import Larder
public import LarderColumnar

/// Turns source rows into a view's stored rows: join keys, `event_timestamp`, `created`, then the
/// view's fields in declared order — through the view's Swift transform when it has one, with every
/// declared type and nullability checked. Offline materialization, online materialization and push
/// ingestion all go through here, so a transform is applied the same way everywhere.
///
/// ```swift
/// let stored = try ViewRowBuilder(view: driverStats).build(sourceRows)
/// stored.schema.names   // ["driver_id", "event_timestamp", "created", "conv_rate", "acc_rate", "avg_daily_trips"]
/// ```
public struct ViewRowBuilder: Sendable {
    public let view: FeatureView

    public init(view: FeatureView) { self.view = view }

    /// The columns every stored row of `view` has, in order.
    public static func storedSchema(of view: FeatureView) -> Schema {
        Schema(view.entities.map { SchemaField(name: $0.joinKey, type: $0.keyType, nullable: false) }
            + [SchemaField(name: "event_timestamp", type: .timestamp, nullable: false),
               SchemaField(name: "created", type: .timestamp, nullable: true)]
            + view.fields.map { SchemaField(name: $0.name, type: $0.type, nullable: $0.nullable) })
    }

    /// The source columns a view without a transform reads, and their declared types.
    public static func sourceColumns(of view: FeatureView) -> (names: [String], types: [String: ValueType]) {
        var types: [String: ValueType] = [:]
        for entity in view.entities { types[entity.joinKey] = entity.keyType }
        // Source columns named like declared fields are read as declared (a CSV cannot tell types);
        // fields a transform produces are not read from the source.
        let produced = Set(view.transform?.produces ?? [])
        for field in view.fields where !produced.contains(field.name) { types[field.name] = field.type }
        let names = view.transform == nil
            ? view.joinKeys + [view.source.eventTimestampColumn] + (view.source.createdTimestampColumn.map { [$0] } ?? []) + view.fields.map(\.name)
            : []
        return (names, types)
    }

    public func build(_ rows: SourceRows) throws -> ColumnBatch {
        view.transform == nil ? try project(rows) : try transform(rows)
    }

    private func fail(_ rows: SourceRows, index: Int, column: String, _ message: String, fix: String? = nil) -> SourceError {
        let origin = rows.origin(of: index)
        return SourceError(location: origin.location, view: view.name, row: origin.row, line: origin.line,
                           column: column, message: message, fix: fix)
    }

    /// No transform: pick and check the columns, without touching rows one by one.
    private func project(_ rows: SourceRows) throws -> ColumnBatch {
        let batch = rows.batch
        let schema = Self.storedSchema(of: view)
        let sourceNames = storedSourceNames
        var columns: [Column] = []
        for (field, sourceName) in zip(schema.fields, sourceNames) {
            // No created column (declared none, or absent from pushed rows): ties keep storage order.
            guard !sourceName.isEmpty, field.name != "created" || batch.column(named: sourceName) != nil else {
                columns.append(.nulls(type: .timestamp, count: batch.rowCount))
                continue
            }
            guard let column = batch.column(named: sourceName) else {
                throw SourceError(location: rows.parts.first?.location ?? view.source.name, view: view.name, column: sourceName,
                                  message: "the source has no column \(sourceName); it has \(batch.schema.names.joined(separator: ", "))",
                                  fix: "add the column to the source, or rename the feature")
            }
            let converted = try ColumnConversion.convert(column, to: field.type, name: sourceName,
                                                         location: rows.parts.first?.location ?? view.source.name)
            if !field.nullable, converted.hasNulls, let first = (0..<converted.count).first(where: converted.isNull) {
                throw fail(rows, index: first, column: sourceName, "is null, but \(field.name) is not nullable",
                           fix: "fill the value in the source, or declare the field nullable")
            }
            columns.append(converted)
        }
        return try ColumnBatch(schema: schema, columns: columns)
    }

    /// The stored fields' source column names, in stored order ("" for a created column the source lacks).
    private var storedSourceNames: [String] {
        view.joinKeys + [view.source.eventTimestampColumn, view.source.createdTimestampColumn ?? ""] + view.fields.map(\.name)
    }

    /// With a transform: at columnar speed (``ColumnarTransform``), with the results of ``transformBoxed(_:range:)``.
    private func transform(_ rows: SourceRows) throws -> ColumnBatch {
        guard let transform = view.transform else { return try project(rows) }
        return try ColumnarTransform(builder: self, transform: transform, rows: rows, sourceNames: storedSourceNames).run()
    }

    /// The reference rule of a transform, row by row: each row of `range` becomes a boxed ``FeatureRow``,
    /// goes through the transform, and the declared columns are read back from it with their types
    /// checked. Returns the stored columns of those rows; throws the first row's error.
    package func transformBoxed(_ rows: SourceRows, range: Range<Int>) throws -> [Column] {
        guard let transform = view.transform else { return try project(rows).columns.map { $0.slice(range) } }
        let batch = rows.batch
        let schema = Self.storedSchema(of: view)
        let layout = RowLayout(batch.schema.names)
        let sourceNames = storedSourceNames
        var builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: range.count) }
        var values = [Value](repeating: .null, count: batch.columns.count)
        for index in range {
            for c in 0..<batch.columns.count { values[c] = batch.columns[c].value(at: index) }
            var row = FeatureRow(layout: layout, values: values)
            do {
                try transform.apply(&row)
            } catch {
                throw fail(rows, index: index, column: "transform \(transform.identity)", "refused the row: \(error)")
            }
            for (c, (field, sourceName)) in zip(schema.fields, sourceNames).enumerated() {
                let raw = sourceName.isEmpty ? Value.null : (row[sourceName] ?? row[field.name] ?? (field.name == "created" ? .null : nil))
                guard let value = raw else {
                    throw fail(rows, index: index, column: field.name, "the transform's output has no \(field.name)",
                               fix: "set row[\"\(field.name)\"] in transform \(transform.identity), or read it from the source")
                }
                guard let typed = value.converted(to: field.type) else {
                    throw fail(rows, index: index, column: field.name, "is \(value.type?.rawValue ?? "null") (\(value)) but is declared \(field.type)",
                               fix: "return a .\(field.type) from transform \(transform.identity)")
                }
                if typed.isNull && !field.nullable {
                    throw fail(rows, index: index, column: field.name, "is null, but \(field.name) is not nullable",
                               fix: "fill the value, or declare the field nullable")
                }
                builders[c].append(typed)
            }
        }
        return builders.map { var b = $0; return b.finish() }
    }
}
