import FacetCore
import Foundation

/// Which files `facet check` reads: named files, directories searched for
/// system-message file names, or "-" for standard input.
enum InputFiles {
    /// File names Facet treats as system messages when it searches a directory.
    static let suffixes = [".system.md", ".sysmsg", ".prompt.md", ".system.txt"]

    struct Input: Sendable {
        var path: String
        /// Why a folder met in a search could not be searched, or a file found cannot be
        /// opened; reported in its place, like a file that cannot be read.
        var problem: String? = nil
        var isStandardInput: Bool { path == "-" }
    }

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    /// The inputs the paths name, each file once: a file named, or found, a second time
    /// (`facet check . sub sub/a.system.md`, a link, a hard link) keeps its first place only.
    static func expand(_ paths: [String]) throws -> [Input] {
        var foldersWithNone: [String] = []
        return try expand(paths, foldersWithNone: &foldersWithNone)
    }

    /// `expand`, also giving the folders named whose search found no file to check.
    static func expand(_ paths: [String], foldersWithNone: inout [String]) throws -> [Input] {
        var inputs: [Input] = []
        var searched = Set<FileIdentity>()
        var seen = Set<InputKey>()
        func add(_ input: Input, key: InputKey) {
            if seen.insert(key).inserted { inputs.append(input) }
        }
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
                var found: [Found] = []
                let searchedBefore = searched.count
                search(Array(path.utf8), searched: &searched, found: &found)
                // A folder searched before (`facet check . sub`) found its files then.
                if found.isEmpty, searched.count > searchedBefore { foldersWithNone.append(path) }
                for item in found.sorted(by: { $0.input.path.utf8.lexicographicallyPrecedes($1.input.path.utf8) }) {
                    add(item.input, key: item.key)
                }
            } else {
                add(Input(path: path), key: InputKey(path: Array(path.utf8)))
            }
        }
        return inputs
    }

    /// `paths` with each file once, in its first place: one that names a file named before
    /// (the same path again, `./a.jsonl`, a link, a hard link) is left out, as `expand` leaves
    /// it out. A path that names no file is kept by its bytes, to be reported once.
    static func eachFileOnce(_ paths: [String]) -> [String] {
        var seen = Set<InputKey>()
        return paths.filter { path in
            seen.insert(InputKey(path: Array(path.utf8))).inserted
        }
    }

    /// A file or folder as the file system knows it, whatever path (or link) reached it.
    private struct FileIdentity: Hashable {
        var device: UInt64
        var inode: UInt64

        /// The file at `path` after symbolic links; nil when there is none.
        init?(path: [UInt8]) {
            var info = stat()
            guard withCString(path, { stat($0, &info) }) == 0 else { return nil }
            self.init(info)
        }

        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }

    /// What makes two inputs one: the file, or for a path that names none, its bytes.
    private enum InputKey: Hashable {
        case file(FileIdentity)
        case name([UInt8])

        init(path: [UInt8]) { self = FileIdentity(path: path).map(InputKey.file) ?? .name(path) }
    }

    /// An input met in a search, with what makes it the same as another.
    private struct Found {
        var input: Input
        var key: InputKey
    }

    /// Calls `body` with `path` as a C string: file names are bytes, and a name that is not
    /// UTF-8 would not survive a trip through String.
    private static func withCString<T>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
        (path + [0]).withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
        }
    }

    /// Adds the system-message files under `folder` (its path's bytes) to `found`, following
    /// links to files and folders. A folder reached a second time (a link to a parent, or two
    /// links to one place) is not searched again, so a loop of links ends. Names starting with
    /// "." are left out. The search keeps names as bytes, so a folder whose name is not UTF-8
    /// is searched too; a file it finds whose path is not UTF-8 is explained in its place.
    private static func search(_ folder: [UInt8], searched: inout Set<FileIdentity>, found: inout [Found]) {
        var info = stat()
        guard withCString(folder, { stat($0, &info) }) == 0 else { return }
        let identity = FileIdentity(info)
        guard searched.insert(identity).inserted else { return }
        let shown = String(decoding: folder, as: UTF8.self)
        // A folder that cannot be listed is reported in its place: taken for an empty one (as
        // FileManager's enumerator takes it), it was a check of nothing that passed.
        func unreadable(_ error: Int32) {
            found.append(Found(input: Input(path: shown, problem: "cannot read the folder: \(String(cString: strerror(error)))"), key: .file(identity)))
        }
        guard let stream = withCString(folder, { opendir($0) }) else { return unreadable(errno) }
        var names: [[UInt8]] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else { break }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if name.first != UInt8(ascii: ".") { names.append(name) }
        }
        let listingError = errno
        closedir(stream)
        if listingError != 0 { return unreadable(listingError) }
        // In byte order, so which of two ways to one folder is taken does not vary from run to
        // run (Strings compare by canonical equivalence: "café" in NFC and NFD would tie).
        for name in names.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let full = folder.last == UInt8(ascii: "/") ? folder + name : folder + [UInt8(ascii: "/")] + name
            let isMessageName = suffixes.contains { String(decoding: name, as: UTF8.self).hasSuffix($0) }
            var info = stat()
            guard withCString(full, { stat($0, &info) }) == 0 else {
                // A folder that can be listed but not entered: nothing in it can be looked up.
                if errno == EACCES && withCString(folder, { access($0, X_OK) }) != 0 { return unreadable(EACCES) }
                // Any other name that cannot be looked up (a dangling link) is kept, so that reading it says what is wrong.
                if isMessageName { found.append(file(full, name: name, key: .name(full))) }
                continue
            }
            switch info.st_mode & S_IFMT {
            // Links are followed: a folder called "notes.system.md" is searched too.
            case S_IFDIR: search(full, searched: &searched, found: &found)
            case S_IFREG where isMessageName: found.append(file(full, name: name, key: .file(FileIdentity(info))))
            // Not FIFOs or devices: a FIFO or a link to /dev/zero would block or never end.
            default: continue
            }
        }
    }

    /// A file found in a search. Facet opens files by their String path, which cannot hold
    /// bytes that are not UTF-8, so such a path is explained in its place rather than read.
    private static func file(_ path: [UInt8], name: [UInt8], key: InputKey) -> Found {
        let shown = String(decoding: path, as: UTF8.self)
        var problem: String?
        if String(validating: name, as: UTF8.self) == nil {
            problem = "cannot read: \(nameNotUTF8)"
        } else if String(validating: path, as: UTF8.self) == nil {
            problem = "cannot read: the name of a folder on the file's path is not valid UTF-8, so Facet cannot open the file; rename the folder"
        }
        return Found(input: Input(path: shown, problem: problem), key: key)
    }

    static let nameNotUTF8 = "the file's name is not valid UTF-8, so Facet cannot open it; rename the file"

    /// Whether the path names a folder (following symbolic links).
    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
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
            throw UsageError(description: nameNotUTF8)
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
