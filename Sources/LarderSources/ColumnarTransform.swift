import Foundation
import Larder
import LarderColumnar

/// A view's ``RowTransform`` run over a batch at columnar speed, with the boxed path's exact results.
///
/// The batch is cut into chunks transformed in parallel. In a chunk each row is a ``ColumnarRowCursor``
/// (typed reads, an overlay for writes); after the call, only the stored fields the transform wrote on that
/// row are read back, converted and checked — a field it did not write comes from its source column as a
/// whole, widened and null-checked column-wise. Anything the fast path does not judge exactly (a row the
/// transform refused, a value of the wrong type, a null in a non-nullable field, a row replaced by a new
/// `FeatureRow`) sends that chunk through the boxed path, which throws the precise error naming the row,
/// or gives its rows; chunks before it were clean, so the first error reported is the batch's first.
struct ColumnarTransform {
    let builder: ViewRowBuilder
    let transform: RowTransform
    let rows: SourceRows
    let schema: Schema
    /// Per stored field, the row names its value is taken from, in order (as the boxed path reads them).
    let candidates: [[String]]
    /// Per stored field, where a row that did not write it gets its value.
    let origins: [Origin]
    /// Rows per chunk; `nil` picks ``chunkSize(rows:)`` (tests set small chunks to cross their edges).
    var chunkRows: Int?

    enum Origin: Equatable {
        /// The source column at this index.
        case column(Int)
        /// Always null (no created column).
        case null
        /// Nowhere: a row that does not write the field is an error.
        case missing
    }

    /// What one chunk produced for one stored field.
    private enum FieldPart {
        /// Every row of the chunk takes the field's origin.
        case untouched
        case column(Column)
    }

    private enum ChunkOutcome {
        case fast([FieldPart])
        /// The fast path could not judge the chunk: run it boxed.
        case rerun
    }

    init(builder: ViewRowBuilder, transform: RowTransform, rows: SourceRows, sourceNames: [String]) {
        self.builder = builder
        self.transform = transform
        self.rows = rows
        schema = ViewRowBuilder.storedSchema(of: builder.view)
        let names = rows.batch.schema.names
        var candidates: [[String]] = []
        var origins: [Origin] = []
        for (field, sourceName) in zip(schema.fields, sourceNames) {
            guard !sourceName.isEmpty else {
                candidates.append([])
                origins.append(.null)
                continue
            }
            let list = sourceName == field.name ? [sourceName] : [sourceName, field.name]
            candidates.append(list)
            if let column = list.lazy.compactMap({ names.firstIndex(of: $0) }).first {
                origins.append(.column(column))
            } else {
                origins.append(field.name == "created" ? .null : .missing)
            }
        }
        self.candidates = candidates
        self.origins = origins
    }

    /// Rows per chunk: enough chunks for every core to stay busy, none so small the overhead shows.
    static func chunkSize(rows: Int) -> Int {
        max(8192, (rows + ProcessInfo.processInfo.activeProcessorCount * 4 - 1) / (ProcessInfo.processInfo.activeProcessorCount * 4))
    }

    func run() throws -> ColumnBatch {
        let batch = rows.batch
        let size = max(1, chunkRows ?? Self.chunkSize(rows: batch.rowCount))
        let ranges = stride(from: 0, to: batch.rowCount, by: size).map { $0..<min($0 + size, batch.rowCount) }
        let outcomes = withColumnPointers(batch.columns) { pointers in
            parallelMap(ranges.count) { k in runChunk(ranges[k], pointers: pointers) }
        }
        var parts: [[FieldPart]] = []
        for (range, outcome) in zip(ranges, outcomes) {
            switch outcome {
            case .fast(let fieldParts): parts.append(fieldParts)
            case .rerun: parts.append(try builder.transformBoxed(rows, range: range).map(FieldPart.column))
            }
        }
        let columns = try schema.fields.indices.map { f in try assemble(field: f, parts: parts.map { $0[f] }, ranges: ranges) }
        return try ColumnBatch(schema: schema, columns: columns)
    }

    // MARK: One chunk

    private func runChunk(_ range: Range<Int>, pointers: [ColumnPointers]) -> ChunkOutcome {
        let cursor = ColumnarRowCursor(names: rows.batch.schema.names, columns: pointers, chunk: range)
        var row = FeatureRow(cursor: cursor)
        let apply = transform.apply
        for index in range {
            cursor.begin(row: index)
            do {
                try apply(&row)
            } catch {
                return .rerun
            }
            guard row.isBacked(by: cursor) else { return .rerun }
        }
        var parts: [FieldPart] = []
        for f in schema.fields.indices {
            guard let part = fieldPart(f, range: range, cursor: cursor) else { return .rerun }
            parts.append(part)
        }
        return .fast(parts)
    }

