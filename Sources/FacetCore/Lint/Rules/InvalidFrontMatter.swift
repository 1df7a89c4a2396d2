/// Front matter that is not valid YAML.
struct InvalidFrontMatter: LintRule {
    let id = "invalid-front-matter"
    let defaultSeverity = Severity.error
    let summary = "The leading `---` block is not valid YAML"
    let explanation = """
    The front matter (a `---` block at the very top) holds settings such as \
    `variables:` and preview `cases:`. When it is not valid YAML none of it is \
    read, so variables go unchecked. The message names the YAML problem and \
    points at where the parser stopped.
    """

    func check(_ context: LintContext) -> [Finding] {
        guard let error = context.document.frontMatter?.error else { return [] }
        let offset = min(error.offset, context.source.count)
        let line = context.source.lines.line(containing: offset)
        let end = max(offset, context.source.lines.lineContentEnd(line))
        return [context.finding(self, error.message, range: offset..<end)]
    }
}
