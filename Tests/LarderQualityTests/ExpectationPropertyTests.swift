import Larder
import LarderColumnar
import LarderQuality
import Testing

/// The checker against a brute-force oracle over boxed values, on random batches with nulls, NaN, values on the
/// bounds and many ties.
@Suite("Expectation checker: properties against a boxed oracle")
struct ExpectationPropertyTests {
    struct Case {
        var rows: ColumnBatch
        var drivers: [Int64?]
        var times: [Int64]
        var x: [Double?]
        var payment: [String?]
    }

    static func randomCase(_ rng: inout SplitMix64) throws -> Case {
        let n = Int(rng.integer(below: 60))
        var drivers: [Int64?] = [], times: [Int64] = [], x: [Double?] = [], payment: [String?] = []
        let options = ["card", "cash", "wallet", "crypto", ""]
        for _ in 0..<n {
            drivers.append(rng.integer(below: 8) == 0 ? nil : Int64(rng.integer(below: 4)))
            times.append(t0 + Int64(rng.integer(below: 3)) * hour)
            switch rng.integer(below: 8) {
            case 0: x.append(nil)
            case 1: x.append(.nan)
            case 2: x.append(0)
            case 3: x.append(1)
            default: x.append(rng.uniformDouble() * 1.4 - 0.2)
            }
            payment.append(rng.integer(below: 6) == 0 ? nil : options[Int(rng.integer(below: UInt64(options.count)))])
        }
        let keyColumn = Column(int64: drivers.map { $0 ?? 0 }, validity: Bitmap(drivers.map { $0 != nil }))
        let xColumn = Column(float64: x.map { $0 ?? 0 }, validity: Bitmap(x.map { $0 != nil }))
        let rows = try ColumnBatch(["driver_id": keyColumn, "event_timestamp": Column(timestampMicros: times),
                                    "created": Column(timestampMicros: times), "x": xColumn, "payment": Column(strings: payment)])
        return Case(rows: rows, drivers: drivers, times: times, x: x, payment: payment)
    }

    @Test("per-row counts, uniqueness and moments equal the oracle's on 300 random batches", arguments: [1, 2, 3] as [UInt64])
    func againstOracle(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<100 {
            let c = try Self.randomCase(&rng)
            let n = c.x.count
            #expect(check(.notNull("x"), c.rows).failingRows == c.x.filter { $0 == nil || $0!.isNaN }.count)
            #expect(check(.between("x", 0, 1), c.rows).failingRows == c.x.compactMap { $0 }.filter { !($0 >= 0 && $0 <= 1) }.count)
            let allowed: Set<String> = ["card", "cash", "wallet"]
            #expect(check(.inSet("payment", Array(allowed)), c.rows).failingRows
                    == c.payment.compactMap { $0 }.filter { !allowed.contains($0) }.count)
            var groups: [String: Int] = [:]
            for i in 0..<n { groups["\(c.drivers[i].map(String.init) ?? "null")@\(c.times[i])", default: 0] += 1 }
            let unique = check(.uniquePerEntityAndTime, c.rows)
            #expect(unique.failingRows == groups.values.filter { $0 > 1 }.reduce(0, +))
            #expect(unique.passed == groups.values.allSatisfy { $0 == 1 })
            let values = c.x.compactMap { $0 }.filter { !$0.isNaN }
            if values.count >= 2 {
                let mean = values.reduce(0, +) / Double(values.count)
                let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
                #expect(check(.mean("x", between: mean - 1e-9, mean + 1e-9), c.rows).passed)
                #expect(!check(.mean("x", between: mean + 1e-6, mean + 1), c.rows).passed)
                #expect(check(.stddev("x", between: sd - 1e-9, sd + 1e-9), c.rows).passed)
            }
            #expect(check(.rowCount(between: n, n), c.rows).passed)
        }
    }
}
