/// Quantities an instruction leaves open ("a few examples", "etc.").
struct VagueQuantifier: LintRule {
    let id = "vague-quantifier"
    let defaultSeverity = Severity.info
    let summary = "A vague quantity (\"a few\", \"some\", \"etc.\") in an instruction"
    let explanation = """
    Models read "a few examples" or "some detail" differently from run to run, and \
    differently from you. Say the number or the limit you mean.

    ```
    Give a few examples of each step.
         ^^^^^ vague-quantifier: say how many
    ```

    Better: "Give two examples of each step." Only instructions are checked (units \
    with a task, format or style facet); a statement of fact such as "Some customers \
    pay yearly" is left alone. There is no automatic fix: only you know the number.
    """

    static let phrases: [(String, String)] = [
        ("a few", "say how many"), ("a couple of", "say how many"), ("some", "say how many or how much"),
        ("several", "say how many"), ("various", "name them, or say how many"), ("many", "say how many"),
        ("a number of", "say how many"), ("numerous", "say how many"), ("a lot of", "say how many or how much"),
        ("lots of", "say how many or how much"), ("a bit", "say how much"), ("a little", "say how much"),
        ("as needed", "say when it is needed"), ("as necessary", "say when it is necessary"),
        ("as appropriate", "say what is appropriate"), ("when appropriate", "say when"),
        ("etc", "list everything you mean"), ("and so on", "list everything you mean"), ("and so forth", "list everything you mean"),
        ("somewhat", "say how much"), ("fairly", "say how much"), ("reasonably", "say what is reasonable"),
    ]
    static let matcher = PhraseMatcher(phrases.map(\.0))

    func check(_ context: LintContext) -> [Finding] {
        var findings: [Finding] = []
        for unit in context.proseUnits where isInstruction(context.facets[unit]) {
            for match in Self.matcher.matches(context.tokens(unit)) {
                let (phrase, advice) = Self.phrases[match.phrase]
                findings.append(context.finding(self, "\"\(phrase)\" is vague: \(advice)", range: match.range, unit: unit))
            }
        }
        return findings
    }

    func isInstruction(_ facets: UnitFacets) -> Bool {
        facets.has(.task) || facets.has(.format) || facets.has(.style)
    }
}
