import ArgumentParser
import Dispatch
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// The process entry point: runs ``LarderCommand``.
///
/// For `larder serve` and `larder schedule`, NIO's event loops become Swift concurrency's global
/// executor first, so a request handler runs on the event loop its connection lives on instead of
/// hopping to the cooperative pool and back for every request. This must happen before any task
/// starts, hence a synchronous `main`. Blocking work in those processes runs on dedicated threads
/// (Redis connection threads, SQLite's queue, materialization threads), never in a task.
@main
enum LarderMain {
    static func main() {
        if let command = CommandLine.arguments.dropFirst().first, command == "serve" || command == "schedule" {
            NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        Task {
            await LarderCommand.main()
            exit(0)
        }
        dispatchMain()
    }
}
