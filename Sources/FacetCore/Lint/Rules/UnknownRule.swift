/// A suppression comment naming a rule that does not exist.
struct UnknownRule: LintRule {
    let id = "unknown-rule"
    let defaultSeverity = Severity.warning
    let summary = "A `facet-disable` comment names a rule id that does not exist"
    let explanation = """
    `<!-- facet-disable vague-quantifiers -->` silences nothing when the id is \
    misspelt. The message lists the closest real id; `facet rules` lists them all.
    """

    func check(_ context: LintContext) -> [Finding] {
        guard !context.document.comments.isEmpty else { return [] }
        var findings: [Finding] = []
        let ids = RuleRegistry.all.map(\.id)
        for (id, comment) in Suppressions.directives(in: context.document) where RuleRegistry.rule(id: id) == nil {
            let closest = ids.min { Levenshtein.distance($0, id) < Levenshtein.distance($1, id) } ?? ""
            findings.append(context.finding(self, "unknown rule '\(id)' in a suppression comment; did you mean '\(closest)'? (`facet rules` lists them)",
                                            range: comment.range))
        }
        return findings
    }
}
