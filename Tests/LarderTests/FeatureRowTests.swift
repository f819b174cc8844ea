import Larder
import Testing

@Suite("FeatureRow and values")
struct FeatureRowTests {
    @Test("reads, replaces and adds columns by name")
    func subscripts() {
        var row = FeatureRow(["driver_id": .int64(1001), "conv_rate": .float32(0.5)])
        #expect(row.int64("driver_id") == 1001)
        #expect(row.double("conv_rate") == 0.5)
        row["conv_rate"] = .float32(0.25)
        row["bucket"] = .int32(3)
        #expect(row["conv_rate"] == .float32(0.25))
        #expect(row.layout.names == ["driver_id", "conv_rate", "bucket"])
        #expect(row["missing"] == nil)
        #expect(row.string("driver_id") == nil)
    }

    @Test("converts only without loss")
    func conversions() {
        #expect(Value.int32(7).converted(to: .int64) == .int64(7))
        #expect(Value.float32(0.5).converted(to: .float64) == .float64(0.5))
        #expect(Value.int64(7).converted(to: .int32) == nil)
        #expect(Value.string("x").converted(to: .int64) == nil)
        #expect(Value.null.converted(to: .int64) == .null)
        #expect(ValueType.int32.widens(to: .int64))
        #expect(!ValueType.float64.widens(to: .float32))
    }
}
