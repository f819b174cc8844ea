import Larder
import LarderColumnar
import Testing

@Suite struct ColumnTests {
    @Test(arguments: ValueType.allCases)
    func builderRoundTripsValues(type: ValueType) {
        var rng = SplitMix64(seed: UInt64(type.hashValue & 0xFFFF))
        let values = (0..<300).map { _ in randomValue(type, &rng) }
        var b = ColumnBuilder(type: type)
        for v in values { b.append(v) }
        let column = b.finish()
        #expect(column.type == type)
        #expect(column.count == 300)
        #expect((0..<300).map { column.value(at: $0) } == values)
        #expect(column.nullCount == values.filter(\.isNull).count)
    }

    @Test func noValidityWithoutNulls() {
        var b = ColumnBuilder(type: .int64)
        for i in 0..<10 { b.append(Int64(i)) }
        let column = b.finish()
        #expect(column.validity == nil)
        #expect(column.int64Values == Array(0..<10))
        #expect(!column.hasNulls)
    }

    @Test func typedConvenienceInitializers() throws {
        let s = Column(strings: ["x", nil, "ÿz"])
        #expect(s.string(at: 0) == "x")
        #expect(s.string(at: 1) == nil)
        #expect(s.string(at: 2) == "ÿz")
        #expect(s.binaryOffsets == [0, 1, 1, 4])
        let t = Column(timestampMicros: [5, -5])
        #expect(t.value(at: 1) == .timestamp(Timestamp(microsecondsSinceEpoch: -5)))
        let f = Column(float32: [1, 2], validity: Bitmap([true, false]))
        #expect(f.doubleValues(nullValue: -1) == [1, -1])
        let boxed = try Column(type: .int64, values: [.int32(3), .null])
        #expect(boxed.value(at: 0) == .int64(3))
        #expect(throws: ColumnarError.self) { try Column(type: .int32, values: [.string("no")]) }
    }

    @Test(arguments: ValueType.allCases)
    func sliceGatherConcatenateMatchBoxedReference(type: ValueType) {
        var rng = SplitMix64(seed: 77)
        for _ in 0..<30 {
            let n = Int(rng.next() % 130)
            let values = (0..<n).map { _ in randomValue(type, &rng, nullRate: 3) }
            let column = try! Column(type: type, values: values)
            let a = Int(rng.next() % UInt64(n + 1))
            let b = a + Int(rng.next() % UInt64(n - a + 1))
            let s = column.slice(a..<b)
            #expect((0..<s.count).map { s.value(at: $0) } == Array(values[a..<b]))
            let idx = (0..<Int(rng.next() % 50)).map { _ in n == 0 ? 0 : Int(rng.next() % UInt64(n)) }
            if n > 0 {
                let g = column.gather(idx)
                #expect((0..<g.count).map { g.value(at: $0) } == idx.map { values[$0] })
            }
            let joined = Column.concatenate([column.slice(0..<a), column.slice(a..<b), column.slice(b..<n)])
            #expect(joined == column)
        }
    }

    @Test(arguments: ValueType.allCases)
    func gatherRowsOrNullMatchesBoxedReference(type: ValueType) {
        var rng = SplitMix64(seed: 404)
        for _ in 0..<30 {
            let n = 1 + Int(rng.next() % 100)
            let values = (0..<n).map { _ in randomValue(type, &rng, nullRate: 4) }
            let column = try! Column(type: type, values: values)
            let indices = (0..<Int(rng.next() % 150)).map { _ in rng.next() % 3 == 0 ? Int32(-1) : Int32(rng.next() % UInt64(n)) }
            let g = column.gather(rowsOrNull: indices)
            #expect(g.count == indices.count)
            #expect((0..<g.count).map { g.value(at: $0) } == indices.map { $0 < 0 ? .null : values[Int($0)] })
        }
        let noMisses = Column(int64: [1, 2]).gather(rowsOrNull: [1, 0])
        #expect(noMisses.validity == nil)
    }
}
