import Foundation
import Larder
import LarderColumnar
import LarderOffline
import LarderRegistry
import Testing

@Suite("Snapshots")
struct SnapshotStoreTests {
    @Test("saving is idempotent for the same content and refused for different content; reads check the hash")
    func immutable() throws {
        let f = try OfflineFixture(); defer { f.remove() }
        try f.write("entities.csv", ["driver_id,event_timestamp", "1000,2026-01-01T00:00:00Z"])
        let registry = try Registry(home: f.home)
        let store = try SnapshotStore(home: f.home, database: registry.database)
        let batch = try ColumnBatch(["driver_id": Column(int64: [1, 2]), "conv_rate": Column(float32: [0.5, 0.25])])
        let lineage = SnapshotStore.Lineage(registryVersion: 3, features: ["v:conv_rate"], intervals: ["v": [.all]], entityFile: f.data + "/entities.csv")
        guard case .saved(let saved) = try store.save(name: "s1", batch: batch, lineage: lineage) else {
            Issue.record("first save stores"); return
        }
        #expect(saved.rowCount == 2)
        #expect(saved.registryVersion == 3)
        #expect(saved.entityHash == (try FileHash.sha256(of: f.data + "/entities.csv")))
        #expect(try store.save(name: "s1", batch: batch, lineage: lineage) == .identical(saved))
        let other = try ColumnBatch(["driver_id": Column(int64: [1, 2]), "conv_rate": Column(float32: [0.5, 0.75])])
        #expect(throws: SnapshotError.self) { try store.save(name: "s1", batch: other, lineage: lineage) }
        let (_, read) = try store.read("s1")
        #expect(read == batch)
        #expect(try store.list().map(\.name) == ["s1"])

        try Data([0x50, 0x41, 0x52, 0x31]).write(to: URL(fileURLWithPath: f.home + "/" + saved.path))
        #expect(throws: SnapshotError.self) { try store.read("s1") }
    }
}
