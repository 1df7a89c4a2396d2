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
    the finding is on the closing tag that comes too early.

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
        for crossing in context.document.crossedSections {
            let (outer, inner) = (crossing.outer, crossing.inner)
            guard let close = outer.closeRange else { continue }
            findings.append(context.finding(self, "</\(outer.name)> closes <\(outer.name)> while <\(inner.name)>, opened inside it, is still open: close </\(inner.name)> first",
                                            range: close, related: [RelatedRange(range: inner.openRange, message: "<\(inner.name)> opens here")]))
        }
        return findings
    }
}
