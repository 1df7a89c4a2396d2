import FacetCore
import FacetIndex
import LSPTypes

/// `textDocument/hover`: the facets of the unit under the cursor (confidence
/// and evidence) and, over a diagnostic, what the rule means.
enum HoverFeature {
    static func hover(_ params: HoverParams, _ snapshot: DocumentSnapshot) -> Hover? {
        let mapping = snapshot.mapping
        guard mapping.isValid(params.position) else { return nil }
        let offset = mapping.offset(params.position)
        let analysis = snapshot.analysis
        var parts: [String] = []
        var hoverRange: Range<Int>?

        for finding in analysis.findings where finding.range.contains(offset) || finding.range.isEmpty && finding.range.lowerBound == offset {
            var text = "**\(finding.rule)** (\(finding.severity.rawValue)): \(finding.message)"
            if let rule = RuleRegistry.rule(id: finding.rule) {
                text += "\n\n\(rule.summary).\n\n\(rule.explanation)"
            }
            parts.append(text)
            hoverRange = hoverRange ?? finding.range
        }

        if let index = analysis.document.units.firstIndex(where: { $0.range.contains(offset) }) {
            let unit = analysis.document.units[index]
            parts.insert(describe(unit, analysis.facets[index]), at: 0)
            hoverRange = unit.range
            if !unit.isExample, let closest = try? Suggester.closest(to: analysis.document.text(of: unit), index: snapshot.preferences.index), !closest.isEmpty {
                parts.append("Closest preferences in the collection:\n" + closest.map {
                    "- **\($0.preference.name)** (\($0.preference.dimension)/\($0.preference.subdimension)): \($0.preference.description)"
                }.joined(separator: "\n"))
            }
        }
        guard !parts.isEmpty, let hoverRange else { return nil }
        let text = parts.joined(separator: "\n\n---\n\n")
        let contents = snapshot.markdownHovers ? MarkupContent(kind: "markdown", value: text)
            : MarkupContent(kind: "plaintext", value: text.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "`", with: ""))
        return Hover(contents: contents, range: mapping.range(hoverRange))
    }

    static func describe(_ unit: Unit, _ facets: UnitFacets) -> String {
        let kind = unit.kind.rawValue.replacingOccurrences(of: "-", with: " ")
        if unit.isExample { return "Facet: this \(kind) is part of an example, so it is not classified." }
        guard !facets.assignments.isEmpty else { return "Facet: this \(kind) states no facet." }
        var lines = ["Facet: this \(kind) is " + facets.assignments.map { "**\($0.facet.rawValue)**" }.joined(separator: " and ")]
        for assignment in facets.assignments {
            let evidence = assignment.evidence.isEmpty ? "" : ", from " + assignment.evidence.prefix(4).map { "“\($0)”" }.joined(separator: ", ")
            lines.append("- \(assignment.facet.rawValue) (confidence \(String(format: "%.2f", assignment.confidence))\(evidence)): \(assignment.facet.summary)")
        }
        return lines.joined(separator: "\n")
    }
}
