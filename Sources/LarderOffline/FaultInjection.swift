import Foundation
import Synchronization

/// Named points where a test can have the process killed (SIGKILL, as `kill -9` would), to prove that
/// a crash at that point leaves the stores consistent. Set `LARDER_FAULT=<point>` in the environment to be
/// killed the first time the point is reached, `LARDER_FAULT=<point>#<n>` the n-th time (a server that has
/// acknowledged some pushes already); unset, a point costs one comparison.
public enum FaultInjection {
    private static let armed: (point: String, hit: Int)? = {
        guard let value = ProcessInfo.processInfo.environment["LARDER_FAULT"] else { return nil }
        let parts = value.split(separator: "#", maxSplits: 1)
        return (String(parts[0]), parts.count == 2 ? Int(parts[1]) ?? 1 : 1)
    }()
    private static let hits = Mutex(0)

    public static func point(_ name: String) {
        guard let armed, armed.point == name else { return }
        let hit = hits.withLock { count in
            count += 1
            return count
        }
        if hit >= armed.hit { kill(getpid(), SIGKILL) }
    }
}
