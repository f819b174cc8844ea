#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How ``CSVReader`` splits and parses a file.
///
/// ```swift
/// var options = CSVReadOptions()
/// options.delimiter = UInt8(ascii: ";")
/// options.threads = 1
/// options.maxDecodedBytes = 1 << 30   // refuse files whose columns would take more than 1 GiB
/// let batch = try CSVReader(options: options).read(path: "prices.csv")
/// ```
public struct CSVReadOptions: Sendable, Hashable {
    /// The field separator (an ASCII byte other than a quote or a line break). Default `,`.
    public var delimiter: UInt8 = UInt8(ascii: ",")
    /// Parsing threads; the body is cut into this many chunks. Default: the number of online cores.
    public var threads: Int = CSVReadOptions.onlineCores
    /// Files smaller than `threads × minimumChunkBytes` use fewer chunks (threads are not worth it for
    /// small files). Default 4 MiB.
    public var minimumChunkBytes: Int = 4 << 20
    /// The most bytes a read holds at once for the parsed columns and per-column bookkeeping (default
    /// 4 GiB). A file that needs more fails with a `limitExceeded` error naming the line it reached —
    /// e.g. a header of millions of columns, or a body whose short lines expand eightfold into numbers.
    public var maxDecodedBytes: Int = 4 << 30

    public init(delimiter: UInt8 = UInt8(ascii: ","), threads: Int? = nil, minimumChunkBytes: Int = 4 << 20,
                maxDecodedBytes: Int = 4 << 30) {
        self.delimiter = delimiter
        self.threads = max(1, threads ?? CSVReadOptions.onlineCores)
        self.minimumChunkBytes = max(1, minimumChunkBytes)
        self.maxDecodedBytes = maxDecodedBytes
    }

    static var onlineCores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    func validate(path: String) throws(CSVError) {
        let forbidden: [UInt8] = [CSVTokenizer.quote, CSVTokenizer.lineFeed, CSVTokenizer.carriageReturn]
        guard delimiter < 0x80, !forbidden.contains(delimiter) else {
            throw CSVError(
                kind: .unsupported, path: path,
                expected: "an ASCII delimiter other than a quote or a line break, such as , ; or a tab")
        }
    }
}
