import Larder
@testable import LarderOnline
import Testing

@Suite("A lookup's answer: views' flat rows and the column-major result over them")
struct OnlineLookupResultTests {
    static let statuses = OnlineFeatureStatus.allCases

    /// Random rows of one view, and the same rows kept apart, as the reference.
    static func randomRows(features: Int, rows: Int, using g: inout SplitMix64) -> (OnlineViewRows, [OnlineFeatureRow]) {
        var flat = OnlineViewRows(featureCount: features, reservingRows: rows)
        var reference: [OnlineFeatureRow] = []
        for _ in 0..<rows {
            let time = Timestamp(microsecondsSinceEpoch: Int64(g.next(upperBound: UInt64(1_000_000_000))))
            switch g.next(upperBound: UInt64(3)) {
            case 0:
                flat.appendRow(allNull: .notFound, eventTime: nil)
                reference.append(OnlineFeatureRow(values: Array(repeating: .null, count: features),
                                                  statuses: Array(repeating: .notFound, count: features), eventTime: nil))
            case 1:
                flat.appendRow(allNull: .outsideMaxAge, eventTime: time)
                reference.append(OnlineFeatureRow(values: Array(repeating: .null, count: features),
                                                  statuses: Array(repeating: .outsideMaxAge, count: features), eventTime: time))
            default:
                flat.beginRow(eventTime: time)
                var row = OnlineFeatureRow(values: [], statuses: [], eventTime: time)
                for _ in 0..<features {
                    let present = g.next(upperBound: UInt64(4)) != 0
                    let value: Value = present ? .int64(Int64(g.next(upperBound: UInt64(1000)))) : .null
                    flat.appendFeature(value, present ? .present : .nullValue)
                    row.values.append(value)
                    row.statuses.append(present ? .present : .nullValue)
                }
                reference.append(row)
            }
        }
        return (flat, reference)
    }

    @Test("flat rows answer each row as the rows kept apart do (property, 200 seeded views)")
    func flatRows() {
        var g = SplitMix64(seed: 17)
        for _ in 0..<200 {
            let features = Int(g.next(upperBound: UInt64(5))) + 1, count = Int(g.next(upperBound: UInt64(6)))
            let (flat, reference) = Self.randomRows(features: features, rows: count, using: &g)
            #expect(flat.rowCount == count)
            #expect(flat.rows == reference)
            for (r, row) in reference.enumerated() {
                for f in 0..<features {
                    #expect(flat.value(row: r, feature: f) == row.values[f])
                    #expect(flat.status(row: r, feature: f) == row.statuses[f])
                }
            }
        }
    }

    @Test("columns, per-value accessors and status counts agree with a column-by-column reference (property)")
    func columns() {
        var g = SplitMix64(seed: 23)
        for _ in 0..<200 {
            let rowCount = Int(g.next(upperBound: UInt64(4))) + 1
            var keys: [[Value]] = []
            for _ in 0..<Int(g.next(upperBound: UInt64(3))) {
                var column: [Value] = []
                for _ in 0..<rowCount { column.append(.int64(Int64(g.next(upperBound: UInt64(99))))) }
                keys.append(column)
            }
            var views: [OnlineViewRows] = [], reference: [[OnlineFeatureRow]] = []
            for _ in 0..<Int(g.next(upperBound: UInt64(3))) + 1 {
                let (flat, rows) = Self.randomRows(features: Int(g.next(upperBound: UInt64(4))) + 1, rows: rowCount, using: &g)
                views.append(flat)
                reference.append(rows)
            }
            // Any feature of any view, in any order, repeats allowed (a feature asked for twice).
            var sources: [(view: Int, feature: Int)] = []
            for _ in 0..<Int(g.next(upperBound: UInt64(6))) + 1 {
                let v = Int(g.next(upperBound: UInt64(views.count)))
                sources.append((v, Int(g.next(upperBound: UInt64(views[v].featureCount)))))
            }
            let names = (0..<keys.count + sources.count).map { "c\($0)" }
            let result = OnlineLookup.Result(featureNames: names, rowCount: rowCount, keyColumns: keys.map { (name: "k", values: $0) },
                                             views: views, sources: sources)

            var expected = keys.map { OnlineLookup.Result.Column(values: $0, statuses: Array(repeating: .present, count: rowCount),
                                                                  eventTimes: Array(repeating: nil, count: rowCount)) }
            var counts = [Int](repeating: 0, count: Self.statuses.count)
            for (v, f) in sources {
                let rows = reference[v]
                expected.append(OnlineLookup.Result.Column(values: rows.map { $0.values[f] }, statuses: rows.map { $0.statuses[f] },
                                                           eventTimes: rows.map { $0.eventTime }))
                for row in rows { counts[Self.statuses.firstIndex(of: row.statuses[f])!] += 1 }
            }
            #expect(result.columnCount == expected.count)
            #expect(result.joinKeyCount == keys.count)
            #expect(result.columns == expected)
            var added = [Int](repeating: 0, count: Self.statuses.count)
            result.addStatusCounts(to: &added)
            #expect(added == counts)
            for (c, column) in expected.enumerated() {
                for r in 0..<rowCount {
                    #expect(result.value(column: c, row: r) == column.values[r])
                    #expect(result.status(column: c, row: r) == column.statuses[r])
                    #expect(result.eventTime(column: c, row: r) == column.eventTimes[r])
                }
            }
        }
    }

    @Test("a status' index is its position among all statuses")
    func statusIndex() {
        for (i, status) in OnlineFeatureStatus.allCases.enumerated() { #expect(status.index == i) }
    }
}
