import Foundation

/// Named points where a test can have the process killed (SIGKILL, as `kill -9` would), to prove that
/// a crash at that point leaves the stores consistent. Set `LARDER_FAULT=<point>` in the environment;
/// unset, a point costs one dictionary lookup.
public enum FaultInjection {
    private static let armed = ProcessInfo.processInfo.environment["LARDER_FAULT"]

    public static func point(_ name: String) {
        guard let armed, armed == name else { return }
        kill(getpid(), SIGKILL)
    }
}
