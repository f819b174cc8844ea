import Larder
import LarderColumnar
import LarderDemoData
import Testing

/// The stored tables stay exactly what earlier builds generated: adding `trips` (drawn from a stream of its
/// own) must not move a single value of `driver_stats`, `customer_stats`, `orders` or `trip_requests`, so
/// data sets written before and after compare equal. The fingerprints were recorded from the generator
/// before `trips` existed.
@Suite("Rides demo data stability")
struct RidesDataStabilityTests {
    @Test(arguments: [
        (UInt64(7), [0xfd71_5738_ab30_46f9, 0xc1d4_7fa1_ab58_1a92, 0x7767_116d_e203_2e66] as [UInt64]),
        (UInt64(8), [0xfec6_6991_ecb7_87c6, 0xb38f_3972_c33c_b4aa, 0xbd60_e7f0_c504_cdcc]),
    ])
    func storedTablesUnchangedAtXS(seed: UInt64, expected: [UInt64]) {
        let rides = RidesDataGenerator(scale: .xs, seed: seed)
        #expect([rides.driverStats, rides.customerStats, rides.orders].map(fingerprint) == expected)
    }

    @Test func storedTablesUnchangedAtS() {
        let rides = RidesDataGenerator(scale: .s, seed: 7)
        #expect([rides.driverStats, rides.customerStats, rides.orders, rides.tripRequests].map(fingerprint) == [
            0x64b8_b2eb_3fc6_b981, 0x6d5e_b867_dc5a_1038, 0x68ff_a2b9_556b_1187, 0xde7c_b4fb_59d6_97a6,
        ])
    }

    @Test func recordedValuesAtXS() {
        // A few values as they read, beside the hashes, for a reader chasing a change.
        let rides = RidesDataGenerator(scale: .xs, seed: 7)
        #expect(rides.driverStats.value(row: 0, column: 0) == .int64(1029))
        #expect(rides.driverStats.columns[3].float32Values[0] == 0.48564547)
        #expect(rides.orders.value(row: 9_999, column: 3).description == "2026-01-03T04:36:18.202696Z")
        #expect(rides.customerStats.columns[3].float32Values[5] == 520.1666)
    }
}
