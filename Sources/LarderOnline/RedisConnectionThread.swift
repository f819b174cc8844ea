import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One OS thread that owns one ``RedisConnectionSlot`` and serves queued requests on it.
///
/// hiredis is blocking, so its calls must never run on Swift's cooperative pool or a NIO event
/// loop; each pooled connection gets a thread of its own that sleeps on a condition variable when
/// idle. Requests are enqueued from any thread and complete async callers through continuations.
///
/// Requests that queue up while the thread is busy are coalesced: all of them are appended to the
/// connection's output buffer and leave in one write, then their replies are read in order. Under
/// load this turns many small round trips into one, without delaying a lone request.
final class RedisConnectionThread: @unchecked Sendable {
    typealias Job = RedisRequest

    // Guarded by `mutex`: the queue and the stop flag. (pthread primitives, because the thread
    // must block while idle, which Synchronization.Mutex cannot express.)
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var jobs: [Job] = []
    private var stopping = false
    /// Jobs queued or running; read without the lock to pick the least busy thread.
    let load = Atomic<Int>(0)
    private let slot: RedisConnectionSlot

    init(slot: RedisConnectionSlot) {
        self.slot = slot
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        condition.deallocate()
    }

    /// Starts the thread; it keeps `self` alive until ``stop()`` lets it finish.
    func start() {
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            let owner = Unmanaged<RedisConnectionThread>.fromOpaque(raw!).takeRetainedValue()
            owner.run()
            return nil
        }, context)
        precondition(status == 0, "RedisClient: cannot start a connection thread (pthread_create returned \(status))")
        pthread_detach(thread)
    }

    /// Queues a request; after ``stop()`` it fails at once.
    func enqueue(_ job: Job) {
        load.add(1, ordering: .relaxed)
        pthread_mutex_lock(mutex)
        if stopping {
            pthread_mutex_unlock(mutex)
            load.subtract(1, ordering: .relaxed)
            job.complete(.failure(shutDownError(job)))
            return
        }
        jobs.append(job)
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    /// Asks the thread to finish: queued jobs fail with a "client shut down" error, the connection closes.
    func stop() {
        pthread_mutex_lock(mutex)
        stopping = true
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    private func run() {
        while let batch = nextBatch() {
            serve(batch)
            load.subtract(batch.count, ordering: .relaxed)
        }
        slot.close()
    }

    /// All queued requests, waiting while there are none; `nil` once stopped (remaining requests fail).
    private func nextBatch() -> [Job]? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while jobs.isEmpty, !stopping {
            pthread_cond_wait(condition, mutex)
        }
        if stopping {
            for job in jobs {
                job.complete(.failure(shutDownError(job)))
                load.subtract(1, ordering: .relaxed)
            }
            jobs.removeAll()
            return nil
        }
        // Swap the queue out so producers append to fresh storage while this batch is served.
        var batch: [Job] = []
        batch.reserveCapacity(jobs.count)
        swap(&batch, &jobs)
        return batch
    }

    /// Sends every request of `batch` in one write and completes each with its replies. After a
    /// connection loss, the requests that did not complete are resent once on a fresh connection
    /// if they allow it; the others fail with the error.
    private func serve(_ batch: [Job]) {
        var pending = batch[...]
        var retried = false
        while !pending.isEmpty {
            let connection: RedisConnection
            do {
                connection = try slot.connected()
            } catch {
                for job in pending { job.complete(.failure(error)) }
                return
            }
            guard let (failedAt, error) = serve(pending, on: connection) else { return }
            if connection.isBroken { slot.drop() }
            let unfinished = pending[failedAt...]
            if error.isConnectionLoss, !retried {
                retried = true
                for job in unfinished where !job.mayRetry { job.complete(.failure(error)) }
                pending = ArraySlice(unfinished.filter(\.mayRetry))
            } else {
                for job in unfinished { job.complete(.failure(error)) }
                return
            }
        }
    }

    /// Serves `jobs` on `connection`; returns the first request that could not complete and why.
    private func serve(_ jobs: ArraySlice<Job>, on connection: RedisConnection) -> (Int, RedisError)? {
        for index in jobs.indices {
            do {
                try connection.append(jobs[index].pipeline)
            } catch {
                // Nothing has been read yet, so every request of the batch is unfinished.
                return (jobs.startIndex, error)
            }
        }
        for index in jobs.indices {
            let job = jobs[index]
            do {
                try connection.readReplies(for: job.pipeline) { job.complete(.success($0)) }
            } catch {
                return (index, error)
            }
        }
        return nil
    }

    private func shutDownError(_ job: Job) -> RedisError {
        RedisError(kind: .usage, command: job.pipeline.isEmpty ? "PIPELINE" : job.pipeline.commandName(at: 0),
                   address: slot.url.address, message: "the RedisClient was shut down")
    }
}
