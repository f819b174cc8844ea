/// A batch of Redis commands encoded once, in place, as the RESP bytes sent on the wire.
///
/// Building a pipeline costs one growing byte buffer, not one array per argument, and
/// ``removeAll()`` keeps the capacity so a hot loop can reuse it. Send it with
/// ``RedisClient/pipeline(_:retry:)`` (one round trip) and read one ``RedisReply`` per command.
///
/// ```swift
/// var p = RedisPipeline()
/// p.append("SET", "a", "1")
/// p.beginCommand(argumentCount: 3)
/// p.appendArgument("HGET"); p.appendArgument("user:1"); p.appendArgument("name")
/// let replies = try await client.pipeline(p)   // [.status("OK"), .bytes(...)]
/// ```
public struct RedisPipeline: Sendable {
    @usableFromInline var buffer: [UInt8]
    /// Where each command starts in `buffer`, to name a failing command in an error.
    var commandStarts: [Int] = []
    @usableFromInline var argumentsLeft = 0

    public init(reservingCapacity bytes: Int = 0, commands: Int = 0) {
        buffer = []
        buffer.reserveCapacity(bytes)
        commandStarts.reserveCapacity(commands)
    }

    /// The number of commands.
    public var count: Int { commandStarts.count }
    public var isEmpty: Bool { commandStarts.isEmpty }
    /// The encoded size in bytes.
    public var byteCount: Int { buffer.count }

    /// Empties the pipeline, keeping its memory for the next batch.
    public mutating func removeAll() {
        buffer.removeAll(keepingCapacity: true)
        commandStarts.removeAll(keepingCapacity: true)
        argumentsLeft = 0
    }

    /// Appends one command given as its arguments, the first being the command name.
    public mutating func append(_ arguments: [[UInt8]]) {
        beginCommand(argumentCount: arguments.count)
        for argument in arguments { appendArgument(argument) }
    }

    public mutating func append(_ arguments: [String]) {
        beginCommand(argumentCount: arguments.count)
        for argument in arguments { appendArgument(argument) }
    }

    public mutating func append(_ arguments: String...) {
        append(arguments)
    }

    /// Starts a command of `argumentCount` arguments (the name included); follow with exactly that
    /// many `appendArgument` calls.
    public mutating func beginCommand(argumentCount: Int) {
        precondition(argumentsLeft == 0, "RedisPipeline: the previous command is missing \(argumentsLeft) argument(s)")
        precondition(argumentCount > 0, "RedisPipeline: a command needs at least its name")
        commandStarts.append(buffer.count)
        buffer.append(UInt8(ascii: "*"))
        appendDecimal(Int64(argumentCount))
        appendCRLF()
        argumentsLeft = argumentCount
    }

    public mutating func appendArgument(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { appendArgument($0) }
    }

    public mutating func appendArgument(_ text: String) {
        var text = text
        text.withUTF8 { appendArgument(UnsafeRawBufferPointer($0)) }
    }

    public mutating func appendArgument(_ bytes: UnsafeRawBufferPointer) {
        appendArgumentHeader(length: bytes.count)
        buffer.append(contentsOf: bytes)
        appendCRLF()
    }

