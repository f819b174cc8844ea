import Synchronization

/// The bytes one read may hold at once in buffers sized by counts and lengths taken from its input
/// (row counts, value counts, string lengths, page sizes). Decoders reserve before they allocate and
/// release what they free, so a hostile or corrupt file fails with an error naming the limit instead
/// of exhausting memory. Shared by the tasks of one read (reservations are atomic).
///
/// ```swift
/// let budget = DecodeBudget(limit: 4 << 30)
/// guard let bytes = DecodeBudget.product(rows, 8), budget.reserve(bytes) else { throw tooLarge }
/// defer { budget.release(bytes) }   // for scratch buffers; decoded output stays reserved
/// ```
package final class DecodeBudget: Sendable {
    /// The most bytes held at once.
    package let limit: Int
    private let held = Atomic<Int>(0)

    /// `limit` is clamped to `0...Int.max / 4` so sums of reservations never overflow.
    package init(limit: Int) {
        self.limit = min(max(limit, 0), Int.max / 4)
    }

    /// Bytes reserved now.
    package var heldBytes: Int { held.load(ordering: .relaxed) }

    /// Reserves `bytes`; `false` (reserving nothing) when that would hold more than ``limit``.
    package func reserve(_ bytes: Int) -> Bool {
        guard bytes >= 0, bytes <= limit else { return false }
        let now = held.wrappingAdd(bytes, ordering: .relaxed).newValue
        if now > limit {
            held.wrappingSubtract(bytes, ordering: .relaxed)
            return false
        }
        return true
    }

    /// Gives back bytes reserved earlier (a freed scratch buffer).
    package func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        held.wrappingSubtract(bytes, ordering: .relaxed)
    }

    /// `a × b`, or `nil` when it overflows or either is negative: sizes computed from counts in a file.
    package static func product(_ a: Int, _ b: Int) -> Int? {
        guard a >= 0, b >= 0 else { return nil }
        let (p, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? nil : p
    }

    /// `a + b`, or `nil` when it overflows or either is negative.
    package static func sum(_ a: Int, _ b: Int) -> Int? {
        guard a >= 0, b >= 0 else { return nil }
        let (s, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : s
    }
}
