import Definitions
import Foundation
import Larder
import LarderRegistry
import Testing

@Suite("larder plan / apply / list / describe / history, end to end")
struct RegistryCommandsTests {
    @Test("apply twice: the second run says no changes and stores nothing")
    func applyTwice() throws {
        try withTemporaryDirectory { dir in
            let larder = LarderBinary(workingDirectory: dir)
            let plan = try larder.run("plan")
            #expect(plan.status == 0)
            #expect(plan.stdout.contains("+ view driver_stats: new view [compatible]"))
            #expect(!FileManager.default.fileExists(atPath: dir + "/.larder"), "plan must write nothing")

            let first = try larder.run("apply")
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("applied registry version 1"))
            let second = try larder.run("apply")
            #expect(second.status == 0)
            #expect(second.stdout.hasPrefix("no changes (registry version 1"))
            #expect(try Registry(home: dir + "/.larder").history().count == 1)
        }
    }

    @Test("a breaking edit is refused without --allow-breaking, then applied with it")
    func breakingEdit() throws {
        try withTemporaryDirectory { dir in
            // Register an older edition of the rides definitions in which conv_rate was float64 and the
            // driver ttl 2 days: to the compiled definitions that is a type change and a shorter ttl.
            let home = dir + "/state"
            var old = RepositorySpec(Definitions.repository)
            let index = try #require(old.views.firstIndex { $0.name == "driver_stats" })
            old.views[index].fields[0].type = .float64
            old.views[index].ttlMicroseconds = TimeSpan.days(2).microseconds
            _ = try Registry(home: home).apply(old, allowBreaking: true)

            let larder = LarderBinary(workingDirectory: dir, environment: ["LARDER_HOME": home])
            let plan = try larder.run("plan")
            #expect(plan.stdout.contains("~ view driver_stats: field conv_rate changed type from float64 to float32 [breaking]"))
            #expect(plan.stdout.contains("~ view driver_stats: ttl shortened from 2d to 1d"))

            let refused = try larder.run("apply")
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("refusing to apply 2 breaking changes"))
            #expect(refused.stderr.contains("--allow-breaking"))
            #expect(try Registry(home: home).latestVersionNumber() == 1)

            let allowed = try larder.run("apply", "--allow-breaking")
            #expect(allowed.status == 0, "\(allowed.stderr)")
            #expect(allowed.stdout.contains("applied registry version 2"))
        }
    }

    @Test("list, describe and history show what is registered")
    func inspectRegistry() throws {
        try withTemporaryDirectory { dir in
            let larder = LarderBinary(workingDirectory: dir)
            #expect(try larder.run("list", "views").stderr.contains("run `larder apply` first"))
            try larder.run("apply")
            let views = try larder.run("list", "views").stdout
            #expect(views.contains("driver_stats    driver    1d"))
            #expect(views.contains("customer_stats  customer  2d"))
            let service = try larder.run("describe", "rides").stdout
            #expect(service.contains("  driver_stats:conv_rate\n"))
            #expect(service.contains("  customer_stats:lifetime_trip_count"))
            let entity = try larder.run("describe", "driver").stdout
            #expect(entity.contains("entity driver: join key driver_id (int64)"))
            let unknown = try larder.run("describe", "drivers")
            #expect(unknown.status != 0)
            #expect(unknown.stderr.contains("nothing named drivers is registered"))
            #expect(try larder.run("history").stdout.contains("version 1  "))
        }
    }
}
