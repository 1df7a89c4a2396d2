import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where the server's protocol messages go. Implementations must be thread-safe:
/// responses are written from worker threads.
public protocol MessageOutput: Sendable {
    func send(_ framed: Data)
}

/// Writes framed messages to a file descriptor (the saved stdout), whole
/// messages at a time under a lock, so concurrent responses never interleave.
public final class FileDescriptorOutput: MessageOutput, @unchecked Sendable {
    private let fd: Int32
    private let lock = NSLock()
    private let trace: TraceFile?
    private var broken = false

    public init(fd: Int32, trace: TraceFile?) {
        self.fd = fd
        self.trace = trace
    }

    public func send(_ framed: Data) {
        trace?.record(direction: "sent", framed)
        lock.lock()
        defer { lock.unlock() }
        guard !broken else { return }
        framed.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    broken = true  // the client went away; EOF on stdin ends the process
                    return
                }
                offset += n
            }
        }
    }
}

/// An optional file with the raw traffic in both directions, for debugging a client.
public final class TraceFile: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()

    public init(path: String) throws {
        // A failure shows as the handle that does not open, below.
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        self.handle = handle
    }

    public func record(direction: String, _ bytes: Data) {
        let stamp = ISO8601DateFormatter.string(from: Date(), timeZone: .current, formatOptions: [.withInternetDateTime, .withFractionalSeconds])
        var entry = Data("--- \(direction) \(stamp) (\(bytes.count) bytes)\n".utf8)
        entry.append(SecretScrubber.scrub(bytes))
        entry.append(Data("\n".utf8))
        lock.lock()
        handle.write(entry)
        lock.unlock()
    }
}
