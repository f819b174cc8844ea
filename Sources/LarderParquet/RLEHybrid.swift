// The RLE / bit-packed hybrid encoding (definition levels, dictionary indices, booleans).
// Each run starts with a ULEB128 header: low bit 0 = RLE run of (header >> 1) copies of one value stored in
// ceil(bitWidth / 8) bytes; low bit 1 = (header >> 1) groups of 8 values bit-packed LSB first.

struct RLEHybridDecoder {
    private let base: UnsafePointer<UInt8>
    private let end: Int
    private var position = 0
    let bitWidth: Int

    init(_ data: UnsafeRawBufferPointer, bitWidth: Int) throws(ParquetError) {
        guard bitWidth >= 0 && bitWidth <= 32 else {
            throw ParquetError(.malformed, "RLE/bit-packed bit width \(bitWidth) is larger than 32")
        }
        base = data.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1)!
        end = data.count
        self.bitWidth = bitWidth
    }

    private mutating func readVarint() throws(ParquetError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw ParquetError(.malformed, "truncated RLE run header") }
            let b = base[position]
            position += 1
            guard shift < 64 else { throw ParquetError(.malformed, "RLE run header too long") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// Decodes exactly `out.count` values. Values must be `< limit` (dictionary size / max level).
    mutating func decode(into out: UnsafeMutableBufferPointer<UInt32>, limit: UInt32) throws(ParquetError) {
        var filled = 0
        let n = out.count
        let byteWidth = (bitWidth + 7) / 8
        while filled < n {
            let header = try readVarint()
            if header & 1 == 0 {
                let runLength = header >> 1
                guard byteWidth <= end - position else { throw ParquetError(.malformed, "truncated RLE run value") }
                var value: UInt32 = 0
                for i in 0..<byteWidth { value |= UInt32(base[position + i]) << UInt32(8 * i) }
                position += byteWidth
                guard value < limit || (runLength == 0) else {
                    throw ParquetError(.malformed, "RLE value \(value) out of range (must be < \(limit))")
                }
                let take = Int(min(runLength, UInt64(n - filled)))
                (out.baseAddress! + filled).update(repeating: value, count: take)
                filled += take
            } else {
                let groups = header >> 1
                guard groups <= UInt64(end - position) else { throw ParquetError(.malformed, "bit-packed run longer than the page") }
                let values = Int(groups) * 8
                let bytes = Int(groups) * bitWidth
                guard bytes <= end - position else { throw ParquetError(.malformed, "truncated bit-packed run") }
                let take = min(values, n - filled)
                let bad = unpack(base + position, count: take, available: end - position, into: out.baseAddress! + filled, limit: limit)
                if bad { throw ParquetError(.malformed, "bit-packed value out of range (must be < \(limit))") }
                position += bytes
                filled += take
            }
        }
    }

    /// Unpacks `count` values of `bitWidth` bits; returns whether any value was `>= limit`.
    /// `available` is how many bytes may be read from `src` (the rest of the page): while 8 bytes remain,
    /// each value comes from one unaligned 64-bit load instead of byte-by-byte assembly.
    private func unpack(_ src: UnsafePointer<UInt8>, count: Int, available: Int, into dst: UnsafeMutablePointer<UInt32>, limit: UInt32) -> Bool {
        if bitWidth == 0 {
            dst.update(repeating: 0, count: count)
            return limit == 0 && count > 0
        }
        let w = bitWidth
        let mask: UInt64 = (UInt64(1) << UInt64(w)) - 1
        var maxSeen: UInt32 = 0
        let raw = UnsafeRawPointer(src)
        var i = 0
        while i < count {
            let bit = i &* w
            let byte = bit >> 3
            if byte + 8 > available { break }
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: byte, as: UInt64.self))
            let v = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
            dst[i] = v
            maxSeen = max(maxSeen, v)
            i += 1
        }
        while i < count {
            let bit = i * w
            var v: UInt64 = 0
            var got = 0
            var at = bit >> 3
            var shift = bit & 7
            while got < w {
                v |= (UInt64(src[at]) >> UInt64(shift)) << UInt64(got)
                got += 8 - shift
                shift = 0
                at += 1
            }
            let value = UInt32(truncatingIfNeeded: v & mask)
            dst[i] = value
            maxSeen = max(maxSeen, value)
            i += 1
        }
        return maxSeen >= limit
    }
}

/// Bits needed to store values `0...maxValue`.
func bitWidth(for maxValue: Int) -> Int {
    maxValue == 0 ? 0 : Int.bitWidth - maxValue.leadingZeroBitCount
}

struct RLEHybridEncoder {
    let bitWidth: Int
    private(set) var bytes: [UInt8] = []
    /// Values not yet flushed (a run candidate or a partial bit-packed group).
    private var pending: [UInt32] = []
    private var bitPacked: [UInt32] = []

    init(bitWidth: Int) { self.bitWidth = bitWidth }

    private mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// Appends `count` copies of `value`.
    mutating func append(_ value: UInt32, count: Int = 1) {
        var count = count
        // Top up a partial bit-packed group first so groups stay multiples of 8.
        while count > 0 && bitPacked.count % 8 != 0 {
            bitPacked.append(value)
            count -= 1
        }
        if count >= 8 {
            flushBitPacked()
            varint(UInt64(count) << 1)
            let byteWidth = (bitWidth + 7) / 8
            for i in 0..<byteWidth { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(8 * i))) }
            return
        }
        for _ in 0..<count { bitPacked.append(value) }
    }

    /// Appends values one by one, finding runs of 8 or more.
    mutating func append(contentsOf values: UnsafeBufferPointer<UInt32>) {
        var i = 0
        let n = values.count
        while i < n {
            var j = i + 1
            while j < n && values[j] == values[i] { j += 1 }
            append(values[i], count: j - i)
            i = j
        }
    }

    private mutating func flushBitPacked() {
        guard !bitPacked.isEmpty else { return }
        let groups = (bitPacked.count + 7) / 8
        while bitPacked.count < groups * 8 { bitPacked.append(0) }
        varint(UInt64(groups) << 1 | 1)
        var acc: UInt64 = 0
        var bits = 0
        for v in bitPacked {
            acc |= UInt64(v) << UInt64(bits)
            bits += bitWidth
            while bits >= 8 {
                bytes.append(UInt8(truncatingIfNeeded: acc))
                acc >>= 8
                bits -= 8
            }
        }
        if bits > 0 { bytes.append(UInt8(truncatingIfNeeded: acc)) }
        bitPacked.removeAll(keepingCapacity: true)
    }

    /// The encoded bytes (padding a trailing partial group with zeros, which readers ignore by count).
    mutating func finish() -> [UInt8] {
        flushBitPacked()
        return bytes
    }
}
