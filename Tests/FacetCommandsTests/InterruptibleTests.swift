import Foundation
@testable import FacetCommands
import XCTest

final class InterruptibleTests: XCTestCase {
    /// The flag is set from the first Ctrl-C, and that Ctrl-C gives the next
    /// one its default action, so a command stuck in work that does not stop
    /// can still be ended.
    func testTheFirstCtrlCSetsTheFlagAndTheSecondHasItsDefaultAction() {
        let flag = InterruptFlag()
        XCTAssertFalse(flag.isSet)
        raise(SIGINT)
        XCTAssertTrue(flag.isSet)
        XCTAssertNil(signal(SIGINT, SIG_IGN), "SIGINT is back to its default action (SIG_DFL is nil here)")
        XCTAssertFalse(InterruptFlag().isSet, "a new flag starts clear")
        signal(SIGINT, SIG_DFL)
    }

    /// Ctrl-C that comes as the work starts cancels it: the handler is in
    /// place before the task runs, so there is no moment it is lost in.
    func testCtrlCAsTheWorkStartsCancelsIt() {
        let cancelled = Interruptible.run { () async -> Bool in
            kill(getpid(), SIGINT)  // to the process, as a terminal sends it: the pool's threads block signals
            for _ in 0..<200 {  // up to 10 s; the waiting thread notices within 50 ms
                if Task.isCancelled { return true }
                try? await Task.sleep(nanoseconds: 50_000_000)
            }
            return Task.isCancelled
        }
        XCTAssertTrue(cancelled)
        XCTAssertNil(signal(SIGINT, SIG_DFL), "SIGINT is given back its default action")
    }
}
