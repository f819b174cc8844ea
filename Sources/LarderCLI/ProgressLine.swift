import Foundation

/// One self-overwriting status line on a terminal; silent when stderr is not a TTY (logs, CI).
final class ProgressLine: @unchecked Sendable {
    // Progress callbacks may arrive from worker threads; the lock keeps lines whole.
    private let lock = NSLock()
    private let enabled = isatty(STDERR_FILENO) == 1
    private var shown = false

    func show(_ text: String) {
        guard enabled else { return }
        lock.withLock {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
            shown = true
        }
    }

    func finish() {
        guard enabled else { return }
        lock.withLock { if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }
    }
}
