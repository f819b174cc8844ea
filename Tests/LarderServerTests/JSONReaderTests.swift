import Foundation
import Larder
@testable import LarderServer
import Testing

@Suite("JSON reader (the lookup body's parser)")
struct JSONReaderTests {
    /// Reads any document into Foundation-shaped values, to compare with `JSONSerialization`.
    static func read(_ reader: inout JSONReader) throws(JSONReader.Failure) -> Any {
        switch try reader.peek() {
        case .object:
            var object: [String: Any] = [:]
            try reader.readObject { reader, key throws(JSONReader.Failure) in object[key] = try read(&reader) }
            return object
        case .array:
            var array: [Any] = []
            try reader.readArray { reader, _ throws(JSONReader.Failure) in array.append(try read(&reader)) }
            return array
        case .string: return try reader.readString()
        case .number: return try reader.readInt64().map { NSNumber(value: $0) } ?? "non-integer"
        case .bool: return try reader.readBool()
        case .null:
            try reader.readNull()
            return NSNull()
        }
    }

    @Test("strings with every escape, and surrogate pairs, decode as Foundation decodes them")
    func escapes() throws {
        let text = #"["plain", "q\"b\\s\/ \b\f\n\r\t", "\u00e9\u4e2d\ud83d\ude00", "raw é 中 😀", ""]"#
        var reader = JSONReader(Array(text.utf8))
        let ours = try Self.read(&reader) as? [String]
        try reader.finish()
        let foundation = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String]
        #expect(ours == foundation)
        #expect(ours?[2] == "é中😀")
    }

    @Test("any string written by the response writer reads back unchanged (property, 2,000 seeded strings)")
    func stringRoundTrip() throws {
        var state: UInt64 = 0x5eed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        // Control characters, quotes, backslashes, ASCII, 2-, 3- and 4-byte scalars.
        let pool: [Unicode.Scalar] = (0..<32).map { Unicode.Scalar(UInt8($0)) } + ["\"", "\\", "/", "a", "Z", "0", " ", "é", "ß", "中", "😀", "\u{10FFFF}"]
        for _ in 0..<2_000 {
            var original = String.UnicodeScalarView()
            for _ in 0..<Int(next() % 24) { original.append(pool[Int(next() % UInt64(pool.count))]) }
            let string = String(original)
            var json = JSONText()
            json.string(string)
            var reader = JSONReader(json.bytes)
            let back = try reader.readString()
            try reader.finish()
            #expect(back == string)
        }
    }

    @Test("integers read exactly at the Int64 bounds; fractions, exponents and overflow are not integers")
    func integers() throws {
        let cases: [(String, Int64?)] = [
            ("0", 0), ("-7", -7), ("9223372036854775807", .max), ("-9223372036854775808", .min),
            ("9223372036854775808", nil), ("1001.5", nil), ("1e3", nil), ("1001.0", nil), ("-0.25E-2", nil),
        ]
        for (text, expected) in cases {
            var reader = JSONReader(Array(text.utf8))
            #expect(try reader.readInt64() == expected, "\(text)")
            try reader.finish()
        }
    }

    @Test("malformed text is a syntax error with its line and column", arguments: [
        ("{\"a\": [1,}", "line 1, column 10"),
        ("{\n  \"a\": tru\n}", "line 2, column 8"),
        ("[01]", "line 1, column 4"),
        ("\"open", "line 1, column 6"),
        ("{\"a\" 1}", "line 1, column 6"),
        ("[1] [2]", "line 1, column 5"),
        ("", "line 1, column 1"),
    ])
    func syntaxErrors(_ text: String, _ position: String) {
        var reader = JSONReader(Array(text.utf8))
        #expect {
            _ = try Self.read(&reader)
            try reader.finish()
        } throws: { error in
            guard let failure = error as? JSONReader.Failure else { return false }
            return failure.kind == .syntax && failure.message.hasSuffix(position)
        }
    }

    @Test("nesting deeper than the limit is refused instead of recursing without bound")
    func depthLimit() throws {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        var reader = JSONReader(Array(deep.utf8))
        #expect(throws: JSONReader.Failure.self) { try reader.skipValue() }
        let allowed = String(repeating: "[", count: JSONReader.maximumDepth) + String(repeating: "]", count: JSONReader.maximumDepth)
        var fine = JSONReader(Array(allowed.utf8))
        try fine.skipValue()
        try fine.finish()
    }

    @Test("a lookup body keeps the join keys in request order, ignores unknown members and reads Feast's fields")
    func lookupBody() throws {
        let body = #"""
            {"feature_service": "rides", "project": "ignored", "entities": {"driver_id": [1001, "x", null], "customer_id": [5, 6, 7]},
             "full_feature_names": true, "extra": {"nested": [1, {"a": null}]}}
            """#
        let request = try OnlineFeaturesRequest.decode(Array(body.utf8))
        #expect(request.featureService == "rides")
        #expect(request.features == nil)
        #expect(request.fullFeatureNames)
        #expect(request.entities.map(\.name) == ["driver_id", "customer_id"])
        #expect(request.entities[0].values == [.int64(1001), .string("x"), .null])
        #expect(request.entities[1].values == [.int64(5), .int64(6), .int64(7)])
    }

    @Test("wrong shapes name the field and what was found", arguments: [
        (#"{"features": "a:b", "entities": {}}"#, "features: expected a list of strings, found a string"),
        (#"{"features": ["a:b", 3], "entities": {}}"#, "features[1]: expected a string, found a number"),
        (#"{"entities": {"driver_id": {"a": 1}}}"#, "entities.driver_id: expected a list of values, found an object"),
        (#"{"entities": null}"#, #"entities: expected an object {"join_key": [values...]}, found null"#),
        (#"{"entities": {}, "full_feature_names": 1}"#, "full_feature_names: expected true or false, found a number"),
    ])
    func shapeErrors(_ body: String, _ message: String) {
        #expect {
            _ = try OnlineFeaturesRequest.decode(Array(body.utf8))
        } throws: { error in
            guard let error = error as? APIError else { return false }
            return error.code == "INVALID_REQUEST" && error.message == message
        }
    }
    // The 5,000-mutation property test of lookup bodies is LarderFuzzingTests' `lookupBodies` (JSONBodyFuzzer).
}

@Suite("Feature lists repeated on a connection")
struct RepeatedFeatureListTests {
    static func body(_ features: String, driver: Int = 1001) -> [UInt8] {
        Array(#"{"features": \#(features), "entities": {"driver_id": [\#(driver)]}}"#.utf8)
    }

    @Test("a repeated list is taken from the previous request; any other text is decoded afresh (property)")
    func reuse() throws {
        var g = SplitMix64(seed: 41)
        let names = ["driver_stats:conv_rate", "driver_stats:acc_rate", "customer_stats:current_balance", "a:b", "a:b\\u0063"]
        var previous: OnlineFeaturesRequest.FeatureList?
        var reused = 0
        for _ in 0..<500 {
            // Few distinct lists, so repeats happen, with spacing variants that must not be confused.
            let count = Int(g.next(upperBound: UInt64(3))) + 1
            let list = (0..<count).map { _ in "\"\(names[Int(g.next(upperBound: UInt64(names.count)))])\"" }
            let repeated = previous.map { String(decoding: $0.text, as: UTF8.self) }
            let text = g.next(upperBound: UInt64(2)) == 0 && repeated != nil
                ? repeated! : "[" + list.joined(separator: g.next(upperBound: UInt64(2)) == 0 ? "," : ", ") + "]"
            let driver = Int(g.next(upperBound: UInt64(100)))
            let fresh = try OnlineFeaturesRequest.decode(Self.body(text, driver: driver))
            let request = try OnlineFeaturesRequest.decode(Self.body(text, driver: driver), previousFeatures: previous)
            if let previous, previous.text == Array(text.utf8) {
                reused += 1
                #expect(request.featureList?.value == previous.value)
            }
            #expect(request.features == fresh.features)
            #expect(request.featureList?.text == Array(text.utf8))
            #expect(request.entities.map(\.name) == ["driver_id"])
            #expect(request.entities.first?.values == [.int64(Int64(driver))])
            previous = request.featureList
        }
        #expect(reused > 150)
    }

    @Test("a list that only starts like the previous one, or a syntax error after it, is not taken for it")
    func prefixes() throws {
        let first = try OnlineFeaturesRequest.decode(Self.body(#"["v:a"]"#))
        let longer = try OnlineFeaturesRequest.decode(Self.body(#"["v:a", "v:b"]"#), previousFeatures: first.featureList)
        #expect(longer.features == ["v:a", "v:b"])
        let string = try? OnlineFeaturesRequest.decode(Self.body(#"["v:a"]"#).dropLast(2) + Array("]".utf8), previousFeatures: first.featureList)
        #expect(string == nil)
        #expect(throws: APIError.self) { try OnlineFeaturesRequest.decode(Array(#"{"features": ["v:a"] "entities": {}}"#.utf8), previousFeatures: first.featureList) }
    }
}
