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
        let cursor = ColumnarRowCursor(names: rows.batch.schema.names, columns: pointers)
        var row = FeatureRow(cursor: cursor)
        let fieldCount = schema.fields.count
        let types = schema.fields.map(\.type), nullable = schema.fields.map(\.nullable)
        // A Bool per field: comparing the `Origin` enum per row calls its `==`.
        let isMissing = origins.map { $0 == .missing }
        let missingCount = isMissing.filter { $0 }.count
        let overrides = UnsafeMutablePointer<FieldOverrides>.allocate(capacity: fieldCount)
        overrides.initialize(from: types.map { FieldOverrides(type: $0, count: range.count) }, count: fieldCount)
        defer {
            for f in 0..<fieldCount { overrides[f].deallocate() }
            overrides.deinitialize(count: fieldCount)
            overrides.deallocate()
        }
        // For each slot, the fields a write to it may give a value, with its priority among the field's names.
        var readers = SlotReaders(self, cursor: cursor)
        // Per field: the row stamp it was last touched on, and the best (lowest) priority seen on that row.
        // Raw buffers: the per-row path is the transform's whole overhead, and arrays would add a uniqueness
        // and a bounds check to every write.
        let scratch = UnsafeMutablePointer<Int>.allocate(capacity: fieldCount * 4)
        scratch.initialize(repeating: -1, count: fieldCount * 4)
        defer { scratch.deallocate() }
        let touchedOn = scratch, best = scratch + fieldCount, bestSlot = scratch + 2 * fieldCount, touched = scratch + 3 * fieldCount
        let apply = transform.apply
        for index in range {
            cursor.begin(row: index)
            do {
                try apply(&row)
            } catch {
                return .rerun
            }
            guard row.isBacked(by: cursor) else { return .rerun }
            if cursor.slotCount != readers.slotCount { readers = SlotReaders(self, cursor: cursor) }
            var touchedCount = 0
            for slot in cursor.written {
                for e in readers.start[slot]..<readers.start[slot &+ 1] {
                    let entry = readers.entries[e]
                    let f = entry.field
                    if touchedOn[f] != index {
                        touchedOn[f] = index
                        best[f] = entry.priority
                        bestSlot[f] = slot
                        touched[touchedCount] = f
                        touchedCount &+= 1
                    } else if entry.priority < best[f] {
                        best[f] = entry.priority
                        bestSlot[f] = slot
                    }
                }
            }
            var missingWritten = 0
            for k in 0..<touchedCount {
                let f = touched[k]
                if isMissing[f] { missingWritten &+= 1 }
                guard overrides[f].store(cursor.writtenValuePointer(bestSlot[f]), at: index &- range.lowerBound, nullable: nullable[f]) else {
                    return .rerun
                }
            }
            if missingWritten != missingCount { return .rerun }
        }
        var parts: [FieldPart] = []
        for f in 0..<fieldCount {
            guard originHolds(field: f, range: range, except: overrides[f]) else { return .rerun }
            if overrides[f].writtenCount == 0 {
                parts.append(.untouched)
            } else {
                let origin = overrides[f].writtenCount == range.count || origins[f] == .null ? nil : originColumn(field: f, range: range)
                parts.append(.column(overrides[f].column(origin: origin)))
            }
        }
        return .fast(parts)
    }

    /// Which stored fields a write to each slot may set, and with what priority: a field reads its names in
    /// order (`row[sourceName] ?? row[fieldName]`), and a source column among them ends the list (a row that
    /// does not write it takes the column's value). Rebuilt when the transform adds a slot.
    private struct SlotReaders {
        struct Entry {
            let field: Int
            let priority: Int
        }
        let slotCount: Int
        /// Slot `s`'s entries are `entries[start[s]..<start[s + 1]]`.
        let start: [Int]
        let entries: [Entry]

        init(_ transform: ColumnarTransform, cursor: ColumnarRowCursor) {
            slotCount = cursor.slotCount
            var bySlot = [[Entry]](repeating: [], count: slotCount)
            for (f, names) in transform.candidates.enumerated() {
                for (priority, name) in names.enumerated() {
                    guard let slot = cursor.slot(named: name) else { continue }
                    bySlot[slot].append(Entry(field: f, priority: priority))
                    if cursor.isSource(slot) { break }
                }
            }
            start = bySlot.reduce(into: [0]) { $0.append($0.last! + $1.count) }
            entries = bySlot.flatMap { $0 }
        }
    }

    /// Whether the rows of `range` the transform did not write may take field `f` from its origin: its
    /// type widens to the declared one (or every such row is null), and no such row is null when the
    /// field is not nullable.
    private func originHolds(field f: Int, range: Range<Int>, except overridden: FieldOverrides) -> Bool {
        let field = schema.fields[f]
        guard case .column(let c) = origins[f] else {
            return origins[f] == .null ? field.nullable || overridden.writtenCount == range.count : true
        }
        let column = rows.batch.columns[c]
        let widens = Self.widens(column.type, to: field.type)
        if widens && (field.nullable || column.validity == nil) { return true }
        for index in range where !overridden.isWritten(index - range.lowerBound) {
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
