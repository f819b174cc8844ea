import Foundation
import Larder
import LarderOffline
import Testing

@Suite("Scheduling")
struct SchedulerTests {
    /// A clock the test moves by hand; sleeping is never needed because tests call `tick`.
    struct ManualClock: SchedulerClock {
        let time: Timestamp
        func now() -> Timestamp { time }
        func sleep(until deadline: Timestamp) async throws {}
    }

    /// Records runs and fails the views it is told to, a given number of times.
    final class Runner: @unchecked Sendable {
        // Touched only from the scheduler actor's serial calls.
        var runs: [(String, Timestamp)] = []
        var failuresLeft: [String: Int] = [:]
        func run(_ view: FeatureView, _ now: Timestamp) throws {
            runs.append((view.name, now))
            if let left = failuresLeft[view.name], left > 0 {
                failuresLeft[view.name] = left - 1
                throw MaterializationError("source unreadable")
            }
        }
    }

    static func view(_ name: String, _ schedule: Schedule?) -> FeatureView {
        FeatureView(name, entities: [Entity("e", joinKey: "k")], ttl: nil, source: .csv("s", path: "s.csv"),
                    fields: [Field("f", .int64)], schedule: schedule)
    }

    @Test("periods land on round times; cron expressions find their next minute")
    func nextTimes() throws {
        let t = ts("2026-01-01T08:30:10Z")
        #expect(try Schedule.every(.hours(1)).next(after: t) == ts("2026-01-01T09:00:00Z"))
        #expect(try Schedule.every(.minutes(15)).next(after: ts("2026-01-01T08:45:00Z")) == ts("2026-01-01T09:00:00Z"))
        #expect(try Schedule.cron("0 * * * *").next(after: t) == ts("2026-01-01T09:00:00Z"))
        #expect(try Schedule.cron("*/20 6-7 * * *").next(after: t) == ts("2026-01-02T06:00:00Z"))
        #expect(try Schedule.cron("30 2 * * 1").next(after: t) == ts("2026-01-05T02:30:00Z"), "2026-01-05 is a Monday")
        #expect(try Schedule.cron("0 0 1 3 *").next(after: t) == ts("2026-03-01T00:00:00Z"))
        #expect(throws: ScheduleError.self) { try Schedule.cron("0 0 30 2 *").next(after: t) }
        #expect(throws: ScheduleError.self) { try Schedule.cron("61 * * * *").next(after: t) }
        #expect(throws: ScheduleError.self) { try Schedule.cron("* * *").next(after: t) }
    }

    @Test("due views run at their times, unscheduled views never, and a failing view is retried with backoff while others go on")
    func runsAndRetries() async throws {
        let runner = Runner()
        runner.failuresLeft["b"] = 5
        let start = ts("2026-01-01T08:30:00Z")
        let scheduler = MaterializationScheduler(
            views: [Self.view("a", .every(.hours(1))), Self.view("b", .every(.hours(1))), Self.view("c", nil)],
            clock: ManualClock(time: start), maxAttempts: 3, backoff: .minutes(1)) { view, now in try runner.run(view, now) }
        #expect(await scheduler.schedule() == ["a": ts("2026-01-01T09:00:00Z"), "b": ts("2026-01-01T09:00:00Z")])
        #expect(await scheduler.tick(now: ts("2026-01-01T08:59:59Z")).isEmpty)

        let nine = ts("2026-01-01T09:00:00Z")
        let first = await scheduler.tick(now: nine)
        #expect(first == [.succeeded(view: "a", at: nine),
                          .failed(view: "b", at: nine, error: "source unreadable", retryAt: ts("2026-01-01T09:01:00Z"))])
        let retry1 = await scheduler.tick(now: ts("2026-01-01T09:01:00Z"))
        #expect(retry1 == [.failed(view: "b", at: ts("2026-01-01T09:01:00Z"), error: "source unreadable", retryAt: ts("2026-01-01T09:03:00Z"))])
        let retry2 = await scheduler.tick(now: ts("2026-01-01T09:03:00Z"))
        #expect(retry2 == [.gaveUp(view: "b", at: ts("2026-01-01T09:03:00Z"), error: "source unreadable", nextAt: ts("2026-01-01T10:00:00Z"))])
        runner.failuresLeft["b"] = 0
        let ten = ts("2026-01-01T10:00:00Z")
        #expect(await scheduler.tick(now: ten) == [.succeeded(view: "a", at: ten), .succeeded(view: "b", at: ten)])
        #expect(runner.runs.map(\.0) == ["a", "b", "b", "b", "a", "b"])
        #expect(!runner.runs.contains { $0.0 == "c" })
    }

    @Test("an override period (serve --every) replaces every scheduled view's own schedule, and still skips unscheduled views")
    func overridePeriod() async throws {
        let runner = Runner()
        let start = ts("2026-01-01T08:30:01Z")
        let scheduler = MaterializationScheduler(
            views: [Self.view("hourly", .every(.hours(1))), Self.view("cron", .cron("0 0 * * *")), Self.view("never", nil)],
            clock: ManualClock(time: start), override: .every(.seconds(5))) { view, now in try runner.run(view, now) }
        let five = ts("2026-01-01T08:30:05Z")
        #expect(await scheduler.schedule() == ["hourly": five, "cron": five])
        #expect(await scheduler.tick(now: five) == [.succeeded(view: "hourly", at: five), .succeeded(view: "cron", at: five)])
        #expect(await scheduler.schedule() == ["hourly": ts("2026-01-01T08:30:10Z"), "cron": ts("2026-01-01T08:30:10Z")])
        #expect(runner.runs.map(\.0) == ["hourly", "cron"])
    }

    @Test("a schedule that cannot run is reported once and left out; the other views keep running and run() never throws for it")
    func unschedulableViewIsLeftOut() async throws {
        let runner = Runner()
        let start = ts("2026-01-01T08:30:00Z")
        let scheduler = MaterializationScheduler(
            views: [Self.view("good", .every(.hours(1))), Self.view("feb30", .cron("0 0 30 2 *")), Self.view("bad", .cron("61 * * * *"))],
            clock: ManualClock(time: start)) { view, now in try runner.run(view, now) }
        let nine = ts("2026-01-01T09:00:00Z")
        #expect(await scheduler.schedule() == ["good": nine])
        #expect(await scheduler.tick(now: nine) == [.succeeded(view: "good", at: nine)])
        let events = await scheduler.events
        let unschedulable = events.compactMap { event -> String? in
            if case .unschedulable(let view, let error) = event { return "\(view): \(error)" } else { return nil }
        }
        #expect(unschedulable.count == 2, "each reported once, not at every tick")
        #expect(unschedulable.contains { $0.hasPrefix("feb30:") && $0.contains("never matches") })
        #expect(unschedulable.contains { $0.hasPrefix("bad:") && $0.contains("outside 0-59") })
        #expect(runner.runs.map(\.0) == ["good"])
    }
}
