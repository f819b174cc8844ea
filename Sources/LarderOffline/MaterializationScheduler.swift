public import Larder

/// The scheduler's notion of time, injectable so tests drive it without sleeping.
public protocol SchedulerClock: Sendable {
    func now() -> Timestamp
    /// Returns at `deadline` (or when the task is cancelled).
    func sleep(until deadline: Timestamp) async throws
}

/// Wall-clock time.
public struct SystemSchedulerClock: SchedulerClock {
    public init() {}
    public func now() -> Timestamp { .now() }
    public func sleep(until deadline: Timestamp) async throws {
        let wait = deadline.microsecondsSinceEpoch - Timestamp.now().microsecondsSinceEpoch
        if wait > 0 { try await Task.sleep(for: .microseconds(wait)) }
    }
}

/// Runs each scheduled view's incremental materialization when its schedule says, beside `larder serve`
/// or alone in `larder schedule`. A failed run is retried with exponential backoff (and reported); other
/// views keep their own schedules regardless.
///
/// ```swift
/// let scheduler = MaterializationScheduler(views: repository.views, clock: SystemSchedulerClock()) { view, now in
///     _ = try materializer.runIncremental(views: [view], end: now, trigger: "scheduled")
/// }
/// try await scheduler.run()
/// ```
public actor MaterializationScheduler {
    /// What happened at one tick, for logs and tests.
    public enum Event: Sendable, Equatable {
        case succeeded(view: String, at: Timestamp)
        case failed(view: String, at: Timestamp, error: String, retryAt: Timestamp)
        case gaveUp(view: String, at: Timestamp, error: String, nextAt: Timestamp)
    }

    public typealias Run = @Sendable (FeatureView, Timestamp) async throws -> Void

    private let views: [FeatureView]
    private let clock: any SchedulerClock
    private let runView: Run
    private let maxAttempts: Int
    private let backoff: TimeSpan
    private var due: [String: Timestamp] = [:]
    private var attempts: [String: Int] = [:]
    public private(set) var events: [Event] = []
    private let onEvent: @Sendable (Event) -> Void
    private let override: Schedule?

    /// Only views with a schedule are run. `maxAttempts` counts the first try. `override` replaces every
    /// view's own schedule (`larder serve --every 10s`: a demo or a test sees runs within seconds).
    public init(views: [FeatureView], clock: any SchedulerClock, maxAttempts: Int = 4, backoff: TimeSpan = .seconds(30),
                override: Schedule? = nil, onEvent: @escaping @Sendable (Event) -> Void = { _ in }, run: @escaping Run) {
        self.views = views.filter { $0.schedule != nil }
        self.override = override
        self.clock = clock
        self.runView = run
        self.maxAttempts = maxAttempts
        self.backoff = backoff
        self.onEvent = onEvent
    }

    private func schedule(of view: FeatureView) -> Schedule { override ?? view.schedule! }

    /// When each view runs next (first call: the next slot after now).
    public func schedule() throws -> [String: Timestamp] {
        let now = clock.now()
        for view in views where due[view.name] == nil {
            due[view.name] = try schedule(of: view).next(after: now)
        }
        return due
    }

    /// Runs every view due at `now` once (every scheduled view with `all`); returns what happened.
    /// Views run one after another so two runs never compete for the cores or for a view's lock.
    @discardableResult
    public func tick(now: Timestamp, all: Bool = false) async throws -> [Event] {
        _ = try schedule()
        var happened: [Event] = []
        for view in views {
            guard let at = due[view.name], all || at <= now else { continue }
            do {
                try await runView(view, now)
                attempts[view.name] = 0
                due[view.name] = try schedule(of: view).next(after: now)
                happened.append(.succeeded(view: view.name, at: now))
            } catch {
                let attempt = (attempts[view.name] ?? 0) + 1
                if attempt < maxAttempts {
                    attempts[view.name] = attempt
                    let retry = now.adding(TimeSpan(microseconds: backoff.microseconds << (attempt - 1)))
                    due[view.name] = retry
                    happened.append(.failed(view: view.name, at: now, error: "\(error)", retryAt: retry))
                } else {
                    attempts[view.name] = 0
                    let next = try schedule(of: view).next(after: now)
                    due[view.name] = next
                    happened.append(.gaveUp(view: view.name, at: now, error: "\(error)", nextAt: next))
                }
            }
        }
        events += happened
        for event in happened { onEvent(event) }
        return happened
    }

    /// Sleeps until the earliest due view, runs what is due, forever (until cancelled).
    public func run() async throws {
        while !Task.isCancelled {
            let next = try schedule().values.min() ?? clock.now().adding(.hours(1))
            try await clock.sleep(until: next)
            try await tick(now: clock.now())
        }
    }
}
