import Larder
import LarderColumnar

/// Lets a raw destination pointer cross into `concurrentPerform` tasks that write disjoint ranges of it.
struct SendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
}

/// Reads several leaf columns across all row groups. Every (column, row group) chunk is one task and
/// all tasks run in one `concurrentPerform`, so both cores stay busy; fixed-width chunks decode straight
/// into the final column arrays (allocated uninitialized, no copies), string chunks are joined after.
///
/// Nothing is sized from the footer's row counts before every chunk's page headers have confirmed them
/// (``PageHeaderScan``), and the column arrays are reserved in the read's ``DecodeBudget`` first.
struct ColumnAssembler {
    let file: ReadableFile
    let metadata: FileMetaData
    let leaves: [LeafColumn]
    let rowCount: Int
    let budget: DecodeBudget

    /// Where a task writes: a typed destination for fixed-width columns, validity bytes for nullable ones.
    private struct Destination: @unchecked Sendable {
        var values: UnsafeMutableRawPointer?
        var validity: UnsafeMutablePointer<UInt8>?
    }

    private struct Failure: Sendable, Equatable {
        var error: ParquetError
        var column: String
        var rowGroup: Int

        var located: ParquetError { error.located(column: column, rowGroup: rowGroup) }
    }

    /// What one (column, row group) task produced.
    private struct TaskResult {
        var nulls = 0
        var binary: ([Int], [UInt8])?
        var failure: Failure?
    }

    private func chunkMeta(_ leaf: LeafColumn, _ group: Int) throws(ParquetError) -> ColumnMetaData {
        let g = metadata.rowGroups[group]
        guard leaf.chunkIndex < g.columns.count else {
            throw ParquetError(.malformed, "row group \(group) has \(g.columns.count) column chunks, expected at least \(leaf.chunkIndex + 1)")
        }
        let chunk = g.columns[leaf.chunkIndex]
        if chunk.encrypted { throw ParquetError(.unsupported, "encrypted column chunks are not supported") }
        if let p = chunk.filePath, !p.isEmpty { throw ParquetError(.unsupported, "column chunks in external files ('\(p)') are not supported") }
        guard let meta = chunk.metaData else { throw ParquetError(.malformed, "row group \(group) has no metadata for this column") }
        guard meta.type == leaf.physical?.rawValue else {
            throw ParquetError(.malformed, "column chunk has physical type #\(meta.type) but the schema declares #\(leaf.physical?.rawValue ?? -1)")
        }
        return meta
    }

