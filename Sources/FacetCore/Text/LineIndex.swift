/// A position as LSP sees it: zero-based line and a column in some encoding.
public struct LinePosition: Hashable, Sendable, Codable {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// How columns are counted: UTF-16 code units (LSP's default) or UTF-8 bytes.
public enum ColumnEncoding: String, Sendable, Codable {
    case utf16 = "utf-16"
    case utf8 = "utf-8"
}

/// Maps UTF-8 byte offsets to (line, column) and back. CRLF, CR and LF all end a
/// line; a CRLF pair is one break. Offsets inside a CRLF pair, or inside a
/// multi-byte scalar, round down to the start of that break or scalar.
public struct LineIndex: Sendable {
    /// Byte offset at which each line starts; always begins with 0.
    public let lineStarts: [Int]
    private let bytes: [UInt8]
    /// The length of the text, in bytes.
    public var byteCount: Int { bytes.count }

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        starts.reserveCapacity(bytes.count / 40 + 1)
        bytes.withUnsafeBufferPointer { buffer in
            var i = 0
            let n = buffer.count
            // Nearly every file breaks its lines with "\n" alone: then each line's end is
            // found by memchr, not by a test per byte.
            if ByteSearch.first(0x0D, in: buffer, from: 0, to: n) == nil {
                while let newline = ByteSearch.first(0x0A, in: buffer, from: i, to: n) {
                    starts.append(newline + 1)
                    i = newline + 1
                }
                return
            }
            while i < n {
                let b = buffer[i]
                if b == 0x0A {
                    starts.append(i + 1)
                } else if b == 0x0D {
                    if i + 1 < n && buffer[i + 1] == 0x0A { i += 1 }
                    starts.append(i + 1)
                }
                i += 1
            }
        }
        self.lineStarts = starts
    }

    public var lineCount: Int { lineStarts.count }

