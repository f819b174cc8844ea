import Foundation
import Larder
@testable import LarderOnline
@testable import LarderServer
import Testing

@Suite("JSON writer (the lookup response's text)")
struct JSONTextTests {
    @Test("integers print as Swift prints them (property, 10k seeded values and both ends)")
    func decimals() {
        var g = SplitMix64(seed: 31)
        let values: [Int64] = [0, -1, 1, 9, 10, -10, .max, .min] + (0..<10_000).map { i in
            Int64(bitPattern: g.next()) >> (i % 64)  // every magnitude, both signs
        }
        for value in values {
            var json = JSONText()
            json.decimal(value)
            #expect(String(decoding: json.bytes, as: UTF8.self) == String(value))
        }
    }

    @Test("strings read back as written: quotes, backslashes, control characters, any Unicode (property)")
    func strings() throws {
        var g = SplitMix64(seed: 37)
        let alphabet: [Character] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1f}", "\u{7f}", "é", "中", "😀"]
        for _ in 0..<2_000 {
            let text = String((0..<Int(g.next(upperBound: UInt64(12)))).map { _ in alphabet[Int(g.next(upperBound: UInt64(alphabet.count)))] })
            var json = JSONText()
            json.string(text)
            let read = try JSONSerialization.jsonObject(with: Data(json.bytes), options: .fragmentsAllowed) as? String
            #expect(read == text)
        }
    }

    @Test("statuses are written as their quoted names")
    func statuses() {
        for status in OnlineFeatureStatus.allCases {
            #expect("\(OnlineFeaturesResponse.quoted(status))" == "\"\(status.rawValue)\"")
        }
    }

    @Test("an answer is written column by column: join keys PRESENT at the epoch, features with their rows' times")
    func response() {
        var rows = OnlineViewRows(featureCount: 2, reservingRows: 2)
        rows.beginRow(eventTime: Timestamp(microsecondsSinceEpoch: 1_767_225_600_000_000))
        rows.appendFeature(.float32(0.5), .present)
        rows.appendFeature(.null, .nullValue)
        rows.appendRow(allNull: .notFound, eventTime: nil)
        let result = OnlineLookup.Result(featureNames: ["driver_id", "acc_rate", "conv_rate"], rowCount: 2,
                                         keyColumns: [(name: "driver_id", values: [.int64(1001), .int64(-7)])], views: [rows], sources: [(0, 1), (0, 0)])
        let text = String(decoding: OnlineFeaturesResponse.json(result), as: UTF8.self)
        #expect(text == #"{"metadata":{"feature_names":["driver_id","acc_rate","conv_rate"]},"results":["#
            + #"{"values":[1001,-7],"statuses":["PRESENT","PRESENT"],"event_timestamps":["1970-01-01T00:00:00Z","1970-01-01T00:00:00Z"]},"#
            + #"{"values":[null,null],"statuses":["NULL_VALUE","NOT_FOUND"],"event_timestamps":["2026-01-01T00:00:00Z","1970-01-01T00:00:00Z"]},"#
            + #"{"values":[0.5,null],"statuses":["PRESENT","NOT_FOUND"],"event_timestamps":["2026-01-01T00:00:00Z","1970-01-01T00:00:00Z"]}]}"#)
    }
}
