import Foundation
@testable import LarderOnline
import Testing

/// The reply reader's bounds: counts and lengths read from the wire never size an allocation by
/// themselves, and a reply past the limit fails with a message instead of taking memory.
@Suite("Redis reply reader bounds")
struct RedisReplyReaderTests {
    /// Feeds `text` and collects replies until the reader needs more bytes or fails.
    func drain(_ reader: RedisReplyReader, _ text: String) -> (replies: [RedisReply], failure: String?) {
        if let problem = Array(text.utf8).withUnsafeBytes({ reader.feed($0) }) { return ([], problem) }
        var replies: [RedisReply] = []
        while true {
            switch reader.next() {
            case .reply(let raw): replies.append(RedisReplyRef(raw).reply)
            case .needMore: return (replies, nil)
            case .failed(let problem): return (replies, problem)
            }
        }
    }

    @Test("an array header declaring 2^31 - 1 elements takes memory only for the elements that arrive")
    func hugeMultiBulkCount() {
        let reader = RedisReplyReader()
        let (replies, failure) = drain(reader, "*2147483647\r\n:1\r\n:2\r\n:3\r\n")
        #expect(replies.isEmpty && failure == nil, "waits for the rest: \(replies), \(failure ?? "")")
        // Eager allocation would ask for 16 GiB of element slots here.
        #expect(reader.arenaBytes < 64 << 10, "the arena holds \(reader.arenaBytes) bytes")
    }

    @Test("a 100,000-element array grows its slots as elements arrive and reads back whole")
    func largeArrayReadsWhole() {
        let reader = RedisReplyReader()
        let text = "*100000\r\n" + (0..<100_000).map { ":\($0)\r\n" }.joined()
        let (replies, failure) = drain(reader, text)
        #expect(failure == nil)
        #expect(replies == [.array((0..<100_000).map { .integer(Int64($0)) })])
    }

    @Test("replies past the reply limit fail with a message naming the limit")
    func replyLimit() {
        let bulk = drain(RedisReplyReader(maxReplyBytes: 4096), "$10000\r\n" + String(repeating: "z", count: 10_000) + "\r\n")
        #expect(bulk.failure?.contains("4096-byte reply limit") == true, "\(bulk.failure ?? "no failure")")
        let many = drain(RedisReplyReader(maxReplyBytes: 4096), "*1000\r\n" + String(repeating: ":7\r\n", count: 1000))
        #expect(many.replies.isEmpty && many.failure?.contains("4096-byte reply limit") == true, "\(many.failure ?? "no failure")")
        // The same replies fit the default limit.
        #expect(drain(RedisReplyReader(), "*1000\r\n" + String(repeating: ":7\r\n", count: 1000)).replies.first?.array?.count == 1000)
    }

    @Test("a bulk length of 2^63 - 1 waits for bytes instead of allocating, and fails once they pass the limit")
    func hugeBulkLength() {
        let reader = RedisReplyReader(maxReplyBytes: 1 << 16)
        let first = drain(reader, "$9223372036854775807\r\nabc")
        #expect(first.replies.isEmpty && first.failure == nil)
        #expect(reader.arenaBytes < 4096)
        let more = drain(reader, String(repeating: "a", count: 70_000))
        #expect(more.failure?.contains("reply limit") == true, "\(more.failure ?? "no failure")")
    }

    @Test("nesting past hiredis' depth and malformed lengths are protocol errors")
    func malformed() {
        #expect(drain(RedisReplyReader(), String(repeating: "*1\r\n", count: 9) + ":1\r\n").failure?.contains("nested") == true)
        #expect(drain(RedisReplyReader(), "$-7\r\n").failure != nil)
        #expect(drain(RedisReplyReader(), "*99999999999999999999\r\n").failure != nil)
    }

    @Test("bytes fed one at a time give the same replies as fed at once")
    func byteByByte() {
        let text = "*3\r\n$5\r\nhello\r\n$-1\r\n*2\r\n:1\r\n+OK\r\n-ERR bad\r\n:42\r\n"
        let whole = drain(RedisReplyReader(), text).replies
        let reader = RedisReplyReader()
        var pieces: [RedisReply] = []
        for byte in text.utf8 { pieces += drain(reader, String(decoding: [byte], as: UTF8.self)).replies }
        #expect(whole.count == 3 && pieces == whole)
    }
}
