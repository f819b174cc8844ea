import Dispatch
import Larder
import LarderColumnar
import Synchronization

/// Lets a raw destination pointer cross into `concurrentPerform` tasks that write disjoint ranges of it.
struct SendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
}

/// Reads one leaf column across all row groups, decoding the row groups' chunks in parallel straight
/// into the final column array.
struct ColumnAssembler {
    let file: ReadableFile
    let metadata: FileMetaData
    let leaf: LeafColumn
    let rowCount: Int

    private func chunkMeta(_ group: Int) throws(ParquetError) -> ColumnMetaData {
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

    func read() throws(ParquetError) -> Column {
        let groups = metadata.rowGroups
        var rowStarts: [Int] = []
        var at = 0
        for g in groups {
            rowStarts.append(at)
            at += Int(g.numRows)
        }
        let starts = rowStarts
        let metas = try (0..<groups.count).map { (i) throws(ParquetError) in try chunkMeta(i) }
        let nullable = leaf.maxDefinitionLevel > 0
        var validityBytes = [UInt8](repeating: 1, count: nullable ? rowCount : 0)
        let failure = Mutex<ParquetError?>(nil)
        let nullCounts = Mutex(0)
        let storage: ColumnStorage
        let leaf = self.leaf, file = self.file

        /// Runs `decode(group, pages, rowStart, validity)` for every row group in parallel.
        func forEachGroup(_ decode: @escaping @Sendable (Int, PageReader, Int, UnsafeMutablePointer<UInt8>?) throws(ParquetError) -> Int) {
            validityBytes.withUnsafeMutableBufferPointer { vb in
                let validity = nullable ? vb.baseAddress.map(SendablePointer.init) : nil
                DispatchQueue.concurrentPerform(iterations: groups.count) { g in
                    do throws(ParquetError) {
                        let pages = try PageReader(file: file, meta: metas[g], leaf: leaf, rowCount: Int(groups[g].numRows))
                        let nulls = try decode(g, pages, starts[g], validity.map { $0.pointer + starts[g] })
                        nullCounts.withLock { $0 += nulls }
                    } catch {
                        failure.withLock { if $0 == nil { $0 = error } }
                    }
                }
            }
        }

        func fixed<T: FixedWidthValue>(_: T.Type, convert: (@Sendable (UnsafeMutablePointer<T>, Int, Int) -> Void)? = nil) -> [T] {
            [T](unsafeUninitializedCapacity: rowCount) { buf, initialized in
                let dest = SendablePointer(pointer: buf.baseAddress ?? UnsafeMutablePointer(bitPattern: MemoryLayout<T>.alignment)!)
                forEachGroup { (g, pages, start, validity) throws(ParquetError) in
                    let nulls = try pages.decodeFixed(T.self, into: dest.pointer + start, validity: validity)
                    convert?(dest.pointer, start, pages.numValues)
                    return nulls
                }
                initialized = failure.withLock { $0 == nil } ? rowCount : 0
            }
        }

        switch (leaf.physical, leaf.conversion) {
        case (.boolean?, _):
            storage = .bool([Bool](unsafeUninitializedCapacity: rowCount) { buf, initialized in
                let dest = SendablePointer(pointer: buf.baseAddress ?? UnsafeMutablePointer(bitPattern: 1)!)
                forEachGroup { (_, pages, start, validity) throws(ParquetError) in
                    try pages.decodeBool(into: dest.pointer + start, validity: validity)
                }
                initialized = failure.withLock { $0 == nil } ? rowCount : 0
            })
        case (.int32?, .daysToMicros):
            storage = .int64([Int64](unsafeUninitializedCapacity: rowCount) { buf, initialized in
                let dest = SendablePointer(pointer: buf.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!)
                forEachGroup { (_, pages, start, validity) throws(ParquetError) in
                    let n = pages.numValues
                    let days = UnsafeMutablePointer<Int32>.allocate(capacity: max(n, 1))
                    defer { days.deallocate() }
                    let nulls = try pages.decodeFixed(Int32.self, into: days, validity: validity)
                    for i in 0..<n { dest.pointer[start + i] = Int64(days[i]) &* Timestamp.microsecondsPerDay }
                    return nulls
                }
                initialized = failure.withLock { $0 == nil } ? rowCount : 0
            })
        case (.int32?, _): storage = .int32(fixed(Int32.self))
        case (.int64?, .millisToMicros):
            storage = .int64(fixed(Int64.self) { p, start, n in for i in start..<start + n { p[i] = p[i] &* 1000 } })
        case (.int64?, .nanosToMicros):
            storage = .int64(fixed(Int64.self) { p, start, n in
                for i in start..<start + n {
                    let v = p[i]
                    p[i] = v >= 0 ? v / 1000 : -((-(v + 1)) / 1000) - 1  // floor division
                }
            })
        case (.int64?, _): storage = .int64(fixed(Int64.self))
        case (.float?, _): storage = .float32(fixed(Float.self))
        case (.double?, _): storage = .float64(fixed(Double.self))
        case (.byteArray?, _):
            let pieces = Mutex<[Int: ([Int], [UInt8])]>([:])
            forEachGroup { (g, pages, _, validity) throws(ParquetError) in
                let (offsets, bytes, nulls) = try pages.decodeBinary(validity: validity)
                pieces.withLock { $0[g] = (offsets, bytes) }
                return nulls
            }
            if let error = failure.withLock({ $0 }) { throw error }
            storage = pieces.withLock { parts in Self.joinBinary(parts, groups: groups.count, rowCount: rowCount) }
        default:
            throw ParquetError(.unsupported, "physical type #\(leaf.physical?.rawValue ?? -1)")
        }
        if let error = failure.withLock({ $0 }) { throw error }
        var validity: Bitmap?
        if nullable && nullCounts.withLock({ $0 }) > 0 { validity = Self.pack(validityBytes) }
        return Column(type: leaf.valueType, storage: storage, validity: validity)
    }

    private static func joinBinary(_ parts: [Int: ([Int], [UInt8])], groups: Int, rowCount: Int) -> ColumnStorage {
        if groups == 1, let only = parts[0] { return .binary(offsets: only.0, bytes: only.1) }
        var offsets = [Int]()
        offsets.reserveCapacity(rowCount + 1)
        offsets.append(0)
        var bytes = [UInt8]()
        bytes.reserveCapacity((0..<groups).reduce(0) { $0 + (parts[$1]?.1.count ?? 0) })
        for g in 0..<groups {
            guard let (o, b) = parts[g] else { continue }
            let base = bytes.count
            offsets.append(contentsOf: o.dropFirst().lazy.map { $0 + base })
            bytes.append(contentsOf: b)
        }
        return .binary(offsets: offsets, bytes: bytes)
    }

    /// Packs one validity byte per row into a bitmap, 64 rows per word.
    static func pack(_ bytes: [UInt8]) -> Bitmap {
        var words = [UInt64](repeating: 0, count: (bytes.count + 63) / 64)
        bytes.withUnsafeBufferPointer { b in
            for w in 0..<words.count {
                var word: UInt64 = 0
                let base = w * 64
                for i in 0..<min(64, b.count - base) where b[base + i] != 0 { word |= 1 << UInt64(i) }
                words[w] = word
            }
        }
        return Bitmap(words: words, count: bytes.count)
    }
}
