import FacetCore
import Foundation
import JSONRPC
import LSPTypes

/// Findings as LSP diagnostics: pushed (`textDocument/publishDiagnostics`,
/// debounced after edits, only for the current text) and pulled
/// (`textDocument/diagnostic`, with result ids).
extension LanguageServer {
    var shouldPushDiagnostics: Bool { settings.pushDiagnostics ?? !client.supportsPullDiagnostics }
    var diagnosticsLimit: Int { settings.maxDiagnostics ?? DiagnosticsFeature.defaultLimit }

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

    /// After a settings change: push again, or ask a pulling client to pull again.
    func republishAll() {
        for uri in documents.keys.sorted() { scheduleDiagnostics(uri, delay: 0) }
        if !shouldPushDiagnostics && client.canRefreshDiagnostics {
            requestFromClient("workspace/diagnostic/refresh", JSONValue?.none) { [log] result in
                if case .failure(let error) = result { log.warning("workspace/diagnostic/refresh failed: \(error.message)") }
            }
        }
    }

    private func publishDiagnostics(_ uri: DocumentURI) {
        guard let snapshot = snapshot(uri) else { return }
        let limit = diagnosticsLimit
        workers.async {
            // Typing faster than the analysis: skip texts already superseded.
            guard snapshot.analyses.latestRevision == snapshot.revision else { return }
            let started = DispatchTime.now()
            let diagnostics = DiagnosticsFeature.diagnostics(snapshot, limit: limit)
            let params = PublishDiagnosticsParams(uri: uri, version: snapshot.version, diagnostics: diagnostics)
            // Encoded here, off the server queue, so big reports do not hold up incoming messages.
            guard let message = try? OutgoingMessage.notification(method: "textDocument/publishDiagnostics", params: params) else { return }
            self.queue.async {
                // A newer text will publish its own; never show findings for text the user no longer has.
                guard snapshot.isCurrent(self.documents[uri]) else { return }
                self.output.send(message)
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6
                self.log.debug("published \(diagnostics.count) diagnostics for \(uri) v\(snapshot.version) in \(String(format: "%.2f", elapsed)) ms")
            }
        }
    }

    func pullDiagnostics(_ id: RequestID, _ body: Data) {
        let generation = "\(settingsGeneration).\(evalGeneration)"
        let limit = diagnosticsLimit
        documentRequest(id, body) { (params: DocumentDiagnosticParams, snapshot) -> DocumentDiagnosticReport in
            let resultId = "\(snapshot.revision).\(generation)"
            if params.previousResultId == resultId { return .unchanged(resultId: resultId) }
            return .full(resultId: resultId, items: DiagnosticsFeature.diagnostics(snapshot, limit: limit))
        }
    }
}

enum DiagnosticsFeature {
    /// Enough for any message a person writes; a generated file with 100,000
    /// findings would otherwise take seconds and gigabytes to send and show.
    static let defaultLimit = 1000

    /// The document's diagnostics; over `limit`, the most severe first (then
    /// the earliest), after one that says how many are left out.
    static func diagnostics(_ snapshot: DocumentSnapshot, limit: Int = defaultLimit) -> [Diagnostic] {
        if snapshot.isTooLarge {
            return [notice("too-large", "This file is \(snapshot.source.count / 1024) KB, over the \(snapshot.maxAnalysedBytes / 1024) KB Facet analyses; it is not checked.")]
        }
        let mapping = snapshot.mapping
        let (findings, evalFindings, total) = shown(snapshot, limit: limit)
        let omitted = total > limit ? notice("too-many-findings", "Facet shows \(limit) of the \(total) findings in this file, the most severe first; run `facet check` for all of them, or raise the maxDiagnostics setting.") : nil
        var cursor = PositionMapping.Cursor(mapping)  // findings come in order: one pass over a long line
        let diagnostics = findings.map { diagnostic($0, uri: snapshot.uri, source: snapshot.source, cursor: &cursor) }
            + evalFindings.map { finding in
                Diagnostic(range: mapping.range(finding.range), severity: 2, code: "not-followed", codeDescription: nil,
                           source: "facet eval", message: finding.message, relatedInformation: nil, data: nil)
            }
        return (omitted.map { [$0] } ?? []) + diagnostics
    }

    /// The lint findings (in text order) and evaluation findings shown, and how many
    /// there are in all. Code actions are offered for these findings only.
    static func shown(_ snapshot: DocumentSnapshot, limit: Int) -> (findings: [Finding], evalFindings: [(range: Range<Int>, message: String)], total: Int) {
        let evalFindings = snapshot.evalFindings.compactMap { finding in
            finding.located(in: snapshot.source).map { (range: $0, message: finding.message) }
        }
        var findings = snapshot.analysis.findings
        let total = findings.count + evalFindings.count
        guard total > limit else { return (findings, evalFindings, total) }
        // Eval findings are warnings: after the lint errors, before the other warnings.
        let errors = findings.filter { $0.severity == .error }.count
        let kept = limit - min(evalFindings.count, max(0, limit - errors))
        findings = Array(findings.enumerated()
            .sorted { (severity($0.element.severity), $0.offset) < (severity($1.element.severity), $1.offset) }
            .prefix(kept)
            .sorted { $0.offset < $1.offset }
            .map(\.element))
        return (findings, Array(evalFindings.prefix(limit - findings.count)), total)
    }

    /// An information diagnostic about the whole file, at its start.
    static func notice(_ code: String, _ message: String) -> Diagnostic {
        let start = Position(line: 0, character: 0)
        return Diagnostic(range: LSPRange(start: start, end: start), severity: 3, code: code, codeDescription: nil,
                          source: "facet", message: message, relatedInformation: nil, data: nil)
    }

    /// The fixes in `data` insert text with `source`'s line breaks, as the same fixes as code actions do.
    static func diagnostic(_ finding: Finding, uri: DocumentURI, source: SourceText, cursor: inout PositionMapping.Cursor) -> Diagnostic {
        let range = cursor.range(finding.range)
        let related = finding.related.map {
            DiagnosticRelatedInformation(location: Location(uri: uri, range: cursor.range($0.range)), message: $0.message)
        }
        func json(_ position: Position) -> JSONValue {
            .object(["line": .number(Double(position.line)), "character": .number(Double(position.character))])
        }
        let fixes: [JSONValue] = finding.fixes.map { fix in
            .object(["title": .string(fix.title),
                     "edits": .array(fix.edits.map { edit in
                         let range = cursor.range(edit.range)
                         return .object(["range": .object(["start": json(range.start), "end": json(range.end)]), "newText": .string(source.withLineBreaks(edit.newText))])
                     })])
        }
        return Diagnostic(range: range, severity: severity(finding.severity), code: finding.rule,
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
