import FacetCore
import Foundation
import JSONRPC
import LSPTypes

/// Findings as LSP diagnostics: pushed (`textDocument/publishDiagnostics`,
/// debounced after edits, only for the current version) and pulled
/// (`textDocument/diagnostic`, with result ids).
extension LanguageServer {
    var shouldPushDiagnostics: Bool { settings.pushDiagnostics ?? !client.supportsPullDiagnostics }

    /// Publishes diagnostics for `uri` after `delay` ms, replacing any publication already waiting.
    func scheduleDiagnostics(_ uri: DocumentURI, delay: Int) {
        guard shouldPushDiagnostics else { return }
        pendingDiagnostics.removeValue(forKey: uri)?.cancel()
        if delay <= 0 { return publishDiagnostics(uri) }
        let item = DispatchWorkItem { [weak self] in
            self?.pendingDiagnostics.removeValue(forKey: uri)
            self?.publishDiagnostics(uri)
        }
        pendingDiagnostics[uri] = item
        queue.asyncAfter(deadline: .now() + .milliseconds(delay), execute: item)
    }

    func republishAll() {
        for uri in documents.keys.sorted() { scheduleDiagnostics(uri, delay: 0) }
    }

    private func publishDiagnostics(_ uri: DocumentURI) {
        guard let snapshot = snapshot(uri) else { return }
        workers.async {
            let diagnostics = DiagnosticsFeature.diagnostics(snapshot)
            self.queue.async {
                // A newer version will publish its own; never show findings for text the user no longer has.
                guard self.documents[uri]?.version == snapshot.version else { return }
                self.notify("textDocument/publishDiagnostics",
                            PublishDiagnosticsParams(uri: uri, version: snapshot.version, diagnostics: diagnostics))
            }
        }
    }

    func pullDiagnostics(_ id: RequestID, _ body: Data) {
        let generation = settingsGeneration
        documentRequest(id, body) { (params: DocumentDiagnosticParams, snapshot) -> DocumentDiagnosticReport in
            let resultId = "\(snapshot.version).\(generation)"
            if params.previousResultId == resultId { return .unchanged(resultId: resultId) }
            return .full(resultId: resultId, items: DiagnosticsFeature.diagnostics(snapshot))
        }
    }
}

enum DiagnosticsFeature {
    static func diagnostics(_ snapshot: DocumentSnapshot) -> [Diagnostic] {
        if snapshot.isTooLarge {
            let message = "This file is \(snapshot.source.count / 1024) KB, over the \(snapshot.maxAnalysedBytes / 1024) KB Facet analyses; it is not checked."
            let start = Position(line: 0, character: 0)
            return [Diagnostic(range: LSPRange(start: start, end: start), severity: 3, code: "too-large", codeDescription: nil,
                               source: "facet", message: message, relatedInformation: nil, data: nil)]
        }
        let mapping = snapshot.mapping
        return snapshot.analysis.findings.map { diagnostic($0, uri: snapshot.uri, mapping: mapping) }
    }

    static func diagnostic(_ finding: Finding, uri: DocumentURI, mapping: PositionMapping) -> Diagnostic {
        let related = finding.related.map {
            DiagnosticRelatedInformation(location: Location(uri: uri, range: mapping.range($0.range)), message: $0.message)
        }
        let fixes: [JSONValue] = finding.fixes.map { fix in
            .object(["title": .string(fix.title),
                     "edits": .array(fix.edits.map { edit in
                         .object(["range": (try? JSONValue.from(mapping.range(edit.range))) ?? .null, "newText": .string(edit.newText)])
                     })])
        }
        return Diagnostic(range: mapping.range(finding.range), severity: severity(finding.severity), code: finding.rule,
                          codeDescription: .init(href: RuleRegistry.documentationURL(for: finding.rule)),
                          source: "facet", message: finding.message,
                          relatedInformation: related.isEmpty ? nil : related,
                          data: fixes.isEmpty ? nil : .object(["fixes": .array(fixes)]))
    }

    static func severity(_ severity: Severity) -> Int {
        switch severity {
        case .error: return 1
        case .warning: return 2
        case .info: return 3
        case .hint: return 4
        }
    }
}
