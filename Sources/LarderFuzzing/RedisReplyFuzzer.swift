import Larder
import LarderOnline

/// Mutates RESP reply streams (what Redis sends back) and feeds them to ``RedisReplyReader``: every case
/// must end in replies or a clean failure, the same whether the bytes arrive at once or in random pieces,
/// with every reply walkable (no missing array element) and its strings no longer than the stream. Counts
/// and lengths are often replaced by extreme decimals (`*2147483647`, `$9223372036854775807`), which must
/// not make the reader allocate what they declare.
///
/// ```swift
/// let report = RedisReplyFuzzer(seed: 42).run(cases: 1_500)
/// ```
package struct RedisReplyFuzzer: Sendable {
    let seed: UInt64
    /// Small, so hostile counts hit the limit quickly.
    static let maxReplyBytes = 1 << 20
    static let extremes = ["0", "-1", "-2", "1", "64", "65", "2147483647", "2147483648", "9223372036854775807",
                           "99999999999999999999", "18446744073709551615", "-9223372036854775808", "", "1x"]
    let streams: [[UInt8]]

    package init(seed: UInt64) {
        self.seed = seed
        let many = (0..<150).map { $0 % 3 == 0 ? "$-1\r\n" : "$\(String($0).utf8.count)\r\n\($0)\r\n" }.joined()
        let texts = [
            "+OK\r\n-ERR wrong type\r\n:42\r\n:-7\r\n",
            "*3\r\n$5\r\nhello\r\n$-1\r\n$0\r\n\r\n",
            "*2\r\n*2\r\n:1\r\n*1\r\n+x\r\n*-1\r\n*0\r\n",
            "*150\r\n" + many,
            "*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:7\r\n",
            "$11\r\nhello\r\nworld\r\n+PONG\r\n",
        ]
        streams = texts.map { Array($0.utf8) }
    }

    /// The replies a whole stream gives, fed in the pieces `cuts` marks, or the failure message; and the
    /// most arena bytes one reply took.
    static func replies(_ bytes: [UInt8], cuts: [Int]) -> (replies: [RedisReply], failure: String?, arenaBytes: Int) {
        let reader = RedisReplyReader(maxReplyBytes: maxReplyBytes)
        var replies: [RedisReply] = []
        var start = 0
        var peak = 0
        for end in cuts + [bytes.count] where end >= start {
            if let problem = bytes[start..<end].withUnsafeBytes({ reader.feed($0) }) { return (replies, problem, max(peak, reader.arenaBytes)) }
            start = end
            drain: while true {
                switch reader.next() {
                case .reply(let raw):
                    replies.append(RedisReplyRef(raw).reply)
                    peak = max(peak, reader.arenaBytes)
                    // Safe right after a complete reply: the reader holds no part of the next one yet.
                    reader.releaseReplies()
                case .needMore: break drain
                case .failed(let problem): return (replies, problem, max(peak, reader.arenaBytes))
                }
            }
        }
        return (replies, nil, max(peak, reader.arenaBytes))
    }

    package func run(cases: Int, first: Int = 0) -> FuzzReport {
        var report = FuzzReport(name: "redis-replies")
        for k in first..<(first + cases) {
            var mutator = ByteMutator(seed: seed &+ UInt64(k) &* 0x9E37_79B9)
            var bytes = streams[mutator.below(streams.count)]
            if mutator.below(3) == 0 {
                replaceNumber(&bytes, &mutator)
            } else {
                mutator.mutate(&bytes)
            }
            let whole = Self.replies(bytes, cuts: [])
            let cuts = (0..<(1 + mutator.below(6))).map { _ in mutator.below(bytes.count + 1) }.sorted()
            let pieces = Self.replies(bytes, cuts: cuts)
            report.record(whole.failure == nil ? (whole.replies.isEmpty ? "read:incomplete" : "read") : "error:\(Self.category(whole.failure!))")
            if whole.replies != pieces.replies || (whole.failure == nil) != (pieces.failure == nil) {
                report.violation("fed whole: \(whole.replies.count) replies, \(whole.failure ?? "ok"); in pieces \(cuts): \(pieces.replies.count), \(pieces.failure ?? "ok")")
            }
            let stringBytes = whole.replies.reduce(0) { $0 + Self.stringBytes($1) }
            if stringBytes > bytes.count { report.violation("replies hold \(stringBytes) string bytes from a \(bytes.count)-byte stream") }
            // The arena may take far more than the stream only through its per-object overhead.
            if whole.arenaBytes > 64 * bytes.count + 65_536 {
                report.violation("the arena took \(whole.arenaBytes) bytes for a \(bytes.count)-byte stream")
            }
        }
        return report
    }

    /// Replaces the number after a random `*` or `$` with an extreme one.
    private func replaceNumber(_ bytes: inout [UInt8], _ mutator: inout ByteMutator) {
        let marks = bytes.indices.filter { bytes[$0] == UInt8(ascii: "*") || bytes[$0] == UInt8(ascii: "$") }
        guard !marks.isEmpty else { return }
        let at = marks[mutator.below(marks.count)] + 1
        var end = at
        while end < bytes.count, bytes[end] != UInt8(ascii: "\r") { end += 1 }
        bytes.replaceSubrange(at..<end, with: Array(Self.extremes[mutator.below(Self.extremes.count)].utf8))
    }

    static func stringBytes(_ reply: RedisReply) -> Int {
        switch reply {
        case .bytes(let b): b.count
        // Invalid UTF-8 is repaired with U+FFFD (three bytes): count scalars, one per byte at most.
        case .status(let s), .error(let s): s.unicodeScalars.count
        case .array(let a): a.reduce(0) { $0 + stringBytes($1) }
        default: 0
        }
    }

    static func category(_ failure: String) -> String {
        if failure.contains("reply limit") { return "limit" }
        if failure.contains("nested") { return "depth" }
        return "protocol"
    }
}