    /// Zero-based line containing the byte `offset` (clamped to the text).
    public func line(containing offset: Int) -> Int {
        let offset = max(0, min(offset, bytes.count))
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// Byte offset where the content of `line` ends (before its line break).
    public func lineContentEnd(_ line: Int) -> Int {
        let next = line + 1 < lineStarts.count ? lineStarts[line + 1] : bytes.count
        var end = next
        if end > lineStarts[line] && end <= bytes.count && end > 0 && bytes[end - 1] == 0x0A { end -= 1 }
        if end > lineStarts[line] && end > 0 && bytes[end - 1] == 0x0D { end -= 1 }
        return end
    }

    /// (line, column) of a byte offset, columns counted in `encoding`.
    public func position(of offset: Int, encoding: ColumnEncoding = .utf16) -> LinePosition {
        position(of: offset, encoding: encoding, after: nil)
    }

    /// (line, column) of a byte offset in a file, as an editor shows it: a UTF-8
    /// byte order mark, which editors hide, counts no column (reports gave 1:19
    /// for what an editor shows at 1:16). The language server does not use this:
    /// its positions count the text its client sent, mark and all.
    public func positionInFile(of offset: Int, encoding: ColumnEncoding = .utf16) -> LinePosition {
        inFile(position(of: offset, encoding: encoding), encoding: encoding)
    }

    /// A position `position(of:)` gave, as an editor shows it in the file (see `positionInFile`).
    public func inFile(_ position: LinePosition, encoding: ColumnEncoding) -> LinePosition {
        guard position.line == 0, bytes.starts(with: SourceText.byteOrderMark) else { return position }
        let markWidth = encoding == .utf8 ? SourceText.byteOrderMark.count : 1  // U+FEFF is one UTF-16 unit
        return LinePosition(line: 0, column: max(0, position.column - markWidth))
    }

    /// The same, counting on from an earlier answer (`after`) when it is on the
    /// same line and not past `offset`: converting the offsets of one long line
    /// in order then costs the line once, not once per offset. An earlier answer
    /// a little past `offset`, with only ASCII between, is counted back from
    /// (a fix's edit starts before the end of the finding converted just before it).
    public func position(of offset: Int, encoding: ColumnEncoding = .utf16, after earlier: (offset: Int, position: LinePosition)?) -> LinePosition {
        let offset = max(0, min(offset, bytes.count))
        let line = line(containing: offset)
        let start = lineStarts[line]
        let contentEnd = lineContentEnd(line)
        let stop = min(offset, contentEnd)
        switch encoding {
        case .utf8:
            return LinePosition(line: line, column: scalarStart(rounding: stop, lineStart: start) - start)
        case .utf16:
            if let earlier, earlier.position.line == line, earlier.offset > stop, earlier.offset <= contentEnd,
               earlier.offset - stop < stop - start, bytes[stop..<earlier.offset].allSatisfy({ $0 < 0x80 }) {
                return LinePosition(line: line, column: earlier.position.column - (earlier.offset - stop))
            }
            // The earlier offset must start a scalar (or be `stop`) to count on from it.
            let resume = earlier.flatMap { earlier in
                earlier.position.line == line && earlier.offset >= start && earlier.offset <= stop
                    && (earlier.offset == stop || bytes[earlier.offset] & 0xC0 != 0x80) ? earlier : nil
            }
            let column = bytes.withUnsafeBufferPointer { buffer -> Int in
                var i = resume?.offset ?? start
                var units = resume?.position.column ?? 0
                while i < stop {
                    // ASCII, the common case, is one unit per byte: skip decoding it.
                    if buffer[i] < 0x80 { units += 1; i += 1; continue }
                    let (scalar, length) = UTF8Scalar.decode(buffer, at: i)
                    if i + length > stop { break }  // offset inside a scalar rounds down
                    units += scalar > 0xFFFF ? 2 : 1
                    i += length
                }
                return units
            }
            return LinePosition(line: line, column: column)
        }
    }

    /// Byte offset of a (line, column) position. Lines past the end clamp to the
    /// end of the text, columns past the end of a line clamp to its end, and a
    /// column inside a surrogate pair rounds down to the pair's start.
    public func offset(of position: LinePosition, encoding: ColumnEncoding = .utf16) -> Int {
        guard position.line >= 0 else { return 0 }
        guard position.line < lineStarts.count else { return bytes.count }
        let start = lineStarts[position.line]
        let end = lineContentEnd(position.line)
        let column = max(0, position.column)
        switch encoding {
        case .utf8:
            // Compared before adding: a client may send any Int, and start + Int.max overflows.
            let target = column >= end - start ? end : start + column
            return scalarStart(rounding: target, lineStart: start)
        case .utf16:
            return bytes.withUnsafeBufferPointer { buffer -> Int in
                var i = start
                var units = 0
                while i < end {
                    let (scalar, length) = UTF8Scalar.decode(buffer, at: i)
                    let width = scalar > 0xFFFF ? 2 : 1
                    if units + width > column { break }
                    units += width
                    i += length
                }
                return i
            }
        }
    }

    /// `offset`, or the start of the scalar it falls inside. A lone continuation
    /// byte is a scalar of its own (it reads as one U+FFFD), so only a lead byte
    /// whose sequence is valid and reaches past `offset` moves it.
    private func scalarStart(rounding offset: Int, lineStart: Int) -> Int {
        guard offset < bytes.count, bytes[offset] & 0xC0 == 0x80 else { return offset }
        return bytes.withUnsafeBufferPointer { buffer in
            var lead = offset - 1
            while lead >= max(lineStart, offset - 3) {
                if buffer[lead] & 0xC0 != 0x80 {
                    return lead + UTF8Scalar.decode(buffer, at: lead).length > offset ? lead : offset
                }
                lead -= 1
            }
            return offset
        }
    }

    /// Byte offset of the `column`th Unicode scalar of `line` (both zero-based), as
    /// libyaml counts columns; past the line's end, its end. Not a `ColumnEncoding`:
    /// no client counts this way.
    func offset(line: Int, scalarColumn column: Int) -> Int {
        guard line >= 0 else { return 0 }
        guard line < lineStarts.count else { return bytes.count }
        let end = lineContentEnd(line)
        return bytes.withUnsafeBufferPointer { buffer -> Int in
            var i = lineStarts[line]
            var scalars = 0
            while i < end && scalars < column {
                i += buffer[i] < 0x80 ? 1 : UTF8Scalar.decode(buffer, at: i).length
                scalars += 1
            }
            return min(i, end)
        }
    }

    /// Whether (line, column) names a real place in the text (hover answers only for one):
    /// not past its line, and not inside a scalar or between the halves of a surrogate pair.
    public func isValid(_ position: LinePosition, encoding: ColumnEncoding = .utf16) -> Bool {
        guard position.line >= 0, position.column >= 0, position.line < lineStarts.count else { return false }
        return self.position(of: offset(of: position, encoding: encoding), encoding: encoding) == position
    }
}

/// Converts offsets that mostly come in increasing order (a file's findings,
/// tokens, hints): on a long line each conversion counts on from the last one,
/// so the line is read once, not once per offset.
public struct PositionCursor: Sendable {
    public let lines: LineIndex
    public let encoding: ColumnEncoding
    private var last: (offset: Int, position: LinePosition)?

    public init(_ lines: LineIndex, encoding: ColumnEncoding) {
        self.lines = lines
        self.encoding = encoding
    }

    public mutating func position(_ offset: Int) -> LinePosition {
        let position = lines.position(of: offset, encoding: encoding, after: last)
        last = (max(0, min(offset, lines.byteCount)), position)
        return position
    }
}
