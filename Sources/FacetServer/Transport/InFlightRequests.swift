import Foundation
import JSONRPC

/// Requests received and not yet answered, and which of them the client
/// cancelled. Touched by the reader thread (begin, cancel), the server queue
/// and workers (finish), hence the lock.
final class InFlightRequests: @unchecked Sendable {
    private let lock = NSLock()
    private var open: Set<RequestID> = []
    private var cancelled: Set<RequestID> = []

    func begin(_ id: RequestID) {
        lock.lock(); defer { lock.unlock() }
        open.insert(id)
    }

    /// Marks an open request cancelled; ids of finished or unknown requests are ignored.
    func cancel(_ id: RequestID) {
        lock.lock(); defer { lock.unlock() }
        if open.contains(id) { cancelled.insert(id) }
    }

    func isCancelled(_ id: RequestID) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return cancelled.contains(id)
    }

    /// Forgets the request; returns whether it had been cancelled.
    func finish(_ id: RequestID) -> Bool {
        lock.lock(); defer { lock.unlock() }
        open.remove(id)
        return cancelled.remove(id) != nil
    }
}
