public import LarderColumnar

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a ``ColumnBatch`` as RFC-4180 CSV with a header line, e.g. a training set.
///
/// Nulls are empty fields; timestamps are ISO-8601 UTC with six fractional digits and `Z`
/// (`2026-01-01T08:30:00.000000Z`, as gen_data.py writes them); floats use the shortest digits that read
/// back to the same value, laid out like pyarrow's CSV writer (`0.1`, `1`, `0.00001`, `1.5e-7`, `1e+21`,
/// `nan`, `inf`); booleans `true`/`false`; bytes `0x` + hex.
/// ``CSVReader`` reads every such file back to an equal batch.
///
/// Files are written atomically: into a temporary file in the same directory, flushed to disk, then
/// renamed over `path`, so readers never see half a file.
///
/// ```swift
/// try CSVWriter().write(trainingSet, to: "training_set.csv")
/// let text = String(decoding: CSVWriter().encode(batch), as: UTF8.self)
/// ```
public struct CSVWriter: Sendable {
    public var options: CSVWriteOptions

    public init(options: CSVWriteOptions = CSVWriteOptions()) {
        self.options = options
    }

    /// Writes `batch` to `path`, replacing any file there only once the new one is complete.
    public func write(_ batch: ColumnBatch, to path: String) throws(CSVError) {
        try validate(path: path)
        let temporary = CSVWriter.temporaryPath(for: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CSVMappedFile.ioError(temporary, "create", errno) }
        var closed = false
        defer {
            if !closed { close(fd) }
        }
        do throws(CSVError) {
            let output = CSVOutput(fd: fd)
            emit(batch, into: output)
            output.flush()
            if let code = output.failure { throw CSVMappedFile.ioError(temporary, "write", code) }
            guard fsync(fd) == 0 else { throw CSVMappedFile.ioError(temporary, "flush", errno) }
            closed = true
            guard close(fd) == 0 else { throw CSVMappedFile.ioError(temporary, "close", errno) }
            guard rename(temporary, path) == 0 else { throw CSVMappedFile.ioError(path, "rename the finished file onto", errno) }
        } catch {
            unlink(temporary)
            throw error
        }
        CSVWriter.syncDirectory(of: path)
    }

    /// The CSV text of `batch` in memory.
    public func encode(_ batch: ColumnBatch) throws(CSVError) -> [UInt8] {
        try validate(path: "<memory>")
        let output = CSVOutput(fd: -1)
        emit(batch, into: output)
        output.flush()
        return output.memory
    }

    /// Numbers, booleans and timestamps are written unquoted, so the delimiter must not be a byte they
    /// can contain (letters, digits, `.`, `-`, `+`, `:`), nor a quote or a line break.
    private func validate(path: String) throws(CSVError) {
        let d = options.delimiter
        let forbidden = Array("\"\r\n.-+:".utf8)
        let alphanumeric = (d | 0x20) &- UInt8(ascii: "a") < 26 || d &- UInt8(ascii: "0") < 10
        guard d < 0x80, !alphanumeric, !forbidden.contains(d) else {
            throw CSVError(
                kind: .unsupported, path: path,
                expected: "a delimiter that values cannot contain: an ASCII symbol other than a quote, a line break, . - + or :, such as , ; | or a tab")
        }
    }

    private func emit(_ batch: ColumnBatch, into out: CSVOutput) {
        let quoteText = options.quoting == .textAlways
        if options.includeHeader {
            for (i, field) in batch.schema.fields.enumerated() {
                if i > 0 { out.byte(options.delimiter) }
                var name = field.name
                name.withUTF8 { b in
                    if let base = b.baseAddress, !b.isEmpty {
                        out.field(base, b.count, quote: quoteText || needsQuotes(base, b.count))
                    } else {
                        out.byte(CSVTokenizer.quote)
                        out.byte(CSVTokenizer.quote)
                    }
                }
            }
            endLine(out)
        }
        CSVColumnView.with(batch.columns) { views in
            for row in 0..<batch.rowCount {
                for (c, view) in views.enumerated() {
                    if c > 0 { out.byte(options.delimiter) }
                    if let validity = view.validity, validity[row >> 6] & (1 << UInt64(row & 63)) == 0 { continue }
                    switch view.kind {
                    case .bool: out.text(view.raw.load(fromByteOffset: row, as: Bool.self) ? "true" : "false")
                    case .int32: out.int(Int64(view.raw.load(fromByteOffset: row << 2, as: Int32.self)))
                    case .int64: out.int(view.raw.load(fromByteOffset: row << 3, as: Int64.self))
                    case .float32: out.float(view.raw.load(fromByteOffset: row << 2, as: Float.self).description)
                    case .float64: out.float(view.raw.load(fromByteOffset: row << 3, as: Double.self).description)
                    case .timestamp:
                        if quoteText { out.byte(CSVTokenizer.quote) }
                        out.timestamp(view.raw.load(fromByteOffset: row << 3, as: Int64.self))
                        if quoteText { out.byte(CSVTokenizer.quote) }
                    case .string:
                        let start = view.offsets[row], n = view.offsets[row + 1] - start
                        let p = view.raw.assumingMemoryBound(to: UInt8.self) + start
                        out.field(p, n, quote: quoteText || n == 0 || needsQuotes(p, n))
                    case .bytes:
                        let start = view.offsets[row], n = view.offsets[row + 1] - start
                        out.hex(view.raw.assumingMemoryBound(to: UInt8.self) + start, n, quote: quoteText)
                    }
                }
                endLine(out)
            }
        }
    }

    @inline(__always)
    private func endLine(_ out: CSVOutput) {
        if options.lineEnding == .crlf { out.byte(CSVTokenizer.carriageReturn) }
        out.byte(CSVTokenizer.lineFeed)
    }

    @inline(__always)
    private func needsQuotes(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        for i in 0..<n {
            let c = p[i]
            if c == options.delimiter || c == CSVTokenizer.quote || c == CSVTokenizer.lineFeed || c == CSVTokenizer.carriageReturn {
                return true
            }
        }
        return false
    }

    /// A fresh name next to `path` (same directory, so the rename stays on one file system).
    static func temporaryPath(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let file = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return "\(directory).\(file).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Makes the rename itself durable; failure here only weakens durability, so it is not an error.
    private static func syncDirectory(of path: String) {
        let directory = path.lastIndex(of: "/").map { String(path[...$0]) } ?? "."
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }
}