    /// Field `f` over the chunk, column-wise from what the rows wrote; nil when the fast path cannot judge it.
    private func fieldPart(_ f: Int, range: Range<Int>, cursor: ColumnarRowCursor) -> FieldPart? {
        // The slots the field reads, in priority order (as `row[sourceName] ?? row[fieldName]`): a source
        // column ends the list, since a row always has it.
        var slots: [Int] = []
        for name in candidates[f] {
            guard let slot = cursor.slot(named: name) else { continue }
            slots.append(slot)
            if cursor.isSource(slot) { break }
        }
        let written = slots.compactMap { cursor.writes(ofSlot: $0) }
        guard !written.isEmpty else {
            // No row wrote it: every row takes the origin, which must exist.
            guard origins[f] != .missing || range.isEmpty, originHolds(field: f, range: range, writtenKinds: nil) else { return nil }
            return .untouched
        }
        // Rows writing both of a field's names (possible only when the source lacks the first): the boxed rule decides.
        guard written.count == 1 else { return nil }
        let writes = written[0]
        let none = WrittenKind.none.rawValue  // hoisted: an enum's rawValue getter is a call across modules
        let allWritten = (0..<writes.count).allSatisfy { writes.kinds[$0] != none }
        if origins[f] == .missing && !allWritten { return nil }
        guard originHolds(field: f, range: range, writtenKinds: writes.kinds) else { return nil }
        let origin = allWritten || origins[f] == .null ? nil : originColumn(field: f, range: range)
        let field = schema.fields[f]
        return WrittenColumn.assemble(writes, type: field.type, nullable: field.nullable, origin: origin).map(FieldPart.column)
    }

    /// Whether the rows of `range` the transform did not write may take field `f` from its origin: its
    /// type widens to the declared one (or every such row is null), and no such row is null when the
    /// field is not nullable. `kinds` are the field's writes per chunk row (nil when no row wrote it).
    private func originHolds(field f: Int, range: Range<Int>, writtenKinds kinds: UnsafeMutablePointer<UInt8>?) -> Bool {
        let field = schema.fields[f]
        guard case .column(let c) = origins[f] else {
            guard origins[f] == .null, !field.nullable else { return true }
            guard let kinds else { return range.isEmpty }
            let none = WrittenKind.none.rawValue
            return (0..<range.count).allSatisfy { kinds[$0] != none }
        }
        let column = rows.batch.columns[c]
        let widens = Self.widens(column.type, to: field.type)
        if widens && (field.nullable || column.validity == nil) { return true }
        let none = WrittenKind.none.rawValue
        for index in range where kinds.map({ $0[index - range.lowerBound] == none }) ?? true {
            if column.isNull(index) {
                if !field.nullable { return false }
            } else if !widens {
                return false
            }
        }
        return true
    }

    /// `Value.converted(to:)` column-wise: the same type, or a lossless widening.
    static func widens(_ from: ValueType, to: ValueType) -> Bool {
        from == to || (from == .int32 && (to == .int64 || to == .float64)) || (from == .float32 && to == .float64)
    }

    /// Field `f`'s origin for `range` (or all rows when `range` is nil), at the declared type.
    private func originColumn(field f: Int, range: Range<Int>?) -> Column {
        let type = schema.fields[f].type
        let count = range?.count ?? rows.batch.rowCount
        guard case .column(let c) = origins[f] else { return .nulls(type: type, count: count) }
        let source = rows.batch.columns[c]
        // A type that does not widen passed `originHolds` only because every row taking it is null.
        guard Self.widens(source.type, to: type) else { return .nulls(type: type, count: count) }
        let column = range.map { source.slice($0) } ?? source
        return (try? ColumnConversion.convert(column, to: type, name: schema.fields[f].name, location: "")) ?? .nulls(type: type, count: count)
    }

    private func assemble(field f: Int, parts: [FieldPart], ranges: [Range<Int>]) throws -> Column {
        if parts.allSatisfy({ if case .untouched = $0 { true } else { false } }) { return originColumn(field: f, range: nil) }
        let pieces = zip(parts, ranges).map { part, range in
            switch part {
            case .untouched: originColumn(field: f, range: range)
            case .column(let column): column
            }
        }
        return pieces.count == 1 ? pieces[0] : Column.concatenate(pieces)
    }
}
