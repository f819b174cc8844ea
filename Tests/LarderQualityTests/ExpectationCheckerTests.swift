import Larder
import LarderColumnar
import LarderQuality
import Testing

/// A batch of a driver view's stored rows: driver_id, event_timestamp, created, then the given columns.
func driverRows(drivers: [Int64], times: [Int64], _ columns: KeyValuePairs<String, Column>) throws -> ColumnBatch {
    var named: [(String, Column)] = [("driver_id", Column(int64: drivers)), ("event_timestamp", Column(timestampMicros: times)),
                                     ("created", Column(timestampMicros: times))]
    named += columns.map { ($0.key, $0.value) }
    return try ColumnBatch(schema: Schema(named.map { SchemaField(name: $0.0, type: $0.1.type) }), columns: named.map(\.1))
}

let hour: Int64 = 3_600_000_000
let t0: Int64 = 1_767_225_600_000_000

func check(_ expectation: QualityExpectation, _ rows: ColumnBatch, asOf: Int64 = t0 + 10 * hour) -> ExpectationResult {
    ExpectationChecker(view: "driver_stats", joinKeys: ["driver_id"], expectations: [expectation])
        .check(rows, asOf: Timestamp(microsecondsSinceEpoch: asOf)).results[0]
}

@Suite("Expectation checker: one kind at a time")
struct ExpectationCheckerTests {
    let times = (0..<5).map { t0 + Int64($0) * hour }

    @Test("notNull counts nulls and NaN, and quotes the failing rows with their keys")
    func notNull() throws {
        let rows = try driverRows(drivers: [1, 2, 3, 4, 5], times: times, [
            "rate": Column(float32: [0.5, 0, .nan, 1, 0], validity: Bitmap([true, false, true, true, false])),
            "trips": Column(int32: [1, 2, 3, 4, 5], validity: Bitmap([true, true, false, true, true])),
            "name": Column(strings: ["a", "b", "c", "d", "e"]),
        ])
        let rate = check(.notNull("rate"), rows)
        #expect(!rate.passed)
        #expect(rate.failingRows == 3)
        #expect(rate.rowsChecked == 5)
        #expect(rate.examples.count == 3)
        #expect(rate.examples[0] == "driver_id=2 event_timestamp=2026-01-01T01:00:00.000000Z rate=null")
        #expect(rate.examples[1].hasSuffix("rate=nan"))
        #expect(check(.notNull("trips"), rows).failingRows == 1)
        let name = check(.notNull("name"), rows)
        #expect(name.passed && name.failingRows == 0 && name.examples.isEmpty)
        #expect(rate.expectation == "not_null(rate)")
    }

    @Test("between is inclusive, skips nulls, fails NaN, and at most 5 examples are kept")
    func between() throws {
        let values: [Double] = [0, 1, 1.0000001, -0.0001, .nan, 0.5, 2, 3, 4, 5]
        let rows = try driverRows(drivers: Array(1...10), times: Array(repeating: t0, count: 10), [
            "x": Column(float64: values, validity: Bitmap((0..<10).map { $0 != 9 })),
            "n": Column(int64: Array(-2...7)),
        ])
        let x = check(.between("x", 0, 1), rows)
        #expect(x.failingRows == 6, "1.0000001, -0.0001, NaN, 2, 3, 4 (5 is null)")
        #expect(x.examples.count == 5)
        #expect(x.expectation == "between(x, 0, 1)")
        let all = check(.between("x", 0, 1), try driverRows(drivers: [1, 2], times: [t0, t0], ["x": Column(float64: [0, 1])]))
        #expect(all.passed, "both bounds are inclusive")
        #expect(check(.atLeast("n", 0), rows).failingRows == 2)
        #expect(check(.atMost("n", 0), rows).failingRows == 7)
        #expect(check(.atLeast("n", 0), rows).expectation == "between(n, 0, inf)")
        let f32 = try driverRows(drivers: [1, 2], times: [t0, t0], ["r": Column(float32: [1, Float(1).nextUp])])
        #expect(check(.between("r", 0, 1), f32).failingRows == 1)
        let i32 = try driverRows(drivers: [1, 2, 3], times: [t0, t0, t0], ["r": Column(int32: [-1, 0, 10])])
        #expect(check(.between("r", 0, 10), i32).failingRows == 1)
    }

