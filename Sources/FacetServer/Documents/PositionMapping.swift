import FacetCore
import LSPTypes

/// Converts between the core's UTF-8 byte offsets and LSP positions in the
/// negotiated encoding (UTF-16 code units by default, UTF-8 when agreed).
struct PositionMapping: Sendable {
    let source: SourceText
    let encoding: ColumnEncoding

    func position(_ offset: Int) -> Position {
        let p = source.lines.position(of: offset, encoding: encoding)
        return Position(line: p.line, character: p.column)
    }

    /// Converts offsets that mostly come in increasing order (tokens, hints):
    /// on a long line each conversion counts on from the last one.
    struct Cursor {
        private var cursor: PositionCursor

        init(_ mapping: PositionMapping) { cursor = PositionCursor(mapping.source.lines, encoding: mapping.encoding) }

        mutating func position(_ offset: Int) -> Position {
            let p = cursor.position(offset)
            return Position(line: p.line, character: p.column)
        }

        mutating func range(_ range: Range<Int>) -> LSPRange {
            LSPRange(start: position(range.lowerBound), end: position(range.upperBound))
        }
    }

    func range(_ range: Range<Int>) -> LSPRange {
        LSPRange(start: position(range.lowerBound), end: position(range.upperBound))
    }

    /// Byte offset of a position, clamped into the text (for ranges a client asks about).
    func offset(_ position: Position) -> Int {
        source.lines.offset(of: LinePosition(line: position.line, column: position.character), encoding: encoding)
    }

    func offsets(_ range: LSPRange) -> Range<Int> {
        let start = offset(range.start), end = offset(range.end)
        return min(start, end)..<max(start, end)
    }

    /// Whether a position names a real place in the text (line exists, column within it).
    func isValid(_ position: Position) -> Bool {
        source.lines.isValid(LinePosition(line: position.line, column: position.character), encoding: encoding)
    }
}
