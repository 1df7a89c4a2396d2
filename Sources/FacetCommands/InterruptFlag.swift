import Foundation
import Synchronization

/// Set by Ctrl-C while a long command runs, which then stops at its next
/// check; a second Ctrl-C ends the process, for work that does not stop.
/// The handler sets the flag itself: a dispatch signal source is registered
/// after `resume()` returns, and a Ctrl-C that came in between was ignored.
final class InterruptFlag: Sendable {
    /// Installs the handler; a Ctrl-C from here on is kept.
    init() {
        ctrlCPressed.store(false, ordering: .relaxed)
        signal(SIGINT) { _ in
            ctrlCPressed.store(true, ordering: .relaxed)  // lock-free, and signal() is async-signal-safe
            signal(SIGINT, SIG_DFL)
        }
    }

    var isSet: Bool { ctrlCPressed.load(ordering: .relaxed) }

    /// Gives Ctrl-C back its default action: the next one ends the process.
    func restoreDefault() { signal(SIGINT, SIG_DFL) }
}

private let ctrlCPressed = Atomic<Bool>(false)
