import Foundation

/// Runs async work on the cooperative pool while the calling thread waits;
/// Ctrl-C cancels the work (which stops HTTP requests in flight) instead of
/// killing the process, so partial results are still printed. A second
/// Ctrl-C ends the process at once, for a request that does not stop.
enum Interruptible {
    static func run<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
        let interrupted = InterruptFlag()  // before the work starts, so no Ctrl-C falls between the two
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        let task = Task {
            box.value = await work()
            done.signal()
        }
        var cancelled = false
        // A signal handler cannot cancel a task; this thread looks at the flag instead.
        while done.wait(timeout: .now() + .milliseconds(50)) == .timedOut {
            guard interrupted.isSet, !cancelled else { continue }
            cancelled = true
            FileHandle.standardError.write(Data("\nfacet: interrupted; stopping the requests (Ctrl-C again to quit now)\n".utf8))
            task.cancel()
        }
        interrupted.restoreDefault()
        return box.value!
    }

    private final class Box<T>: @unchecked Sendable {
        var value: T?
    }
}
