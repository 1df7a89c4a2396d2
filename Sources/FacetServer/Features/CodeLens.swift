import FacetCore
import LSPTypes

/// `textDocument/codeLens`: facet coverage at the top of the message,
/// "role ✓ task ✓ background ✗ ...". Running it shows the same summary with unit counts.
enum CodeLensFeature {
    static func lenses(_ params: CodeLensParams, _ snapshot: DocumentSnapshot) -> [CodeLens] {
        let profile = snapshot.analysis.profile
        let title = Facet.allCases.map { "\($0.rawValue) \(profile.covers($0) ? "✓" : "✗")" }.joined(separator: " ")
        let top = LSPRange(start: Position(line: 0, character: 0), end: Position(line: 0, character: 0))
        return [CodeLens(range: top, command: Command(title: title, command: ExecuteCommandFeature.showCoverage,
                                                      arguments: [.string(snapshot.uri)]))]
    }
}
