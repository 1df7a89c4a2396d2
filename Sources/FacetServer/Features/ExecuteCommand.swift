import FacetCore
import FacetIndex
import Foundation
import JSONRPC
import LSPTypes

/// `workspace/executeCommand`. `facet.showCoverage [uri]` shows how many units
/// state each facet (the code lens runs it).
enum ExecuteCommandFeature {
    static let showCoverage = "facet.showCoverage"
    static let similarMessages = "facet.similarMessages"
    static let commands = [showCoverage, similarMessages, PreviewFeature.command, EvaluateFeature.command]

    /// Imported system messages most like this one, as (text excerpt, source).
    static func similar(_ snapshot: DocumentSnapshot) -> [SimilarMessage] {
        guard let index = snapshot.preferences.index else { return [] }
        return (try? index.similarMessages(SuggestionQuery(snapshot.analysis, maxTerms: 16).terms, limit: 5)) ?? []
    }

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
        case ExecuteCommandFeature.similarMessages:
            guard let uri = params.arguments?.first?.stringValue, let snapshot = snapshot(uri) else {
                return fail(id, ResponseError(.invalidParams, "\(params.command) takes the URI of an open document"))
            }
            workers.async {
                let similar = ExecuteCommandFeature.similar(snapshot)
                let summary = similar.isEmpty ? "No similar system messages: import a collection with `facet index import`."
                    : "Similar system messages:\n" + similar.map { "- " + $0.text.prefix(160).replacingOccurrences(of: "\n", with: " ") + "… (\($0.source))" }.joined(separator: "\n")
                self.notify("window/showMessage", ShowMessageParams(type: 3, message: summary))
                self.reply(id, JSONValue.array(similar.map { .object(["text": .string($0.text), "source": .string($0.source), "score": .number($0.relevance)]) }))
            }
        case PreviewFeature.command:
            preview(id, params)
        case EvaluateFeature.command:
            evaluate(id, params)
        default:
            fail(id, ResponseError(.invalidParams, "unknown command \(params.command); known: \(ExecuteCommandFeature.commands.joined(separator: ", "))"))
        }
    }
}
