/// Edits that keep a numbered list counting after one of its items is removed:
/// "1. 2. 4." is read by the model as written (the numbers are text, not
/// Markdown's to redo), and a prompt that says "step 3" elsewhere then points
/// at a step that is not there.
enum ListRenumbering {
    /// A numbered item's marker: where its number is, and the number.
    struct Marker {
        var indent: Int
        var digits: Range<Int>
        var number: Int
    }

    /// The marker opening a line ("  3. ", "3) "), if it has one.
    static func marker(_ bytes: [UInt8], line range: Range<Int>) -> Marker? {
        var i = range.lowerBound
        while i < range.upperBound && (bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t")) { i += 1 }
        let first = i
        while i < range.upperBound && i - first < 9 && ByteClass.isDigit(bytes[i]) { i += 1 }
        guard i > first, i < range.upperBound, bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: ")"),
              i + 1 == range.upperBound || bytes[i + 1] == UInt8(ascii: " ") || bytes[i + 1] == UInt8(ascii: "\t"),
              let number = Int(String(decoding: bytes[first..<i], as: UTF8.self)) else { return nil }
        return Marker(indent: first - range.lowerBound, digits: first..<i, number: number)
    }

    /// When `removed` (whole lines) opens with a numbered item, the edits that number
    /// the items after it on from that item's number (one lower when one item went,
    /// as many lower as the removed lines held items of its indent), up to the end of its list: a line less indented,
    /// an item of the same indent out of sequence, or other text at that indent.
    /// Blank lines and deeper lines (an item's continuation, a nested list) are passed.
    static func edits(afterRemoving removed: Range<Int>, in source: SourceText) -> [TextEdit] {
        let bytes = source.bytes, lines = source.lines
        let first = lines.line(containing: removed.lowerBound)
        guard let gone = marker(bytes, line: lines.lineStarts[first]..<lines.lineContentEnd(first)) else { return [] }
        var edits: [TextEdit] = []
        var line = lines.line(containing: removed.upperBound)
        if removed.upperBound > lines.lineStarts[line] || removed.upperBound == source.count { return [] }
        // The last item removed at the same indent: the list went on after it.
        var last = gone.number
        for removedLine in first + 1..<line {
            if let item = marker(bytes, line: lines.lineStarts[removedLine]..<lines.lineContentEnd(removedLine)), item.indent == gone.indent {
                last = item.number
            }
        }
        var expected = last + 1
        let shift = last - gone.number + 1
        while line < lines.lineCount {
            let range = lines.lineStarts[line]..<lines.lineContentEnd(line)
            line += 1
            let indent = bytes[range].prefix { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }.count
            if indent == range.count { continue }  // blank
            if indent > gone.indent { continue }
            guard indent == gone.indent, let item = marker(bytes, line: range), item.number == expected else { break }
            edits.append(TextEdit(range: item.digits, newText: String(expected - shift)))
            expected += 1
        }
        return edits
    }
}
