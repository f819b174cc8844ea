import Larder
import LarderColumnar

/// Lets a raw destination pointer cross into `concurrentPerform` tasks that write disjoint ranges of it.
struct SendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
}

/// Reads several leaf columns across all row groups. Every (column, row group) chunk is one task and
/// all tasks run in one `concurrentPerform`, so both cores stay busy; fixed-width chunks decode straight
/// into the final column arrays (allocated uninitialized, no copies), string chunks are joined after.
struct ColumnAssembler {
    let file: ReadableFile
    let metadata: FileMetaData
    let leaves: [LeafColumn]
    let rowCount: Int

    /// Where a task writes: a typed destination for fixed-width columns, validity bytes for nullable ones.
    private struct Destination: @unchecked Sendable {
        var values: UnsafeMutableRawPointer?
        var validity: UnsafeMutablePointer<UInt8>?
    }

    private struct Failure: Sendable, Equatable {
        var error: ParquetError
        var column: String
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
            do throws(ParquetError) {
                metas.append(try (0..<groups.count).map { (g) throws(ParquetError) in try chunkMeta(leaf, g) })
            } catch {
                throw error.located(file: file.path, column: leaf.name)
            }
        }
        let validity = leaves.map { $0.maxDefinitionLevel > 0 ? UnsafeMutablePointer<UInt8>.allocate(capacity: max(rowCount, 1)) : nil }
        defer { for v in validity { v?.deallocate() } }
        var results: [TaskResult] = []

        /// Runs every (column, row group) task once all destinations exist; each task returns its own result.
        func runTasks(_ destinations: [Destination]) {
            let file = self.file, leaves = self.leaves, starts = rowStarts, metas = metas
            results = parallelMap(leaves.count * groups.count) { task in
                let c = task / groups.count, g = task % groups.count
                let leaf = leaves[c]
                var result = TaskResult()
                do throws(ParquetError) {
                    let pages = try PageReader(file: file, meta: metas[c][g], leaf: leaf, rowCount: Int(groups[g].numRows))
                    let dest = destinations[c]
                    result.nulls = try Self.decode(pages, leaf: leaf, values: dest.values, rowStart: starts[g],
                                                   validity: dest.validity.map { $0 + starts[g] }) { offsets, bytes in
                        result.binary = (offsets, bytes)
                    }
                } catch {
                    result.failure = Failure(error: error, column: leaf.name)
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
        if let f = results.lazy.compactMap(\.failure).first { throw f.error.located(file: file.path, column: f.column) }
        // String columns: join their row groups' pieces, one column per task.
        let binaryColumns = leaves.indices.filter { if case .binary = storages[$0] { true } else { false } }
        let groupCount = groups.count, rows = rowCount, taskResults = results
        let joined = parallelMap(binaryColumns.count) { k in
            let c = binaryColumns[k]
            return Self.joinBinary(taskResults[(c * groupCount)..<((c + 1) * groupCount)].map { $0.binary ?? ([0], []) }, rowCount: rows)
        }
        for (k, c) in binaryColumns.enumerated() { storages[c] = joined[k] }
        var columns: [Column] = []
        for (c, leaf) in leaves.enumerated() {
            let mine = results[(c * groups.count)..<((c + 1) * groups.count)]
            var bitmap: Bitmap?
            if let v = validity[c], mine.contains(where: { $0.nulls > 0 }) { bitmap = Self.pack(UnsafeBufferPointer(start: v, count: rowCount)) }
            columns.append(Column(type: leaf.valueType, storage: storages[c], validity: bitmap))
        }
        return columns
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
            let days = UnsafeMutablePointer<Int32>.allocate(capacity: max(n, 1))
            defer { days.deallocate() }
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
