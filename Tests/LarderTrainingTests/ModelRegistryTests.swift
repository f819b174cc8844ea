import Foundation
import Larder
import LarderOffline
import LarderRegistry
import Testing
@testable import LarderTraining

@Suite struct ModelRegistryTests {
    @Test func versionsCountUpPerNameWithLineage() throws {
        let fixture = try SnapshotFixture(rows: 800)
        defer { fixture.tearDown() }
        let service = try ModelService(home: fixture.home, database: fixture.registry.database)
        let request = ModelService.Request(snapshot: "rides_test", label: "trip_completed", seed: 3)
        let first = try service.train(request, now: Timestamp(microsecondsSinceEpoch: 1_000_000)).model
        let second = try service.train(request).model
        var other = request
        other.name = "trips_gbt"
        other.family = .gbt
        other.iterations = 10
        let gbt = try service.train(other).model
        #expect([first.version, second.version, gbt.version] as [Int] == [1, 2, 1])
        #expect(first.name == "trip_completed" && gbt.name == "trips_gbt")
        #expect(first.kind == .logisticRegression && gbt.kind == .gradientBoostedTrees)
        let snapshot = try #require(try fixture.snapshots.snapshot("rides_test"))
        #expect(first.snapshot == "rides_test" && first.snapshotHash == snapshot.contentHash && first.registryVersion == 3)
        #expect(first.features.map(\.reference.description) == SnapshotFixture.lineage)
        #expect(first.features.map(\.name) == ["conv_rate", "avg_daily_trips", "segment"])
        #expect(first.trainRows == 640 && first.validationRows == 160)
        #expect(first.options.seed == 3 && first.options.validationFraction == 0.2)
        #expect(Set(first.metrics.keys).isSuperset(of: ["auc", "log_loss", "accuracy", "brier"]))
        #expect(first.baseline["auc"] == 0.5)
        #expect(first.metrics["auc"]! > 0.6)
        #expect(first.artifactPath == "models/trip_completed/v1.json" && second.artifactPath == "models/trip_completed/v2.json")
        #expect(first.createdAt == Timestamp(microsecondsSinceEpoch: 1_000_000))
        #expect(first.stage == .none)
        let bytes = try #require(FileManager.default.contents(atPath: fixture.home + "/" + first.artifactPath))
        #expect(SHA256.hash([UInt8](bytes)).hex == first.artifactSHA256)

        let models = try ModelRegistry(home: fixture.home, database: fixture.registry.database)
        #expect(try models.list().map(\.reference) == ["trip_completed@1", "trip_completed@2", "trips_gbt@1"])
        #expect(try models.resolve(ModelReference(name: "trip_completed", version: 1)) == first)
        #expect(try models.versions(of: "trip_completed") == [first, second])
    }

