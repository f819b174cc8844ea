import LarderColumnar

// Decoding one column chunk's values into caller-provided destinations. Fixed-width values are written
// straight into the final column array at the row group's offset (no intermediate copies); nulls are
// expanded in place from the back, the dense values having been decoded to the front.

/// Plain-old-data Parquet physical values, stored little-endian.
protocol FixedWidthValue: BitwiseCopyable, Sendable {
    static var zero: Self { get }
    /// Whether DELTA_BINARY_PACKED applies (integers only).
    static var isInteger: Bool { get }
    /// The low bits of a delta-decoded integer (only called when `isInteger`).
    init(truncatingDelta: Int64)
}
extension Int32: FixedWidthValue {
    static var zero: Int32 { 0 }
    static var isInteger: Bool { true }
    init(truncatingDelta v: Int64) { self.init(truncatingIfNeeded: v) }
}
extension Int64: FixedWidthValue {
    static var zero: Int64 { 0 }
    static var isInteger: Bool { true }
    init(truncatingDelta v: Int64) { self = v }
}
extension Float: FixedWidthValue {
    static var zero: Float { 0 }
    static var isInteger: Bool { false }
    init(truncatingDelta v: Int64) { self.init(bitPattern: UInt32(truncatingIfNeeded: v)) }
}
extension Double: FixedWidthValue {
    static var zero: Double { 0 }
    static var isInteger: Bool { false }
    init(truncatingDelta v: Int64) { self.init(bitPattern: UInt64(bitPattern: v)) }
}

func encodingName(_ raw: Int32) -> String {
    switch Encoding(rawValue: raw) {
    case .plain?: "PLAIN"
    case .groupVarInt?: "GROUP_VAR_INT"
    case .plainDictionary?: "PLAIN_DICTIONARY"
    case .rle?: "RLE"
    case .bitPacked?: "BIT_PACKED"
    case .deltaBinaryPacked?: "DELTA_BINARY_PACKED"
    case .deltaLengthByteArray?: "DELTA_LENGTH_BYTE_ARRAY"
    case .deltaByteArray?: "DELTA_BYTE_ARRAY"
    case .rleDictionary?: "RLE_DICTIONARY"
    case .byteStreamSplit?: "BYTE_STREAM_SPLIT"
    case nil: "encoding #\(raw)"
    }
}

private func isDictionaryEncoding(_ e: Int32) -> Bool {
    e == Encoding.plainDictionary.rawValue || e == Encoding.rleDictionary.rawValue
}

/// Decodes dictionary indices (a bit-width byte, then RLE/bit-packed hybrid), `count` of them.
private func decodeIndices(_ values: UnsafeRawBufferPointer, count: Int, dictionarySize: Int,
                           into scratch: ScratchBuffer<UInt32>) throws(ParquetError) -> UnsafeMutableBufferPointer<UInt32> {
    let indices = try scratch.ensure(count, for: "dictionary indices")
    guard count > 0 else { return indices }
    guard values.count >= 1 else { throw ParquetError(.malformed, "dictionary-encoded page has no bit width") }
    var dec = try RLEHybridDecoder(UnsafeRawBufferPointer(rebasing: values[1...]), bitWidth: Int(values[0]))
    try dec.decode(into: indices, limit: UInt32(clamping: dictionarySize))
    return indices
}

/// Moves `dense` values at the front of `dest` to their rows per `levels`, zeroing null slots, and records validity.
private func spread<T: FixedWidthValue>(_ dest: UnsafeMutablePointer<T>, levels: UnsafeBufferPointer<UInt32>, nonNull: Int) {
    var j = nonNull - 1
    var i = levels.count - 1
    while i >= 0 {
        if levels[i] != 0 {
            dest[i] = dest[j]
            j -= 1
        } else {
            dest[i] = T.zero
        }
        i -= 1
    }
}

