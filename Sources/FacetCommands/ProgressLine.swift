import Foundation

/// Progress of long work on standard error: a bar redrawn in place on a
/// terminal; otherwise a plain line every 2 s (none for work that ends sooner),
/// so logs stay short. Safe to call from several threads.
final class ProgressLine: @unchecked Sendable {
    let label: String
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let lock = NSLock()
    private var lastLine = Date()
    private var drawn = false
    private let started = Date()

    init(label: String) { self.label = label }

    var elapsed: Double { Date().timeIntervalSince(started) }

    /// `fraction` of the work is done (0...1); `detail` says what, e.g. "1,200 rows  3,400 rows/s".
    func show(fraction: Double, detail: String) {
        lock.lock()
        defer { lock.unlock() }
        let fraction = min(1, max(0, fraction))
        let eta = fraction > 0.01 ? elapsed * (1 - fraction) / fraction : 0
        if isTerminal {
            let width = 24
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            FileHandle.standardError.write(Data("\r\u{1B}[K\(label) \(bar) \(Int(fraction * 100))%  \(detail)  ETA \(Self.clock(eta))".utf8))
            drawn = true
        } else if Date().timeIntervalSince(lastLine) >= 2 {
            lastLine = Date()
            FileHandle.standardError.write(Data("\(label): \(Int(fraction * 100))%, \(detail)\n".utf8))
        }
    }

    /// Clears the bar, if one was drawn.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        drawn = false
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
