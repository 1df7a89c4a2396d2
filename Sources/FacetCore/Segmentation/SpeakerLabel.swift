/// A speaker label opening a turn of a written-out conversation: "User: …",
/// "Assistant: …", or "USER" alone on its line, as playground exports write them.
/// The user's and the assistant's turns are examples of a dialogue, not
/// instructions; a "SYSTEM" label only starts a new paragraph.
struct SpeakerLabel {
    enum Side { case user, assistant, system }

    var side: Side
    /// The label is the whole line; the turn's text follows on the next lines.
    var bare: Bool
    /// The text after "Label:" opens with a quotation mark (`User: "Fix the typo"`).
    var quoted: Bool

    /// The labels, lower case. Compared byte by byte: this runs on every line
    /// that starts with a capital, where building a string showed in profiles.
    static let labels: [(word: [UInt8], side: Side)] = {
        let named: [(String, Side)] = [
            ("user", .user), ("human", .user), ("customer", .user),
            // Not "model": "Model: gpt-4o" is a setting far more often than a speaker.
        ("assistant", .assistant), ("ai", .assistant), ("bot", .assistant),
            ("system", .system),
        ]
        return named.map { (Array($0.0.utf8), $0.1) }
    }()

    static func side(_ buffer: UnsafeBufferPointer<UInt8>, _ word: Range<Int>) -> Side? {
        for label in labels where label.word.count == word.count {
            var same = true
            for (k, b) in label.word.enumerated() where ByteClass.lower(buffer[word.lowerBound + k]) != b { same = false; break }
            if same { return label.side }
        }
        return nil
    }

    /// The label at the start of a trimmed line, if there is one. Only "Word" or
    /// "WORD" spellings count, and only with a colon unless the line is a
    /// capitalised label alone: "user" in running text is not a speaker.
    static func parse(_ buffer: UnsafeBufferPointer<UInt8>, _ content: Range<Int>) -> SpeakerLabel? {
        let start = content.lowerBound
        guard start < content.upperBound, ByteClass.isUpper(buffer[start]) else { return nil }
        var end = start + 1
        var allUpper = true
        while end < content.upperBound, end - start <= 9, ByteClass.isAlpha(buffer[end]) {
            if ByteClass.isLower(buffer[end]) { allUpper = false }
            end += 1
        }
        guard end - start <= 9 else { return nil }
        if !allUpper {  // "User", not "UsEr"
            for i in start + 1..<end where ByteClass.isUpper(buffer[i]) { return nil }
        }
        guard let side = side(buffer, start..<end) else { return nil }
        if end == content.upperBound { return allUpper && end - start > 2 ? SpeakerLabel(side: side, bare: true, quoted: false) : nil }
        guard buffer[end] == UInt8(ascii: ":") else { return nil }
        var text = end + 1
        while text < content.upperBound && ByteClass.isSpace(buffer[text]) { text += 1 }
        if text == content.upperBound { return SpeakerLabel(side: side, bare: true, quoted: false) }
        let first = buffer[text]
        // " and ' or the first byte of “ (E2 80 9C).
        let quoted = first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") || (first == 0xE2 && text + 2 < content.upperBound && buffer[text + 1] == 0x80 && buffer[text + 2] == 0x9C)
        return SpeakerLabel(side: side, bare: false, quoted: quoted)
    }
}
