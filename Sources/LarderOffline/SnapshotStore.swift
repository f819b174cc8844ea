public import Larder
public import LarderColumnar
import LarderParquet
public import LarderRegistry
import Foundation

/// Immutable, content-hashed training sets: `<home>/snapshots/<name>.parquet` plus a catalog row with
/// the SHA-256 of the file, the row count, the registry version, the features, the materialized
/// intervals read, the entity file's hash and the creation time. Saving a name again with the same
/// content is a no-op; with different content it is refused. The training module reads snapshots.
///
/// ```swift
/// let snapshots = try SnapshotStore(home: ".larder", database: registry.database)
/// let saved = try snapshots.save(name: "rides_2026_01", batch: set, lineage: lineage)
/// let batch = try snapshots.read("rides_2026_01")
/// ```
public struct SnapshotStore: Sendable {
    public let home: String
    public let database: SQLiteDatabase

    /// A saved snapshot's catalog entry.
    public struct Snapshot: Sendable, Codable, Equatable {
        public var name: String
        public var contentHash: String
        public var rowCount: Int
        public var registryVersion: Int64
        public var features: [String]
        public var columns: [String]
        public var intervals: [String: [EventInterval]]
        public var entityFile: String
        public var entityHash: String
        public var createdAt: Timestamp
        /// Relative to the state directory.
        public var path: String
    }

    /// Where a training set came from.
    public struct Lineage: Sendable {
        public var registryVersion: Int64
        public var features: [String]
        public var intervals: [String: [EventInterval]]
        public var entityFile: String
        public init(registryVersion: Int64, features: [String], intervals: [String: [EventInterval]], entityFile: String) {
            self.registryVersion = registryVersion
            self.features = features
            self.intervals = intervals
            self.entityFile = entityFile
        }
    }

    public init(home: String, database: SQLiteDatabase) throws {
        self.home = home
        self.database = database
    }

    public enum SaveOutcome: Sendable, Equatable {
        case saved(Snapshot)
        /// The name already holds exactly this content.
        case identical(Snapshot)
    }

    public func save(name: String, batch: ColumnBatch, lineage: Lineage, now: Timestamp = .now()) throws -> SaveOutcome {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }), !name.hasPrefix(".") else {
            throw SnapshotError("snapshot name \"\(name)\" is not valid: use letters, digits, _, - and .")
        }
        try FileManager.default.createDirectory(atPath: home + "/snapshots", withIntermediateDirectories: true)
        let relative = "snapshots/\(name).parquet"
        let staging = home + "/snapshots/.\(name).\(ProcessInfo.processInfo.processIdentifier).parquet"
        var options = ParquetWriteOptions()
        options.keyValueMetadata = ["larder.snapshot.features": lineage.features.joined(separator: ",")]
        try ParquetFile.write(batch, to: staging, options: options)
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let hash = try FileHash.sha256(of: staging)
        let entityHash = try FileHash.sha256(of: lineage.entityFile)
        let snapshot = Snapshot(name: name, contentHash: hash, rowCount: batch.rowCount, registryVersion: lineage.registryVersion,
                                features: lineage.features, columns: batch.schema.names, intervals: lineage.intervals,
                                entityFile: lineage.entityFile, entityHash: entityHash, createdAt: now, path: relative)
        return try database.withConnection { db in
            try db.transaction { db in
                if let existing = try Self.lookup(db, name) {
                    guard existing.contentHash == hash else {
                        throw SnapshotError("snapshot \(name) already exists with different content (\(existing.contentHash.prefix(12)) vs \(hash.prefix(12))); snapshots are immutable: save under a new name")
                    }
                    return .identical(existing)
                }
                // The file moves into place before the row commits; a crash in between leaves an
                // unlisted file that the next save of this name overwrites.
                try FileManager.default.moveItemReplacing(at: staging, to: home + "/" + relative)
                let json = String(decoding: try JSONEncoder().encode(snapshot), as: UTF8.self)
                try db.execute("INSERT INTO snapshots(name, entry) VALUES (?, ?)", [.text(name), .text(json)])
                return .saved(snapshot)
            }
        }
    }

    public func snapshot(_ name: String) throws -> Snapshot? {
        try database.withConnection { try Self.lookup($0, name) }
    }

    public func list() throws -> [Snapshot] {
        try database.withConnection { db in
            try db.query("SELECT entry FROM snapshots ORDER BY name").map { try Self.decode($0[0].string ?? "") }
        }
    }

    /// The snapshot's rows, after checking the file still has the recorded hash.
    public func read(_ name: String) throws -> (Snapshot, ColumnBatch) {
        guard let snapshot = try snapshot(name) else {
            throw SnapshotError("no snapshot named \(name); `larder snapshots list` shows the saved ones")
        }
        let path = home + "/" + snapshot.path
        let hash = try FileHash.sha256(of: path)
        guard hash == snapshot.contentHash else {
            throw SnapshotError("snapshot \(name)'s file \(path) was modified (hash \(hash.prefix(12)), recorded \(snapshot.contentHash.prefix(12)))")
        }
        return (snapshot, try ParquetFile.read(path))
    }

    private static func lookup(_ db: SQLiteConnection, _ name: String) throws -> Snapshot? {
        try db.queryFirst("SELECT entry FROM snapshots WHERE name = ?", [.text(name)]).map { try decode($0[0].string ?? "") }
    }

    private static func decode(_ json: String) throws -> Snapshot {
        try JSONDecoder().decode(Snapshot.self, from: Data(json.utf8))
    }
}

/// A snapshot operation was refused.
public struct SnapshotError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// SHA-256 of a file, read in 1 MiB blocks.
public enum FileHash {
    public static func sha256(of path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw SnapshotError("cannot read \(path)") }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty {
            block.withUnsafeBytes { hasher.update(UnsafeBufferPointer(start: $0.bindMemory(to: UInt8.self).baseAddress, count: $0.count)) }
        }
        return hasher.finalize().hex
    }
}

extension FileManager {
    func moveItemReplacing(at source: String, to destination: String) throws {
        if rename(source, destination) != 0 {
            throw SnapshotError("cannot move \(source) to \(destination): \(String(cString: strerror(errno)))")
        }
    }
}
