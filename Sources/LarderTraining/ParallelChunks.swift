import Dispatch

/// Splits `0..<count` into chunks that depend only on `count`, runs them on all cores, and lets the
/// caller combine per-chunk results in chunk order, so parallel sums are bit-identical run to run and
/// machine to machine.
///
/// ```swift
/// let chunks = ParallelChunks(count: n)
/// var partial = [Double](repeating: 0, count: chunks.count)
/// partial.withUnsafeMutableBufferPointer { p in chunks.run { c, range in p[c] = range.reduce(0, +) } }
/// ```
struct ParallelChunks {
    let ranges: [Range<Int>]
    var count: Int { ranges.count }

    init(count n: Int, rowsPerChunk: Int = 65_536, maxChunks: Int = 16) {
        let chunks = max(1, min(maxChunks, (n + rowsPerChunk - 1) / rowsPerChunk))
        let size = (n + chunks - 1) / max(chunks, 1)
        ranges = (0..<chunks).map { c in min(n, c * size)..<min(n, (c + 1) * size) }
    }

    /// Runs `body(chunkIndex, rows)` for every chunk, in parallel when there is more than one.
    /// Training is CPU-bound and synchronous: call it from a thread of your own, not from an event loop.
    func run(_ body: (Int, Range<Int>) -> Void) {
        if ranges.count == 1 {
            body(0, ranges[0])
            return
        }
        // Callers give every chunk a disjoint slice of their buffers, so running the body concurrently
        // is race-free even though the closure (capturing unsafe pointers) is not `Sendable`.
        let ranges = self.ranges
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendableBox(body)
            DispatchQueue.concurrentPerform(iterations: ranges.count) { c in shared.value(c, ranges[c]) }
        }
    }
}

/// Carries a value into a `@Sendable` closure when the caller guarantees the accesses do not race.
private struct UncheckedSendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