    @Test("inSet passes nulls and empty strings only when listed, for strings and integers")
    func inSet() throws {
        let rows = try driverRows(drivers: [1, 2, 3, 4, 5], times: times, [
            "payment": Column(strings: ["card", nil, "cash", "crypto", ""]),
            "rating": Column(int32: [1, 5, 6, 0, 3], validity: Bitmap([true, true, true, false, true])),
        ])
        let payment = check(.inSet("payment", ["card", "cash", "wallet"]), rows)
        #expect(payment.failingRows == 2, "crypto and the empty string; the null is skipped")
        #expect(payment.examples == ["driver_id=4 event_timestamp=2026-01-01T03:00:00.000000Z payment=\"crypto\"",
                                     "driver_id=5 event_timestamp=2026-01-01T04:00:00.000000Z payment=\"\""])
        #expect(check(.inSet("payment", ["card", "cash", "crypto", ""]), rows).passed)
        let rating = check(.inSet("rating", [1, 2, 3, 4, 5]), rows)
        #expect(rating.failingRows == 1)
        #expect(rating.examples == ["driver_id=3 event_timestamp=2026-01-01T02:00:00.000000Z rating=6"])
        #expect(rating.expectation == "in_set(rating, [1, 2, 3, 4, 5])")
    }

    @Test("uniquePerEntityAndTime counts every row of a tie, not the created time, with examples per group")
    func unique() throws {
        // (1, t0) three times, (2, t0) twice, (1, t0+1h) and (3, t0) once.
        let rows = try driverRows(drivers: [1, 2, 1, 3, 1, 2, 1], times: [t0, t0, t0, t0, t0 + hour, t0, t0], [:])
        let result = check(.uniquePerEntityAndTime, rows)
        #expect(!result.passed)
        #expect(result.failingRows == 5)
        #expect(result.observed == "2 (entity, event time) pairs with more than one row")
        #expect(result.examples == ["driver_id=1 event_timestamp=2026-01-01T00:00:00.000000Z (3 rows)",
                                    "driver_id=2 event_timestamp=2026-01-01T00:00:00.000000Z (2 rows)"])
        #expect(check(.uniquePerEntityAndTime, try driverRows(drivers: [1, 1, 2], times: [t0, t0 + 1, t0], [:])).passed)
        #expect(check(.uniquePerEntityAndTime, try driverRows(drivers: [], times: [], [:])).passed)
    }

    @Test("mean and sample stddev skip nulls and NaN; bounds are inclusive; no values passes")
    func moments() throws {
        let rows = try driverRows(drivers: [1, 2, 3, 4, 5], times: times, [
            "x": Column(float64: [2, 4, .nan, 4, 100], validity: Bitmap([true, true, true, true, false])),
            "none": Column.nulls(type: .float32, count: 5),
        ])
        let mean = check(.mean("x", between: 3, 10.0 / 3), rows)
        #expect(mean.passed, "mean of 2, 4, 4 is 10/3")
        #expect(mean.observed == "mean 3.33333 over 3 values")
        #expect(!check(.mean("x", between: 0, 3.3), rows).passed)
        // Sample stddev of 2, 4, 4: sqrt(((4/3)^2 + 2 (2/3)^2) / 2) = sqrt(4/3).
        let sd = (4.0 / 3).squareRoot()
        #expect(check(.stddev("x", between: sd - 1e-12, sd + 1e-12), rows).passed)
        #expect(!check(.stddev("x", between: 0, sd - 1e-9), rows).passed)
        #expect(check(.mean("none", between: 5, 6), rows).passed)
        #expect(check(.stddev("none", between: 5, 6), rows).observed == "fewer than 2 values")
    }

    @Test("rowCount bounds are inclusive")
    func rowCount() throws {
        let rows = try driverRows(drivers: [1, 2, 3], times: [t0, t0, t0], [:])
        #expect(check(.rowCount(between: 3, 3), rows).passed)
        #expect(!check(.rowCount(between: 4, 10), rows).passed)
        #expect(check(.rowCount(atLeast: 1), rows).observed == "3 rows")
        #expect(!check(.rowCount(atLeast: 1), try driverRows(drivers: [], times: [], [:])).passed)
        #expect(check(.rowCount(between: 1, 5), rows).expectation == "row_count(1, 5)")
    }

    @Test("maxStaleness measures the newest event at the reference time, and fails on no rows")
    func staleness() throws {
        let rows = try driverRows(drivers: [1, 2], times: [t0, t0 + 3 * hour], [:])
        #expect(check(.maxStaleness(.hours(2)), rows, asOf: t0 + 5 * hour).passed, "exactly 2h old passes")
        let stale = check(.maxStaleness(.hours(2)), rows, asOf: t0 + 5 * hour + 1_000_000)
        #expect(!stale.passed)
        #expect(stale.observed == "newest event 2026-01-01T03:00:00.000000Z, 2h 0m before 2026-01-01T05:00:01.000000Z")
        let empty = check(.maxStaleness(.hours(2)), try driverRows(drivers: [], times: [], [:]))
        #expect(!empty.passed)
        #expect(empty.expectation == "max_staleness(2h)")
    }

    @Test("a report separates failures from warnings, and the error names view, expectation, rows and examples")
    func report() throws {
        let rows = try driverRows(drivers: [1, 2], times: [t0, t0], ["x": Column(float64: [0.5, 7])])
        let checker = ExpectationChecker(view: "driver_stats", joinKeys: ["driver_id"],
                                         expectations: [.between("x", 0, 1, severity: .warn), .atMost("x", 5), .notNull("x")])
        let report = checker.check(rows, asOf: .now())
        #expect(report.warnings.map(\.expectation) == ["between(x, 0, 1)"])
        #expect(report.failures.map(\.expectation) == ["between(x, -inf, 5)"])
        do {
            try report.requirePassing()
            Issue.record("a failed fail expectation must throw")
        } catch {
            #expect(error.view == "driver_stats")
            #expect(error.description.contains("view driver_stats"))
            #expect(error.description.contains("between(x, -inf, 5) [fail] failed on 1 of 2 rows"))
            #expect(error.description.contains("driver_id=2 event_timestamp=2026-01-01T00:00:00.000000Z x=7.0"))
        }
        let passing = ExpectationChecker(view: "v", joinKeys: ["driver_id"], expectations: [.between("x", 0, 10)]).check(rows, asOf: .now())
        #expect(throws: Never.self) { try passing.requirePassing() }
    }

    @Test("an expectation on a column the rows lack fails and says so")
    func missingColumn() throws {
        let result = check(.notNull("nope"), try driverRows(drivers: [1], times: [t0], [:]))
        #expect(!result.passed)
        #expect(result.observed == "the rows have no column nope")
    }
}
