import Dispatch

/// Runs `body(i)` for `i` in `0..<count` on all cores (`DispatchQueue.concurrentPerform`) and returns
/// the results in index order. Each task initializes only its own slot, so no lock is needed; callers
/// must not call this from a NIO event loop (it blocks until every task is done).
///
/// ```swift
/// let sums = parallelMap(4) { chunk in chunk * 10 }   // [0, 10, 20, 30]
/// ```
package func parallelMap<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
    guard count > 1 else { return count == 1 ? [body(0)] : [] }
    return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        let slots = UnsafeSlots(base: buffer.baseAddress!)
        withoutActuallyEscaping(body) { body in
            let task = UnsafeTask(body: body)
            DispatchQueue.concurrentPerform(iterations: count) { i in
                (slots.base + i).initialize(to: task.body(i))
            }
        }
        initialized = count
    }
}

/// The result buffer, shared by tasks that write disjoint slots.
private struct UnsafeSlots<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}

/// The caller's closure, run concurrently; callers pass closures that only read shared state.
private struct UnsafeTask<T>: @unchecked Sendable {
    let body: (Int) -> T
}
