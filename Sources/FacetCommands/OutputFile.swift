import Foundation

/// Files a command writes besides standard output (`-o`, `--report`, `--chart`).
enum OutputFile {
    /// Whether two paths name the same file: the same inode after symbolic
    /// links, "./", ".." and absolute paths, which comparing strings misses.
    static func isSame(_ a: String, _ b: String) -> Bool {
        // stat(2) follows symbolic links (FileManager's attributes describe the link itself).
        func identity(_ path: String) -> (UInt64, UInt64)? {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            return (UInt64(info.st_dev), UInt64(info.st_ino))
        }
        if let x = identity(a), let y = identity(b) { return x == y }
        // Compared as bytes: Strings compare by canonical equivalence, and "café" in NFC
        // and in NFD are two files.
        return Array((a as NSString).standardizingPath.utf8) == Array((b as NSString).standardizingPath.utf8)
    }

    /// Opens `path` for writing from its start. An existing file is written in
    /// place, so a FIFO, a device or a symbolic link stays what it is (creating
    /// the file anew would put a regular file in its place).
    static func open(_ path: String) -> FileHandle? {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else { return nil }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { return nil }
        try? handle.truncate(atOffset: 0)  // a regular file; FIFOs and devices have nothing to cut
        return handle
    }

    /// Writes `text` to `path`, saying on standard error when it cannot.
    static func write(_ text: String, to path: String) -> Bool {
        guard let handle = open(path) else {
            FileHandle.standardError.write(Data("facet: \(path): cannot write the file\n".utf8))
            return false
        }
        defer { try? handle.close() }
        do { try handle.write(contentsOf: Data(text.utf8)) } catch {
            FileHandle.standardError.write(Data("facet: \(path): cannot write the file: \(FileReport.describe(error))\n".utf8))
            return false
        }
        return true
    }
}
