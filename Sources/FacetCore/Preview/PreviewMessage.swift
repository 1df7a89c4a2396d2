/// What a preview sends as the system message: the file without its front
/// matter and without Facet's own `<!-- facet-... -->` comments, with template
/// variables replaced by their values.
public struct PreviewMessage: Sendable, Equatable {
    public var text: String
    /// Variables in the text that had no value and were sent as written.
    public var unfilled: [String]

    /// A system message sent as given (a benchmark row's `system`).
    public init(text: String) {
        self.text = text
        unfilled = []
    }

    public init(document: Document, variables: [String: String]) {
        var cuts: [(range: Range<Int>, replacement: String)] = []
        if let frontMatter = document.frontMatter { cuts.append((frontMatter.range, "")) }
        for comment in document.comments where Suppressions.directive(in: comment) != nil {
            cuts.append((comment.range, ""))
        }
        var unfilled: [String] = []
        for variable in document.variables {
            if let value = variables[variable.name] {
                cuts.append((variable.range, value))
            } else if !unfilled.contains(variable.name) {
                unfilled.append(variable.name)
            }
        }
        cuts.sort { $0.range.lowerBound < $1.range.lowerBound }
        var bytes: [UInt8] = []
        var position = 0
        let source = document.source.bytes
        for cut in cuts where cut.range.lowerBound >= position {
            bytes.append(contentsOf: source[position..<cut.range.lowerBound])
            bytes.append(contentsOf: cut.replacement.utf8)
            position = cut.range.upperBound
        }
        bytes.append(contentsOf: source[min(position, source.count)...])
        text = String(decoding: bytes, as: UTF8.self).trimmingWhitespaceEdges()
        self.unfilled = unfilled
    }

    /// The variables a case sees: the front matter's, then the cases file's, then the case's own.
    public static func variables(document: Document, cases: PreviewCases, previewCase: PreviewCase) -> [String: String] {
        var values = document.frontMatter?.variableValues ?? [:]
        values.merge(cases.variables) { _, new in new }
        values.merge(previewCase.variables) { _, new in new }
        return values
    }

    /// The cases declared in the front matter (`cases:`), if any.
    public static func frontMatterCases(_ document: Document) -> PreviewCases? {
        guard let value = document.frontMatter?.values["cases"] else { return nil }
        return PreviewCases.parse(value)
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks.
    func trimmingWhitespaceEdges() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
