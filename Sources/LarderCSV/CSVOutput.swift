internal import Larder

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A 1 MiB output buffer that drains into a file descriptor or into memory, with byte-level formatters
/// for the values the writer emits (no `String` per value except floats, whose shortest round-trip text
/// comes from the standard library and fits a small, allocation-free string).
final class CSVOutput {
    private static let capacity = 1 << 20
    private let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: CSVOutput.capacity)
    private var used = 0
    /// Destination file, or -1 to collect into ``memory``.
    private let fd: Int32
    private(set) var memory: [UInt8] = []
    /// The `errno` of the first failed write; later writes are dropped.
    private(set) var failure: Int32?

    init(fd: Int32) { self.fd = fd }

    deinit { buffer.deallocate() }

    func flush() {
        guard used > 0 else { return }
        defer { used = 0 }
        if fd < 0 {
            memory.append(contentsOf: UnsafeBufferPointer(start: buffer, count: used))
            return
        }
        guard failure == nil else { return }
        var done = 0
        while done < used {
            let n = write(fd, buffer + done, used - done)
            if n < 0 {
                if errno == EINTR { continue }
                failure = errno
                return
            }
            done += n
        }
    }

    @inline(__always)
    func reserve(_ n: Int) {
        if used + n > CSVOutput.capacity { flush() }
    }

    @inline(__always)
    func byte(_ b: UInt8) {
        reserve(1)
        buffer[used] = b
        used += 1
    }

    func bytes(_ p: UnsafePointer<UInt8>, _ n: Int) {
        var p = p, n = n
        while n > 0 {
            reserve(min(n, CSVOutput.capacity))
            let k = min(n, CSVOutput.capacity - used)
            (buffer + used).update(from: p, count: k)
            used += k
            p += k
            n -= k
        }
    }

    func text(_ s: String) {
        var s = s
        s.withUTF8 { if let base = $0.baseAddress { bytes(base, $0.count) } }
    }

    @inline(__always)
    func int(_ v: Int64) {
        reserve(20)
        var magnitude = v.magnitude
        if v < 0 {
            buffer[used] = UInt8(ascii: "-")
            used += 1
        }
        var digits = 1
        var probe = magnitude
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        var i = used + digits - 1
        repeat {
            buffer[i] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 48
            magnitude /= 10
            i -= 1
        } while magnitude > 0
        used += digits
    }

    /// `YYYY-MM-DDThh:mm:ss.ffffffZ`, the layout of gen_data.py and of `Timestamp.description`.
    @inline(__always)
    func timestamp(_ micros: Int64) {
        let perDay: Int64 = 86_400_000_000
        var days = micros / perDay
        var inDay = micros % perDay
        if inDay < 0 {
            days -= 1
            inDay += perDay
        }
        let (year, month, day) = civilFromDays(days)
        guard year >= 0 && year <= 9999 else {
            text(Timestamp(microsecondsSinceEpoch: micros).description)
            return
        }
        reserve(27)
        let seconds = inDay / 1_000_000, fraction = inDay % 1_000_000
        let p = buffer + used
        put(p, Int64(year), 4)
        p[4] = UInt8(ascii: "-")
        put(p + 5, Int64(month), 2)
        p[7] = UInt8(ascii: "-")
        put(p + 8, Int64(day), 2)
        p[10] = UInt8(ascii: "T")
        put(p + 11, seconds / 3600, 2)
        p[13] = UInt8(ascii: ":")
        put(p + 14, seconds / 60 % 60, 2)
        p[16] = UInt8(ascii: ":")
        put(p + 17, seconds % 60, 2)
        p[19] = UInt8(ascii: ".")
        put(p + 20, fraction, 6)
        p[26] = UInt8(ascii: "Z")
        used += 27
    }

    @inline(__always)
    private func put(_ p: UnsafeMutablePointer<UInt8>, _ value: Int64, _ width: Int) {
        var v = value
        var i = width - 1
        while i >= 0 {
            p[i] = UInt8(truncatingIfNeeded: v % 10) &+ 48
            v /= 10
            i -= 1
        }
    }

    /// The field's bytes, enclosed in quotes with inner quotes doubled when `quote` is set.
    func field(_ p: UnsafePointer<UInt8>, _ n: Int, quote: Bool) {
        guard quote else {
            bytes(p, n)
            return
        }
        byte(CSVTokenizer.quote)
        var start = 0
        for i in 0..<n where p[i] == CSVTokenizer.quote {
            bytes(p + start, i + 1 - start)
            byte(CSVTokenizer.quote)
            start = i + 1
        }
        bytes(p + start, n - start)
        byte(CSVTokenizer.quote)
    }

    /// Hexadecimal after `0x`, the form the reader accepts for bytes columns.
    func hex(_ p: UnsafePointer<UInt8>, _ n: Int, quote: Bool) {
        let digits: StaticString = "0123456789abcdef"
        if quote { byte(CSVTokenizer.quote) }
        byte(UInt8(ascii: "0"))
        byte(UInt8(ascii: "x"))
        digits.withUTF8Buffer { table in
            for i in 0..<n {
                byte(table[Int(p[i] >> 4)])
                byte(table[Int(p[i] & 15)])
            }
        }
        if quote { byte(CSVTokenizer.quote) }
    }
}
