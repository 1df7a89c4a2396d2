import Foundation
import JSONRPC

/// Requests received and not yet answered, and which of them the client
/// cancelled. Touched by the reader thread (begin, cancel), the server queue
/// and workers (finish), hence the lock.
final class InFlightRequests: @unchecked Sendable {
    private let lock = NSLock()
    private var open: Set<RequestID> = []
    private var cancelled: Set<RequestID> = []
    private var cancelHandlers: [RequestID: @Sendable () -> Void] = [:]

    func begin(_ id: RequestID) {
        lock.lock(); defer { lock.unlock() }
        open.insert(id)
    }

    /// Marks an open request cancelled; ids of finished or unknown requests are ignored.
    func cancel(_ id: RequestID) {
        lock.lock()
        var handler: (@Sendable () -> Void)?
        if open.contains(id) {
            cancelled.insert(id)
            handler = cancelHandlers.removeValue(forKey: id)
        }
        lock.unlock()
        handler?()
    }

    /// Runs `handler` when the client cancels `id` (at once if it already has),
    /// for long requests that stop work in flight rather than poll.
    func whenCancelled(_ id: RequestID, _ handler: @escaping @Sendable () -> Void) {
        lock.lock()
        let already = cancelled.contains(id)
        if !already && open.contains(id) { cancelHandlers[id] = handler }
        lock.unlock()
        if already { handler() }
    }

    func isCancelled(_ id: RequestID) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return cancelled.contains(id)
    }

    /// Forgets the request; returns whether it had been cancelled.
    func finish(_ id: RequestID) -> Bool {
        lock.lock(); defer { lock.unlock() }
        open.remove(id)
        cancelHandlers[id] = nil
        return cancelled.remove(id) != nil
    }
}