private func recordValidity(_ validity: UnsafeMutablePointer<UInt8>?, _ page: DataPageView) {
    guard let validity else { return }
    if let levels = page.levels {
        for i in 0..<page.count { validity[i] = UInt8(truncatingIfNeeded: levels[i]) }
    } else {
        validity.update(repeating: 1, count: page.count)
    }
}

extension PageReader {
    /// Decodes the chunk's `numValues` values of physical type `T` into `dest[0..<numValues]`;
    /// `validity` (one byte per row, 1 = present) is filled when given. Returns the null count.
    func decodeFixed<T: FixedWidthValue>(_: T.Type, into dest: UnsafeMutablePointer<T>, validity: UnsafeMutablePointer<UInt8>?) throws(ParquetError) -> Int {
        var dictionary = UnsafeMutableBufferPointer<T>(start: nil, count: 0)
        let indexScratch = ScratchBuffer<UInt32>(self)
        let deltaScratch = ScratchBuffer<Int64>(self)
        defer { dictionary.deallocate() }
        var row = 0
        var nulls = 0
        let stride = MemoryLayout<T>.stride
        try forEachPage(onDictionary: { (count, encoding, bytes) throws(ParquetError) in
            guard encoding == Encoding.plain.rawValue || encoding == Encoding.plainDictionary.rawValue else {
                throw ParquetError(.unsupported, "dictionary page encoding \(encodingName(encoding))")
            }
            guard count <= bytes.count / stride else { throw ParquetError(.malformed, "dictionary page holds fewer than its \(count) values") }
            dictionary.deallocate()
            dictionary = .allocate(capacity: max(count, 1))
            dictionary = UnsafeMutableBufferPointer(rebasing: dictionary[0..<count])
            if count > 0 { UnsafeMutableRawPointer(dictionary.baseAddress!).copyMemory(from: bytes.baseAddress!, byteCount: count * stride) }
        }, onData: { (page) throws(ParquetError) in
            let out = dest + row
            let nn = page.nonNullCount
            if page.encoding == Encoding.plain.rawValue {
                guard nn <= page.values.count / stride else { throw ParquetError(.malformed, "PLAIN page holds fewer than its \(nn) values") }
                if nn > 0 { UnsafeMutableRawPointer(out).copyMemory(from: page.values.baseAddress!, byteCount: nn * stride) }
            } else if isDictionaryEncoding(page.encoding) {
                guard dictionary.baseAddress != nil || nn == 0 else { throw ParquetError(.malformed, "dictionary-encoded page without a dictionary page") }
                let indices = try decodeIndices(page.values, count: nn, dictionarySize: dictionary.count, into: indexScratch)
                let dict = UnsafeBufferPointer(dictionary)
                for k in 0..<nn { out[k] = dict[Int(indices[k])] }
            } else if page.encoding == Encoding.deltaBinaryPacked.rawValue && T.isInteger {
                var decoder = try DeltaBinaryPackedDecoder(page.values)
                let scratch = try deltaScratch.ensure(max(nn, 1), for: "DELTA_BINARY_PACKED values")
                try decoder.decode(count: nn, into: scratch.baseAddress!)
                for k in 0..<nn { out[k] = T(truncatingDelta: scratch[k]) }
            } else if page.encoding == Encoding.byteStreamSplit.rawValue {
                try decodeByteStreamSplit(page.values, count: nn, width: stride, into: UnsafeMutableRawPointer(out))
            } else {
                throw ParquetError(.unsupported, "value encoding \(encodingName(page.encoding)) for this type (supported: PLAIN, dictionary, DELTA_BINARY_PACKED, BYTE_STREAM_SPLIT)")
            }
            if let levels = page.levels { spread(out, levels: levels, nonNull: nn) }
            recordValidity(validity.map { $0 + row }, page)
            nulls += page.count - nn
            row += page.count
        })
        return nulls
    }

