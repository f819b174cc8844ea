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
        /// The view's schedule cannot run (a cron that never matches, say, registered before `apply` checked
        /// schedules): the view is left out; the others keep running.
        case unschedulable(view: String, error: String)
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

    /// When each view runs next (first call: the next slot after now). Views whose schedule cannot run
    /// are reported once as ``Event/unschedulable(view:error:)`` and left out.
    public func schedule() -> [String: Timestamp] {
        let now = clock.now()
        for view in views where due[view.name] == nil && !unschedulable.contains(view.name) {
            setNext(of: view, after: now)
        }
        return due
    }

    private var unschedulable: Set<String> = []

    /// Sets the view's next run after `now`, or drops it from the schedule with an event when it has none.
    private func setNext(of view: FeatureView, after now: Timestamp) {
        do {
            due[view.name] = try schedule(of: view).next(after: now)
        } catch {
            due[view.name] = nil
            unschedulable.insert(view.name)
            record([.unschedulable(view: view.name, error: error.description)])
        }
    }

    private func record(_ happened: [Event]) {
        events += happened
        for event in happened { onEvent(event) }
    }

    /// Runs every view due at `now` once (every scheduled view with `all`); returns what happened.
    /// Views run one after another so two runs never compete for the cores or for a view's lock.
    @discardableResult
    public func tick(now: Timestamp, all: Bool = false) async -> [Event] {
        _ = schedule()
        var happened: [Event] = []
        for view in views {
            guard let at = due[view.name], all || at <= now else { continue }
            do {
                try await runView(view, now)
                attempts[view.name] = 0
                happened.append(.succeeded(view: view.name, at: now))
                setNext(of: view, after: now)
            } catch {
                let attempt = (attempts[view.name] ?? 0) + 1
                if attempt < maxAttempts {
                    attempts[view.name] = attempt
                    let retry = now.adding(TimeSpan(microseconds: backoff.microseconds << (attempt - 1)))
                    due[view.name] = retry
                    happened.append(.failed(view: view.name, at: now, error: "\(error)", retryAt: retry))
                } else {
                    attempts[view.name] = 0
                    setNext(of: view, after: now)
                    if let next = due[view.name] { happened.append(.gaveUp(view: view.name, at: now, error: "\(error)", nextAt: next)) }
                }
            }
        }
        record(happened)
        return happened
    }

    /// Sleeps until the earliest due view, runs what is due, forever: a failing run or schedule is an
    /// event, never an error out of here; only cancellation ends it.
    public func run() async throws {
        while !Task.isCancelled {
            let next = schedule().values.min() ?? clock.now().adding(.hours(1))
            try await clock.sleep(until: next)
            await tick(now: clock.now())
        }
    }
}
