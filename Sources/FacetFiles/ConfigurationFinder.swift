import FacetCore
import Foundation

/// Finds `.facet.toml` files, searching upward from a directory, and reads them
/// over a base configuration. The CLI and the language server share it, so the
/// same file gives the same findings in both. Thread-safe.
public final class ConfigurationFinder: @unchecked Sendable {
    /// A configuration file found on disk (or the error reading it).
    struct FileEntry {
        var path: String
        var text: Result<String, ConfigurationError>
    }

    /// Directory → nearest file, if any. Keyed on the path's bytes: String keys compare by
    /// canonical equivalence, so "café" in NFC and in NFD, two folders, shared one entry.
    private var located: [[UInt8]: FileEntry?] = [:]
    private let lock = NSLock()
    private let explicitPath: String?
    /// The explicit file, read once: a pipe (`--config <(...)`) gives its text only once.
    private let explicitEntry: FileEntry?

    /// A settings file is a few lines; a device named by mistake (/dev/zero) would be read forever.
    static let maximumFileBytes = 1 << 20

    /// Searches upward from each directory for `.facet.toml`.
    public init() {
        explicitPath = nil
        explicitEntry = nil
    }

    /// With `explicitPath`, that file is used for every input and no search happens.
    /// It is read and parsed here, once: a folder, a missing file or an invalid one is
    /// the command line's mistake, to report before any input, not once per input.
    public init(explicitPath: String?) throws(ConfigurationError) {
        self.explicitPath = explicitPath
        guard let explicitPath else { explicitEntry = nil; return }
        // Named by the user, so a FIFO is waited on, as `facet check FIFO` waits.
        let entry = Self.read(explicitPath, waitForWriter: true)
        switch entry.text {
        case .failure(let error): throw error  // not read at all: the error names no line
        case .success(let text): _ = try FacetConfiguration.parse(toml: text, file: explicitPath)
        }
        explicitEntry = entry
    }

    /// The configuration for a file in `directory`: the nearest `.facet.toml`
    /// read over `base`, `base` itself when there is none, or the file's error.
    public func configuration(inDirectory directory: String, over base: FacetConfiguration = .default) -> Result<FacetConfiguration, ConfigurationError> {
        guard let entry = explicitEntry ?? locate(Self.absolute(directory)) else { return .success(base) }
        switch entry.text {
        case .failure(let error):
            return .failure(error)
        case .success(let text):
            do { return .success(try FacetConfiguration.parse(toml: text, file: entry.path, over: base)) } catch { return .failure(error) }
        }
    }

    /// The configuration for `file`: the nearest `.facet.toml` above the folder holding it
    /// (the current folder for a bare file name).
    public func configuration(besides file: String, over base: FacetConfiguration = .default) -> Result<FacetConfiguration, ConfigurationError> {
        let directory = (file as NSString).deletingLastPathComponent
        return configuration(inDirectory: directory, over: base)
    }

    /// The path of the configuration file that applies to `directory`, if any.
    public func path(forDirectory directory: String) -> String? {
        explicitPath ?? locate(Self.absolute(directory))?.path
    }

    /// An absolute folder path, so the walk up reaches the root: a relative one
    /// stops at "." (and Foundation on Linux traps on the parent of ".").
    static func absolute(_ directory: String) -> String {
        URL(fileURLWithPath: directory.isEmpty ? "." : directory, isDirectory: true).standardizedFileURL.path
    }

    /// Forgets what was read, after a configuration file changed on disk.
    public func invalidate() {
        lock.lock()
        located.removeAll()
        lock.unlock()
    }

    private func locate(_ directory: String) -> FileEntry? {
        lock.lock()
        if let cached = located[Array(directory.utf8)] { lock.unlock(); return cached }
        lock.unlock()
        let candidate = (directory as NSString).appendingPathComponent(".facet.toml")
        let entry: FileEntry?
        if FileManager.default.fileExists(atPath: candidate) {
            // Found, not named: a FIFO without a writer must not hang the language server.
            entry = Self.read(candidate, waitForWriter: false)
        } else {
            let parent = (directory as NSString).deletingLastPathComponent
            entry = parent == directory || parent.isEmpty ? nil : locate(parent)
        }
        lock.lock()
        located[Array(directory.utf8)] = .some(entry)
        lock.unlock()
        return entry
    }

    /// Reads the file through a handle, as message files are read: `FileManager.contents`
    /// could not read a pipe (`--config <(...)`), /dev/null or a FIFO, and said to check the
    /// permissions. An empty file is an empty configuration. Without `waitForWriter`, a FIFO
    /// nobody writes to reads as empty instead of blocking.
    private static func read(_ path: String, waitForWriter: Bool) -> FileEntry {
        func failure(_ message: String) -> FileEntry { FileEntry(path: path, text: .failure(ConfigurationError(file: path, line: nil, message: message))) }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue {
            return failure("is a directory; the settings file must be a file")
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | (waitForWriter ? 0 : O_NONBLOCK))
        guard descriptor >= 0 else { return failure("cannot read the file: \(String(cString: strerror(errno)))") }
        // Open without waiting, then read waiting: a writer already there is read to its end.
        if !waitForWriter { _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK) }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var data = Data()
        do {
            while let piece = try handle.read(upToCount: 64 << 10), !piece.isEmpty {
                data += piece
                if data.count > maximumFileBytes {
                    return failure("more than \(maximumFileBytes >> 20) MB: not a settings file; Facet stopped reading it")
                }
            }
        } catch {
            return failure("cannot read the file: \(FileErrorReason.posix(error) ?? error.localizedDescription)")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            // Where, as for any other mistake in the file: its line, and the byte.
            let source = SourceText(bytes: [UInt8](data))
            guard let bad = source.firstInvalidUTF8Offset else { return failure("cannot read the file as UTF-8 text") }
            let line = source.lines.line(containing: bad) + 1
            let message = "invalid UTF-8 at byte offset \(bad) (byte 0x\(String(format: "%02X", source.bytes[bad]))): save the file as UTF-8"
            return FileEntry(path: path, text: .failure(ConfigurationError(file: path, line: line, message: message)))
        }
        return FileEntry(path: path, text: .success(text))
    }
}