    /// Decodes a BOOLEAN chunk (PLAIN bit-packed or RLE) into `dest[0..<numValues]`.
    func decodeBool(into dest: UnsafeMutablePointer<Bool>, validity: UnsafeMutablePointer<UInt8>?) throws(ParquetError) -> Int {
        let bitScratch = ScratchBuffer<UInt32>(self)
        var row = 0
        var nulls = 0
        try forEachPage(onDictionary: { (_, _, _) throws(ParquetError) in
            throw ParquetError(.unsupported, "dictionary-encoded BOOLEAN columns")
        }, onData: { (page) throws(ParquetError) in
            let out = dest + row
            let nn = page.nonNullCount
            if page.encoding == Encoding.plain.rawValue {
                guard (nn + 7) / 8 <= page.values.count else { throw ParquetError(.malformed, "BOOLEAN page holds fewer than its \(nn) values") }
                for k in 0..<nn { out[k] = (page.values[k >> 3] >> UInt8(k & 7)) & 1 != 0 }
            } else if page.encoding == Encoding.rle.rawValue {
                guard page.values.count >= 4 else { throw ParquetError(.malformed, "RLE BOOLEAN page without its length") }
                let length = Int(UInt32(littleEndian: page.values.loadUnaligned(as: UInt32.self)))
                guard length <= page.values.count - 4 else { throw ParquetError(.malformed, "RLE BOOLEAN run overruns the page") }
                let bits = try bitScratch.ensure(nn, for: "RLE booleans")
                var dec = try RLEHybridDecoder(UnsafeRawBufferPointer(rebasing: page.values[4..<4 + length]), bitWidth: 1)
                try dec.decode(into: bits, limit: 2)
                for k in 0..<nn { out[k] = bits[k] != 0 }
            } else {
                throw ParquetError(.unsupported, "BOOLEAN encoding \(encodingName(page.encoding))")
            }
            if let levels = page.levels {
                var j = nn - 1
                for i in stride(from: page.count - 1, through: 0, by: -1) {
                    if levels[i] != 0 { out[i] = out[j]; j -= 1 } else { out[i] = false }
                }
            }
            recordValidity(validity.map { $0 + row }, page)
            nulls += page.count - nn
            row += page.count
        })
        return nulls
    }

