/// A variable declared in the front matter that the text never uses.
struct UnusedVariable: LintRule {
    let id = "unused-variable"
    let defaultSeverity = Severity.warning
    let summary = "A variable declared under `variables:` that the message never uses"
    let explanation = """
    A declared variable the text never mentions is usually a typo on one side, or \
    a leftover from an earlier version of the message.

    ```
    ---
    variables: [user_name, company]
                           ^^^^^^^ unused-variable: never used
    ---
    Greet {{user_name}}.
    ```

    Any syntax counts as a use: `{{company}}`, `{company}`, `${company}`, \
    `<company>`, `$COMPANY` for upper-case names, and a name a template \
    statement reads (`{% for item in company.products %}`). No automatic fix: remove the declaration or use it.
    """

    func check(_ context: LintContext) -> [Finding] {
        guard let frontMatter = context.document.frontMatter, let declared = frontMatter.declaredVariables else { return [] }
        let used = Set(context.document.variables.flatMap { v in [v.name, String(v.name.split(separator: ".").first ?? "")] })
            .union(context.document.statementNames.read)
        var findings: [Finding] = []
        for name in declared where !used.contains(name) {
            let range = frontMatter.variableRanges[name] ?? frontMatter.range.lowerBound..<frontMatter.range.lowerBound
            findings.append(context.finding(self, "variable '\(name)' is declared but never used; use it as {{\(name)}} or remove it", range: range))
        }
        return findings
    }
}
