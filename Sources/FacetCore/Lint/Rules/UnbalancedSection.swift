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
    sections it cuts across (`<a> <b> <c> </a>`), and points at where each opens \
    (five at most, then says how many more).

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
    ("before </body>"), a closing tag whose opening tag is quoted in `code` \
    before it ("`<thinking>`") or is code's, its attributes running over \
    lines (`<button` then `onClick={save}`), tags in a SEARCH/REPLACE block \
    (between "<<<<<<< SEARCH" and ">>>>>>> REPLACE": the text to find and \
    write), and a tag alone on the last line of the message, left open \
    for the model to fill. A closing tag that starts a line closes the \
    section opened on a line of its own, not a tag of its name named in a \
    sentence inside it ("write inside the <insert>."). Fixes: add the closing tag at the end (before the \
    closing tag of the section it was opened in, or the end of the quoted \
    prompt it is in; tags left open up to the same place are all closed by \
    the fix on the first of them, the last opened first: `</b>` `</a>` after \
    `<a> <b>`), remove the \
    stray closing tag, or put crossed closing tags in nesting order when nothing \
    but white space stands between them, with those of every crossing among \
    them, eight tags at most, and only when each tag then closes the section \
    meant and none cross (`</a>` `</b>` becomes `</b>` `</a>`; \
    with text between them, moving a tag would move the text into or out of a \
    section, which only the author can decide).
    """

    func check(_ context: LintContext) -> [Finding] {
        var findings: [Finding] = []
        let end = context.source.count
        let needsNewline = end > 0 && !ByteClass.isNewline(context.source.bytes[end - 1])
        let scopeEnds = Self.enclosingScopeEnds(context)
        // Where each unclosed tag's closing tag goes and what it reads there, in the order they open.
        var closings: [(section: Section, at: Int, tag: String, before: String, onANewLine: Bool)] = []
        for section in context.document.sections where section.closeRange == nil {
            if let scope = scopeEnds[section.openRange.lowerBound] {
                // Before the closing tag of the section it was opened in, or the end of its quoted prompt:
                // at the end of the message it would cross the one and leave the other.
                let lineStart = context.source.lines.lineStarts[context.source.lines.line(containing: scope.at)]
                let alone = context.source.bytes[lineStart..<scope.at].allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
                closings.append((section, alone ? lineStart : scope.at, "</\(section.name)>" + (alone ? "\n" : ""), "before \(scope.what)", false))
            } else {
                closings.append((section, end, "</\(section.name)>\n", "at the end of the message", needsNewline))
            }
        }
        closings.sort { $0.section.openRange.lowerBound < $1.section.openRange.lowerBound }
        // The tags closed at one place are closed by one fix, on the first of them, the last
        // opened closing first; the others have none. A fix each, all inserted at one offset,
        // gave `</a> </b>` after `<a> <b>` when both were applied, whichever came first.
        var fixAt: [Int: Fix] = [:]
        for (at, group) in Dictionary(grouping: closings, by: \.at) {
            let innermostFirst = group.reversed()
            let named = innermostFirst.prefix(Self.namedAtMost).map { "</\($0.section.name)>" }
            // One line break before them all, where the message does not end with one.
            let newText = (group.contains { $0.onANewLine } ? "\n" : "") + innermostFirst.map(\.tag).joined()
            fixAt[at] = Fix(title: "Close \(Self.list(named, more: group.count - named.count)) \(group[0].before)",
                            edits: [TextEdit(range: at..<at, newText: newText)])
        }
        for closing in closings {
            let name = closing.section.name
            let fix = fixAt.removeValue(forKey: closing.at)  // the first tag closed there takes it
            findings.append(context.finding(self, "<\(name)> is never closed: add </\(name)> where the section ends",
                                            range: closing.section.openRange, fixes: fix.map { [$0] } ?? []))
        }
        for stray in context.document.strayClosingTags {
            let fix = Fix(title: "Remove the stray </\(stray.name)>", edits: [TextEdit(range: stray.openRange, newText: "")])
            findings.append(context.finding(self, "</\(stray.name)> closes a section that was never opened: add <\(stray.name)> where it starts, or remove this tag",
                                            range: stray.openRange, fixes: [fix]))
        }
        // One finding per closing tag that comes too early, however many sections it cuts
        // across: `<a> <b> <c> </a>` is one mistake, so one finding, pointing at each of them.
        let crossings = context.document.crossedSections  // in the order of the outer closing tags
        let runs = crossings.isEmpty ? nil : ClosingRuns(context.document.sections, crossings, context.source)
        // Checking a fix reads the tags from its outermost section to the run again: a few
        // times the text at most, however many findings share a long section.
        var checkBudget = 4 * context.source.count + (1 << 20)
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
            let named = inners.prefix(Self.namedAtMost)
            let more = inners.count - named.count
            let message = "</\(outer.closeName ?? outer.name)> closes <\(outer.name)> while \(Self.list(named.map { "<\($0.name)>" }, more: more)), opened inside it, \(still): "
                + "close \(Self.list(inners.suffix(Self.namedAtMost).reversed().map { "</\($0.closeName ?? $0.name)>" }, more: more)) first"
            var fixes: [Fix] = []
            // A few tags to reorder at most: more is not a fix to accept at a glance, and
            // tags crossed by the thousand would give each finding thousands of edits.
            if let runs, let tags = runs.tags(holding: [outer] + inners), let fix = runs.nestingFix(tags, atMost: 8, budget: &checkBudget) {
                fixes = [fix]
            }
            findings.append(context.finding(self, message, range: close,
                                            related: named.map { RelatedRange(range: $0.openRange, message: "<\($0.name)> opens here") },
                                            fixes: fixes))
        }
        return findings
    }

    /// For each unclosed tag (by where it opens), where the innermost closed
    /// section or quoted prompt around it ends (the start of its closing tag,
    /// or the end of the quote) and what ends there; tags open at the top
    /// level have none. One pass in order of opening: the closed sections
    /// still open there form a stack (crossed ones aside, whose fix is a guess anyway).
    static func enclosingScopeEnds(_ context: LintContext) -> [Int: (at: Int, what: String)] {
        let sections = context.document.sections.sorted { $0.openRange.lowerBound < $1.openRange.lowerBound }
        let quotes = context.document.quotedPrompts
        var ends: [Int: (at: Int, what: String)] = [:]
        var stack: [Section] = []
        var quote = 0
        for section in sections {
            let open = section.openRange.lowerBound
            while let top = stack.last, top.closeRange!.lowerBound <= open { stack.removeLast() }
            guard section.closeRange == nil else { stack.append(section); continue }
            while quote < quotes.count && quotes[quote].upperBound <= open { quote += 1 }
            var best = stack.last.map { (at: $0.closeRange!.lowerBound, what: "</\($0.closeName ?? $0.name)>") }
            if quote < quotes.count && quotes[quote].lowerBound <= open && best.map({ quotes[quote].upperBound < $0.at }) ?? true {
                best = (quotes[quote].upperBound, "the end of the quoted prompt")
            }
            if let best { ends[open] = best }
        }
        return ends
    }

    /// Closing tags that follow one another with only white space between them
    /// (`</a>\n</b>`). Crossed tags in such a run are put in nesting order by
    /// moving the tags alone. With text between them, that would move the text
    /// into or out of a section, which only the author can decide: no fix.
    struct ClosingRuns {
        let source: SourceText
        /// The closed sections, in the order of their closing tags.
        let closed: [Section]
        /// For each closing tag, the index in `closed` of the first tag of its run.
        let runStart: [Int]
        /// Where a closing tag starts → its index in `closed`.
        let index: [Int: Int]
        /// For each closing tag in a crossing, the indices of the other closing tags of its crossings.
        let crossedWith: [Int: [Int]]

        init(_ sections: [Section], _ crossings: [SectionCrossing], _ source: SourceText) {
            self.source = source
            closed = sections.filter { $0.closeRange != nil }.sorted { $0.closeRange!.lowerBound < $1.closeRange!.lowerBound }
            var runStart: [Int] = []
            var index: [Int: Int] = [:]
            for (i, section) in closed.enumerated() {
                let close = section.closeRange!
                index[close.lowerBound] = i
                let gap = i > 0 ? closed[i - 1].closeRange!.upperBound..<close.lowerBound : 0..<0
                runStart.append(i > 0 && source.bytes[gap].allSatisfy(ByteClass.isWhitespace) ? runStart[i - 1] : i)
            }
            self.runStart = runStart
            self.index = index
            var crossedWith: [Int: [Int]] = [:]
            for crossing in crossings {
                guard let outer = crossing.outer.closeRange.flatMap({ index[$0.lowerBound] }),
                      let inner = crossing.inner.closeRange.flatMap({ index[$0.lowerBound] }) else { continue }
                crossedWith[outer, default: []].append(inner)
                crossedWith[inner, default: []].append(outer)
            }
            self.crossedWith = crossedWith
        }

        /// The closing tags from the first to the last of these sections', when one run holds them all.
        func tags(holding sections: [Section]) -> ClosedRange<Int>? {
            let places = sections.compactMap { $0.closeRange.flatMap { index[$0.lowerBound] } }
            guard places.count == sections.count, let low = places.min(), let high = places.max(),
                  runStart[low] == runStart[high] else { return nil }
            return low...high
        }

        /// `tags` and the tags of every crossing one of them is in, when one run holds them
        /// all and they are at most `limit`. Reordering part of a crossing would only move it.
        func withTheirCrossings(_ tags: ClosedRange<Int>, atMost limit: Int) -> ClosedRange<Int>? {
            var range = tags
            while range.count <= limit {
                var grown = range
                for place in range {
                    for other in crossedWith[place, default: []] {
                        guard runStart[other] == runStart[place] else { return nil }
                        grown = min(grown.lowerBound, other)...max(grown.upperBound, other)
                        // Each is another tag: a long list ends here, after a few.
                        if grown.count > limit { return nil }
                    }
                }
                if grown == range { return range }
                range = grown
            }
            return nil
        }

        /// The tags in nesting order, the section opened last closing first, with the
        /// tags of the crossings they are in (`<a> <b> <b> <a> </b> </a> </a> </b>`: one
        /// crossing's tags hold another's `</a>`, whose `</b>` is last), `limit` tags at
        /// most. All of them open before the run, so each still closes after the same
        /// sections outside these tags as before. A closing tag pairs with the nearest
        /// opening tag of its name, though, which may be another than the one meant
        /// (`<b>` in a sentence): the tags are read again with the fix applied, and a fix
        /// that leaves a crossing among them, or changes nothing, is none.
        func nestingFix(_ tags: ClosedRange<Int>, atMost limit: Int, budget: inout Int) -> Fix? {
            guard let tags = withTheirCrossings(tags, atMost: limit) else { return nil }
            let places = closed[tags]
            let order = places.sorted { $0.openRange.lowerBound > $1.openRange.lowerBound }
            let tagsAfter = zip(places, order).map { place, section in
                TextEdit(range: place.closeRange!, newText: source.text(section.closeRange!))
            }
            let edits = tagsAfter.filter { $0.newText != source.text($0.range) }
            guard !edits.isEmpty, let outermost = order.last,
                  untangles(tagsAfter, from: outermost.openRange.lowerBound, budget: &budget)
            else { return nil }
            return Fix(title: "Close the sections in nesting order: " + order.map { source.text($0.closeRange!) }.joined(separator: " "), edits: edits)
        }

        /// Whether, with the closing tags rewritten as `tags` says (in order), the tags from
        /// `start` to the last of them pair so that each of them closes a section and crosses
        /// none. The outermost section opens at `start`: the tags before it do not change
        /// how those after it pair, so they are left out.
        func untangles(_ tags: [TextEdit], from start: Int, budget: inout Int) -> Bool {
            let end = tags.last!.range.upperBound
            guard budget >= end - start else { return false }
            budget -= end - start
            var bytes: [UInt8] = []
            bytes.reserveCapacity(end - start + 16)
            var closes: Set<Int> = []
            var copied = start
            for tag in tags {
                bytes += source.bytes[copied..<tag.range.lowerBound]
                closes.insert(bytes.count)
                bytes += Array(tag.newText.utf8)
                copied = tag.range.upperBound
            }
            let (sections, crossings) = SegmenterState.sectionTags(SourceText(bytes: bytes))
            let closed = Set(sections.compactMap { $0.closeRange?.lowerBound })
            func closedByOne(_ section: Section) -> Bool { section.closeRange.map { closes.contains($0.lowerBound) } ?? false }
            return closes.isSubset(of: closed) && !crossings.contains { closedByOne($0.outer) || closedByOne($0.inner) }
        }
    }

    /// The sections a crossing's message names and points at: a closing tag that cut
    /// across 50,000 gave a message of a megabyte, which the language server sent too.
    static let namedAtMost = 5

    /// "<b>", "<b> and <c>", "<b>, <c> and <d>"; "<b>, <c> and 3 more" with `more` left out.
    static func list(_ items: [String], more: Int = 0) -> String {
        if more > 0 { return items.joined(separator: ", ") + " and \(more) more" }
        return items.count < 2 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1]
    }
}
