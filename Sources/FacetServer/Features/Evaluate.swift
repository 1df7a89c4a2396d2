import FacetCore
import FacetPreview
import Foundation
import JSONRPC
import LSPTypes

/// `facet.evaluate`: sends the document's cases to one endpoint, or to the
/// `compare` endpoints side by side, has the judge score every answer on
/// every rubric, and writes the report to `.facet/previews/NAME.eval.md`
/// (opened with `window/showDocument`), rewritten as results arrive. When it
/// ends, rubrics the models did not follow become diagnostics on the
/// sentences they came from. Cancelled like a preview.
///
/// Arguments: the URI, then optionally `{ "compare": [names], "judge": name, "endpoint": name, "case": N, "force": true }`;
/// without `compare` or `endpoint`, the configured `compare` endpoints (else the default endpoint).
/// The answer: `{ "file", "cancelled", "requests", "endpoints": [{ "endpoint", "mean" }], "notFollowed": [message] }`.
enum EvaluateFeature {
    static let command = "facet.evaluate"

    struct Arguments {
        var uri: DocumentURI
        var compare: [String]?
        var judge: String?
        var endpoint: String?
        var only: Int?
        var force = false

        /// Nil without a URI; throws when an option has the wrong type.
        init?(_ arguments: [JSONValue]?) throws(ResponseError) {
            guard let uri = arguments?.first?.stringValue else { return nil }
            self.uri = uri
            var options = CommandOptions(EvaluateFeature.command, arguments)
            compare = options.strings("compare")
            judge = options.string("judge")
            endpoint = options.string("endpoint")
            only = options.wholeNumber("case")
            force = options.bool("force") ?? false
            try options.check()
        }
    }

    /// The evaluation file beside the preview file: `NAME.eval.md`.
    static func evalFile(for path: String?, uri: DocumentURI, workspaceFolders: [String]) -> String {
        let preview = PreviewFeature.previewFile(for: path, uri: uri, workspaceFolders: workspaceFolders)
        return String(preview.dropLast(".preview.md".count)) + ".eval.md"
    }

    /// Running evaluations share the previews' table under this key, so cancelling works the same way.
    static func runningKey(_ uri: DocumentURI) -> String { "evaluate:" + uri }

    /// Rubrics not followed, as findings on the sentences they check. Each keeps
    /// the sentence's text so it can follow the sentence through later edits.
    static func findings(_ summary: EvalSummary, source: SourceText) -> [EvalFinding] {
        summary.notFollowed.filter { $0.subject == 0 }.flatMap { note in
            note.sources.map { range in
                EvalFinding(range: range, text: source.text(range.clamped(to: 0..<source.count)), rubric: note.rubric, message: note.message)
            }
        }
    }
}

/// A rubric the models did not follow, shown on one sentence it checks.
struct EvalFinding: Sendable, Equatable {
    var range: Range<Int>
    /// The sentence as it was when judged; empty for a point (an author rubric in the front matter).
    var text: String
    var rubric: String
    var message: String

    /// Where the finding sits in `source`: the same place if the text is unchanged, else
    /// the first place the sentence now appears, else nil (the sentence was edited).
    func located(in source: SourceText) -> Range<Int>? {
        if range.upperBound <= source.count, source.text(range) == text { return range }
        guard !text.isEmpty else { return nil }
        let needle = Array(text.utf8)
        let bytes = source.bytes
        guard needle.count <= bytes.count else { return nil }
        var i = 0
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0], bytes[i..<(i + needle.count)].elementsEqual(needle) { return i..<(i + needle.count) }
            i += 1
        }
        return nil
    }
}

