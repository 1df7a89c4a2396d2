import FacetCore
import Foundation
import FacetIndex
import LSPTypes

/// `textDocument/completion`: on an empty line (or one holding only a list
/// marker), or on the line after a heading, offers preferences the message
/// leaves out, best first. Inserting one adds its description, a sentence that
/// reads as part of the message.
enum CompletionFeature {
    static func complete(_ params: CompletionParams, _ snapshot: DocumentSnapshot) -> CompletionList {
        guard offersPreferences(at: params.position, snapshot) else { return CompletionList(isIncomplete: false, items: []) }
        let suggestions = snapshot.suggestionCandidates.map { Suggester.rank($0, limit: 20) } ?? []
        let items = suggestions.enumerated().map { rank, suggestion -> CompletionItem in
            let p = suggestion.preference
            var documentation = p.description
            if !suggestion.reason.isEmpty { documentation += "\n\n*Why:* \(suggestion.reason)." }
            return CompletionItem(label: p.name, kind: 1, detail: "\(p.dimension)/\(p.subdimension) · \(p.source)",
                                  documentation: MarkupContent(kind: "markdown", value: documentation),
                                  sortText: String(format: "%03d", rank), filterText: p.name + " " + p.description,
                                  insertText: p.description)
        }
        return CompletionList(isIncomplete: false, items: items)
    }

    /// Blank before the cursor (list markers allowed), or the line just after a
    /// heading; and nothing after it, or accepting would glue a sentence onto the line's text.
    static func offersPreferences(at position: Position, _ snapshot: DocumentSnapshot) -> Bool {
        let lines = snapshot.source.lines
        guard position.line >= 0, position.line < lines.lineCount else { return false }
        let start = lines.lineStarts[position.line]
        let cursor = snapshot.mapping.offset(position)
        let before = snapshot.source.text(start..<cursor).trimmingCharacters(in: .whitespaces)
        let lineEnd = max(cursor, lines.lineContentEnd(position.line))
        guard snapshot.source.text(cursor..<lineEnd).allSatisfy(\.isWhitespace) else { return false }
        if before.isEmpty || ["-", "*", "+"].contains(before) || before.range(of: #"^\d+[.)]$"#, options: .regularExpression) != nil {
            return true
        }
        guard position.line > 0 else { return false }
        let previous = lines.lineStarts[position.line - 1]
        return snapshot.analysis.document.units.contains { $0.kind == .heading && $0.range.lowerBound >= previous && $0.range.lowerBound < start }
            && !before.contains(" ")
    }
}
