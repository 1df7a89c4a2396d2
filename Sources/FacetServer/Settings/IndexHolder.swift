import FacetIndex
import Foundation

/// The preference index, opened on first use from any thread. When it cannot
/// be opened (corrupt, locked, read-only), `index` is nil and features fall
/// back to the embedded collection; the reason is reported once.
final class IndexHolder: @unchecked Sendable {
    private let lock = NSLock()
    private var state: State = .closed
    private var path: String
    /// Told why the index could not be opened (set once, before use).
    var onProblem: @Sendable (String) -> Void = { _ in }

    private enum State { case closed, open(PreferenceIndex), failed }
    private var _generation = 0

    /// Changes whenever the index's content may have changed, so cached suggestions are dropped.
    var generation: Int {
        lock.lock(); defer { lock.unlock() }
        return _generation
    }

    func contentChanged() {
        lock.lock(); _generation += 1; lock.unlock()
    }

    init(path: String) {
        self.path = path
    }

    var index: PreferenceIndex? {
        lock.lock()
        defer { lock.unlock() }
        switch state {
        case .open(let index): return index
        case .failed: return nil
        case .closed:
            do {
                // Held against `facet index reset` while open: the server imports the
                // workspace's collections into it whenever they change.
                let index = try PreferenceIndex.open(path: path, guardedFromReset: true)
                state = .open(index)
                return index
            } catch {
                state = .failed
                onProblem("\(error.description); suggestions use the embedded collection")
                return nil
            }
        }
    }

    /// Points at another file (the `indexPath` setting changed); it opens on next use.
    func move(to newPath: String) {
        lock.lock()
        defer { lock.unlock() }
        guard newPath != path else { return }
        path = newPath
        state = .closed
        _generation += 1
    }
}
