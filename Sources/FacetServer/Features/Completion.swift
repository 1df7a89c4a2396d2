import FacetCore
import Foundation
import FacetIndex
import LSPTypes

/// `textDocument/completion`: on an empty line (or one holding only a list
/// marker), or on the line after a heading, offers preferences the message
/// leaves out, best first; never in front matter, a code block or a comment. Inserting one adds its description, a sentence that
/// reads as part of the message.
enum CompletionFeature {
    static func complete(_ params: CompletionParams, _ snapshot: DocumentSnapshot) -> CompletionList {
        guard offersPreferences(at: params.position, snapshot) else { return CompletionList(isIncomplete: false, items: []) }
        let suggestions = snapshot.suggestionCandidates.map { Suggester.rank($0, limit: 20) } ?? []
        let lead = needsSpaceAfterMarker(at: params.position, snapshot) ? " " : ""
        let items = suggestions.enumerated().map { rank, suggestion -> CompletionItem in
            let p = suggestion.preference
            var documentation = p.description
            // Plain text for clients that show no Markdown, or they show the asterisks.
            let why = snapshot.markdownCompletions ? "*Why:*" : "Why:"
            if !suggestion.reason.isEmpty { documentation += "\n\n\(why) \(suggestion.reason)." }
            return CompletionItem(label: p.name, kind: 1, detail: "\(p.dimension)/\(p.subdimension) · \(p.source)",
                                  documentation: MarkupContent(kind: snapshot.markdownCompletions ? "markdown" : "plaintext", value: documentation),
                                  sortText: String(format: "%03d", rank), filterText: p.name + " " + p.description,
                                  insertText: lead + p.description)
        }
        return CompletionList(isIncomplete: false, items: items)
    }

    /// Blank before the cursor (list markers allowed), or the line just after a
    /// heading; and nothing after it, or accepting would glue a sentence onto the line's text.
    /// Not in front matter, a code block or a comment: a sentence there breaks the YAML or the code.
    static func offersPreferences(at position: Position, _ snapshot: DocumentSnapshot) -> Bool {
        let lines = snapshot.source.lines
        guard position.line >= 0, position.line < lines.lineCount else { return false }
        let start = lines.lineStarts[position.line]
        let cursor = snapshot.mapping.offset(position)
        let before = snapshot.source.text(start..<cursor).trimmingCharacters(in: .whitespaces)
        let lineEnd = max(cursor, lines.lineContentEnd(position.line))
        guard snapshot.source.text(cursor..<lineEnd).allSatisfy(\.isWhitespace) else { return false }
        let afterMarker = isListMarker(before)
        guard before.isEmpty || afterMarker || (position.line > 0 && !before.contains(" ")) else { return false }
        let document = snapshot.analysis.document
        guard !isOutsideProse(cursor, document) else { return false }
        if before.isEmpty || afterMarker { return true }
        let previous = lines.lineStarts[position.line - 1]
        return document.units.contains { $0.kind == .heading && $0.range.lowerBound >= previous && $0.range.lowerBound < start }
    }

    /// "-", "*", "+", "1." or "1)": a line holding only one is a list item still to be written.
    static func isListMarker(_ text: String) -> Bool {
        ["-", "*", "+"].contains(text) || text.range(of: #"^\d+[.)]$"#, options: .regularExpression) != nil
    }

    /// Whether the cursor comes right after a list marker ("-", "1."): without a space
    /// the accepted sentence joins it ("-Keep answers short.") and is no list item.
    static func needsSpaceAfterMarker(at position: Position, _ snapshot: DocumentSnapshot) -> Bool {
        let start = snapshot.source.lines.lineStarts[position.line]
        let before = snapshot.source.text(start..<snapshot.mapping.offset(position))
        guard let last = before.last, !last.isWhitespace else { return false }
        return isListMarker(before.trimmingCharacters(in: .whitespaces))
    }

    /// Whether `offset` lies in front matter, a fenced code block or a comment.
    /// One left open runs to the end of the text, and then holds the end too.
    static func isOutsideProse(_ offset: Int, _ document: Document) -> Bool {
        let source = document.source
        func holds(_ range: Range<Int>, open: Bool) -> Bool {
            range.contains(offset) || (open && offset == source.count && range.upperBound == source.count)
        }
        if let frontMatter = document.frontMatter, frontMatter.range.contains(offset) { return true }
        return document.codeBlocks.contains { holds($0, open: !isClosedFence($0, source)) }
            || document.comments.contains { holds($0.range, open: !source.text($0.range).hasSuffix("-->")) }
    }

    /// Whether a code block's last line closes its fence: at least as many of the
    /// opening's fence characters and nothing else, as the segmenter reads it.
    /// Lines end at CRLF, CR or LF, as in `LineIndex` ("\r\n" is one Character, never "\n").
    static func isClosedFence(_ block: Range<Int>, _ source: SourceText) -> Bool {
        let lines = source.text(block).split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard let opening = lines.first, let fence = opening.first,
              let closing = lines.dropFirst().last(where: { !$0.isEmpty }) else { return false }
        let length = opening.prefix { $0 == fence }.count
        return closing.count >= length && closing.allSatisfy { $0 == fence }
    }
}
