public import Larder
public import LarderColumnar

extension RidesDataGenerator {
    /// One fresh `driver_stats` row per driver (ids `1000..<1000 + drivers`), with event and created
    /// time `time`: what an hourly pipeline appends to the source. `larder demo-data --append-latest`
    /// adds these so the scheduler's next incremental run has something new to bring online.
    ///
    /// ```swift
    /// let rows = RidesDataGenerator.latestDriverStats(drivers: 100, at: .now(), seed: 7)
    /// ```
    public static func latestDriverStats(drivers: Int, at time: Timestamp, seed: UInt64) -> ColumnBatch {
        var rng = SplitMix64(seed: seed ^ UInt64(bitPattern: time.microsecondsSinceEpoch))
        let ids = (0..<drivers).map { firstDriverID + Int64($0) }
        let times = [Int64](repeating: time.microsecondsSinceEpoch, count: drivers)
        let conv = ids.map { _ in rng.uniformFloat() }
        let acc = ids.map { _ in rng.uniformFloat() }
        let trips = ids.map { _ in Int32(rng.integer(below: 1000)) }
        return makeBatch(driverStatsSchema, [
            Column(int64: ids), Column(timestampMicros: times), Column(timestampMicros: times),
            Column(float32: conv), Column(float32: acc), Column(int32: trips),
        ])
    }
}
