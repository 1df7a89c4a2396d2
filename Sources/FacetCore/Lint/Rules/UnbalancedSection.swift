/// An XML-style section opened and never closed, closed and never opened, or crossing another.
struct UnbalancedSection: LintRule {
    let id = "unbalanced-section"
    let defaultSeverity = Severity.error
    let summary = "An XML-style section tag (<instructions>) that is not closed, a closing tag with no opening, or tags that cross"
    let explanation = """
    Sections such as `<instructions> ... </instructions>` tell the model where each \
    part begins and ends. A tag left open makes the rest of the message part of \
    that section; a stray closing tag suggests text was cut. Tags that cross \
    (`<a> <b> </a> </b>`) leave the model to guess where each section ends: \
    the finding is on the closing tag that comes too early, one for all the \
    sections it cuts across (`<a> <b> <c> </a>`), and points at where each opens.

    ```
    <instructions>
    ^^^^^^^^^^^^^^ unbalanced-section: <instructions> is never closed
    Answer in French.
    ```

    Tag names match in any case, as in HTML: `<Rules> ... </rules>` is one section. \
    A tag counts as a section when it starts a line and is closed, stands alone \
    on its line, or has text right after it (`<rules>Be brief.`). `<name>` inside \
    a sentence is read as a template variable, and so is one that starts a line \
    with a space or a mark after it (`<user_name> asked`, `<var>,`) or whose name \
    `variables:` declares in the front matter. Not sections either: HTML's empty \
    elements (`<br>`, `<img src="...">`), an element whose end tag HTML lets you \
    leave out, with its text after it (`<caption>Sales`) or, for list items, \
    paragraphs and cells, alone on its line too (`<li>`, `<p>`), inline markup \
    opening a line (`<b>Important: ...`), a chat template's turn markers \
    (`<start_of_turn>user`, `<assistant>Paris.`), a placeholder with words and no attributes \
    (`<insert the article here>`), a closing tag named inside a sentence \
    ("before </body>"), and a tag alone on the last line of the message, left open \
    for the model to fill. Fixes: add the closing tag at the end, or remove the \
    stray closing tag.
    """

    func check(_ context: LintContext) -> [Finding] {
        var findings: [Finding] = []
        let end = context.source.count
        let needsNewline = end > 0 && !ByteClass.isNewline(context.source.bytes[end - 1])
        for section in context.document.sections where section.closeRange == nil {
            let fix = Fix(title: "Close </\(section.name)> at the end of the message",
                          edits: [TextEdit(range: end..<end, newText: (needsNewline ? "\n" : "") + "</\(section.name)>\n")])
            findings.append(context.finding(self, "<\(section.name)> is never closed: add </\(section.name)> where the section ends",
                                            range: section.openRange, fixes: [fix]))
        }
        for stray in context.document.strayClosingTags {
            let fix = Fix(title: "Remove the stray </\(stray.name)>", edits: [TextEdit(range: stray.openRange, newText: "")])
            findings.append(context.finding(self, "</\(stray.name)> closes a section that was never opened: add <\(stray.name)> where it starts, or remove this tag",
                                            range: stray.openRange, fixes: [fix]))
        }
        // One finding per closing tag that comes too early, however many sections it cuts
        // across: `<a> <b> <c> </a>` is one mistake, so one finding, pointing at each of them.
        let crossings = context.document.crossedSections  // in the order of the outer closing tags
        var first = 0
        while first < crossings.count {
            let outer = crossings[first].outer
            var end = first + 1
            while end < crossings.count && crossings[end].outer.closeRange == outer.closeRange { end += 1 }
            let inners = crossings[first..<end].map(\.inner)
            first = end
            guard let close = outer.closeRange else { continue }
            let still = inners.count == 1 ? "is still open" : "are still open"
            // Each tag as the text writes it there (`<rules> ... </RULES>`); the innermost is closed first.
            let message = "</\(outer.closeName ?? outer.name)> closes <\(outer.name)> while \(Self.list(inners.map { "<\($0.name)>" })), opened inside it, \(still): "
                + "close \(Self.list(inners.reversed().map { "</\($0.closeName ?? $0.name)>" })) first"
            findings.append(context.finding(self, message, range: close,
                                            related: inners.map { RelatedRange(range: $0.openRange, message: "<\($0.name)> opens here") }))
        }
        return findings
    }

    /// "<b>", "<b> and <c>", "<b>, <c> and <d>".
    static func list(_ items: [String]) -> String {
        items.count < 2 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1]
    }
}
