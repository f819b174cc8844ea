import LarderColumnar

// DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT decoding
// (written by DuckDB's PARQUET_VERSION v2 and by pyarrow's `column_encoding`). All reads are bounds-checked.

/// Decodes a DELTA_BINARY_PACKED stream: a header (block size, miniblocks per block, value count, first
/// value), then blocks of (min delta, one bit width per miniblock, bit-packed deltas).
struct DeltaBinaryPackedDecoder {
    private let base: UnsafePointer<UInt8>
    private let end: Int
    /// Bytes consumed so far; after ``decode(count:into:)`` of all values, where the next stream starts.
    private(set) var position = 0
    let totalCount: Int
    private let valuesPerMiniblock: Int
    private let miniblocks: Int
    private var last: Int64

    init(_ data: UnsafeRawBufferPointer) throws(ParquetError) {
        base = data.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1)!
        end = data.count
        var p = 0
        func varint() throws(ParquetError) -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard p < data.count else { throw ParquetError(.malformed, "truncated DELTA_BINARY_PACKED header") }
                let b = data[p]
                p += 1
                guard shift < 64 else { throw ParquetError(.malformed, "DELTA_BINARY_PACKED varint too long") }
                result |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { return result }
                shift += 7
            }
        }
        let blockSize = try varint()
        let miniblocks = try varint()
        let total = try varint()
        let first = try varint()
        guard blockSize > 0, blockSize % 128 == 0, blockSize <= 1 << 20, miniblocks > 0, blockSize % miniblocks == 0,
              (blockSize / miniblocks) % 32 == 0, total <= UInt64(Int32.max)
        else {
            throw ParquetError(.malformed, "invalid DELTA_BINARY_PACKED header (block \(blockSize), miniblocks \(miniblocks), count \(total))")
        }
        self.miniblocks = Int(miniblocks)
        valuesPerMiniblock = Int(blockSize / miniblocks)
        totalCount = Int(total)
        last = Int64(bitPattern: (first >> 1) ^ (0 &- (first & 1)))
        position = p
    }

    private mutating func readVarint() throws(ParquetError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw ParquetError(.malformed, "truncated DELTA_BINARY_PACKED block") }
            let b = base[position]
            position += 1
            guard shift < 64 else { throw ParquetError(.malformed, "DELTA_BINARY_PACKED varint too long") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// Decodes the first `count` values (`count <= totalCount`) into `out`.
    mutating func decode(count: Int, into out: UnsafeMutablePointer<Int64>) throws(ParquetError) {
        guard count <= totalCount else {
            throw ParquetError(.malformed, "DELTA_BINARY_PACKED holds \(totalCount) values, \(count) expected")
        }
        guard count > 0 else { return }
        out[0] = last
        var produced = 1
        var widths = [Int](repeating: 0, count: miniblocks)
        while produced < count {
            let z = try readVarint()
            let minDelta = Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1)))
            guard miniblocks <= end - position else { throw ParquetError(.malformed, "truncated DELTA_BINARY_PACKED bit widths") }
            for m in 0..<miniblocks { widths[m] = Int(base[position + m]) }
            position += miniblocks
            for m in 0..<miniblocks where produced < count {
                let w = widths[m]
                guard w <= 64 else { throw ParquetError(.malformed, "DELTA_BINARY_PACKED bit width \(w) > 64") }
                let bytes = valuesPerMiniblock * w / 8
                guard bytes <= end - position else { throw ParquetError(.malformed, "truncated DELTA_BINARY_PACKED miniblock") }
                let take = min(valuesPerMiniblock, count - produced)
                let mask: UInt64 = w == 64 ? ~0 : (UInt64(1) << UInt64(w)) - 1
                for i in 0..<take {
                    var delta: UInt64 = 0
                    if w > 0 {
                        let bit = i * w
                        var got = 0
                        var at = position + (bit >> 3)
                        var shift = bit & 7
                        while got < w {
                            delta |= (UInt64(base[at]) >> UInt64(shift)) << UInt64(got)
                            got += 8 - shift
                            shift = 0
                            at += 1
                        }
                        delta &= mask
                    }
                    last = last &+ minDelta &+ Int64(bitPattern: delta)
                    out[produced + i] = last
                }
                produced += take
                position += bytes
            }
        }
    }

    /// Decodes all values, which must be exactly `expected` (the page's count: a corrupt header cannot
    /// make us allocate more), and leaves ``position`` at the end of the stream.
    mutating func decodeAll(expected n: Int) throws(ParquetError) -> [Int64] {
        guard totalCount == n else {
            throw ParquetError(.malformed, "DELTA_BINARY_PACKED holds \(totalCount) values where the page has \(n)")
        }
        let buffer = UnsafeMutablePointer<Int64>.allocate(capacity: max(n, 1))
        defer { buffer.deallocate() }
        try decode(count: n, into: buffer)
        return Array(UnsafeBufferPointer(start: buffer, count: n))
    }
}

