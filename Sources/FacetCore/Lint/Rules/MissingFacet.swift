/// The message never states a facet the configuration requires.
struct MissingFacet: LintRule {
    let id = "missing-facet"
    let defaultSeverity = Severity.warning
    let summary = "The message states no role, task, or other required facet"
    let explanation = """
    A system message usually says who the model is (role) and what it does \
    (task). Which facets are required is set by `required-facets` in \
    `.facet.toml` (default: role and task); messages shorter than `min-units` \
    units (default 3) are not checked, so one-liners stay quiet; nor is a \
    tool's description, a message whose first sentence describes a tool \
    without addressing the model ("A powerful search tool built on ripgrep."), \
    which is read beside the prompt that gives the role and task.

    Fix: inserts a skeleton sentence for the missing facet, with a part in \
    brackets (parentheses for the task) for you to fill in: a role at the top, a task on the line after the \
    first sentence, anything else on the line after the last one. Never between a \
    lead-in ("Table rules:") and what it introduces: after the list, or above the \
    lead-in. Not under a heading that names another facet ("# Tools"), where the \
    task would read as that facet: above the heading. In a message that quotes its prompt in a fence, into the quoted prompt.
    """

    static let skeletons: [Facet: String] = [
        .role: "You are a [describe the assistant's role and expertise].",
        // Parentheses, not brackets: bracketed blanks mark output templates, and the sentence was read as format.
        .task: "Your task is to (describe what the assistant does for the user).",
        .background: "Context: [who the users are, what the product is and what they need].",
        .format: "Reply in this format: [describe the output: length, structure, Markdown or JSON].",
        .style: "Use a [describe the tone, e.g. friendly and concise] tone.",
        .tool: "Use [tool name] to [describe when and why to call it].",
        .guardrail: "Politely decline requests to [describe what the assistant must never do] and suggest [what it can do instead].",
    ]

    func check(_ context: LintContext) -> [Finding] {
        let prose = context.proseUnits.filter { context.document.units[$0].kind != .heading }
        guard prose.count >= context.configuration.minimumUnitsForMissingFacet, !prose.isEmpty else { return [] }
        guard !Self.opensWithAToolDescription(context, prose[0]) else { return [] }
        // Facets present, as bits by `order` (a Set<Facet> hashes each facet's name).
        var present = 0
        for unitFacets in context.facets { present |= Int(unitFacets.mask) }
        let missing = context.configuration.requiredFacets.filter { present & (1 << $0.order) == 0 }
        guard !missing.isEmpty else { return [] }
        let first = context.document.units[prose[0]]
        // With a prompt quoted in a fence, the sentence goes into the prompt, not the commentary around it.
        let units = context.document.units
        let quote = context.document.quotedPrompts.first { quote in prose.contains { quote.contains(units[$0].range.lowerBound) } }
        let fixProse = quote.map { quote in prose.filter { quote.contains(units[$0].range.lowerBound) } } ?? prose
        // A tag left open on the last line is a unit of its own text; the sentence goes above it.
        let lastSentence = fixProse.last { !Self.isBareTag(context.source.bytes[units[$0].range]) } ?? fixProse[fixProse.count - 1]
        let last = units[lastSentence]
        var findings: [Finding] = []
        for facet in missing {
            let fix = skeletonFix(context, facet: facet, first: units[fixProse[0]].range, last: last.range,
                                  start: quote?.lowerBound ?? 0, end: quote?.upperBound ?? context.source.count)
            findings.append(context.finding(self, "no unit states the \(facet.rawValue) (\(facet.summary)); add one",
                                            range: first.range, fixes: [fix]))
        }
        return findings
    }

    /// Whether the first sentence describes a tool without addressing the model ("A powerful
    /// search tool built on ripgrep", "Replaces, inserts, or deletes a cell"): the message is
    /// a tool's description, read beside the prompt that gives the role and task.
    /// "You have access to the following functions:" opens a whole prompt, and so does
    /// "Build a file encryption tool ...", which asks for one to be made.
    static func opensWithAToolDescription(_ context: LintContext, _ first: Int) -> Bool {
        guard context.facets[first].mask == 1 << Facet.tool.order else { return false }
        let tokens = context.tokens(first)
        if let opening = tokens.first, makingVerbs.contains(opening.hash) { return false }
        return !tokens.contains { secondPerson.contains($0.hash) }
    }
    static let secondPerson = WordSet(["you", "your", "you're", "youre", "yourself"].map(Tokenizer.hash))
    static let makingVerbs = WordSet(["build", "create", "make", "develop", "design", "write", "implement", "code"].map(Tokenizer.hash))

    /// "<critique>": a tag on its own, which stays text only while it is the file's last line.
    static func isBareTag(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.first == UInt8(ascii: "<") && bytes.last == UInt8(ascii: ">") && !bytes.contains(UInt8(ascii: " "))
    }

