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
    `<company>`, `$COMPANY`, `$company` (a lower-case `$name` counts only as the use \
    of a declared name; undeclared, it is not taken for a variable), and a name a template \
    statement reads (`{% for item in company.products %}`). No automatic fix: remove the declaration or use it.
    """

    func check(_ context: LintContext) -> [Finding] {
        guard let frontMatter = context.document.frontMatter, let declared = frontMatter.declaredVariables else { return [] }
        let used = Set(context.document.variables.flatMap { v in [v.name, String(v.name.split(separator: ".").first ?? "")] })
            .union(context.document.statementNames.read)
        var findings: [Finding] = []
        for name in declared where !used.contains(name) && !Self.mentionsWithDollar(name, in: context.source, after: frontMatter.range.upperBound) {
            let range = frontMatter.variableRanges[name] ?? frontMatter.range.lowerBound..<frontMatter.range.lowerBound
            findings.append(context.finding(self, "variable '\(name)' is declared but never used; use it as {{\(name)}} or remove it", range: range))
        }
        return findings
    }

    /// Whether the text after the front matter says `$name` as a word of its own.
    /// The segmenter takes only `$NAME` in capitals for a variable ("$x" in prose is
    /// more often code or money), but a declared name written that way is its use.
    static func mentionsWithDollar(_ name: String, in source: SourceText, after start: Int) -> Bool {
        let needle = Array(("$" + name).utf8)
        let bytes = source.bytes
        guard !name.isEmpty, bytes.count - start >= needle.count else { return false }
        var i = start
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0], bytes[i..<i + needle.count].elementsEqual(needle),
               i == 0 || !ByteClass.isAlnum(bytes[i - 1]),
               i + needle.count == bytes.count || !ByteClass.isIdent(bytes[i + needle.count]) {
                return true
            }
            i += 1
        }
        return false
    }
}
