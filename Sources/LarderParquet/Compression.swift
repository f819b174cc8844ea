import CSnappy
import CZstd

/// The compression codec of written column chunks.
///
/// ```swift
/// let options = ParquetWriteOptions(compression: .snappy)
/// ```
public enum ParquetCompression: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case uncompressed
    case snappy
    case zstd

    public var description: String { rawValue }

    var codecID: CompressionCodecID {
        switch self {
        case .uncompressed: .uncompressed
        case .snappy: .snappy
        case .zstd: .zstd
        }
    }

    init?(codecID: Int32) {
        switch CompressionCodecID(rawValue: codecID) {
        case .uncompressed: self = .uncompressed
        case .snappy: self = .snappy
        case .zstd: self = .zstd
        default: return nil
        }
    }
}

/// The name of a codec id for error messages and `inspect`.
func codecName(_ id: Int32) -> String {
    switch CompressionCodecID(rawValue: id) {
    case .uncompressed: "UNCOMPRESSED"
    case .snappy: "SNAPPY"
    case .gzip: "GZIP"
    case .lzo: "LZO"
    case .brotli: "BROTLI"
    case .lz4: "LZ4"
    case .zstd: "ZSTD"
    case .lz4Raw: "LZ4_RAW"
    case nil: "codec #\(id)"
    }
}

enum Codec {
    /// Checks, before the output buffer is allocated, that `input` decompresses to `uncompressedSize` as
    /// far as the codec's own framing tells (the snappy length prefix, a single zstd frame's content size):
    /// a page header that lies about its size cannot make the reader allocate that size.
    static func checkDeclaredSize(_ codec: ParquetCompression, _ input: UnsafeRawBufferPointer, uncompressedSize: Int) throws(ParquetError) {
        switch codec {
        case .uncompressed:
            guard input.count == uncompressedSize else {
                throw ParquetError(.malformed, "uncompressed page holds \(input.count) bytes but declares \(uncompressedSize)")
            }
        case .snappy:
            guard let src = input.baseAddress?.assumingMemoryBound(to: CChar.self) else {
                guard uncompressedSize == 0 else { throw ParquetError(.malformed, "empty SNAPPY page declares \(uncompressedSize) bytes") }
                return
            }
            var length = 0
            guard snappy_uncompressed_length(src, input.count, &length) == SNAPPY_OK else {
                throw ParquetError(.malformed, "corrupt SNAPPY page (bad length header)")
            }
            guard length == uncompressedSize else {
                throw ParquetError(.malformed, "SNAPPY page holds \(length) bytes but its header declares \(uncompressedSize)")
            }
        case .zstd:
            guard let src = input.baseAddress, input.count > 0 else { return }
            let contentSize = ZSTD_getFrameContentSize(src, input.count)
            let unknown: UInt64 = .max, error: UInt64 = .max - 1
            if contentSize == error { throw ParquetError(.malformed, "corrupt ZSTD page (bad frame header)") }
            // Only a page that is one frame must match exactly; several frames add up.
            if contentSize != unknown, ZSTD_findFrameCompressedSize(src, input.count) == input.count,
               contentSize != UInt64(uncompressedSize) {
                throw ParquetError(.malformed, "ZSTD page holds \(contentSize) bytes but its header declares \(uncompressedSize)")
            }
        }
    }

    /// Decompresses `input` into `output`, which must be exactly the page's declared uncompressed size.
    static func decompress(_ codec: ParquetCompression, _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(ParquetError) {
        switch codec {
        case .uncompressed:
            guard input.count == output.count else {
                throw ParquetError(.malformed, "uncompressed page holds \(input.count) bytes but declares \(output.count)")
            }
            if !input.isEmpty { output.copyMemory(from: input) }
        case .snappy:
            var length = 0
            guard let src = input.baseAddress?.assumingMemoryBound(to: CChar.self),
                  snappy_uncompressed_length(src, input.count, &length) == SNAPPY_OK, length == output.count
            else {
                if input.isEmpty && output.isEmpty { return }
                throw ParquetError(.malformed, "corrupt SNAPPY page (bad length header)")
            }
            if output.isEmpty { return }
            var outLength = output.count
            let dst = output.baseAddress!.assumingMemoryBound(to: CChar.self)
            guard snappy_uncompress(src, input.count, dst, &outLength) == SNAPPY_OK, outLength == output.count else {
                throw ParquetError(.malformed, "corrupt SNAPPY page")
            }
        case .zstd:
            guard let src = input.baseAddress, let dst = output.baseAddress else {
                if output.isEmpty { return }
                throw ParquetError(.malformed, "empty ZSTD page declares \(output.count) bytes")
            }
            let n = ZSTD_decompress(dst, output.count, src, input.count)
            if ZSTD_isError(n) != 0 {
                let why = String(cString: ZSTD_getErrorName(n))
                throw ParquetError(.malformed, "corrupt ZSTD page: \(why)")
            }
            guard n == output.count else {
                throw ParquetError(.malformed, "ZSTD page decompressed to \(n) bytes but declares \(output.count)")
            }
        }
    }

    /// Compresses `input` and appends the result to `output`; returns the compressed size.
    static func compress(_ codec: ParquetCompression, level: Int32, _ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) -> Int {
        let start = output.count
        switch codec {
        case .uncompressed:
            output.append(contentsOf: input)
        case .snappy:
            let bound = snappy_max_compressed_length(input.count)
            output.append(contentsOf: repeatElement(0, count: bound))
            var length = bound
            output.withUnsafeMutableBytes { out in
                let dst = (out.baseAddress! + start).assumingMemoryBound(to: CChar.self)
                let src = input.baseAddress?.assumingMemoryBound(to: CChar.self) ?? UnsafePointer(dst)
                let status = snappy_compress(src, input.count, dst, &length)
                precondition(status == SNAPPY_OK, "snappy_compress failed with a sufficient buffer")
            }
            output.removeLast(bound - length)
        case .zstd:
            let bound = ZSTD_compressBound(input.count)
            output.append(contentsOf: repeatElement(0, count: bound))
            var length = 0
            output.withUnsafeMutableBytes { out in
                let dst = out.baseAddress! + start
                length = ZSTD_compress(dst, bound, input.baseAddress ?? UnsafeRawPointer(dst), input.count, level)
                precondition(ZSTD_isError(length) == 0, "ZSTD_compress failed with a sufficient buffer")
            }
            output.removeLast(bound - length)
        }
        return output.count - start
    }
}
