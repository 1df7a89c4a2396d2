import Foundation

/// Runs async work on the cooperative pool while the calling thread waits;
/// Ctrl-C cancels the work (which stops HTTP requests in flight) instead of
/// killing the process, so partial results are still printed.
enum Interruptible {
    static func run<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        let task = Task {
            box.value = await work()
            done.signal()
        }
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        interrupt.setEventHandler {
            FileHandle.standardError.write(Data("\nfacet: interrupted; stopping the requests\n".utf8))
            task.cancel()
        }
        interrupt.resume()
        done.wait()
        interrupt.cancel()
        signal(SIGINT, SIG_DFL)
        return box.value!
    }

    private final class Box<T>: @unchecked Sendable {
        var value: T?
    }
}
