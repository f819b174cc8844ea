import Larder
import LarderColumnar
import LarderOffline
import Testing

@Suite("Point-in-time join against the brute-force rule")
struct PointInTimeJoinPropertyTests {
    @Test("random small cases: ties, ttl edges, absent keys, nulls, duplicates, multi-key, string keys",
          arguments: 0..<400)
    func matchesBruteForce(seed: Int) throws {
        let input = try RandomJoinCase(seed: UInt64(seed) &* 0x2545_F491_4F6C_DD1D &+ 17)
        let joined = try PointInTimeJoin.join(entities: input.entities, views: input.views,
                                              fullFeatureNames: input.fullFeatureNames)
        let names = PointInTimeJoin.outputColumnNames(for: input.views, fullFeatureNames: input.fullFeatureNames)
        let entityWidth = input.entities.schema.count

        #expect(joined.rowCount == input.entities.rowCount)
        #expect(Array(joined.schema.names.prefix(entityWidth)) == input.entities.schema.names)
        #expect(Array(joined.schema.names.dropFirst(entityWidth)) == names.flatMap { $0 })
        #expect(Array(joined.columns.prefix(entityWidth)) == input.entities.columns)
        let featureTypes = input.views.flatMap { v in v.features.map { v.rows.column(named: $0)!.type } }
        #expect(joined.schema.fields.dropFirst(entityWidth).map(\.type) == featureTypes)

        let expected = BruteForceJoin.expectedFeatures(entities: input.entities, views: input.views)
        for row in 0..<joined.rowCount {
            let actual = (entityWidth..<joined.schema.count).map { joined.value(row: row, column: $0) }
            #expect(actual == expected[row], "seed \(seed), entity row \(row)")
        }
    }

    /// How the large case's keys look: direct-indexed ints, wide ints (hash map), strings, or a two-column key.
    enum KeyShape: String, CaseIterable, Sendable {
        case directInt64, wideInt64, string, int32AndString
    }

    @Test("large cases cross every parallel chunk boundary and grow the hash maps", arguments: KeyShape.allCases)
    func largeCaseMatchesGroupedReference(shape: KeyShape) throws {
        var rng = SplitMix64(seed: 99 &+ UInt64(shape.rawValue.count))
        let keys = 1_500, storedCount = 80_000, entityCount = 80_000
        let wide = (0..<keys + 2).map { _ in Int64.random(in: .min ... .max, using: &rng) }
        // Key k of the shape (k == keys or keys + 1: never stored).
        func keyColumns(_ ks: [Int]) -> [(String, Column)] {
            switch shape {
            case .directInt64: [("id", Column(int64: ks.map { Int64($0) * 3 }))]
            case .wideInt64: [("id", Column(int64: ks.map { wide[$0] }))]
            case .string: [("id", Column(strings: ks.map { "key-\($0)" }))]
            case .int32AndString: [("a", Column(int32: ks.map { Int32($0 % 40) })), ("b", Column(strings: ks.map { "\($0 / 40)" }))]
            }
        }
        let storedKeys = (0..<storedCount).map { _ in Int.random(in: 0..<keys, using: &rng) }
        let storedTimes = (0..<storedCount).map { _ in Int64.random(in: 0..<2_000, using: &rng) }
        let storedCreated = (0..<storedCount).map { _ in Int64.random(in: 0..<3, using: &rng) }
        let entityKeys = (0..<entityCount).map { _ in Int.random(in: 0..<(keys + 2), using: &rng) }
        let entityTimes = (0..<entityCount).map { _ in Int64.random(in: -5..<2_020, using: &rng) }
        let storedColumns = keyColumns(storedKeys) + [
            ("event_timestamp", Column(timestampMicros: storedTimes)), ("created", Column(timestampMicros: storedCreated)),
            ("position", Column(int64: (0..<Int64(storedCount)).map { $0 })),
        ]
        let entityColumns = keyColumns(entityKeys) + [("event_timestamp", Column(timestampMicros: entityTimes))]
        func batch(_ columns: [(String, Column)]) throws -> ColumnBatch {
            try ColumnBatch(schema: Schema(columns.map { SchemaField(name: $0.0, type: $0.1.type) }), columns: columns.map(\.1))
        }
        let ttl: Int64 = 40
        let view = PointInTimeJoin.ViewInput(name: "v", joinKeys: keyColumns([0]).map(\.0), ttl: .init(microseconds: ttl),
                                             rows: try batch(storedColumns), features: ["position"])
        let joined = try PointInTimeJoin.join(entities: try batch(entityColumns), views: [view])
        let positions = joined.column(named: "position")!

        // The rule applied literally to each key's rows (grouping only skips rows that cannot match).
        var rowsByKey: [Int: [Int]] = [:]
        for r in 0..<storedCount { rowsByKey[storedKeys[r], default: []].append(r) }
        var mismatches = 0
        for e in 0..<entityCount {
            let t = entityTimes[e]
            var best: Int?
            for r in rowsByKey[entityKeys[e]] ?? [] where storedTimes[r] <= t && storedTimes[r] >= t - ttl {
                if let b = best, (storedTimes[b], storedCreated[b], b) > (storedTimes[r], storedCreated[r], r) { continue }
                best = r
            }
            let actual: Int64? = positions.isNull(e) ? nil : positions.int64Values[e]
            if actual != best.map(Int64.init) { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #expect(positions.nullCount > 0 && positions.nullCount < entityCount)
    }
}
