/// Bytes that are not UTF-8 text.
struct InvalidEncoding: LintRule {
    let id = "invalid-encoding"
    let defaultSeverity = Severity.error
    let summary = "The file is not valid UTF-8, or holds NUL bytes (a binary file)"
    let explanation = """
    System messages are UTF-8 text. An invalid byte usually means the file was \
    saved in another encoding (Latin-1, UTF-16) or is not text at all. The \
    finding gives the byte offset of the first bad byte (or NUL byte); \
    analysis goes on, reading each invalid sequence as one U+FFFD, as Unicode \
    recommends (a unit's `text` in `--format json` shows it so; its byte range \
    still points at the bytes in the file). Re-save the file as UTF-8.
    """

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
