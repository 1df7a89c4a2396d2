import FacetCore
import LSPTypes

/// `textDocument/codeLens`: facet coverage at the top of the message,
/// "role ✓ task ✓ background ✗ ..." (running it shows the same summary with
/// unit counts); "▶ Preview" and "★ Evaluate" beside it, and "▶ Preview case N"
/// on each item of the front matter's `cases:`.
enum CodeLensFeature {
    static func lenses(_ params: CodeLensParams, _ snapshot: DocumentSnapshot) -> [CodeLens] {
        let profile = snapshot.analysis.profile
        let title = Facet.allCases.map { "\($0.rawValue) \(profile.covers($0) ? "✓" : "✗")" }.joined(separator: " ")
        let top = LSPRange(start: Position(line: 0, character: 0), end: Position(line: 0, character: 0))
        var lenses = [
            CodeLens(range: top, command: Command(title: "▶ Preview", command: PreviewFeature.command, arguments: [.string(snapshot.uri)])),
            CodeLens(range: top, command: Command(title: evaluateTitle(snapshot.configuration.preview), command: EvaluateFeature.command,
                                                  arguments: [.string(snapshot.uri)])),
            CodeLens(range: top, command: Command(title: title, command: ExecuteCommandFeature.showCoverage, arguments: [.string(snapshot.uri)])),
        ]
        let mapping = snapshot.mapping
        for (index, offset) in (snapshot.analysis.document.frontMatter?.caseOffsets ?? []).enumerated() {
            let at = mapping.position(offset)
            lenses.append(CodeLens(range: LSPRange(start: at, end: at),
                                   command: Command(title: "▶ Preview case \(index + 1)", command: PreviewFeature.command,
                                                    arguments: [.string(snapshot.uri), .object(["case": .number(Double(index + 1))])])))
        }
        return lenses
    }

    /// "★ Evaluate", naming the endpoints when a comparison is configured.
    static func evaluateTitle(_ settings: PreviewSettings) -> String {
        settings.compare.count >= 2 ? "★ Evaluate: " + settings.compare.joined(separator: " vs ") : "★ Evaluate"
    }
}
