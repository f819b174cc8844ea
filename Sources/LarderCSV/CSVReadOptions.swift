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

    public init(delimiter: UInt8 = UInt8(ascii: ","), threads: Int? = nil, minimumChunkBytes: Int = 4 << 20) {
        self.delimiter = delimiter
        self.threads = max(1, threads ?? CSVReadOptions.onlineCores)
        self.minimumChunkBytes = max(1, minimumChunkBytes)
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
