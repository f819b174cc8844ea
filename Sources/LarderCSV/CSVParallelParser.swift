import Dispatch
import LarderColumnar

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses a CSV body on several threads without a serial pre-scan for quotes.
///
/// The body is cut into chunks at the first line feed after each nominal offset. A line feed may sit
/// inside a quoted field, so every chunk but the first is speculative: chunk k is kept only if the
/// (already validated) chunk k-1 ended exactly where chunk k began; otherwise chunk k is parsed again,
/// serially, from where chunk k-1 really ended. A failure inside a chunk is reported only once the
/// chunk is validated, so a wrong guess never surfaces as an error. Line numbers are the sum of the
/// line breaks of the validated chunks before the failure.
enum CSVParallelParser {
    struct Layout {
        var data: CSVBytes
        var bodyStart: Int
        var fieldCount: Int
        var delimiter: UInt8
    }

    /// Parses every row of the body; `makeSink(chunkIndex, estimatedRows)` is called on the parsing
    /// thread; `locate(failure, lineBreaksBeforeChunk)` turns a validated failure into the error.
    static func parse<Sink: CSVRowSink>(
        _ layout: Layout, threads: Int, minimumChunkBytes: Int, budget: DecodeBudget,
        makeSink: @escaping @Sendable (_ chunk: Int, _ estimatedRows: Int) -> Sink,
        locate: (CSVChunkFailure, Int) -> CSVError
    ) throws(CSVError) -> [CSVChunkOutcome<Sink>] {
        let data = layout.data
        let body = data.count - layout.bodyStart
        let chunkCount = max(1, min(threads, body / max(1, minimumChunkBytes)))
        let starts = chunkStarts(data, bodyStart: layout.bodyStart, chunks: chunkCount)
        let rowsPerByte = estimateRowsPerByte(data, from: layout.bodyStart)
        // Chunk 0 is sized for the whole body: the later chunks are appended to it, and capacity that is
        // never touched costs address space, not memory. The sample may overstate the row count, so each
        // reservation (at most 8 bytes a field) is capped to keep them all under a quarter of the RAM (where
        // no allocation is refused) and under the read's budget; and a row takes at least one byte per field
        // (its delimiters and line break), which bounds the rows a range can hold.
        let fields = max(1, layout.fieldCount)
        let room = min(CSVParallelParser.physicalMemory / 4, Double(budget.limit) / 2)
        let cap = Int(room / Double(8 * fields)) / chunkCount
        let estimates = (0..<chunkCount).map { k in
            let bytes = k == 0 ? body : starts[k + 1] - starts[k]
            return min(cap, bytes / fields + 1, Int(Double(bytes) * rowsPerByte * 1.05) + 16)
        }

        let slots = CSVOutcomeSlots<Sink>(count: chunkCount)
        let parseChunk: @Sendable (Int) -> Void = { k in
            let outcome = CSVChunkParser.parse(
                data, start: starts[k], limit: starts[k + 1], fieldCount: layout.fieldCount,
                delimiter: layout.delimiter, sink: makeSink(k, estimates[k]), budget: budget)
            slots.store(outcome, at: k)
        }
        if chunkCount == 1 {
            parseChunk(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: chunkCount, execute: parseChunk)
        }

        var accepted: [CSVChunkOutcome<Sink>] = []
        accepted.reserveCapacity(chunkCount)
        var linesBefore = 0
        for k in 0..<chunkCount {
            var outcome = slots.take(at: k)
            if let previous = accepted.last, previous.end != outcome.start {
                // The guessed start was inside a quoted field: parse this range again from the true boundary.
                budget.release(outcome.charged)
                outcome = CSVChunkOutcome(sink: makeSink(k, 0), start: 0, end: 0)
                outcome = CSVChunkParser.parse(
                    data, start: previous.end, limit: max(starts[k + 1], previous.end),
                    fieldCount: layout.fieldCount, delimiter: layout.delimiter, sink: makeSink(k, estimates[k]), budget: budget)
            }
            if let failure = outcome.failure { throw locate(failure, linesBefore) }
            linesBefore += outcome.newlines
            accepted.append(outcome)
        }
        return accepted
    }

    static let physicalMemory = Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE)))

    /// `chunks + 1` offsets: each chunk's start (just after a line feed) and, last, the end of the data.
    private static func chunkStarts(_ data: CSVBytes, bodyStart: Int, chunks: Int) -> [Int] {
        var starts = [bodyStart]
        let body = data.count - bodyStart
        for k in 1..<max(chunks, 1) {
            let nominal = bodyStart + body / chunks * k
            let from = max(nominal - 1, starts[k - 1])
            var start = data.count
            if from < data.count, let hit = memchr(data.base + from, Int32(CSVTokenizer.lineFeed), data.count - from) {
                start = Int(bitPattern: hit) - Int(bitPattern: data.base) + 1
            }
            starts.append(start)
        }
        starts.append(data.count)
        return starts
    }

    /// Line feeds per byte in the first 256 KiB of the body, to size the column arrays up front.
    private static func estimateRowsPerByte(_ data: CSVBytes, from start: Int) -> Double {
        let sample = min(data.count - start, 256 << 10)
        guard sample > 0 else { return 0 }
        var lines = 0
        for i in start..<(start + sample) where data.base[i] == CSVTokenizer.lineFeed { lines += 1 }
        return Double(max(lines, 1)) / Double(sample)
    }
}

/// One result slot per chunk, written by exactly one parsing thread and read after all have finished.
///
/// `@unchecked Sendable`: slot k is written only by the iteration k of `concurrentPerform`, and read only
/// after `concurrentPerform` returns, which orders the writes before the reads.
final class CSVOutcomeSlots<Sink: CSVRowSink>: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<CSVChunkOutcome<Sink>?>

    init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    func store(_ outcome: CSVChunkOutcome<Sink>, at index: Int) { storage[index] = outcome }

    func take(at index: Int) -> CSVChunkOutcome<Sink> {
        defer { storage[index] = nil }
        return storage[index]!
    }
}