    /// Appends an integer as decimal text, the form Redis expects for counts, scores and times.
    public mutating func appendArgument(decimal value: Int64) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for "-9223372036854775808"
        let length = withUnsafeMutableBytes(of: &digits) { Self.writeDecimal(value, into: $0) }
        withUnsafeBytes(of: &digits) { appendArgument(UnsafeRawBufferPointer(rebasing: $0[..<length])) }
    }

    /// Appends an argument of `length` bytes written in place by `write`, which must fill all of them.
    public mutating func appendArgument(length: Int, _ write: (UnsafeMutableRawBufferPointer) -> Void) {
        if length <= 32 {
            // Fixed-width values (numbers, versions) are written on the stack, then copied once.
            var scratch: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            withUnsafeMutableBytes(of: &scratch) { write(UnsafeMutableRawBufferPointer(rebasing: $0[..<length])) }
            withUnsafeBytes(of: &scratch) { appendArgument(UnsafeRawBufferPointer(rebasing: $0[..<length])) }
            return
        }
        appendArgumentHeader(length: length)
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: length))
        buffer.withUnsafeMutableBytes { all in
            write(UnsafeMutableRawBufferPointer(rebasing: all[start..<(start + length)]))
        }
        appendCRLF()
    }

    private mutating func appendArgumentHeader(length: Int) {
        precondition(argumentsLeft > 0, "RedisPipeline: more arguments than declared by beginCommand")
        argumentsLeft -= 1
        buffer.append(UInt8(ascii: "$"))
        appendDecimal(Int64(length))
        appendCRLF()
    }

    /// Arguments encoded once and appended many times (e.g. the field names of every HMGET of a
    /// lookup), so a hot loop copies bytes instead of re-encoding each argument.
    ///
    /// ```swift
    /// let fields = RedisPipeline.EncodedArguments([Array("name".utf8), Array("age".utf8)])
    /// p.beginCommand(argumentCount: 2 + fields.count)
    /// p.appendArgument("HMGET"); p.appendArgument("user:1"); p.appendArguments(fields)
    /// ```
    public struct EncodedArguments: Sendable {
        let bytes: [UInt8]
        public let count: Int
        /// The encoded size.
        public var byteCount: Int { bytes.count }

        public init(_ arguments: [[UInt8]]) {
            var scratch = RedisPipeline()
            scratch.beginCommand(argumentCount: arguments.count + 1)
            let headerEnd = scratch.buffer.count
            for argument in arguments { scratch.appendArgument(argument) }
            bytes = Array(scratch.buffer[headerEnd...])
            count = arguments.count
        }
    }

    /// Appends pre-encoded arguments to the current command (they count toward its declared arguments).
    public mutating func appendArguments(_ arguments: EncodedArguments) {
        precondition(argumentsLeft >= arguments.count, "RedisPipeline: more arguments than declared by beginCommand")
        argumentsLeft -= arguments.count
        buffer.append(contentsOf: arguments.bytes)
    }

    /// The name of the command at `index`, for error messages.
    public func commandName(at index: Int) -> String {
        // A command starts "*<n>\r\n$<len>\r\n<name>\r\n".
        var i = commandStarts[index]
        var crlfSeen = 0
        while crlfSeen < 2, i < buffer.count {
            if buffer[i] == UInt8(ascii: "\n") { crlfSeen += 1 }
            i += 1
        }
        var end = i
        while end < buffer.count, buffer[end] != UInt8(ascii: "\r") { end += 1 }
        return String(decoding: buffer[i..<end], as: UTF8.self).uppercased()
    }

    /// Whether every command is one that reads only, so resending after a lost connection is safe.
    public var isReadOnly: Bool {
        (0..<count).allSatisfy { RedisPipeline.readOnlyCommands.contains(commandName(at: $0)) }
    }

    /// Commands that never change data; ``RedisClient`` may resend them after a lost connection.
    public static let readOnlyCommands: Set<String> = [
        "PING", "ECHO", "GET", "MGET", "STRLEN", "GETRANGE", "EXISTS", "TYPE", "TTL", "PTTL", "EXPIRETIME",
        "PEXPIRETIME", "HGET", "HMGET", "HGETALL", "HKEYS", "HVALS", "HLEN", "HEXISTS", "HSTRLEN", "SMEMBERS",
        "SISMEMBER", "SCARD", "LRANGE", "LLEN", "LINDEX", "ZRANGE", "ZSCORE", "ZCARD", "DBSIZE", "SCAN",
        "HSCAN", "INFO", "TIME",
    ]

    @usableFromInline mutating func appendCRLF() {
        buffer.append(13)
        buffer.append(10)
    }

    mutating func appendDecimal(_ value: Int64) {
        // Argument counts and lengths are mostly one or two digits.
        if value >= 0, value < 10 {
            buffer.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        if value >= 10, value < 100 {
            buffer.append(UInt8(ascii: "0") + UInt8(value / 10))
            buffer.append(UInt8(ascii: "0") + UInt8(value % 10))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        let length = withUnsafeMutableBytes(of: &digits) { Self.writeDecimal(value, into: $0) }
        withUnsafeBytes(of: &digits) { buffer.append(contentsOf: $0[..<length]) }
    }

    /// Writes `value` as decimal ASCII at the start of `target` (≥ 20 bytes) and returns the length.
    static func writeDecimal(_ value: Int64, into target: UnsafeMutableRawBufferPointer) -> Int {
        var magnitude = value.magnitude
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &scratch) { tmp in
            var n = 0
            repeat {
                tmp[n] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                n += 1
            } while magnitude > 0
            var length = 0
            if value < 0 {
                target[0] = UInt8(ascii: "-")
                length = 1
            }
            while n > 0 {
                n -= 1
                target[length] = tmp[n]
                length += 1
            }
            return length
        }
    }
}