    /// The role goes above the first unit; the task on the line after it (where
    /// "You are ... Your task is ..." reads as one opening, and the sentence is
    /// not read by a later section's heading); anything else after the last
    /// unit's line: not after the file's last line, where it could follow a
    /// closing tag or turn a tag left open at the end into an unclosed section.
    /// Not between a lead-in ("Markdown table rules:") and what it introduces: after
    /// the list, or above the lead-in. The task not in a section whose heading names
    /// another facet ("# Tools"): above that heading. `start`, `end`: where the text the sentence goes
    /// into starts and ends (a quoted prompt's).
    func skeletonFix(_ context: LintContext, facet: Facet, first: Range<Int>, last: Range<Int>, start textStart: Int, end textEnd: Int) -> Fix {
        let text = Self.skeletons[facet]!
        let source = context.source
        let title = "Add a \(facet.rawValue) sentence"
        if facet == .role {
            let line = source.lines.line(containing: first.lowerBound)
            let start = max(source.lines.lineStarts[line], source.textStart)
            return Fix(title: title, edits: [TextEdit(range: start..<start, newText: text + "\n\n")])
        }
        let edit = skeletonEdit(context, facet: facet, text: text, first: first, last: last, end: textEnd)
        guard facet == .task else { return Fix(title: title, edits: [edit]) }
        // Under "# Tools" the learned layer read "Your task is to ..." as a tool's
        // description, and the finding stayed: the task goes above the headings of the
        // first unit that name another facet.
        let units = context.document.units
        var at = edit.range.lowerBound, moved = false
        while case let before = units.firstUnit(startingAtOrAfter: at) - 1, before >= 0,
              let heading = units[before].kind == .heading ? before : units[before].parentHeading,
              units[heading].range.lowerBound >= textStart,
              case let named = HeadingLexicon.facets(forHeading: source.text(units[heading].range)),
              !named.isEmpty, !named.contains(where: { $0.facet == facet }) {
            at = max(source.lines.lineStarts[source.lines.line(containing: units[heading].range.lowerBound)], source.textStart)
            moved = true
        }
        guard moved else { return Fix(title: title, edits: [edit]) }
        return Fix(title: title, edits: [TextEdit(range: at..<at, newText: text + "\n\n")])
    }

    /// Where the sentence goes before any section's heading is taken into account.
    func skeletonEdit(_ context: LintContext, facet: Facet, text: String, first: Range<Int>, last: Range<Int>, end textEnd: Int) -> TextEdit {
        let source = context.source
        var line = source.lines.line(containing: max(facet == .task ? first.upperBound - 1 : last.upperBound - 1, 0))
        // Not inside a sentence that a hard wrap carries onto the next line.
        func pastWrappedSentences() {
            while line + 1 < source.lines.lineCount, let across = context.document.units.first(where: {
                $0.range.lowerBound < source.lines.lineStarts[line + 1] && source.lines.lineStarts[line + 1] < $0.range.upperBound
            }) {
                line = source.lines.line(containing: across.range.upperBound - 1)
            }
        }
        pastWrappedSentences()
        if Self.endsWithColon(source, line: line) {
            let units = context.document.units
            let leadIn = units.unit(containing: max(source.lines.lineContentEnd(line) - 1, source.lines.lineStarts[line]))
            if let leadIn, let item = units.lastIndex(where: { $0.leadIn == leadIn }), units[item].range.upperBound <= textEnd {
                // After the list it introduces (the segmenter links each item to its lead-in).
                line = source.lines.line(containing: units[item].range.upperBound - 1)
                pastWrappedSentences()
            } else {
                // Anything else (a code block, a quote, a paragraph): above the line the lead-in starts on.
                let start = source.lines.lineStarts[source.lines.line(containing: leadIn.map { units[$0].range.lowerBound } ?? source.lines.lineStarts[line])]
                let at = max(start, source.textStart)
                return TextEdit(range: at..<at, newText: text + "\n")
            }
        }
        if line + 1 < source.lines.lineCount && source.lines.lineStarts[line + 1] <= textEnd {
            let start = source.lines.lineStarts[line + 1]
            return TextEdit(range: start..<start, newText: text + "\n")
        }
        if textEnd < source.count {
            // At the end of the quoted prompt, which ends where its closing fence's line starts.
            return TextEdit(range: textEnd..<textEnd, newText: text + "\n")
        }
        let end = source.count
        let needsNewline = end > 0 && !ByteClass.isNewline(source.bytes[end - 1])
        return TextEdit(range: end..<end, newText: (needsNewline ? "\n" : "") + text + "\n")
    }

    /// Whether the line's text ends in ":", introducing what follows ("Markdown table rules:").
    static func endsWithColon(_ source: SourceText, line: Int) -> Bool {
        var end = source.lines.lineContentEnd(line)
        let start = source.lines.lineStarts[line]
        while end > start && ByteClass.isSpace(source.bytes[end - 1]) { end -= 1 }
        return end > start && source.bytes[end - 1] == UInt8(ascii: ":")
    }
}
