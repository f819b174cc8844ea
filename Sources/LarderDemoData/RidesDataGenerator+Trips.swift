public import LarderColumnar
import Larder

extension RidesDataGenerator {
    /// gen_data.py's `trips`: raw trip events for window aggregations, five per order over the orders' time
    /// range [start − 2 h, start + hours + 46 h). `created` is 0–120 s after the event, 1–6 h more for 2 % of
    /// the rows; `distance_km` ~ gamma(2, 3); `fare` = round(2.5 + 1.6 × distance + gamma(2, 1.5), 2), null in
    /// 2 % of the rows; `rating` 1–5 (p = 0.03, 0.05, 0.12, 0.30, 0.50), null in 5 %; `payment` card, cash or
    /// wallet (p = 0.7, 0.2, 0.1). Edge cases on disjoint blocks of ~0.5 % of the rows each: ties with another
    /// row on (driver_id, event_timestamp), half of them also on `created`; events exactly on a 5-minute and
    /// on an hour boundary; events at exactly the driver, customer and event time of an order. Shuffled.
    ///
    /// Drawn from a stream of its own, so the stored tables are the same as before trips existed. Generated
    /// on every read (5 M rows at scale M), so that only what writes or tests them pays for it: keep the batch.
    ///
    /// ```swift
    /// let trips = RidesDataGenerator(scale: .xs).trips
    /// trips.rowCount   // 50_000, RidesScale.xs.trips
    /// ```
    public var trips: ColumnBatch {
        // Not seed + 1 as in gen_data.py: numpy hashes its seeds, SplitMix64 does not, so seed + 1 would
        // replay the stored tables' stream of the next seed. A tag keeps it apart, as for trip_requests.
        var rng = SplitMix64(seed: seed ^ 0x7472_6970_735f_6576)  // "trips_ev"
        return RidesDataGenerator.makeTrips(scale, start.microsecondsSinceEpoch, orders, &rng)
    }

    public static let tripsSchema = Schema([
        SchemaField(name: "trip_id", type: .int64, nullable: false),
        SchemaField(name: "driver_id", type: .int64, nullable: false),
        SchemaField(name: "customer_id", type: .int64, nullable: false),
        SchemaField(name: "event_timestamp", type: .timestamp, nullable: false),
        SchemaField(name: "created", type: .timestamp, nullable: false),
        SchemaField(name: "fare", type: .float64, nullable: true),
        SchemaField(name: "distance_km", type: .float32, nullable: false),
        SchemaField(name: "rating", type: .int32, nullable: true),
        SchemaField(name: "payment", type: .string, nullable: false),
    ])

    /// The payment methods, indexed by the code drawn for each row.
    static let paymentMethods: [[UInt8]] = ["card", "cash", "wallet"].map { Array($0.utf8) }

    private static func makeTrips(_ scale: RidesScale, _ start: Int64, _ orders: ColumnBatch, _ rng: inout SplitMix64) -> ColumnBatch {
        let n = scale.trips
        let low = start - 2 * hour
        let span = UInt64(scale.hours + 48) * UInt64(hour)
        var drivers = [Int64](), customers = [Int64](), events = [Int64](), created = [Int64]()
        var fares = [Double](), distances = [Float](), ratings = [Int32](), payments = [UInt8]()
        drivers.reserveCapacity(n)
        customers.reserveCapacity(n)
        events.reserveCapacity(n)
        created.reserveCapacity(n)
        fares.reserveCapacity(n)
        distances.reserveCapacity(n)
        ratings.reserveCapacity(n)
        payments.reserveCapacity(n)
        // A null fare or rating is stored as 0 (what a null slot holds) until the validity is built after the
        // shuffle: no drawn fare (≥ 2.5) or rating (≥ 1) is 0, so no mask has to be shuffled beside them.
        for _ in 0..<n {
            drivers.append(firstDriverID + Int64(rng.integer(below: UInt64(scale.drivers))))
            customers.append(1 + Int64(rng.integer(below: UInt64(scale.customers))))
            let event = low + Int64(rng.integer(below: span))
            var lag = Int64(rng.integer(below: 120_000_001))
            if rng.uniformDouble() < 0.02 { lag += hour + Int64(rng.integer(below: UInt64(5 * hour + 1))) }
            events.append(event)
            created.append(event + lag)
            let distance = Float(rng.gamma(shape: 2, scale: 3))
            let fare = ((2.5 + 1.6 * Double(distance) + rng.gamma(shape: 2, scale: 1.5)) * 100).rounded(.toNearestOrEven) / 100
            distances.append(distance)
            fares.append(rng.uniformDouble() < 0.02 ? 0 : fare)
            let rating = drawRating(&rng)
            ratings.append(rng.uniformDouble() < 0.05 ? 0 : rating)
            let u = rng.uniformDouble()
            payments.append(u < 0.7 ? 0 : u < 0.9 ? 1 : 2)
        }
        placeEdgeCases(orders, low, &drivers, &customers, &events, &created, &rng)

        var ids = (0..<Int64(n)).map { $0 }
        let swaps = shuffleSwaps(n, &rng)
        applySwaps(swaps, to: &ids)
        applySwaps(swaps, to: &drivers)
        applySwaps(swaps, to: &customers)
        applySwaps(swaps, to: &events)
        applySwaps(swaps, to: &created)
        applySwaps(swaps, to: &fares)
        applySwaps(swaps, to: &distances)
        applySwaps(swaps, to: &ratings)
        applySwaps(swaps, to: &payments)
        return makeBatch(tripsSchema, [
            Column(int64: ids), Column(int64: drivers), Column(int64: customers),
            Column(timestampMicros: events), Column(timestampMicros: created),
            Column(float64: fares, validity: validity(fares) { $0 != 0 }),
            Column(float32: distances),
            Column(int32: ratings, validity: validity(ratings) { $0 != 0 }),
            paymentColumn(payments),
        ])
    }

