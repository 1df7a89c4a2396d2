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
    still points at the bytes in the file). Re-save the file as UTF-8.

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

    func check(_ context: LintContext) -> [Finding] {
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
