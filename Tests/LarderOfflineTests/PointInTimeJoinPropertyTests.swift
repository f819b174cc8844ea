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

    @Test("a large case crosses every parallel chunk boundary (entity rows, key buckets, gathers)")
    func largeCaseMatchesGroupedReference() throws {
        var rng = SeededGenerator(seed: 99)
        let keys = 1_500, storedCount = 40_000, entityCount = 80_000
        let storedKeys = (0..<storedCount).map { _ in Int64.random(in: 0..<Int64(keys), using: &rng) * 3 }
        let storedTimes = (0..<storedCount).map { _ in Int64.random(in: 0..<500, using: &rng) }
        let storedCreated = (0..<storedCount).map { _ in Int64.random(in: 0..<3, using: &rng) }
        let entityKeys = (0..<entityCount).map { _ in Int64.random(in: -1..<Int64(keys + 2), using: &rng) * 3 }
        let entityTimes = (0..<entityCount).map { _ in Int64.random(in: -5..<520, using: &rng) }
        let stored = try ColumnBatch([
            "id": Column(int64: storedKeys), "event_timestamp": Column(timestampMicros: storedTimes),
            "created": Column(timestampMicros: storedCreated), "position": Column(int64: (0..<Int64(storedCount)).map { $0 }),
        ])
        let entities = try ColumnBatch(["id": Column(int64: entityKeys), "event_timestamp": Column(timestampMicros: entityTimes)])
        let ttl: Int64 = 40
        let view = PointInTimeJoin.ViewInput(name: "v", joinKeys: ["id"], ttl: .init(microseconds: ttl), rows: stored,
                                             features: ["position"])
        let joined = try PointInTimeJoin.join(entities: entities, views: [view])
        let positions = joined.column(named: "position")!

        // The rule applied literally to each key's rows (grouping only skips rows that cannot match).
        var rowsByKey: [Int64: [Int]] = [:]
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