    @Test func promoteKeepsOneProductionVersion() async throws {
        let fixture = try SnapshotFixture(rows: 300)
        defer { fixture.tearDown() }
        let service = try ModelService(home: fixture.home, database: fixture.registry.database)
        let request = ModelService.Request(snapshot: "rides_test", label: "trip_completed", name: "m")
        for _ in 0..<3 { _ = try service.train(request) }
        let models = service.registry
        #expect(throws: ModelRegistryError.noProductionVersion("m")) { try models.resolve(ModelReference(name: "m")) }
        try models.promote(name: "m", version: 1)
        #expect(try await models.resolve(ModelReference(name: "m")).version == 1)
        try models.promote(name: "m", version: 3)
        #expect(try models.versions(of: "m").map(\.stage) == [.archived, .none, .production])
        #expect(try await models.resolve(ModelReference(name: "m")).version == 3)
        try models.promote(name: "m", version: 3)   // promoting the production version again changes nothing
        #expect(try models.versions(of: "m").map(\.stage) == [.archived, .none, .production])
        #expect(throws: ModelRegistryError.unknownVersion(name: "m", version: 4, latest: 3)) { try models.promote(name: "m", version: 4) }
        #expect(try models.versions(of: "m").map(\.stage) == [.archived, .none, .production])
        // The database itself refuses a second production version.
        #expect(throws: SQLiteError.self) {
            try fixture.registry.database.withConnection { try $0.execute("UPDATE models SET stage = 'production' WHERE name = 'm' AND version = 2") }
        }
    }

    @Test func loadingChecksTheArtifactHash() async throws {
        let fixture = try SnapshotFixture(rows: 300)
        defer { fixture.tearDown() }
        let service = try ModelService(home: fixture.home, database: fixture.registry.database)
        let outcome = try service.train(ModelService.Request(snapshot: "rides_test", label: "trip_completed"))
        let models = service.registry
        #expect(try await models.loadArtifact(of: outcome.model) == outcome.result.artifact)
        let path = fixture.home + "/" + outcome.model.artifactPath
        var bytes = [UInt8](try #require(FileManager.default.contents(atPath: path)))
        bytes[bytes.count / 2] ^= 1
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        #expect(throws: ModelRegistryError.artifactModified(path: outcome.model.artifactPath, expected: outcome.model.artifactSHA256,
                                                            actual: SHA256.hash(bytes).hex)) {
            try models.loadArtifact(of: outcome.model)
        }
        try FileManager.default.removeItem(atPath: path)
        await #expect(throws: ModelRegistryError.artifactUnreadable(path: path, detail: "the file is missing")) {
            try await models.loadArtifact(of: outcome.model)
        }
    }

    @Test(arguments: [ModelFamily.logistic, .linear, .gbt])
    func trainingTwiceGivesTheSameArtifactBytes(family: ModelFamily) throws {
        let fixture = try SnapshotFixture(rows: 1_000)
        defer { fixture.tearDown() }
        let service = try ModelService(home: fixture.home, database: fixture.registry.database)
        let label = family == .linear ? "avg_daily_trips" : "trip_completed"
        let request = ModelService.Request(snapshot: "rides_test", label: label, family: family, seed: 11, iterations: family == .gbt ? 15 : nil)
        let a = try service.train(request), b = try service.train(request)
        #expect(a.model.version == 1 && b.model.version == 2)
        #expect(a.model.artifactSHA256 == b.model.artifactSHA256)
        let bytesA = FileManager.default.contents(atPath: fixture.home + "/" + a.model.artifactPath)
        let bytesB = FileManager.default.contents(atPath: fixture.home + "/" + b.model.artifactPath)
        #expect(bytesA != nil && bytesA == bytesB)
        #expect(a.model.metrics == b.model.metrics)
        if family == .linear { #expect(a.model.metrics["rmse"] != nil && !a.model.features.map(\.name).contains("avg_daily_trips")) }
    }

    @Test func referencesAndNamesAreChecked() throws {
        #expect(try ModelReference(parsing: "trips@2") == ModelReference(name: "trips", version: 2))
        #expect(try ModelReference(parsing: "trips@v3") == ModelReference(name: "trips", version: 3))
        #expect(try ModelReference(parsing: "trips") == ModelReference(name: "trips"))
        for bad in ["", "@1", "trips@", "trips@0", "trips@x"] {
            #expect(throws: ModelRegistryError.invalidReference(bad)) { try ModelReference(parsing: bad) }
        }
        #expect(ModelRegistry.isValidName("trip_completed.v2-b"))
        #expect(!ModelRegistry.isValidName("../etc") && !ModelRegistry.isValidName(".hidden") && !ModelRegistry.isValidName("a b"))

        let fixture = try SnapshotFixture(rows: 200)
        defer { fixture.tearDown() }
        let service = try ModelService(home: fixture.home, database: fixture.registry.database)
        #expect(throws: ModelRegistryError.invalidName("a/b")) {
            try service.train(ModelService.Request(snapshot: "rides_test", label: "trip_completed", name: "a/b"))
        }
        #expect(throws: ModelRegistryError.unknownModel("ghost")) { try service.registry.resolve(ModelReference(name: "ghost", version: 1)) }
        #expect(throws: ModelRegistryError.unknownModel("ghost")) { try service.registry.resolve(ModelReference(name: "ghost")) }
    }
}
