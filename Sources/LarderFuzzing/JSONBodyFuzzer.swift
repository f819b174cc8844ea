import Larder
import LarderServer

/// Mutates a lookup body (`POST /get-online-features`) and decodes it: every case must be a request or a
/// 400 with the code `MALFORMED_JSON` or `INVALID_REQUEST`. Besides byte-level edits from a JSON
/// alphabet, mutations splice in hostile blocks — deep nesting, numbers of hundreds of digits, long
/// escaped strings, long lists — which must cost no more than their text. A request that decodes keeps
/// no more values than its text holds, and a body left unchanged decodes to the original request.
///
/// ```swift
/// let report = JSONBodyFuzzer(seed: 0xF022).run(cases: 5_000)
/// ```
package struct JSONBodyFuzzer: Sendable {
    let seed: UInt64
    static let valid = Array(#"{"features": ["driver_stats:conv_rate", "a:\u00e9"], "entities": {"driver_id": [1001, -2, "x\n", null]}, "full_feature_names": false}"#.utf8)
    static let alphabet = Array(#"{}[]:,"\/ -+.0123456789eEtrufalsn\u"#.utf8) + [0, 0x1F, 0x7F, 0xC3, 0xA9, 0xFF]
    static let hostileBlocks: [[UInt8]] = [
        Array(String(repeating: "[", count: 200).utf8),
        Array(String(repeating: "{\"a\":", count: 100).utf8),
        Array(String(repeating: "9", count: 500).utf8),
        Array(("-" + String(repeating: "0", count: 300) + "1").utf8),
        Array(("1" + String(repeating: "0", count: 30) + "e99999").utf8),
        Array(("\"" + String(repeating: "\\u00e9\\ud83d\\ude00", count: 100) + "\"").utf8),
        Array(String(repeating: "1,", count: 2_000).utf8),
        Array(String(repeating: "null,", count: 500).utf8),
    ]

    package init(seed: UInt64) { self.seed = seed }

    package func run(cases: Int, first: Int = 0) -> FuzzReport {
        var report = FuzzReport(name: "json-lookup-body")
        let expected = try? OnlineFeaturesRequest.decode(Self.valid)
        for k in first..<(first + cases) {
            var mutator = ByteMutator(seed: seed &+ UInt64(k) &* 0x9E37_79B9)
            var body = Self.valid
            for _ in 0..<(1 + mutator.below(4)) {
                let at = mutator.below(body.count + 1)
                switch mutator.below(5) {
                case 0 where at < body.count: body[at] = Self.alphabet[mutator.below(Self.alphabet.count)]
                case 1: body.insert(Self.alphabet[mutator.below(Self.alphabet.count)], at: at)
                case 2 where at < body.count: body.remove(at: at)
                case 3: body.insert(contentsOf: Self.hostileBlocks[mutator.below(Self.hostileBlocks.count)], at: at)
                default: body = Array(body.prefix(at))
                }
            }
            do {
                let request = try OnlineFeaturesRequest.decode(body)
                report.record("read")
                // Every value takes at least one byte of text: more would mean the reader invented them.
                let values = request.entities.reduce(0) { $0 + $1.values.count }
                if values > body.count { report.violation("\(values) values from a \(body.count)-byte body") }
                if body == Self.valid, let expected,
                   request.features != expected.features || request.entities.map(\.values) != expected.entities.map(\.values) {
                    report.violation("the unchanged body decoded differently")
                }
            } catch {
                report.record("error:\(error.code)")
                if error.code != "MALFORMED_JSON" && error.code != "INVALID_REQUEST" { report.violation("answered \(error)") }
            }
        }
        return report
    }
}
