import Larder
@testable import LarderOnline
import Testing

@Suite("Encodings (no server)")
struct EncodingTests {
    @Test func pipelineEncodesRESPExactly() {
        var pipeline = RedisPipeline()
        pipeline.append("SET", "k", "")
        pipeline.beginCommand(argumentCount: 3)
        pipeline.appendArgument("INCRBY")
        pipeline.appendArgument([0x6B, 0x0D, 0x0A])
        pipeline.appendArgument(decimal: -9_223_372_036_854_775_808)
        let expected = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n" + "*3\r\n$6\r\nINCRBY\r\n$3\r\nk\r\n\r\n$20\r\n-9223372036854775808\r\n"
        #expect(pipeline.buffer == Array(expected.utf8))
        #expect(pipeline.count == 2)
        #expect(pipeline.commandName(at: 1) == "INCRBY")
        #expect(!pipeline.isReadOnly)
        var reads = RedisPipeline()
        reads.append("hmget", "k", "f")
        reads.append("PING")
        #expect(reads.isReadOnly)
    }

    @Test func encodedArgumentsMatchArgumentByArgument() {
        let names = ["_v", "a", String(repeating: "x", count: 150)].map { Array($0.utf8) }
        var direct = RedisPipeline()
        direct.beginCommand(argumentCount: 1 + names.count)
        direct.appendArgument("HMGET")
        for name in names { direct.appendArgument(name) }
        var viaFragment = RedisPipeline()
        viaFragment.beginCommand(argumentCount: 1 + names.count)
        viaFragment.appendArgument("HMGET")
        viaFragment.appendArguments(RedisPipeline.EncodedArguments(names))
        #expect(direct.buffer == viaFragment.buffer)
    }

    @Test func decimalsOfEveryMagnitude() {
        var g = SplitMix64(seed: 3)
        var values: [Int64] = [0, 9, 10, 99, 100, -1, -10, .max, .min]
        for _ in 0..<2000 { values.append(Int64(bitPattern: g.next()) >> Int64.random(in: 0...63, using: &g)) }
        for value in values {
            var pipeline = RedisPipeline()
            pipeline.beginCommand(argumentCount: 1)
            pipeline.appendArgument(decimal: value)
            let text = String(value)
            #expect(pipeline.buffer == Array("*1\r\n$\(text.utf8.count)\r\n\(text)\r\n".utf8))
        }
    }

    @Test func versionBytesOrderLikeEventThenCreated() {
        // Property: comparing the 16 version bytes left to right (as the Lua script does) orders
        // rows exactly like (event time, created time).
        var g = SplitMix64(seed: 11)
        func randomTime() -> Int64 {
            switch Int.random(in: 0..<4, using: &g) {
            case 0: [Int64.min, Int64.max, 0, -1, 1].randomElement(using: &g)!
            case 1: Int64.random(in: -5...5, using: &g)
            default: Int64(bitPattern: g.next())
            }
        }
        func version(_ event: Int64, _ created: Int64) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: 16)
            bytes.withUnsafeMutableBytes { OnlineKeyLayout.writeVersion(event: event, created: created, into: $0) }
            return bytes
        }
        for _ in 0..<20_000 {
            let (e1, c1, e2) = (randomTime(), randomTime(), randomTime())
            let c2 = Bool.random(using: &g) ? c1 : randomTime()
            let event2 = Bool.random(using: &g) ? e1 : e2
            let a = version(e1, c1)
            let b = version(event2, c2)
            let byBytes = a.lexicographicallyPrecedes(b)
            let byTimes = (e1, c1) < (event2, c2)
            #expect(byBytes == byTimes, "(\(e1), \(c1)) vs (\(event2), \(c2))")
            let event = a.withUnsafeBytes { OnlineKeyLayout.eventTime(fromVersion: $0) }
            #expect(event == Timestamp(microsecondsSinceEpoch: e1))
        }
    }

    @Test func valueCodecRoundTripsAndRejectsWrongLengths() {
        var g = SplitMix64(seed: 5)
        for _ in 0..<2000 {
            let columns: [OnlineColumn] = [
                .bool([Bool.random(using: &g)]), .int32([Int32.random(in: .min ... .max, using: &g)]),
                .int64([Int64(bitPattern: g.next())]), .float32([Float(bitPattern: UInt32.random(in: 0 ... .max, using: &g))]),
                .float64([Double(bitPattern: g.next())]), .string([String(g.next(), radix: 36) + "é"]),
                .bytes([(0..<Int.random(in: 0..<9, using: &g)).map { _ in UInt8.random(in: 0 ... 255, using: &g) }]),
                .timestamp([Timestamp(microsecondsSinceEpoch: Int64(bitPattern: g.next()))]),
            ]
            for column in columns {
                var pipeline = RedisPipeline()
                pipeline.beginCommand(argumentCount: 1)
                OnlineValueCodec.appendValue(column, row: 0, to: &pipeline)
                // The argument's bytes are between the "$<len>\r\n" header and the final CRLF.
                let buffer = pipeline.buffer
                let headerEnd = buffer.indices.filter { buffer[$0] == 10 }[1] + 1
                let payload = Array(buffer[headerEnd..<(buffer.count - 2)])
                let decoded = payload.withUnsafeBytes { OnlineValueCodec.decode($0, as: column.type) }
                #expect(decoded.map { bitwiseEqual($0, column[0]) } == true, "\(column.type): \(column[0])")
            }
        }
        let seven: [UInt8] = [1, 2, 3, 4, 5, 6, 7]
        for type in [ValueType.bool, .int32, .int64, .float32, .float64, .timestamp] {
            #expect(seven.withUnsafeBytes { OnlineValueCodec.decode($0, as: type) } == nil)
        }
    }

    @Test func entityKeySpellingIsUnambiguous() throws {
        let layout = OnlineViewLayout(project: "p", view: "v", joinKeys: ["a", "b"], features: [], ttl: nil, keyExpiry: false)
        func key(_ values: [Value]) throws -> String {
            String(decoding: try OnlineKeyLayout.key(prefix: "larder", layout: layout, entityKey: values), as: UTF8.self)
        }
        #expect(try key([.int64(1001), .string("a|b")]) == "larder:p:v:i1001|s3:a|b")
        #expect(try key([.int32(7), .bool(true)]) == key([.int64(7), .bool(true)]))
        #expect(try key([.string("x|s1:y"), .string("")]) != key([.string("x"), .string("y|s0:")]))
        #expect(try key([.float64(-0.0), .timestamp(Timestamp(microsecondsSinceEpoch: -5))]) == "larder:p:v:d0000000000000000|T-5")
        #expect(try key([.bytes([0, 255]), .float32(1)]) == "larder:p:v:b2:\u{0}\u{FFFD}|d3ff0000000000000")
        #expect(throws: OnlineStoreError.self) { try key([.null, .int64(1)]) }
        // The column path spells keys exactly like the value path.
        var fromColumn: [UInt8] = []
        OnlineKeyLayout.appendEntityValue(.string(["héllo"]), row: 0, to: &fromColumn)
        var fromValue: [UInt8] = []
        OnlineKeyLayout.appendEntityValue(.string("héllo"), to: &fromValue)
        #expect(fromColumn == fromValue)
    }
}
