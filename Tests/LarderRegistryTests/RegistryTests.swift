import Larder
import LarderRegistry
import Testing

@Suite("Registry versions")
struct RegistryTests {
    @Test("apply stores version 1, then identical definitions change nothing")
    func idempotentApply() throws {
        try withTemporaryDirectory { home in
            let registry = try Registry(home: home)
            #expect(try registry.latest() == nil)
            guard case .applied(let v1, let diff) = try registry.apply(RidesVariant().spec, allowBreaking: false) else {
                Issue.record("first apply should store a version"); return
            }
            #expect(v1.number == 1)
            #expect(diff.changes.count == 7)
            let expectedHash = try Registry.contentHash(RidesVariant().spec)
            #expect(v1.contentHash == expectedHash)
            guard case .unchanged(let same) = try registry.apply(RidesVariant().spec, allowBreaking: false) else {
                Issue.record("identical apply should change nothing"); return
            }
            #expect(same.number == 1)
            #expect(try registry.history().count == 1)
        }
    }

    @Test("a breaking change is refused without allowBreaking and leaves the registry as it was")
    func breakingRefused() throws {
        try withTemporaryDirectory { home in
            let registry = try Registry(home: home)
            _ = try registry.apply(RidesVariant().spec, allowBreaking: false)
            var edited = RidesVariant()
            edited.convRateType = .float64
            #expect(throws: BreakingChangeError.self) { try registry.apply(edited.spec, allowBreaking: false) }
            #expect(try registry.latestVersionNumber() == 1)
            #expect(try registry.latest()?.spec == RidesVariant().spec)
            guard case .applied(let v2, _) = try registry.apply(edited.spec, allowBreaking: true) else {
                Issue.record("allowBreaking should apply"); return
            }
            #expect(v2.number == 2)
            #expect(v2.changes.contains("field conv_rate changed type from float32 to float64 [breaking]"))
        }
    }

    @Test("history keeps every version in order with its spec, and a reopened registry sees them")
    func history() throws {
        try withTemporaryDirectory { home in
            do {
                let registry = try Registry(home: home)
                for days in 1...4 {
                    var v = RidesVariant()
                    v.driverTTL = .days(Int64(days))
                    _ = try registry.apply(v.spec, allowBreaking: false)
                }
            }
            let reopened = try Registry(home: home)
            let versions = try reopened.history()
            #expect(versions.map(\.number) == [1, 2, 3, 4])
            #expect(versions.map { $0.spec.view("driver_stats")?.ttl } == [.days(1), .days(2), .days(3), .days(4)])
            #expect(Set(versions.map(\.contentHash)).count == 4)
            #expect(try reopened.version(2)?.changes.contains("ttl lengthened from 1d to 2d") == true)
            #expect(try reopened.plan(RidesVariant().spec).breaking.first?.reason.contains("ttl shortened from 4d to 1d") == true)
        }
    }

    @Test("the content hash ignores nothing but is stable for equal specs")
    func contentHash() throws {
        let a = try Registry.contentHash(RidesVariant().spec)
        let again = try Registry.contentHash(RidesVariant().spec)
        #expect(a == again)
        var v = RidesVariant()
        v.description = "x"
        let other = try Registry.contentHash(v.spec)
        #expect(a != other)
        #expect(a.count == 64)
    }
}