/// Reverses BYTE_STREAM_SPLIT: byte `b` of value `i` is at `b * count + i`.
func decodeByteStreamSplit(_ data: UnsafeRawBufferPointer, count: Int, width: Int, into out: UnsafeMutableRawPointer) throws(ParquetError) {
    guard count <= data.count / max(width, 1) else {
        throw ParquetError(.malformed, "BYTE_STREAM_SPLIT page holds fewer than its \(count) values")
    }
    // The page holds exactly (values in page) streams; its value count is data.count / width.
    let streamLength = data.count / width
    let dst = out.assumingMemoryBound(to: UInt8.self)
    for b in 0..<width {
        let stream = b * streamLength
        for i in 0..<count { dst[i * width + b] = data[stream + i] }
    }
}

/// DELTA_LENGTH_BYTE_ARRAY: the lengths (DELTA_BINARY_PACKED) then all bytes concatenated.
/// Appends `count` values to `offsets`/`bytes` (nulls per `levels` get empty slots).
func decodeDeltaLengthByteArray(_ data: UnsafeRawBufferPointer, count: Int, levels: UnsafeBufferPointer<UInt32>?,
                                offsets: inout [Int], bytes: inout [UInt8]) throws(ParquetError) {
    var lengths = try DeltaBinaryPackedDecoder(data)
    let all = try lengths.decodeAll(expected: count)
    var at = lengths.position
    var k = 0
    for i in 0..<(levels?.count ?? count) {
        if let levels, levels[i] == 0 {
            offsets.append(bytes.count)
            continue
        }
        let n = all[k]
        k += 1
        guard n >= 0, n <= Int64(data.count - at) else { throw ParquetError(.malformed, "DELTA_LENGTH_BYTE_ARRAY value overruns its page") }
        bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: data[at..<at + Int(n)]))
        offsets.append(bytes.count)
        at += Int(n)
    }
}

/// DELTA_BYTE_ARRAY: prefix lengths (DELTA_BINARY_PACKED), then suffixes (DELTA_LENGTH_BYTE_ARRAY);
/// each value is the previous value's prefix followed by its suffix.
///
/// Prefixes repeat bytes already decoded, so a page of N one-byte suffixes whose prefixes take all of the
/// previous value decodes to N²/2 bytes: the values' lengths are summed (overflow-checked) and reserved
/// in the read's budget before anything is written.
func decodeDeltaByteArray(_ data: UnsafeRawBufferPointer, count: Int, levels: UnsafeBufferPointer<UInt32>?,
                          offsets: inout [Int], bytes: inout [UInt8], pages: PageReader) throws(ParquetError) {
    // Scratch: prefixes and suffix lengths (8 bytes each, twice while decoded), suffix offsets and bytes.
    let scratch = DecodeBudget.product(count, 40).flatMap { DecodeBudget.sum($0, data.count) }
    try pages.reserve(scratch, for: "decoding \(count) DELTA_BYTE_ARRAY values")
    defer { pages.budget.release(scratch ?? 0) }
    var prefixDecoder = try DeltaBinaryPackedDecoder(data)
    let prefixes = try prefixDecoder.decodeAll(expected: count)
    var suffixOffsets: [Int] = [0]
    var suffixes: [UInt8] = []
    try decodeDeltaLengthByteArray(UnsafeRawBufferPointer(rebasing: data[prefixDecoder.position...]), count: count,
                                   levels: nil, offsets: &suffixOffsets, bytes: &suffixes)
    var total = 0
    var previousLength = 0
    for k in 0..<count {
        let p = prefixes[k]
        guard p >= 0, p <= Int64(previousLength) else {
            throw ParquetError(.malformed, "DELTA_BYTE_ARRAY prefix \(p) longer than the previous value (\(previousLength) bytes)")
        }
        let length = Int(p) + (suffixOffsets[k + 1] - suffixOffsets[k])
        let (sum, overflow) = total.addingReportingOverflow(length)
        guard !overflow, sum <= pages.budget.limit else {
            throw ParquetError(
                .limitExceeded,
                "\(count) DELTA_BYTE_ARRAY values decode to more than maxDecodedBytes = \(byteText(pages.budget.limit)) (the first \(k + 1) already take \(overflow ? "more than 2^63 bytes" : byteText(sum)))")
        }
        total = sum
        previousLength = length
    }
    try pages.reserve(total, for: "\(count) DELTA_BYTE_ARRAY values")
    let base = bytes.count
    bytes.append(contentsOf: repeatElement(0, count: total))
    bytes.withUnsafeMutableBufferPointer { out in
        suffixes.withUnsafeBufferPointer { suffix in
            var at = base
            var previousStart = base
            var k = 0
            for i in 0..<(levels?.count ?? count) {
                if let levels, levels[i] == 0 {
                    offsets.append(at)
                    continue
                }
                let p = Int(prefixes[k])
                let start = at
                // The previous value ends where this one starts: the ranges never overlap.
                if p > 0 { (out.baseAddress! + at).update(from: out.baseAddress! + previousStart, count: p) }
                at += p
                let s = suffixOffsets[k], n = suffixOffsets[k + 1] - s
                if n > 0 { (out.baseAddress! + at).update(from: suffix.baseAddress! + s, count: n) }
                at += n
                offsets.append(at)
                previousStart = start
                k += 1
            }
        }
    }
}
