import FacetCore
import Foundation

/// Which files `facet check` reads: named files, directories searched for
/// system-message file names, or "-" for standard input.
enum InputFiles {
    /// File names Facet treats as system messages when it searches a directory.
    static let suffixes = [".system.md", ".sysmsg", ".prompt.md", ".system.txt"]

    struct Input: Sendable {
        var path: String
        var isStandardInput: Bool { path == "-" }
    }

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    static func expand(_ paths: [String]) throws -> [Input] {
        var inputs: [Input] = []
        let manager = FileManager.default
        for path in paths {
            if path == "-" {
                // Read twice, standard input would be split between the two at random.
                guard !inputs.contains(where: \.isStandardInput) else { throw UsageError(description: "- (standard input) is named more than once") }
                inputs.append(Input(path: "-"))
                continue
            }
            // A path that is not there is reported in its place, like a file that cannot be
            // read, so the other files' findings are still given.
            if isDirectory(path) {
                guard let enumerator = manager.enumerator(atPath: path) else {
                    throw UsageError(description: "\(path): cannot read directory")
                }
                var found: [String] = []
                while let relative = enumerator.nextObject() as? String {
                    if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") && $0 != "." && $0 != ".." }) { continue }
                    guard suffixes.contains(where: { relative.hasSuffix($0) }) else { continue }
                    let full = path.hasSuffix("/") ? path + relative : path + "/" + relative
                    // Not folders, FIFOs or devices (links followed): a folder called "notes.system.md"
                    // is searched, and a FIFO or a link to /dev/zero would block or never end. A name
                    // that cannot be looked up is kept, so that reading it says what is wrong.
                    if !isOtherThanAFile(full) { found.append(full) }
                }
                inputs += found.sorted().map { Input(path: $0) }
            } else {
                inputs.append(Input(path: path))
            }
        }
        return inputs
    }

    /// Whether the path names a folder (following symbolic links).
    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Whether the path names something that is there and is not a regular
    /// file (following symbolic links): a folder, FIFO, device or socket.
    static func isOtherThanAFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT != S_IFREG
    }

    /// More than any system message, or any prompt file a person keeps; a
    /// named device (`/dev/zero`) would otherwise be read until memory runs out.
    static let maximumFileBytes = 256 << 20

    /// Reads a file's bytes, or standard input.
    static func read(_ input: Input, limit: Int = maximumFileBytes) throws -> [UInt8] {
        if input.isStandardInput {
            return try readInPieces(FileHandle.standardInput, limit: limit)
        }
        if isDirectory(input.path) { throw UsageError(description: "is a directory") }
        // Swift reads file names as UTF-8 and puts U+FFFD for bytes that are not:
        // such a name no longer names its file.
        if input.path.contains("\u{FFFD}") && !FileManager.default.fileExists(atPath: input.path) {
            throw UsageError(description: "the file's name is not valid UTF-8, so Facet cannot open it; rename the file")
        }
        // Through a handle rather than Data(contentsOf:), which cannot read a pipe
        // (`facet check <(generate-prompt)`, a FIFO).
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: input.path))
        defer { try? handle.close() }
        // A regular file within the bound is read whole, as before; others in pieces, up to it.
        var info = stat()
        if fstat(handle.fileDescriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size <= limit {
            return try handle.readToEnd().map { Array($0) } ?? []
        }
        return try readInPieces(handle, limit: limit)
    }

    /// Reads a pipe, a device or standard input up to `limit` bytes. The array is
    /// reserved up front (pages are only taken as they are written), so reading to
    /// the bound holds about `limit` bytes, not twice that as growing by doubling did.
    static func readInPieces(_ handle: FileHandle, limit: Int) throws -> [UInt8] {
        var bytes: [UInt8] = []
        let piece = 1 << 20
        while let chunk = try handle.read(upToCount: piece), !chunk.isEmpty {
            if bytes.isEmpty && chunk.count == piece { bytes.reserveCapacity(limit + piece) }
            bytes += chunk
            if bytes.count > limit {
                throw UsageError(description: "more than \(limit >> 20) MB: not a system message; Facet stopped reading it")
            }
        }
        return bytes
    }
}