extension LanguageServer {
    func evaluate(_ id: RequestID, _ params: ExecuteCommandParams) {
        let arguments: EvaluateFeature.Arguments?
        do { arguments = try EvaluateFeature.Arguments(params.arguments) } catch { return fail(id, error) }
        guard let arguments, let document = documents[arguments.uri] else {
            return fail(id, ResponseError(.invalidParams, "facet.evaluate takes the URI of an open document, then optionally {compare, judge, endpoint, case, force}"))
        }
        let (configuration, editor, settings) = previewSettings(for: document)
        var choices = EvalSetup.Choices()
        choices.endpoint = arguments.endpoint
        // A named endpoint is evaluated alone; otherwise the configured comparison, if any.
        choices.compare = arguments.compare ?? (arguments.endpoint == nil ? settings.compare : [])
        choices.judge = arguments.judge
        choices.editorKeys = editor.keys
        choices.only = arguments.only
        func refuse(_ message: String) {
            notify("window/showMessage", ShowMessageParams(type: MessageType.error.rawValue, message: "Facet evaluation: \(message)"))
            fail(id, ResponseError(.invalidParams, message))
        }
        let endpoints: [EvalEndpoint]
        switch EvalSetup.endpoints(settings: settings, choices: choices) {
        case .success(let found): endpoints = found
        case .failure(let error): return refuse(error.message)
        }
        let judge: EvalEndpoint?
        switch EvalSetup.judge(settings: settings, choices: choices, endpoints: endpoints) {
        case .success(let found): judge = found
        case .failure(let error): return refuse(error.message)
        }
        let source = document.source
        let subject: EvalSubject
        switch EvalSetup.subject(text: source.text(0..<source.count), path: document.path, configuration: configuration, only: arguments.only) {
        case .success(let made): subject = made
        case .failure(let error): return refuse(error.message)
        }
        let job = EvalJob(subjects: [subject], endpoints: endpoints, judge: judge, settings: settings.judge, cache: previewCache(), readCache: !arguments.force)

        let key = EvaluateFeature.runningKey(arguments.uri)
        if let running = runningPreviews.removeValue(forKey: key) { running.stop() }
        let file = EvaluateFeature.evalFile(for: document.path, uri: arguments.uri, workspaceFolders: workspaceFolders)
        let names = endpoints.map(\.profile.name).joined(separator: " vs ")
        let writer = ReportFileWriter(path: file, status: "running")
        let judgeSettings = settings.judge
        let lineOf: @Sendable (Int, Int) -> Int? = { _, offset in source.lines.line(containing: offset) + 1 }
        let empty = EvalRunner.pending(job)
        writer.write(force: true) { EvalReport(result: empty, settings: judgeSettings, status: $0, lineOf: lineOf).markdown() }
        log.info("evaluation of \(arguments.uri): \(subject.plan.items.count) case(s) on \(names), judge \(judge?.profile.name ?? "none"), up to \(job.uncachedRequests) requests")
        let progress = startProgress(params.workDoneToken, title: "Facet evaluation: \(subject.title)",
                                     message: "\(subject.plan.items.count) case\(subject.plan.items.count == 1 ? "" : "s") on \(names) · \(subject.rubrics.count) rubrics")
        if !reportUnwritable(writer, what: "evaluation") { showGeneratedFile(file) }
        let uri = arguments.uri
        let serial = nextOutgoingID
        nextOutgoingID += 1
        let task = Task {
            let result = await EvalRunner.run(job) { update, snapshot in
                writer.status = "running: \(update.done) of \(update.total) requests"
                writer.write(force: false) { EvalReport(result: snapshot, settings: judgeSettings, status: $0, lineOf: lineOf).markdown() }
                progress?.send(.report(update.message, percentage: update.done * 100 / max(1, update.total)))
            }
            let cancelled = Task.isCancelled || result.cancelled
            let summary = EvalSummary(result, settings: judgeSettings)
            let means = summary.endpoints.map { "\($0.endpoint) \($0.mean.map(EvalSummary.fixed) ?? "–")" }.joined(separator: ", ")
            writer.status = cancelled ? "cancelled" : "done: \(means); \(result.requests) requests sent"
            writer.write(force: true) { EvalReport(result: result, settings: judgeSettings, status: $0, lineOf: lineOf).markdown() }
            progress?.send(.end(cancelled ? "cancelled" : means))
            let findings = cancelled ? [] : EvaluateFeature.findings(summary, source: source)
            self.untrack(key, serial: serial)
            self.queue.async {
                guard !cancelled, var open = self.documents[uri] else { return }
                open.evalFindings = findings
                self.documents[uri] = open
                self.evalGeneration += 1
                self.scheduleDiagnostics(uri, delay: 0)
                if !self.shouldPushDiagnostics && self.client.canRefreshDiagnostics {
                    self.requestFromClient("workspace/diagnostic/refresh", JSONValue?.none) { _ in }
                }
            }
            var fields: [String: JSONValue] = [
                "file": .string(file),
                "cancelled": .bool(cancelled),
                "requests": .number(Double(result.requests)),
                "endpoints": .array(summary.endpoints.map { score in
                    .object(["endpoint": .string(score.endpoint), "mean": score.mean.map { .number($0) } ?? .null])
                }),
                "notFollowed": .array(summary.notFollowed.map { .string($0.message) }),
            ]
            if let failure = writer.failure { fields["fileError"] = .string(failure) }
            self.reply(id, JSONValue.object(fields))
        }
        track(key, PreviewFeature.Running(serial: serial, task: task, token: progress?.token, writer: writer), request: id)
    }
}
