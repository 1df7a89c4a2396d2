import FacetCore
import LSPTypes

/// `textDocument/inlayHint`: a short facet label before each unit, e.g.
/// `task:`. Off by default (it is noisy in long messages); turned on by the
/// `inlayHints` setting or `inlay-hints = true` in `.facet.toml`.
enum InlayHintFeature {
    static func hints(_ params: InlayHintParams, _ snapshot: DocumentSnapshot) -> [InlayHint] {
        guard snapshot.configuration.inlayHints else { return [] }
        let analysis = snapshot.analysis
        let mapping = snapshot.mapping
        let window = mapping.offsets(params.range)
        var hints: [InlayHint] = []
        var cursor = PositionMapping.Cursor(mapping)
        for (index, unit) in analysis.document.units.enumerated() where window.contains(unit.range.lowerBound) || unit.range.lowerBound == window.upperBound {
            let assignments = analysis.facets[index].assignments
            guard !assignments.isEmpty else { continue }
            let label = assignments.map(\.facet.rawValue).joined(separator: "+") + ":"
            let tooltip = assignments.map { "\($0.facet.rawValue) \(String(format: "%.2f", $0.confidence))" }.joined(separator: ", ")
            hints.append(InlayHint(position: cursor.position(unit.range.lowerBound), label: label, tooltip: tooltip, paddingRight: true))
        }
        return hints
    }
}
