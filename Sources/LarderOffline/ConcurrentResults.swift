import Foundation

/// Slots filled by the iterations of `DispatchQueue.concurrentPerform`, each written once, read
/// after all finish; the first error wins.
final class ConcurrentResults<T: Sendable>: @unchecked Sendable {
    // Each slot is written by exactly one iteration; the lock guards the shared error and the array.
    private var slots: [T?]
    private var error: (any Error)?
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ body: () throws -> T) {
        do {
            let value = try body()
            lock.withLock { slots[index] = value }
        } catch {
            lock.withLock { if self.error == nil { self.error = error } }
        }
    }

    func values() throws -> [T] {
        try lock.withLock {
            if let error { throw error }
            return slots.map { $0! }
        }
    }
}
