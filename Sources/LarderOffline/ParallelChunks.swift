import Dispatch

/// Splits `0..<count` into contiguous chunks and runs `body` on them concurrently
/// (`DispatchQueue.concurrentPerform`, which sizes its worker pool to the machine's cores).
///
/// The join's phases are CPU-bound loops over disjoint slices of preallocated buffers, so each chunk writes only
/// its own range and reads shared data that nobody writes while the call runs; no locking is needed. The bodies
/// capture unsafe buffer pointers, which are not `Sendable`; this type is the one place that vouches for them
/// (see ``UncheckedBody``), and every caller must keep to that contract. Small inputs run inline: a thread hop
/// costs more than it saves.
///
/// ```swift
/// ParallelChunks.run(count: n, minimumChunk: 1 << 16) { range in for i in range { out[i] = f(i) } }
/// ```
enum ParallelChunks {
    /// Upper bound on chunks per call; several per core so an unlucky slow chunk does not idle the others.
    static let maximumChunks = 16

    static func run(count: Int, minimumChunk: Int, _ body: (Range<Int>) -> Void) {
        let chunks = min(maximumChunks, count / max(minimumChunk, 1))
        if chunks <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        forEach(chunks) { chunk in body(bounds(chunk, of: chunks, count: count)) }
    }

    /// Runs `body(i)` for every `i` in `0..<iterations` concurrently (one task per iteration).
    static func forEach(_ iterations: Int, _ body: (Int) -> Void) {
        if iterations <= 0 { return }
        if iterations == 1 { body(0); return }
        withoutActuallyEscaping(body) { body in
            let unchecked = UncheckedBody(body: body)
            DispatchQueue.concurrentPerform(iterations: iterations) { unchecked.body($0) }
        }
    }

    @inline(__always)
    static func bounds(_ chunk: Int, of chunks: Int, count: Int) -> Range<Int> {
        (count * chunk / chunks)..<(count * (chunk + 1) / chunks)
    }

    /// A loop body that may run on several threads at once. `@unchecked` because the join's bodies capture unsafe
    /// pointers: safe here because every iteration writes only memory no other iteration touches, shared inputs
    /// are read-only for the whole call, and `concurrentPerform` returns only after every iteration finished.
    private struct UncheckedBody: @unchecked Sendable {
        let body: (Int) -> Void
    }
}
