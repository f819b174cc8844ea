import LarderColumnar

/// A decoding scratch buffer of `T`s, grown on demand, whose bytes stay reserved in the read's
/// ``DecodeBudget`` until it is freed: dictionary indices, delta-decoded integers, boolean bits.
///
/// ```swift
/// let indices = ScratchBuffer<UInt32>(pages)
/// let slots = try indices.ensure(count, for: "dictionary indices")   // reserved, then allocated
/// ```
final class ScratchBuffer<T> {
    private let pages: PageReader
    private var buffer = UnsafeMutableBufferPointer<T>(start: nil, count: 0)

    init(_ pages: PageReader) { self.pages = pages }

    deinit {
        buffer.deallocate()
        pages.budget.release(buffer.count * MemoryLayout<T>.stride)
    }

    /// The first `count` slots (uninitialized unless written before), growing the buffer when needed.
    func ensure(_ count: Int, for what: @autoclosure () -> String) throws(ParquetError) -> UnsafeMutableBufferPointer<T> {
        if buffer.count < count {
            // Reserve only the growth: the old size is already reserved and stays so under the new buffer.
            try pages.reserve(DecodeBudget.product(count - buffer.count, MemoryLayout<T>.stride), for: "\(what()) of \(count) values")
            buffer.deallocate()
            buffer = .allocate(capacity: count)
        }
        return UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
    }
}
