/// A document's bytes with its line index. Offsets everywhere in the core are
/// UTF-8 byte offsets into `bytes`; ranges are half-open.
public struct SourceText: Sendable {
    public let bytes: [UInt8]
    public let lines: LineIndex

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        self.lines = LineIndex(bytes: bytes)
    }

    public init(_ string: String) {
        self.init(bytes: Array(string.utf8))
    }

    /// The UTF-8 byte order mark some editors write at the start of a file: no part of its text.
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Where the text starts: after a byte order mark, else at 0. Text added at
    /// the top of a file goes here, so the mark stays first.
    public var textStart: Int { bytes.starts(with: Self.byteOrderMark) ? Self.byteOrderMark.count : 0 }

    /// The file's line break, as its first one is: "\r\n", "\r" or "\n" (also for text without any).
    /// Read from the line index, where the first break ends the first line: searching
    /// the bytes for it, once per code action edit, scanned all of a file of one long line.
    public var lineBreak: String {
        guard lines.lineCount > 1 else { return "\n" }
        let end = lines.lineStarts[1]
        guard bytes[end - 1] == 0x0A else { return "\r" }
        return end >= 2 && bytes[end - 2] == 0x0D ? "\r\n" : "\n"
    }

    /// `text` (written with "\n") with this file's line breaks, for an edit to insert.
    public func withLineBreaks(_ text: String) -> String {
        let lineBreak = self.lineBreak
        guard lineBreak != "\n", text.contains("\n") else { return text }
        return text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: lineBreak)
    }

    public var count: Int { bytes.count }

    /// The text of a byte range, decoding invalid bytes as U+FFFD.
    public func text(_ range: Range<Int>) -> String {
        let lower = max(0, min(range.lowerBound, bytes.count))
        let upper = max(lower, min(range.upperBound, bytes.count))
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
    }

    /// Offset of the first invalid UTF-8 byte, if any.
    public var firstInvalidUTF8Offset: Int? { UTF8Scalar.firstInvalidOffset(bytes) }

    /// Offset of the first NUL byte, the usual mark of a binary file.
    public var firstNULOffset: Int? {
        // Not `firstIndex(of:)`, which went byte by byte over every document.
        bytes.withUnsafeBufferPointer { ByteSearch.first(0, in: $0, from: 0, to: $0.count) }
    }
}
