import CHiredis

/// hiredis' reply parser for bytes read elsewhere (a NIO channel, a test), building the replies in an
/// arena (see shim.h) whose size is bounded: a multi-bulk count or bulk length read from the wire never
/// sizes an allocation by itself. Arrays grow their element slots as elements arrive, the arena refuses
/// more than `maxReplyBytes` between two ``releaseReplies()``, and bytes still waiting to form a reply
/// may not exceed it either — a hostile or corrupt stream fails with a message instead of taking memory.
///
/// ```swift
/// let reader = RedisReplyReader()
/// if let problem = reader.feed(bytes) { fail(problem) }
/// while case .reply(let raw) = reader.next() { use(RedisReplyRef(raw)) }
/// reader.releaseReplies()   // once the replies are decoded
/// ```
package final class RedisReplyReader {
    /// 1 GiB of reply objects for one pipeline.
    package static let defaultMaxReplyBytes = 1 << 30

    package enum Next {
        /// A complete reply, valid until ``releaseReplies()``.
        case reply(UnsafeMutableRawPointer)
        /// The bytes fed so far end inside a reply.
        case needMore
        /// The stream cannot be read on: corrupt, or a reply larger than the limit.
        case failed(String)
    }

    package let maxReplyBytes: Int
    private let arena: UnsafeMutablePointer<larder_arena>
    private var reader: UnsafeMutablePointer<redisReader>

    package init(maxReplyBytes: Int = RedisReplyReader.defaultMaxReplyBytes) {
        self.maxReplyBytes = maxReplyBytes
        guard let arena = larder_arena_create(), let reader = larder_arena_reader_create(arena) else {
            fatalError("RedisReplyReader: out of memory creating hiredis' reader")
        }
        arena.pointee.limit = maxReplyBytes
        self.arena = arena
        self.reader = reader
    }

    deinit {
        redisReaderFree(reader)
        larder_arena_free(arena)
    }

    /// Adds bytes read from the connection; a message when the stream can no longer be read.
    package func feed(_ bytes: UnsafeRawBufferPointer) -> String? {
        let fed = redisReaderFeed(reader, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count)
        guard fed == REDIS_OK else { return readerError() }
        if larder_reader_pending_bytes(reader) > maxReplyBytes {
            return "a reply is larger than the \(maxReplyBytes)-byte reply limit (\(larder_reader_pending_bytes(reader)) bytes unread)"
        }
        return nil
    }

    /// The next complete reply, if the bytes fed hold one.
    package func next() -> Next {
        var raw: UnsafeMutableRawPointer?
        guard redisReaderGetReply(reader, &raw) == REDIS_OK else { return .failed(readerError()) }
        return raw.map(Next.reply) ?? .needMore
    }

    /// Frees every reply returned so far. Only between replies: the reader holds no partial reply then
    /// (a partial one lives in the same arena).
    package func releaseReplies() {
        larder_arena_reset(arena)
    }

    /// Starts over on a fresh stream (a new connection): drops buffered bytes and every reply.
    package func restart() {
        redisReaderFree(reader)
        larder_arena_reset(arena)
        reader = larder_arena_reader_create(arena)!
    }

    /// Bytes the arena has handed out since the last release: what the replies take, whatever their
    /// headers declared.
    package var arenaBytes: Int { arena.pointee.used }

    private func readerError() -> String {
        if arena.pointee.exceeded != 0 {
            return "a reply needs more than the \(maxReplyBytes)-byte reply limit"
        }
        let detail = withUnsafeBytes(of: &reader.pointee.errstr) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return detail.isEmpty ? "unreadable reply (code \(reader.pointee.err))" : detail
    }
}
