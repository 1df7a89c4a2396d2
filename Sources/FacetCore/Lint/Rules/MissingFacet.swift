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

    Fix: inserts a skeleton sentence for the missing facet, with a bracketed \
    part for you to fill in: a role at the top, anything else at the end.
    """

    static let skeletons: [Facet: String] = [
        .role: "You are a [describe the assistant's role and expertise].",
        .task: "Your task is to [describe what the assistant does for the user].",
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
        let first = context.document.units[prose[0]]
        var findings: [Finding] = []
        for facet in context.configuration.requiredFacets where present & (1 << facet.order) == 0 {
            findings.append(context.finding(self, "no unit states the \(facet.rawValue) (\(facet.summary)); add one",
                                            range: first.range, fixes: [skeletonFix(context, facet: facet, before: first.range.lowerBound)]))
        }
        return findings
    }

    func skeletonFix(_ context: LintContext, facet: Facet, before firstUnit: Int) -> Fix {
        let text = Self.skeletons[facet]!
        let source = context.source
        if facet == .role {
            let line = source.lines.line(containing: firstUnit)
            let start = max(source.lines.lineStarts[line], source.textStart)
            return Fix(title: "Add a \(facet.rawValue) sentence", edits: [TextEdit(range: start..<start, newText: text + "\n\n")])
        }
        let end = source.count
        let needsNewline = end > 0 && !ByteClass.isNewline(source.bytes[end - 1])
        return Fix(title: "Add a \(facet.rawValue) sentence", edits: [TextEdit(range: end..<end, newText: (needsNewline ? "\n\n" : "\n") + text + "\n")])
    }
}
