#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Read-only view of the bytes being parsed, shared by the parsing threads.
///
/// `@unchecked Sendable`: the bytes are never written while parsing runs, and the owner (a
/// ``CSVMappedFile`` or an array) outlives every parse that uses the view.
struct CSVBytes: @unchecked Sendable {
    let base: UnsafePointer<UInt8>
    let count: Int
    /// The bytes are a private read-only file mapping, so pages can be dropped and re-read on demand.
    let isMapped: Bool

    /// Drops the resident pages that lie entirely inside `from..<to`: they are clean pages of a file
    /// mapping, so a later access (an error message, a re-parse) simply reads them again.
    func release(from: Int, to: Int) {
        guard isMapped else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let address = Int(bitPattern: base)
        let first = (address + from + page - 1) / page * page
        let last = (address + to) / page * page
        guard last > first else { return }
        _ = madvise(UnsafeMutableRawPointer(bitPattern: first), last - first, Int32(MADV_DONTNEED))
    }
}

/// A whole file mapped into memory read-only; unmapped when released.
final class CSVMappedFile {
    let path: String
    private let mapping: UnsafeMutableRawPointer?
    let count: Int

    init(path: String) throws(CSVError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CSVMappedFile.ioError(path, "open", errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw CSVMappedFile.ioError(path, "stat", errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw CSVError(kind: .io, path: path, expected: "a regular file; pass the path of a CSV file, not a directory or device")
        }
        count = Int(info.st_size)
        if count == 0 {
            mapping = nil
            return
        }
        guard let m = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0), m != MAP_FAILED else {
            throw CSVMappedFile.ioError(path, "map", errno)
        }
        _ = madvise(m, count, Int32(MADV_SEQUENTIAL))
        mapping = m
    }

    deinit {
        if let mapping { munmap(mapping, count) }
    }

    /// The mapped bytes; `nil` for an empty file (mmap cannot map zero bytes).
    var bytes: CSVBytes? {
        guard let mapping else { return nil }
        return CSVBytes(base: UnsafePointer(mapping.assumingMemoryBound(to: UInt8.self)), count: count, isMapped: true)
    }

    static func ioError(_ path: String, _ action: String, _ code: Int32) -> CSVError {
        let reason = String(cString: strerror(code))
        return CSVError(kind: .io, path: path, expected: "to \(action) the file, but the system said: \(reason); check the path and its permissions")
    }
}