    /// A rating 1–5 with gen_data.py's probabilities 0.03, 0.05, 0.12, 0.30, 0.50.
    private static func drawRating(_ rng: inout SplitMix64) -> Int32 {
        let u = rng.uniformDouble()
        return u < 0.03 ? 1 : u < 0.08 ? 2 : u < 0.20 ? 3 : u < 0.50 ? 4 : 5
    }

    /// gen_data.py's edge cases, on disjoint blocks of k = n / 200 rows (the rows are iid and shuffled after,
    /// so the blocks are as random as any rows): [k, 2k) moved back to a 5-minute boundary and [2k, 3k) to an
    /// hour boundary (forward one step when that falls before `low`); [3k, 4k) put at the driver, customer
    /// and event time of a random order; [0, k) given the driver and event time of row 4k + i, the first half
    /// also its `created`. Moved events keep their lag to `created` unless a tie takes it.
    private static func placeEdgeCases(
        _ orders: ColumnBatch, _ low: Int64, _ drivers: inout [Int64], _ customers: inout [Int64],
        _ events: inout [Int64], _ created: inout [Int64], _ rng: inout SplitMix64
    ) {
        let k = events.count / 200
        let boundaries: [(rows: Range<Int>, step: Int64)] = [(k..<2 * k, 300_000_000), (2 * k..<3 * k, hour)]
        for (block, step) in boundaries {
            for i in block {
                // Floored like numpy's %, so a start before 1970 still moves events back, not forward.
                var moved = events[i] - ((events[i] % step) + step) % step
                if moved < low { moved += step }
                created[i] += moved - events[i]
                events[i] = moved
            }
        }
        let orderDrivers = orders.columns[1].int64Values, orderCustomers = orders.columns[2].int64Values
        let orderEvents = orders.columns[3].timestampMicros
        for i in 3 * k..<4 * k {
            let j = Int(rng.integer(below: UInt64(orderEvents.count)))
            created[i] += orderEvents[j] - events[i]
            events[i] = orderEvents[j]
            drivers[i] = orderDrivers[j]
            customers[i] = orderCustomers[j]
        }
        for i in 0..<k {
            let source = 4 * k + i
            drivers[i] = drivers[source]
            created[i] = i < k / 2 ? created[source] : created[i] + events[source] - events[i]
            events[i] = events[source]
        }
    }

    /// The validity of a column whose null slots hold `isPresent == false`, built word by word.
    private static func validity<T>(_ values: [T], _ isPresent: (T) -> Bool) -> Bitmap {
        var words = [UInt64](repeating: 0, count: (values.count + 63) >> 6)
        for (i, value) in values.enumerated() where isPresent(value) {
            words[i >> 6] |= UInt64(1) << UInt64(i & 63)
        }
        return Bitmap(words: words, count: values.count)
    }

    /// The string column of the payment codes, assembled in Arrow's layout directly (no `String` per row).
    private static func paymentColumn(_ codes: [UInt8]) -> Column {
        var offsets = [Int](), bytes = [UInt8]()
        offsets.reserveCapacity(codes.count + 1)
        bytes.reserveCapacity(codes.count * 5)
        offsets.append(0)
        for code in codes {
            bytes.append(contentsOf: paymentMethods[Int(code)])
            offsets.append(bytes.count)
        }
        return Column(type: .string, storage: .binary(offsets: offsets, bytes: bytes))
    }
}
