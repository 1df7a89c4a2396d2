import FacetCore
import Foundation
import JSONRPC
import LSPTypes

/// `workspace/executeCommand`. `facet.showCoverage [uri]` shows how many units
/// state each facet (the code lens runs it).
enum ExecuteCommandFeature {
    static let showCoverage = "facet.showCoverage"
    static let commands = [showCoverage]

    static func coverageSummary(_ snapshot: DocumentSnapshot) -> String {
        let profile = snapshot.analysis.profile
        let parts = Facet.allCases.map { "\($0.rawValue): \(profile.facetUnits[$0]?.count ?? 0)" }
        return "Facet coverage (units per facet): " + parts.joined(separator: ", ")
    }
}

extension LanguageServer {
    func executeCommand(_ id: RequestID, _ body: Data) {
        let params: ExecuteCommandParams
        do { params = try IncomingMessage.decodeParams(ExecuteCommandParams.self, from: body) } catch { return fail(id, error) }
        switch params.command {
        case ExecuteCommandFeature.showCoverage:
            guard let uri = params.arguments?.first?.stringValue, let snapshot = snapshot(uri) else {
                return fail(id, ResponseError(.invalidParams, "\(params.command) takes the URI of an open document"))
            }
            workers.async {
                let summary = ExecuteCommandFeature.coverageSummary(snapshot)
                self.notify("window/showMessage", ShowMessageParams(type: 3, message: summary))
                self.reply(id, JSONValue.string(summary))
            }
        default:
            fail(id, ResponseError(.invalidParams, "unknown command \(params.command); known: \(ExecuteCommandFeature.commands.joined(separator: ", "))"))
        }
    }
}
