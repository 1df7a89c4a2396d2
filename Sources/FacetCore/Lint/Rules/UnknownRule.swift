/// A suppression comment that silences nothing: its directive is not one Facet
/// knows, or it names a rule that does not exist.
struct UnknownRule: LintRule {
    let id = "unknown-rule"
    let defaultSeverity = Severity.warning
    let summary = "A `facet-disable` comment names a rule id that does not exist, or is not a directive Facet knows"
    let explanation = """
    `<!-- facet-disable vague-quantifiers -->` silences nothing when the id is \
    misspelt. The message names the real id when the misspelling is close to one; \
    `facet rules` lists them all. `*` and `all` are not ids either: \
    `<!-- facet-disable -->`, with no ids, silences every rule on the next unit.

    The directives are `facet-disable` (the next unit) and `facet-disable-file` \
    (the whole file), optionally followed by a colon; another word, such as \
    `facet-disable-line`, is reported and silences nothing.
    """

    /// Ids written to mean every rule, which is what leaving the ids out does.
    static let everyRuleSpellings: Set<String> = ["*", "all"]

    func check(_ context: LintContext) -> [Finding] {
        guard !context.document.comments.isEmpty else { return [] }
        var findings: [Finding] = []
        let ids = NearestName(RuleRegistry.all.map(\.id))
        for comment in context.document.comments {
            guard let (directive, names) = Suppressions.directive(in: comment) else { continue }
            guard Suppressions.understands(directive) else {
                findings.append(context.finding(self, "'\(directive)' is not a suppression directive, so this comment silences nothing: "
                                                + "use `facet-disable rule-id` (the next unit) or `facet-disable-file rule-id` (the whole file)",
                                                range: comment.range))
                continue
            }
            for name in names where RuleRegistry.rule(id: name) == nil {
                let message: String
                if Self.everyRuleSpellings.contains(name) {
                    message = "'\(name)' is not a rule id, so it silences nothing; `\(directive)` with no ids silences every rule"
                } else if let closest = ids.nearest(to: name) {
                    message = "unknown rule '\(name)' in a suppression comment; did you mean '\(closest)'? (`facet rules` lists them)"
                } else {
                    message = "unknown rule '\(name)' in a suppression comment (`facet rules` lists the rules)"
                }
                findings.append(context.finding(self, message, range: comment.range))
            }
        }
        return findings
    }
}
