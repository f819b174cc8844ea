import Dispatch

/// A ``SQLiteConnection`` for async code: every call runs on the database's own serial queue, so a
/// busy wait or disk I/O in SQLite never blocks Swift's cooperative threads or a NIO event loop.
///
/// ```swift
/// let db = try SQLiteDatabase(path: ".larder/registry.db")
/// let count = try await db.read { try $0.queryFirst("SELECT count(*) FROM t")?[0].int64 }
/// ```
public final class SQLiteDatabase: @unchecked Sendable {
    // The connection is only touched on `queue`, which serializes every access.
    private let connection: SQLiteConnection
    private let queue: DispatchQueue
    public let path: String

    public init(path: String, readOnly: Bool = false) throws(SQLiteError) {
        self.path = path
        connection = try SQLiteConnection(path: path, readOnly: readOnly)
        queue = DispatchQueue(label: "larder.sqlite.\(path)")
    }

    /// Runs `body` with the connection on the database's queue.
    public func read<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            nonisolated(unsafe) let connection = connection
            queue.async {
                continuation.resume(with: Result { try body(connection) })
            }
        }
    }

    /// Runs `body` inside a transaction on the database's queue; a throw rolls it back.
    public func write<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await read { connection in try connection.transaction(body) }
    }

    /// Runs `body` synchronously on the queue — for command-line code that is not async.
    public func withConnection<T>(_ body: (SQLiteConnection) throws -> T) rethrows -> T {
        try queue.sync { try body(connection) }
    }
}
