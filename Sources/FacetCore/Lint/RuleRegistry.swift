/// Every lint rule, in alphabetical order of id. Configuration, `facet rules`
/// and docs/rules.md all read this list.
public enum RuleRegistry {
    public static let all: [LintRule] = [
        ConflictingInstructions(),
        DuplicateInstruction(),
        InvalidEncoding(),
        InvalidFrontMatter(),
        MissingFacet(),
        NegativeOnly(),
        Overlong(),
        UnbalancedSection(),
        UndefinedVariable(),
        UnknownRule(),
        UnusedVariable(),
        VagueQuantifier(),
        WeakInstruction(),
    ]

    public static func rule(id: String) -> LintRule? { all.first { $0.id == id } }

    /// Where a rule's documentation lives (docs/rules.md, one heading per rule).
    public static func documentationURL(for id: String) -> String {
        "https://github.com/facet-lsp/facet/blob/main/docs/rules.md#\(id)"
    }
}