    func read() throws(ParquetError) -> [Column] {
        if rowCount == 0 { return leaves.map { Column.nulls(type: $0.valueType, count: 0) } }
        let groups = metadata.rowGroups
        var rowStarts: [Int] = []
        var at = 0
        for g in groups {
            rowStarts.append(at)
            at += Int(g.numRows)
        }
        var metas: [[ColumnMetaData]] = []
        for leaf in leaves {
            var chunks: [ColumnMetaData] = []
            for g in groups.indices {
                do throws(ParquetError) {
                    chunks.append(try chunkMeta(leaf, g))
                } catch {
                    throw error.located(file: file.path, column: leaf.name, rowGroup: g)
                }
            }
            metas.append(chunks)
        }
        try checkPages(metas)
        try reserveColumns()
        let validity = leaves.map { $0.maxDefinitionLevel > 0 ? UnsafeMutablePointer<UInt8>.allocate(capacity: max(rowCount, 1)) : nil }
        defer { for v in validity { v?.deallocate() } }
        var results: [TaskResult] = []

        /// Runs every (column, row group) task once all destinations exist; each task returns its own result.
        func runTasks(_ destinations: [Destination]) {
            let file = self.file, leaves = self.leaves, starts = rowStarts, metas = metas, budget = self.budget
            results = parallelMap(leaves.count * groups.count) { task in
                let c = task / groups.count, g = task % groups.count
                let leaf = leaves[c]
                var result = TaskResult()
                do throws(ParquetError) {
                    let pages = try PageReader(file: file, meta: metas[c][g], leaf: leaf, rowCount: Int(groups[g].numRows), budget: budget)
                    let dest = destinations[c]
                    result.nulls = try Self.decode(pages, leaf: leaf, values: dest.values, rowStart: starts[g],
                                                   validity: dest.validity.map { $0 + starts[g] }) { offsets, bytes in
                        result.binary = (offsets, bytes)
                    }
                } catch {
                    result.failure = Failure(error: error, column: leaf.name, rowGroup: g)
                }
                return result
            }
        }

        /// Allocates column `i`'s array uninitialized, recursing so every array is live while the tasks run.
        func build(_ i: Int, _ destinations: [Destination]) -> [ColumnStorage] {
            if i == leaves.count {
                runTasks(destinations)
                return []
            }
            let ok = { results.allSatisfy { $0.failure == nil } }
            var rest: [ColumnStorage] = []
            func fixed<T>(_: T.Type) -> [T] {
                [T](unsafeUninitializedCapacity: rowCount) { buf, initialized in
                    let base = UnsafeMutableRawPointer(buf.baseAddress)
                    rest = build(i + 1, destinations + [Destination(values: base, validity: validity[i])])
                    initialized = ok() ? rowCount : 0
                }
            }
            let storage: ColumnStorage
            switch leaves[i].physical {
            case .boolean?: storage = .bool(fixed(Bool.self))
            case .int32? where leaves[i].conversion == .daysToMicros: storage = .int64(fixed(Int64.self))
            case .int32?: storage = .int32(fixed(Int32.self))
            case .int64?: storage = .int64(fixed(Int64.self))
            case .float?: storage = .float32(fixed(Float.self))
            case .double?: storage = .float64(fixed(Double.self))
            default:
                rest = build(i + 1, destinations + [Destination(values: nil, validity: validity[i])])
                storage = .binary(offsets: [0], bytes: [])
            }
            return [storage] + rest
        }

        var storages = build(0, [])
        let nullCounts = leaves.indices.map { c in results[(c * groups.count)..<((c + 1) * groups.count)].reduce(0) { $0 + $1.nulls } }
        if let f = results.lazy.compactMap(\.failure).first { throw f.located.located(file: file.path) }
        // String columns: join their row groups' pieces, one column per task; the joined copy is reserved
        // while the pieces are alive (they are freed right after).
        let binaryColumns = leaves.indices.filter { if case .binary = storages[$0] { true } else { false } }
        let groupCount = groups.count, rows = rowCount
        var pieces = binaryColumns.map { c in results[(c * groupCount)..<((c + 1) * groupCount)].map { $0.binary ?? ([0], []) } }
        results.removeAll()
        if groupCount > 1 {
            for (k, c) in binaryColumns.enumerated() {
                let joinedBytes = pieces[k].reduce(8 * (rows + 1)) { $0 + $1.1.count }
                guard budget.reserve(joinedBytes) else {
                    throw ParquetError(
                        .limitExceeded,
                        "joining the column's \(groupCount) row groups would take \(byteText(joinedBytes)) more with \(byteText(budget.heldBytes)) already held: the decoded size exceeds maxDecodedBytes = \(byteText(budget.limit))",
                        file: file.path, column: leaves[c].name)
                }
            }
        }
        let joined = parallelMap(binaryColumns.count) { [pieces] k in Self.joinBinary(pieces[k], rowCount: rows) }
        if groupCount > 1 {
            for parts in pieces { budget.release(parts.reduce(0) { $0 + 8 * $1.0.count + $1.1.count }) }
        }
        pieces.removeAll()
        for (k, c) in binaryColumns.enumerated() { storages[c] = joined[k] }
        var columns: [Column] = []
        for (c, leaf) in leaves.enumerated() {
            var bitmap: Bitmap?
            if let v = validity[c], nullCounts[c] > 0 { bitmap = Self.pack(UnsafeBufferPointer(start: v, count: rowCount)) }
            columns.append(Column(type: leaf.valueType, storage: storages[c], validity: bitmap))
        }
        return columns
    }

    /// Walks every chunk's page headers (in parallel) so the footer's row counts are confirmed by the
    /// pages before any array is sized from them.
    private func checkPages(_ metas: [[ColumnMetaData]]) throws(ParquetError) {
        let groups = metadata.rowGroups, file = self.file, leaves = self.leaves
        let pageLimit = PageReader.pageSizeLimit(budget)
        let failures = parallelMap(leaves.count * groups.count) { task -> Failure? in
            let c = task / groups.count, g = task % groups.count
            do throws(ParquetError) {
                _ = try PageHeaderScan.check(file: file, meta: metas[c][g], rowCount: Int(groups[g].numRows), maxPageSize: pageLimit)
                return nil
            } catch {
                return Failure(error: error, column: leaves[c].name, rowGroup: g)
            }
        }
        if let f = failures.lazy.compactMap({ $0 }).first { throw f.located.located(file: file.path) }
    }

