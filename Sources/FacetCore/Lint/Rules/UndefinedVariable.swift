import Foundation

/// A template variable used in the text but not declared in the front matter.
struct UndefinedVariable: LintRule {
    let id = "undefined-variable"
    let defaultSeverity = Severity.error
    let summary = "A template variable ({{name}}, {name}, ${name}, $NAME) not declared under `variables:` in the front matter"
    let explanation = """
    When the front matter declares `variables:`, every template variable the text \
    uses should be among them; otherwise the value is never filled in and the \
    model sees the raw placeholder.

    ```
    ---
    variables: [user_name]
    ---
    Greet {{username}} by name.
          ^^^^^^^^^^^^ undefined-variable: not declared
    ```

    Checked only when the front matter has `variables:`. Names a template \
    statement binds (`{% for item in items %}`, `{% set total = ... %}`) are \
    defined. A `{{name}}` in code (a fence or `inline code`) is checked too: a \
    template engine fills it in there as well. `<name>` placeholders are \
    not checked (they are often literal tags). Fix: when the name looks like a typo \
    of a declared one (one edit apart, or about a quarter of its length for long \
    names: `{{usr_name}}` for `user_name`, not `{{date}}` for `name`), replace the \
    variable with it.
    """

    /// Declared names a message lists at most.
    static let namedAtMost = 10

    func check(_ context: LintContext) -> [Finding] {
        guard let declared = context.document.frontMatter?.declaredVariables else { return [] }
        let names = Set(declared)
        let spellings = NearestName(declared)
        // Ten names at most: thousands of them in each finding made megabytes of output.
        let listed = declared.prefix(Self.namedAtMost).joined(separator: ", ")
            + (declared.count > Self.namedAtMost ? " and \(declared.count - Self.namedAtMost) more" : "")
        let known = declared.isEmpty ? "none are declared" : "declared: \(listed)"
        var findings: [Finding] = []
        for variable in context.document.variables where variable.syntax != .angle {
            let root = String(variable.name.split(separator: ".").first ?? Substring(variable.name))
            guard !names.contains(variable.name), !names.contains(root) else { continue }
            // Bound by the template itself: `{% for item in items %}{{ item.name }}`.
            if context.document.statementNames.bound.contains(root) { continue }
            var fixes: [Fix] = []
            if let close = spellings.nearest(to: root) {
                let text = context.source.text(variable.range)
                if let r = text.range(of: root) {
                    let replaced = text.replacingCharacters(in: r, with: close)
                    fixes.append(Fix(title: "Use the declared variable \(close)", edits: [TextEdit(range: variable.range, newText: replaced)]))
                }
            }
            findings.append(context.finding(self, "\(context.source.text(variable.range)) is not declared under variables: (\(known))",
                                            range: variable.range, fixes: fixes))
        }
        return findings
    }
}