    /// Decodes a BYTE_ARRAY chunk into Arrow-style offsets (relative to this chunk) and bytes.
    func decodeBinary(validity: UnsafeMutablePointer<UInt8>?) throws(ParquetError) -> (offsets: [Int], bytes: [UInt8], nulls: Int) {
        var offsets = [Int]()
        offsets.reserveCapacity(numValues + 1)
        offsets.append(0)
        var bytes = [UInt8]()
        // Dictionary entries as (start, length) into a copy of the dictionary page.
        var dictBytes = [UInt8]()
        var dictStarts = [Int]()
        let indexScratch = ScratchBuffer<UInt32>(self)
        var row = 0
        var nulls = 0
        try forEachPage(onDictionary: { (count, encoding, page) throws(ParquetError) in
            guard encoding == Encoding.plain.rawValue || encoding == Encoding.plainDictionary.rawValue else {
                throw ParquetError(.unsupported, "dictionary page encoding \(encodingName(encoding))")
            }
            // Each entry takes at least its 4-byte length: a larger count cannot size the arrays.
            guard count <= page.count / 4 else { throw ParquetError(.malformed, "dictionary page holds fewer than its \(count) values") }
            dictBytes = [UInt8]()
            dictBytes.reserveCapacity(page.count)
            dictStarts = [0]
            dictStarts.reserveCapacity(count + 1)
            var at = 0
            for _ in 0..<count {
                guard page.count - at >= 4 else { throw ParquetError(.malformed, "dictionary page holds fewer than its \(count) values") }
                let length = Int(UInt32(littleEndian: page.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
                guard length <= page.count - at - 4 else { throw ParquetError(.malformed, "dictionary value overruns its page") }
                dictBytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: page[(at + 4)..<(at + 4 + length)]))
                dictStarts.append(dictBytes.count)
                at += 4 + length
            }
        }, onData: { (page) throws(ParquetError) in
            let nn = page.nonNullCount
            let levels = page.levels
            if page.encoding == Encoding.plain.rawValue {
                // The page's bytes bound the payload: grow once, copy with raw pointers, trim the rest.
                let v = page.values
                var written = bytes.count
                try reserve(v.count, for: "a PLAIN BYTE_ARRAY page")
                bytes.append(contentsOf: repeatElement(0, count: v.count))
                var problem: String?
                bytes.withUnsafeMutableBytes { out in
                    var at = 0
                    var k = 0
                    for i in 0..<page.count {
                        if let levels, levels[i] == 0 {
                            offsets.append(written)
                            continue
                        }
                        guard k < nn, v.count - at >= 4 else {
                            problem = "PLAIN BYTE_ARRAY page holds fewer than its \(nn) values"
                            return
                        }
                        let length = Int(UInt32(littleEndian: v.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
                        guard length <= v.count - at - 4 else {
                            problem = "BYTE_ARRAY value overruns its page"
                            return
                        }
                        if length > 0 { (out.baseAddress! + written).copyMemory(from: v.baseAddress! + at + 4, byteCount: length) }
                        written += length
                        offsets.append(written)
                        at += 4 + length
                        k += 1
                    }
                }
                if let problem { throw ParquetError(.malformed, problem) }
                budget.release(bytes.count - written)
                bytes.removeLast(bytes.count - written)
            } else if isDictionaryEncoding(page.encoding) {
                guard !dictStarts.isEmpty || nn == 0 else { throw ParquetError(.malformed, "dictionary-encoded page without a dictionary page") }
                let indices = try decodeIndices(page.values, count: nn, dictionarySize: max(dictStarts.count - 1, 0), into: indexScratch)
                // Size the page's bytes exactly and reserve them before growing: one long dictionary value
                // referenced by every row is how a small file decodes to hundreds of gigabytes.
                var total = 0
                dictStarts.withUnsafeBufferPointer { s in
                    for k in 0..<nn {
                        let idx = Int(indices[k])
                        total += s[idx + 1] - s[idx]  // ≤ 2^31 values of < 2^30 bytes: cannot overflow
                    }
                }
                try reserve(total, for: "\(nn) dictionary-encoded values")
                dictBytes.withUnsafeBufferPointer { d in
                    dictStarts.withUnsafeBufferPointer { s in
                        var at = bytes.count
                        bytes.append(contentsOf: repeatElement(0, count: total))
                        bytes.withUnsafeMutableBufferPointer { out in
                            var k = 0
                            for i in 0..<page.count {
                                if let levels, levels[i] == 0 {
                                    offsets.append(at)
                                    continue
                                }
                                let idx = Int(indices[k])
                                k += 1
                                let start = s[idx], length = s[idx + 1] - start
                                if length > 0 { (out.baseAddress! + at).update(from: d.baseAddress! + start, count: length) }
                                at += length
                                offsets.append(at)
                            }
                        }
                    }
                }
            } else if page.encoding == Encoding.deltaLengthByteArray.rawValue {
                // The values' bytes are in the page (at most its size); the lengths are scratch, 16 bytes each.
                let before = bytes.count
                let reserved = DecodeBudget.product(nn, 16).flatMap { DecodeBudget.sum($0, page.values.count) }
                try reserve(reserved, for: "a DELTA_LENGTH_BYTE_ARRAY page")
                try decodeDeltaLengthByteArray(page.values, count: nn, levels: levels, offsets: &offsets, bytes: &bytes)
                budget.release((reserved ?? 0) - (bytes.count - before))
            } else if page.encoding == Encoding.deltaByteArray.rawValue {
                try decodeDeltaByteArray(page.values, count: nn, levels: levels, offsets: &offsets, bytes: &bytes, pages: self)
            } else {
                throw ParquetError(.unsupported, "BYTE_ARRAY encoding \(encodingName(page.encoding)) (supported: PLAIN, dictionary, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY)")
            }
            recordValidity(validity.map { $0 + row }, page)
            nulls += page.count - nn
            row += page.count
        })
        return (offsets, bytes, nulls)
    }
}
