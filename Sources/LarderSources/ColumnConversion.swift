public import Larder
public import LarderColumnar

/// Lossless widening of columns to declared types (int32 → int64, float32 → float64, …), so a source
/// written with a narrower type still feeds a view declared wider.
public enum ColumnConversion {
    /// `batch` with each column named in `types` converted to that type where that is lossless; other
    /// columns stay as they are for the view's checks (or transform) to judge.
    public static func widen(_ batch: ColumnBatch, to types: [String: ValueType], location: String) throws -> ColumnBatch {
        var changed = false
        var columns = batch.columns
        var fields = batch.schema.fields
        for (i, field) in fields.enumerated() {
            guard let wanted = types[field.name], wanted != field.type else { continue }
            guard let converted = try? convert(columns[i], to: wanted, name: field.name, location: location) else { continue }
            columns[i] = converted
            fields[i].type = wanted
            changed = true
        }
        return changed ? try ColumnBatch(schema: Schema(fields), columns: columns) : batch
    }

    /// One column converted to `type`, or an error naming the column when that would lose information.
    public static func convert(_ column: Column, to type: ValueType, name: String, location: String) throws -> Column {
        if column.type == type { return column }
        let storage: ColumnStorage? = switch (column.type, type) {
        case (.int32, .int64): .int64(column.int32Values.map(Int64.init))
        case (.int32, .float64): .float64(column.int32Values.map(Double.init))
        case (.float32, .float64): .float64(column.float32Values.map(Double.init))
        case (.int64, .timestamp), (.timestamp, .int64): .int64(column.int64Values)
        default: nil
        }
        guard let storage else {
            throw SourceError(location: location, column: name,
                              message: "is \(column.type) in the source, which cannot be read as \(type) without loss",
                              fix: "declare the feature as \(column.type), or convert it in the view's transform")
        }
        return Column(type: type, storage: storage, validity: column.validity)
    }
}
