public import LarderColumnar
import Larder

extension RidesDataGenerator {
    /// `orders` with the requested trip's length, `distance_km` (float64, 0.5–24.5 km in 0.1 km steps,
    /// short trips likelier): the entity rows of training sets with the `trip_request` on-demand view, which
    /// reads `distance_km` from each row. Drawn from its own stream (seeded from `seed`), so `orders` and the
    /// other tables are the same with or without it.
    ///
    /// ```swift
    /// let requests = RidesDataGenerator(scale: .xs).tripRequests
    /// requests.schema.names.last   // "distance_km"
    /// ```
    public var tripRequests: ColumnBatch {
        var rng = SplitMix64(seed: seed ^ 0x7472_6970_5f6b_6d00)  // "trip_km"
        let distances = (0..<orders.rowCount).map { _ in
            let u = rng.uniformDouble()
            return (5 + 240 * u * u).rounded() / 10
        }
        return RidesDataGenerator.makeBatch(
            Schema(orders.schema.fields + [SchemaField(name: "distance_km", type: .float64, nullable: false)]),
            orders.columns + [Column(float64: distances)])
    }
}