    /// Reserves the decoded columns' fixed part in the budget: values (or string offsets, twice when
    /// row groups are joined), one validity byte per row and the packed bitmap. String bytes are
    /// reserved page by page as they are decoded.
    private func reserveColumns() throws(ParquetError) {
        for leaf in leaves {
            let width: Int = switch leaf.physical {
            case .boolean?: 1
            case .int32? where leaf.conversion != .daysToMicros: 4
            case .float?: 4
            case .byteArray?: 8
            default: 8
            }
            let perRow = width + (leaf.maxDefinitionLevel > 0 ? 2 : 0)
            guard let bytes = DecodeBudget.product(rowCount, perRow).flatMap({ DecodeBudget.sum($0, 64) }), budget.reserve(bytes) else {
                let size = DecodeBudget.product(rowCount, perRow).map(byteText) ?? "more than 2^63 bytes"
                throw ParquetError(
                    .limitExceeded,
                    "\(rowCount) rows decode to \(size) for this column, with \(byteText(budget.heldBytes)) already held: the decoded size exceeds maxDecodedBytes = \(byteText(budget.limit))",
                    file: file.path, column: leaf.name)
            }
        }
    }

    /// Decodes one chunk into its destination (converting units in place); binary chunks go to `binary`.
    private static func decode(_ pages: PageReader, leaf: LeafColumn, values: UnsafeMutableRawPointer?, rowStart: Int,
                               validity: UnsafeMutablePointer<UInt8>?,
                               binary: ([Int], [UInt8]) -> Void) throws(ParquetError) -> Int {
        let n = pages.numValues
        switch (leaf.physical, leaf.conversion) {
        case (.boolean?, _):
            return try pages.decodeBool(into: values!.assumingMemoryBound(to: Bool.self) + rowStart, validity: validity)
        case (.int32?, .daysToMicros):
            let dest = values!.assumingMemoryBound(to: Int64.self) + rowStart
            try pages.reserve(DecodeBudget.product(n, 4), for: "\(n) dates before conversion")
            let days = UnsafeMutablePointer<Int32>.allocate(capacity: max(n, 1))
            defer {
                days.deallocate()
                pages.budget.release(4 * n)
            }
            let nulls = try pages.decodeFixed(Int32.self, into: days, validity: validity)
            for i in 0..<n { dest[i] = Int64(days[i]) &* Timestamp.microsecondsPerDay }
            return nulls
        case (.int32?, _):
            return try pages.decodeFixed(Int32.self, into: values!.assumingMemoryBound(to: Int32.self) + rowStart, validity: validity)
        case (.int64?, let conversion):
            let dest = values!.assumingMemoryBound(to: Int64.self) + rowStart
            let nulls = try pages.decodeFixed(Int64.self, into: dest, validity: validity)
            switch conversion {
            case .millisToMicros: for i in 0..<n { dest[i] = dest[i] &* 1000 }
            case .nanosToMicros:
                for i in 0..<n {
                    let v = dest[i]
                    dest[i] = v >= 0 ? v / 1000 : -((-(v + 1)) / 1000) - 1  // floor division
                }
            default: break
            }
            return nulls
        case (.float?, _):
            return try pages.decodeFixed(Float.self, into: values!.assumingMemoryBound(to: Float.self) + rowStart, validity: validity)
        case (.double?, _):
            return try pages.decodeFixed(Double.self, into: values!.assumingMemoryBound(to: Double.self) + rowStart, validity: validity)
        case (.byteArray?, _):
            let (offsets, bytes, nulls) = try pages.decodeBinary(validity: validity)
            binary(offsets, bytes)
            return nulls
        default:
            throw ParquetError(.unsupported, "physical type #\(leaf.physical?.rawValue ?? -1)")
        }
    }

    private static func joinBinary(_ parts: [([Int], [UInt8])], rowCount: Int) -> ColumnStorage {
        if parts.count == 1 { return .binary(offsets: parts[0].0, bytes: parts[0].1) }
        var offsets = [Int]()
        offsets.reserveCapacity(rowCount + 1)
        offsets.append(0)
        var bytes = [UInt8]()
        bytes.reserveCapacity(parts.reduce(0) { $0 + $1.1.count })
        for (o, b) in parts {
            let base = bytes.count
            offsets.append(contentsOf: o.dropFirst().lazy.map { $0 + base })
            bytes.append(contentsOf: b)
        }
        return .binary(offsets: offsets, bytes: bytes)
    }

    /// Packs one validity byte per row into a bitmap, 64 rows per word.
    static func pack(_ bytes: UnsafeBufferPointer<UInt8>) -> Bitmap {
        var words = [UInt64](repeating: 0, count: (bytes.count + 63) / 64)
        for w in 0..<words.count {
            var word: UInt64 = 0
            let base = w * 64
            for i in 0..<min(64, bytes.count - base) where bytes[base + i] != 0 { word |= 1 << UInt64(i) }
            words[w] = word
        }
        return Bitmap(words: words, count: bytes.count)
    }
}
