import Foundation

/// Server logs: to stderr (never stdout, which carries only protocol messages),
/// filtered by level. Thread-safe.
public final class Logger: @unchecked Sendable {
    public enum Level: Int, Sendable, Comparable, CaseIterable {
        case error, warning, info, debug
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
        public init?(name: String) {
            switch name.lowercased() {
            case "error": self = .error
            case "warning", "warn": self = .warning
            case "info": self = .info
            case "debug", "trace": self = .debug
            default: return nil
            }
        }
        var name: String { ["error", "warning", "info", "debug"][rawValue] }
    }

    public let level: Level
    private let write: @Sendable (String) -> Void
    private let lock = NSLock()

    /// `write` receives whole lines; the default writes them to stderr.
    public init(level: Level, write: @escaping @Sendable (String) -> Void = Logger.standardError) {
        self.level = level
        self.write = write
    }

    public static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data(line.utf8))
    }

    public func log(_ level: Level, _ message: @autoclosure () -> String) {
        guard level <= self.level else { return }
        let line = "facet lsp [\(level.name)] \(message())\n"
        lock.lock()
        write(line)
        lock.unlock()
    }

    public func error(_ message: @autoclosure () -> String) { log(.error, message()) }
    public func warning(_ message: @autoclosure () -> String) { log(.warning, message()) }
    public func info(_ message: @autoclosure () -> String) { log(.info, message()) }
    public func debug(_ message: @autoclosure () -> String) { log(.debug, message()) }
}
