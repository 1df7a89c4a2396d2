/// The message never states a facet the configuration requires.
struct MissingFacet: LintRule {
    let id = "missing-facet"
    let defaultSeverity = Severity.warning
    let summary = "The message states no role, task, or other required facet"
    let explanation = """
    A system message usually says who the model is (role) and what it does \
    (task). Which facets are required is set by `required-facets` in \
    `.facet.toml` (default: role and task); messages shorter than `min-units` \
    units (default 3) are not checked, so one-liners stay quiet.

    Fix: inserts a skeleton sentence for the missing facet, with a part in \
    brackets (parentheses for the task) for you to fill in: a role at the top, a task on the line after the \
    first sentence, anything else on the line after the last one.
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
        // Facets present, as bits by `order` (a Set<Facet> hashes each facet's name).
        var present = 0
        for unitFacets in context.facets {
            for assignment in unitFacets.assignments { present |= 1 << assignment.facet.order }
        }
        let missing = context.configuration.requiredFacets.filter { present & (1 << $0.order) == 0 }
        guard !missing.isEmpty else { return [] }
        let first = context.document.units[prose[0]]
        // A tag left open on the last line is a unit of its own text; the sentence goes above it.
        let lastSentence = prose.last { !Self.isBareTag(context.source.bytes[context.document.units[$0].range]) } ?? prose[prose.count - 1]
        let last = context.document.units[lastSentence]
        var findings: [Finding] = []
        for facet in missing {
            findings.append(context.finding(self, "no unit states the \(facet.rawValue) (\(facet.summary)); add one",
                                            range: first.range, fixes: [skeletonFix(context, facet: facet, first: first.range, last: last.range)]))
        }
        return findings
    }

    /// "<critique>": a tag on its own, which stays text only while it is the file's last line.
    static func isBareTag(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.first == UInt8(ascii: "<") && bytes.last == UInt8(ascii: ">") && !bytes.contains(UInt8(ascii: " "))
    }

    /// The role goes above the first unit; the task on the line after it (where
    /// "You are ... Your task is ..." reads as one opening, and the sentence is
    /// not read by a later section's heading); anything else after the last
    /// unit's line: not after the file's last line, where it could follow a
    /// closing tag or turn a tag left open at the end into an unclosed section.
    func skeletonFix(_ context: LintContext, facet: Facet, first: Range<Int>, last: Range<Int>) -> Fix {
        let text = Self.skeletons[facet]!
        let source = context.source
        let title = "Add a \(facet.rawValue) sentence"
        if facet == .role {
            let line = source.lines.line(containing: first.lowerBound)
            let start = max(source.lines.lineStarts[line], source.textStart)
            return Fix(title: title, edits: [TextEdit(range: start..<start, newText: text + "\n\n")])
        }
        var line = source.lines.line(containing: max(facet == .task ? first.upperBound - 1 : last.upperBound - 1, 0))
        // Not inside a sentence that a hard wrap carries onto the next line.
        while line + 1 < source.lines.lineCount, let across = context.document.units.first(where: {
            $0.range.lowerBound < source.lines.lineStarts[line + 1] && source.lines.lineStarts[line + 1] < $0.range.upperBound
        }) {
            line = source.lines.line(containing: across.range.upperBound - 1)
        }
        if line + 1 < source.lines.lineCount {
            let start = source.lines.lineStarts[line + 1]
            return Fix(title: title, edits: [TextEdit(range: start..<start, newText: text + "\n")])
        }
        let end = source.count
        let needsNewline = end > 0 && !ByteClass.isNewline(source.bytes[end - 1])
        return Fix(title: title, edits: [TextEdit(range: end..<end, newText: (needsNewline ? "\n" : "") + text + "\n")])
    }
}
