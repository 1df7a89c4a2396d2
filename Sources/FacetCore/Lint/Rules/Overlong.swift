/// The message is longer than the token budget.
struct Overlong: LintRule {
    let id = "overlong"
    let defaultSeverity = Severity.warning
    let summary = "The estimated token count is over the budget (`token-budget`, default 4000)"
    let explanation = """
    Every token of a system message is paid for on every request and competes \
    with the conversation for the model's attention. The estimate needs no \
    model: one token per 4 ASCII bytes, one per CJK (or other three- or \
    four-byte) character, one per 2 two-byte characters (accented Latin, \
    Cyrillic, Greek, Arabic, Hebrew). Real tokenizers differ by about 10-20%.

    Set the budget with `token-budget = 8000` in `.facet.toml`.
    """

    func check(_ context: LintContext) -> [Finding] {
        let tokens = context.estimatedTokens
        let budget = context.configuration.tokenBudget
        guard tokens > budget else { return [] }
        let firstLineEnd = context.source.lines.lineContentEnd(0)
        return [context.finding(self, "about \(tokens) tokens, over the budget of \(budget): move reference material out, or raise token-budget in .facet.toml",
                                range: 0..<max(0, firstLineEnd))]
    }
}
