import CHiredis

/// A borrowed view of one hiredis reply object, valid until the pipeline that produced it returns.
/// Lets the online store decode values without first copying every field into a ``RedisReply``.
package struct RedisReplyRef {
    private let pointer: UnsafePointer<redisReply>

    package init(_ raw: UnsafeMutableRawPointer) {
        pointer = UnsafePointer(raw.assumingMemoryBound(to: redisReply.self))
    }

    private init(pointer: UnsafePointer<redisReply>) {
        self.pointer = pointer
    }

    var isNull: Bool { pointer.pointee.type == REDIS_REPLY_NIL }
    var isError: Bool { pointer.pointee.type == REDIS_REPLY_ERROR }
    var isArray: Bool { pointer.pointee.type == REDIS_REPLY_ARRAY }
    var integer: Int64? { pointer.pointee.type == REDIS_REPLY_INTEGER ? Int64(pointer.pointee.integer) : nil }
    var count: Int { isArray ? pointer.pointee.elements : 0 }

    /// The bytes of a bulk string, status or error.
    var bytes: UnsafeRawBufferPointer {
        guard let str = pointer.pointee.str else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: str, count: pointer.pointee.len)
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    subscript(index: Int) -> RedisReplyRef {
        precondition(index < count, "reply element \(index) out of range \(count)")
        return RedisReplyRef(pointer: UnsafePointer(pointer.pointee.element[index]!))
    }

    /// A copy as an owned ``RedisReply``.
    package var reply: RedisReply {
        switch pointer.pointee.type {
        case REDIS_REPLY_STRING: .bytes(Array(bytes))
        case REDIS_REPLY_STATUS: .status(text)
        case REDIS_REPLY_INTEGER: .integer(Int64(pointer.pointee.integer))
        case REDIS_REPLY_NIL: .null
        case REDIS_REPLY_ERROR: .error(text)
        case REDIS_REPLY_ARRAY: .array((0..<count).map { self[$0].reply })
        default: .error("unknown reply type \(pointer.pointee.type)")
        }
    }
}

/// The replies of one pipeline, borrowed from hiredis for the duration of a callback.
struct RedisReplies {
    let raw: UnsafeBufferPointer<UnsafeMutableRawPointer?>

    var count: Int { raw.count }

    subscript(index: Int) -> RedisReplyRef {
        RedisReplyRef(raw[index]!)
    }
}
