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
    /// On failure, `reason` says why ("No such file or directory"), which FileManager did not.
    static func openForWriting(_ path: String, reason: inout String) -> FileHandle? {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o666)  // less the umask, as for any new file
        guard descriptor >= 0 else {
            reason = String(cString: strerror(errno))
            return nil
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        try? handle.truncate(atOffset: 0)  // a regular file; FIFOs and devices have nothing to cut
        return handle
    }

    /// Writes `text` to `path`, saying on standard error when it cannot.
    static func write(_ text: String, to path: String) -> Bool {
        var reason = ""
        guard let handle = openForWriting(path, reason: &reason) else {
            FileHandle.standardError.write(Data("facet: \(path): cannot write the file: \(reason)\n".utf8))
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
