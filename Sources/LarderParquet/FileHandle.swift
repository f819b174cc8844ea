#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An open read-only file; `pread` makes concurrent reads from several decode tasks safe.
final class ReadableFile: Sendable {
    let path: String
    let descriptor: Int32
    let size: Int

    init(path: String) throws(ParquetError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ParquetError(.io, "cannot open for reading: \(errnoText())", file: path) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let why = errnoText()
            closeDescriptor(fd)
            throw ParquetError(.io, "cannot stat: \(why)", file: path)
        }
        descriptor = fd
        size = Int(st.st_size)
    }

    deinit { closeDescriptor(descriptor) }

    /// Reads exactly `count` bytes at `offset` into `buffer` (which must hold `count` bytes).
    func read(at offset: Int, count: Int, into buffer: UnsafeMutableRawPointer) throws(ParquetError) {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw ParquetError(.malformed, "byte range \(offset)..<\(offset &+ count) lies outside the \(size)-byte file")
        }
        var done = 0
        while done < count {
            let n = pread(descriptor, buffer + done, count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw ParquetError(.io, "read failed at byte \(offset + done): \(errnoText())")
            }
            if n == 0 { throw ParquetError(.malformed, "file ended at byte \(offset + done), expected \(count - done) more bytes") }
            done += n
        }
    }

    func readBytes(at offset: Int, count: Int) throws(ParquetError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var failure: ParquetError?
        out.withUnsafeMutableBytes { buf in
            do throws(ParquetError) {
                if count > 0 { try read(at: offset, count: count, into: buf.baseAddress!) }
            } catch { failure = error }
        }
        if let failure { throw failure }
        return out
    }
}

func errnoText() -> String { String(cString: strerror(errno)) }

/// `close(2)`, named apart from the `close()` methods of our types.
func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}

/// `write(2)` of the whole buffer, retrying short writes and EINTR; returns errno text on failure.
func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> String? {
    var done = 0
    while done < buffer.count {
        let n = write(fd, buffer.baseAddress! + done, buffer.count - done)
        if n < 0 {
            if errno == EINTR { continue }
            return errnoText()
        }
        done += n
    }
    return nil
}
