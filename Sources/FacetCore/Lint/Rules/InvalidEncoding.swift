/// Bytes that are not UTF-8 text.
struct InvalidEncoding: LintRule {
    let id = "invalid-encoding"
    let defaultSeverity = Severity.error
    let summary = "The file is not valid UTF-8, or holds NUL bytes (a binary file)"
    let explanation = """
    System messages are UTF-8 text. An invalid byte usually means the file was \
    saved in another encoding (Latin-1, UTF-16) or is not text at all. The \
    finding gives the byte offset of the first bad byte; analysis goes on, \
    reading each bad byte as U+FFFD. Re-save the file as UTF-8.
    """

    func check(_ context: LintContext) -> [Finding] {
        if let nul = context.source.firstNULOffset {
            return [context.finding(self, "NUL byte at byte offset \(nul): this looks like a binary file, not a system message", range: nul..<nul + 1)]
        }
        if let bad = context.source.firstInvalidUTF8Offset {
            let hex = String(context.source.bytes[bad], radix: 16, uppercase: true)
            return [context.finding(self, "invalid UTF-8 at byte offset \(bad) (byte 0x\(hex)): save the file as UTF-8", range: bad..<bad + 1)]
        }
        return []
    }
}
