import FacetCore
import Foundation

/// Reads the rows of a collection file one at a time, in constant memory:
/// JSON Lines line by line, a JSON array element by element. Each row comes
/// with the line it starts on, for error messages.
public struct RowReader {
    public struct RawRow: Sendable {
        public var line: Int
        public var bytes: [UInt8]
        /// Set for text that is no row at all (after the array's closing bracket): why it is not read.
        public var problem: String?
    }

    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    public private(set) var bytesRead = 0
    /// The line reading has reached; after a read error, the line the unfinished row began on.
    public private(set) var line = 1
    /// Known after the first row: whether the file is one JSON array (else JSON Lines).
    public private(set) var isArray: Bool?
    /// Known after the first row: whether the file holds objects written over several lines
    /// (`jq .` output, a row saved with indentation), each a row.
    public private(set) var isObjectStream = false
    private var finishedArray = false
    private var checkedAfterArray = false

    /// Far more than any chat row; a file without line breaks, or a link to /dev/zero,
    /// would otherwise be read as one row until memory runs out.
    public static let maximumRowBytes = 256 << 20

    public init(path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue {
            throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: "\(path) is a folder, not a dataset file"])
        }
        // Opened here rather than by FileHandle(forReadingAtPath:), whose nil hides why:
        // a file without read permission was reported as "no such file".
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            throw CocoaError(code == ENOENT ? .fileReadNoSuchFile : .fileReadUnknown,
                             userInfo: [NSFilePathErrorKey: path, NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(code))])
        }
        self.handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        if Self.isDevice(descriptor) {
            throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: "\(path) is a device, not a dataset file"])
        }
        // A .jsonl file is JSON Lines whatever its first line holds: a first row that is an
        // array was taken for the whole file, and every line after it was lost.
        if path.lowercased().hasSuffix(".jsonl") { isArray = false }
    }

    /// Set when reading stopped on an error rather than at the end of the file.
    public private(set) var readError: Error?

    private mutating func fill() -> Bool {
        guard !atEnd else { return false }
        // Called only while a row is unfinished: what is held from `position` on is that row.
        if buffer.count - position > Self.maximumRowBytes {
            readError = CocoaError(.fileReadTooLarge, userInfo: [
                NSLocalizedDescriptionKey: "a row longer than \(Self.maximumRowBytes >> 20) MB: not a dataset row",
            ])
            atEnd = true
            return false
        }
        // The throwing read: `readData(ofLength:)` stops the process on a read error.
        let chunk: Data
        do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
            readError = error
            atEnd = true
            return false
        }
        if chunk.isEmpty { atEnd = true; return false }
        if position > 0 { buffer.removeSubrange(0..<position); position = 0 }
        buffer.append(contentsOf: chunk)
        bytesRead += chunk.count
        return true
    }

    /// The next row; nil at the end of the file.
    public mutating func next() -> RawRow? {
        if bytesRead == 0 {
            // A byte order mark (some Windows tools write one) is no part of the first row.
            while buffer.count < SourceText.byteOrderMark.count && fill() {}
            if buffer.starts(with: SourceText.byteOrderMark) { position = SourceText.byteOrderMark.count }
        }
        if isArray == nil {
            // A file whose first non-space byte is "[" is one JSON array; anything else is JSON Lines.
            while true {
                while position < buffer.count, Self.isSpace(buffer[position]) {
                    if buffer[position] == 0x0A { line += 1 }
                    position += 1
                }
                if position < buffer.count || !fill() { break }
            }
            isArray = position < buffer.count && buffer[position] == UInt8(ascii: "[")
            if isArray == true { position += 1 }
            // Read as JSON Lines, each line of such an object was reported as a row that is not JSON.
            if isArray == false && position < buffer.count && buffer[position] == UInt8(ascii: "{") { isObjectStream = braceStandsAlone() }
        }
        return isArray == true || isObjectStream ? nextElement() : nextLine()
    }

    /// Whether the `{` at `position` is alone on its line: no JSON Lines row is, but an
    /// object written over several lines starts so.
    private mutating func braceStandsAlone() -> Bool {
        var offset = 1
        while true {
            while position + offset < buffer.count {
                let byte = buffer[position + offset]
                if byte == 0x0A { return true }
                guard Self.isSpace(byte) else { return false }
                offset += 1
            }
            guard fill() else { return false }
        }
    }

    private mutating func nextLine() -> RawRow? {
        // Bytes after `position` known to hold no line break: each read searches only what it added.
        var searched = 0
        while true {
            if let newline = Self.firstNewline(in: buffer, from: position + searched) {
                let row = RawRow(line: line, bytes: Array(buffer[position..<newline]))
                position = newline + 1
                line += 1
                if row.bytes.allSatisfy(Self.isSpace) { searched = 0; continue }
                return row
            }
            searched = buffer.count - position
            if !fill() {
                // Stopped by an error: the part read is no row.
                guard readError == nil, position < buffer.count else { return nil }
                let row = RawRow(line: line, bytes: Array(buffer[position...]))
                position = buffer.count
                return row.bytes.allSatisfy(Self.isSpace) ? nil : row
            }
        }
    }

    /// One element of the top-level array: scans for the comma or bracket that
    /// ends it at depth zero, outside strings. In a stream of objects, the brace
    /// that closes one ends it.
    private mutating func nextElement() -> RawRow? {
        guard !finishedArray else { return textAfterArray() }
        var depth = 0, inString = false, escaped = false
        var start: Int?
        var startLine = line
        var i = position
        while true {
            if i >= buffer.count {
                let offset = i - position
                let startOffset = start.map { $0 - position }
                if !fill() {
                    // A read error names the line the element began on, not the one the scan reached.
                    if readError != nil, startOffset != nil { line = startLine }
                    // Unterminated array: hand over what is there so it is reported as malformed.
                    guard readError == nil, let s = startOffset else { return nil }
                    finishedArray = true
                    let row = RawRow(line: startLine, bytes: Array(buffer[(position + s)...]))
                    position = buffer.count
                    return row
                }
                i = position + offset
                start = startOffset.map { position + $0 }
                continue
            }
            let byte = buffer[i]
            if byte == 0x0A { line += 1 }
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if start == nil {
                if byte == UInt8(ascii: "]") && !isObjectStream { finishedArray = true; position = i + 1; return nil }
                if !Self.isSpace(byte) && byte != UInt8(ascii: ",") {
                    start = i
                    startLine = line
                    continue  // look at this byte again as part of the element
                }
            } else {
                let isClose = byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]")
                if byte == UInt8(ascii: "\"") {
                    inString = true
                } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                    depth += 1
                } else if isClose && depth > 0 {
                    depth -= 1
                    if depth == 0 && isObjectStream {
                        let row = RawRow(line: startLine, bytes: Array(buffer[start!...i]))
                        position = i + 1
                        return row
                    }
                } else if depth == 0 && !isObjectStream && (byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]")) {
                    let row = RawRow(line: startLine, bytes: Array(buffer[start!..<i]))
                    if byte == UInt8(ascii: "]") { finishedArray = true }
                    position = i + 1
                    return row
                }
            }
            i += 1
        }
    }

    /// Anything but space after the array's closing bracket, once, as a row that is not valid
    /// JSON (it was ignored, so rows written after the array were dropped unseen).
    private mutating func textAfterArray() -> RawRow? {
        guard !checkedAfterArray else { return nil }
        checkedAfterArray = true
        while true {
            while position < buffer.count, Self.isSpace(buffer[position]) {
                if buffer[position] == 0x0A { line += 1 }
                position += 1
            }
            if position < buffer.count { break }
            if !fill() { return nil }
        }
        return RawRow(line: line, bytes: [], problem: "not valid JSON: text after the closing ']' of the file's array")
    }

    /// Whether the open file is a device (a link to /dev/zero or /dev/urandom): it never
    /// ends, and no dataset is one.
    public static func isDevice(_ descriptor: Int32) -> Bool {
        var info = stat()
        return fstat(descriptor, &info) == 0 && (info.st_mode & S_IFMT == S_IFCHR || info.st_mode & S_IFMT == S_IFBLK)
    }

    /// The offset of the first line break in `buffer` at or after `start`, by memchr.
    public static func firstNewline(in buffer: [UInt8], from start: Int) -> Int? {
        buffer.withUnsafeBufferPointer { bytes in
            guard start < bytes.count, let base = bytes.baseAddress,
                  let found = memchr(base + start, 0x0A, bytes.count - start) else { return nil }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
}
