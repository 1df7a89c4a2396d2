/// Bytes that are not UTF-8 text.
struct InvalidEncoding: LintRule {
    static let ruleID = "invalid-encoding"
    let id = ruleID
    let defaultSeverity = Severity.error
    let summary = "The file is not valid UTF-8, or holds NUL bytes (a binary file)"
    let explanation = """
    System messages are UTF-8 text. An invalid byte usually means the file was \
    saved in another encoding (Latin-1, UTF-16) or is not text at all. The \
    finding gives the byte offset of the first bad byte (or NUL byte); \
    analysis goes on, reading each invalid sequence as one U+FFFD, as Unicode \
    recommends (a unit's `text` in `--format json` shows it so; its byte range \
    still points at the bytes in the file). Re-save the file as UTF-8. A file \
    saved as UTF-16 (it starts with a UTF-16 byte order mark, or with an ASCII \
    character beside a NUL byte) is named so, at its first byte.

    On a binary file, one with a NUL byte or in which more than a quarter of the \
    bytes are not UTF-8 (random data, or a non-Latin script in a legacy encoding, \
    which reads as U+FFFD throughout), this is the only finding reported: what \
    the other rules would find there is read from noise. A few stray bytes, such \
    as Latin-1 accents, leave text that reads, and its other findings stand.
    """

    /// Whether the bytes are binary rather than text: a NUL byte (no text format writes
    /// one; UTF-16 writes one beside every ASCII letter), or invalid UTF-8 in more than
    /// a quarter of the bytes. Latin-1 accents in English or French stay far below that.
    static func isBinary(_ source: SourceText) -> Bool {
        source.firstNULOffset != nil || UTF8Scalar.invalidByteCount(source.bytes) * 4 > source.count
    }

    /// "UTF-16" when the file starts the way UTF-16 text does: with its byte order
    /// mark, or with an ASCII character beside a NUL (Windows editors save so).
    static func utf16Name(_ bytes: [UInt8]) -> String? {
        guard bytes.count >= 2 else { return nil }
        let (a, b) = (bytes[0], bytes[1])
        if (a, b) == (0xFF, 0xFE) { return "UTF-16 (little-endian, with a byte order mark)" }
        if (a, b) == (0xFE, 0xFF) { return "UTF-16 (big-endian, with a byte order mark)" }
        if a != 0, a < 0x80, b == 0 { return "UTF-16 (little-endian)" }
        if a == 0, b != 0, b < 0x80 { return "UTF-16 (big-endian)" }
        return nil
    }

    func check(_ context: LintContext) -> [Finding] {
        if let name = Self.utf16Name(context.source.bytes) {
            return [context.finding(self, "the file is \(name), not UTF-8: save it as UTF-8", range: 0..<1)]
        }
        let nul = context.source.firstNULOffset, invalid = context.source.firstInvalidUTF8Offset
        // The first of the two, which is where an editor shows the file going wrong.
        if let nul, nul < invalid ?? Int.max {
            return [context.finding(self, "NUL byte at byte offset \(nul): this looks like a binary file, not a system message", range: nul..<nul + 1)]
        }
        if let bad = invalid {
            let hex = String(context.source.bytes[bad], radix: 16, uppercase: true)
            return [context.finding(self, "invalid UTF-8 at byte offset \(bad) (byte 0x\(hex)): save the file as UTF-8", range: bad..<bad + 1)]
        }
        return []
    }
}
