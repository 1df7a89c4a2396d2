import FacetCore
import FacetFiles
import FacetPreview
import Foundation
import JSONRPC
import LSPTypes

/// `facet.preview`: sends the document with its cases to the configured
/// endpoint, streams the answers into `.facet/previews/NAME.md` (opened with
/// `window/showDocument`) and reports `$/progress` as text arrives. Cancelling
/// the progress or the request stops the HTTP request at once; a new preview
/// of the same document replaces the one running.
///
/// Arguments: the document URI, then optionally `{ "case": N, "force": true, "endpoint": "name" }`.
/// The answer, once finished: `{ "file": path, "cases": [{ "name", "status", "cached", "error" }] }`.
enum PreviewFeature {
    static let command = "facet.preview"

    struct Arguments {
        var uri: DocumentURI
        var only: Int?
        var force = false
        var endpoint: String?

        /// Nil without a URI; throws when an option has the wrong type.
        init?(_ arguments: [JSONValue]?) throws(ResponseError) {
            guard let uri = arguments?.first?.stringValue else { return nil }
            self.uri = uri
            var options = CommandOptions(PreviewFeature.command, arguments)
            only = options.wholeNumber("case")
            force = options.bool("force") ?? false
            endpoint = options.string("endpoint")
            try options.check()
        }
    }

    /// One running preview.
    final class Running: @unchecked Sendable {
        let serial: Int
        let task: Task<Void, Never>
        let token: ProgressToken?
        let writer: ReportFileWriter
        init(serial: Int, task: Task<Void, Never>, token: ProgressToken?, writer: ReportFileWriter) {
            self.serial = serial
            self.task = task
            self.token = token
            self.writer = writer
        }

        /// Stops the run; with `finalStatus`, its file is written once more under that status first.
        func stop(finalStatus: String? = nil) {
            writer.retire(finalStatus: finalStatus)
            task.cancel()
        }
    }

    static let systemMessageSuffixes = CaseFiles.systemMessageSuffixes

    /// Where the preview of `path` is written: `.facet/previews/` in the
    /// workspace folder holding it (else beside it), named after the file.
    static func previewFile(for path: String?, uri: DocumentURI, workspaceFolders: [String]) -> String {
        guard let path else {
            let name = uri.split(separator: "/").last.map(String.init) ?? "untitled"
            return NSTemporaryDirectory() + "facet-previews/\(name).preview.md"
        }
        let folder = workspaceFolders.filter { path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }.max(by: { $0.count < $1.count })
            ?? (path as NSString).deletingLastPathComponent
        var relative = String(path.dropFirst(folder.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        // "billing.system.md" gives "billing.preview.md": a name no editor set-up takes for a system message.
        if let suffix = systemMessageSuffixes.first(where: { relative.hasSuffix($0) }) {
            relative = String(relative.dropLast(suffix.count))
        } else {
            relative = (relative as NSString).deletingPathExtension
        }
        return (folder as NSString).appendingPathComponent(".facet/previews/\(relative.replacingOccurrences(of: "/", with: "--")).preview.md")
    }

    /// The progress line: which case, how much text, and the latest words.
    static func progressMessage(_ update: PreviewUpdate, _ results: [CaseResult]) -> String? {
        let total = results.count
        switch update {
        case .caseStarted(let index):
            return "case \(index + 1)/\(total): \(results[index].name)"
        case .answerStarted(let index):
            // The first answer starts with its case, already reported.
            let answers = results[index].answers.count
            return answers > 1 ? "case \(index + 1)/\(total): \(results[index].name), answer \(answers)" : nil
        case .text(let index, _):
            let answer = results[index].answers.last
            let tail = answer.map { String($0.text.suffix(60)).replacingOccurrences(of: "\n", with: " ") } ?? ""
            return "case \(index + 1)/\(total) · \(answer?.chunks ?? 0) chunks · …\(tail)"
        case .retrying(let index, let status, let seconds):
            return "case \(index + 1)/\(total): HTTP \(status), retrying in \(Int(seconds.rounded(.up))) s"
        case .caseFinished(let index):
            return "case \(index + 1)/\(total) \(results[index].cached ? "cached" : results[index].status.rawValue)"
        case .caseSkipped(let index):
            return "case \(index + 1)/\(total) not sent"
        }
    }

    static func summary(_ results: [CaseResult]) -> String {
        let done = results.filter { $0.status == .done }.count
        let cached = results.filter(\.cached).count
        var text = "\(done) of \(results.count) case\(results.count == 1 ? "" : "s") answered"
        if cached > 0 { text += " (\(cached) from the cache)" }
        if let error = results.lazy.compactMap(\.error).first { text += "; \(error)" }
        return text
    }
}

/// Rewrites a preview or evaluation file as the work runs: at most every
/// 100 ms while text streams, and at once when asked to (a case starts or
/// ends). `status` is the line under the file's header. Used by one task at a time.
final class ReportFileWriter: @unchecked Sendable {
    let path: String
    var status: String
    private let interval: UInt64 = 100_000_000
    private var lastWrite: UInt64 = 0
    private var retired = false
    private var lastRender: ((String) -> String)?
    private let lock = NSLock()
    private var firstFailure: String?

    init(path: String, status: String) {
        self.path = path
        self.status = status
    }

    /// A newer run for the same document took over the file: write nothing more.
    /// Waits for a write in progress, so none is cut off half-way (an atomic
    /// write leaves its temporary file behind when the process exits during it).
    /// With `finalStatus`, the last text written is written once more under that status.
    func retire(finalStatus: String? = nil) {
        lock.lock()
        defer { lock.unlock() }
        guard !retired else { return }
        if let finalStatus, let lastRender { store(lastRender(finalStatus)) }
        retired = true
    }

    /// `render` turns the status line into the file's text; it is not called when the write is skipped.
    func write(force: Bool, _ render: @escaping (String) -> String) {
        lock.lock()
        lastRender = render  // even when skipped: the final write shows the latest text
        lock.unlock()
        let now = DispatchTime.now().uptimeNanoseconds
        guard force || now - lastWrite >= interval else { return }
        lastWrite = now
        let text = render(status)
        // Under the lock, so a retired run's last write cannot land after the new one's first.
        lock.lock()
        defer { lock.unlock() }
        guard !retired else { return }
        store(text)
    }

    /// Why the file could not be written, if a write failed (the first reason).
    var failure: String? {
        lock.lock()
        defer { lock.unlock() }
        return firstFailure
    }

    /// Writes the file; the caller holds the lock.
    private func store(_ text: String) {
        let folder = (path as NSString).deletingLastPathComponent
        do {
            if !FileManager.default.fileExists(atPath: folder) {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                // Previews are output, not source: keep them out of the project's commits.
                try? Data("# Facet previews: generated, not for version control.\n*\n".utf8)
                    .write(to: URL(fileURLWithPath: folder).appendingPathComponent(".gitignore"))
            }
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            if firstFailure == nil { firstFailure = "cannot write \(path): \(ReportFileWriter.reason(error, folder: folder))" }
        }
    }

    /// Foundation's message for a failed write often names no cause on Linux
    /// ("error 512"): name the part of the path in the way, or the POSIX error.
    static func reason(_ error: Error, folder: String) -> String {
        var existing = folder
        var isFolder: ObjCBool = false
        while !FileManager.default.fileExists(atPath: existing, isDirectory: &isFolder), existing != "/", !existing.isEmpty {
            existing = (existing as NSString).deletingLastPathComponent
        }
        if !isFolder.boolValue { return "\(existing) is a file, not a folder" }
        if let reason = FileErrorReason.posix(error) { return reason }
        if !FileManager.default.isWritableFile(atPath: existing) { return "\(existing) is not writable" }
        return error.localizedDescription
    }
}

extension LanguageServer {
    /// Says once that a preview or evaluation file could not be written; the run goes on and its reply still carries the results.
    func reportUnwritable(_ writer: ReportFileWriter, what: String) -> Bool {
        guard let failure = writer.failure else { return false }
        notify("window/showMessage", ShowMessageParams(type: MessageType.error.rawValue, message: "Facet \(what): \(failure); the results come in the command's reply only"))
        return true
    }
}

extension LanguageServer {
    func preview(_ id: RequestID, _ params: ExecuteCommandParams) {
        let arguments: PreviewFeature.Arguments?
        do { arguments = try PreviewFeature.Arguments(params.arguments) } catch { return fail(id, error) }
        guard let arguments, let document = documents[arguments.uri] else {
            return fail(id, ResponseError(.invalidParams, "facet.preview takes the URI of an open document, then optionally {case, force, endpoint}"))
        }
        let (_, editor, settings) = previewSettings(for: document)
        var choices = PreviewSetup.Choices()
        choices.endpoint = arguments.endpoint
        choices.only = arguments.only
        choices.readCache = !arguments.force
        choices.editorKey = editor.keys[arguments.endpoint ?? settings.defaultEndpoint]
        let cache = previewCache()
        let job: PreviewJob
        switch PreviewSetup.job(text: document.source.text(0..<document.source.bytes.count), path: document.path,
                                settings: settings, choices: choices, cache: cache) {
        case .success(let made): job = made
        case .failure(let error):
            notify("window/showMessage", ShowMessageParams(type: MessageType.error.rawValue, message: "Facet preview: \(error.message)"))
            return fail(id, ResponseError(.invalidParams, error.message))
        }
        for problem in job.plan.problems { reportProblem("preview cases: \(problem)", type: .warning, once: false) }

        // A new preview of the same document replaces the one running.
        if let running = runningPreviews.removeValue(forKey: arguments.uri) { running.stop() }

        let file = PreviewFeature.previewFile(for: document.path, uri: arguments.uri, workspaceFolders: workspaceFolders)
        let title = document.path.map { ($0 as NSString).lastPathComponent } ?? arguments.uri
        let report = PreviewReport(title: title, plan: job.plan, profile: job.profile, started: Date(), status: "")
        let writer = ReportFileWriter(path: file, status: "running against \(job.profile.name)")
        writer.write(force: true) { report.with(status: $0).markdown([]) }
        log.info("preview of \(arguments.uri): \(job.plan.items.count) case(s) to \(job.profile.name) (\(job.profile.baseURL), \(job.profile.model))")

        let progress = startProgress(params.workDoneToken, title: "Facet preview: \(title)",
                                     message: "\(job.plan.items.count) case\(job.plan.items.count == 1 ? "" : "s") to \(job.profile.name) · \(job.profile.model)")
        if !reportUnwritable(writer, what: "preview") { showGeneratedFile(file) }
        let uri = arguments.uri
        let serial = nextOutgoingID
        nextOutgoingID += 1
        let task = Task {
            let results = await PreviewRunner.run(job) { update, results in
                let last: Bool
                if case .caseFinished(let index) = update { last = index == results.count - 1 } else { last = false }
                if case .caseFinished = update { writer.status = "running: \(PreviewFeature.summary(results))" }
                writer.write(force: !update.isText) { report.with(status: $0).markdown(results) }
                if let message = PreviewFeature.progressMessage(update, results), let progress, !last {
                    let finished = results.filter { $0.status != .waiting && $0.status != .running }.count
                    progress.send(.report(message, percentage: finished * 100 / max(1, results.count)))
                }
            }
            let cancelled = Task.isCancelled || results.contains { $0.status == .cancelled }
            let summary = cancelled ? "cancelled" : PreviewFeature.summary(results)
            writer.status = summary
            writer.write(force: true) { report.with(status: $0).markdown(results) }
            progress?.send(.end(summary))
            if !cancelled, let failure = results.lazy.compactMap(\.error).first {
                self.notify("window/showMessage", ShowMessageParams(type: MessageType.warning.rawValue, message: "Facet preview: \(failure)"))
            }
            self.untrack(uri, serial: serial)
            var fields: [String: JSONValue] = [
                "file": .string(file),
                "cases": .array(results.map { result in
                    var fields: [String: JSONValue] = ["name": .string(result.name), "status": .string(result.status.rawValue), "cached": .bool(result.cached)]
                    if let error = result.error { fields["error"] = .string(error) }
                    return .object(fields)
                }),
            ]
            if let failure = writer.failure { fields["fileError"] = .string(failure) }
            self.reply(id, JSONValue.object(fields))
        }
        track(uri, PreviewFeature.Running(serial: serial, task: task, token: progress?.token, writer: writer), request: id)
    }

    /// The configuration for `document`, the editor's preview settings, and the two combined (the editor's win).
    func previewSettings(for document: OpenDocument) -> (FacetConfiguration, EditorPreviewSettings, PreviewSettings) {
        let configuration = configuration(for: document)
        return (configuration, settings.preview, settings.preview.apply(to: configuration.preview))
    }

    /// Opens a preview or evaluation file beside the editor's window, without taking focus.
    func showGeneratedFile(_ file: String) {
        guard client.canShowDocument else { return }
        requestFromClient("window/showDocument", ShowDocumentParams(uri: URL(fileURLWithPath: file).absoluteString, takeFocus: false)) { _ in }
    }

    /// Keeps a running preview or evaluation where cancelling (progress or request), replacing and shutdown reach it.
    func track(_ key: String, _ running: PreviewFeature.Running, request id: RequestID) {
        runningPreviews[key] = running
        requests.whenCancelled(id) { running.task.cancel() }
    }

    /// Forgets a finished run, unless a newer one already took its place. Callable from any thread.
    func untrack(_ key: String, serial: Int) {
        queue.async {
            if self.runningPreviews[key]?.serial == serial { self.runningPreviews[key] = nil }
        }
    }

    /// Begins work-done progress on the client's token, or on one the server
    /// creates when the client supports that; nil when the client shows none.
    func startProgress(_ clientToken: ProgressToken?, title: String, message: String) -> PreviewProgress? {
        let begin = WorkDoneProgress.begin(title, message: message, cancellable: true)
        if let clientToken {
            let progress = PreviewProgress(token: clientToken, server: self)
            progress.accepted(begin)
            return progress
        }
        guard client.supportsWorkDoneProgress else { return nil }
        let progress = PreviewProgress(token: .string("facet-preview-\(nextOutgoingID)"), server: self)
        // Nothing is sent on the token until the client accepts it; after a refusal, nothing at all.
        requestFromClient("window/workDoneProgress/create", WorkDoneProgressCreateParams(token: progress.token)) { result in
            switch result {
            case .success: progress.accepted(begin)
            case .failure(let error):
                self.log.info("progress refused: \(error.message)")
                progress.refused()
            }
        }
        return progress
    }

    /// `window/workDoneProgress/cancel`: the user pressed cancel on a preview's progress.
    func cancelProgress(_ body: Data) throws {
        let params = try IncomingMessage.decodeParams(WorkDoneProgressCancelParams.self, from: body)
        for (uri, running) in runningPreviews where running.token == params.token {
            running.task.cancel()
            runningPreviews[uri] = nil
            log.info("preview of \(uri) cancelled from the editor")
        }
    }

    /// The preview cache, opened on first use; nil (previews uncached) when it cannot be opened.
    func previewCache() -> PreviewCache? {
        let path = PreviewCache.location(explicit: options.previewCachePath ?? settings.preview.cacheFile)
        if let open = openPreviewCache, open.path == path { return open }
        do {
            openPreviewCache = try PreviewCache.open(path: path)
        } catch {
            reportProblem("\(error.message); previews are not cached", type: .warning, once: true)
            openPreviewCache = nil
        }
        return openPreviewCache
    }
}

/// A preview's work-done progress: reports wait until the client has accepted
/// the token (and are dropped if it refused), as the spec asks.
final class PreviewProgress: @unchecked Sendable {
    let token: ProgressToken
    private let server: LanguageServer
    private let lock = NSLock()
    private var state: State = .pending([])

    private enum State { case pending([WorkDoneProgress]), open, refused }

    init(token: ProgressToken, server: LanguageServer) {
        self.token = token
        self.server = server
    }

    func send(_ value: WorkDoneProgress) {
        lock.lock()
        defer { lock.unlock() }
        switch state {
        case .pending(var held):
            // Keep the begin, the latest report and the end; older reports are stale.
            if value.kind == "report", let last = held.last, last.kind == "report" { held.removeLast() }
            held.append(value)
            state = .pending(held)
        case .open:
            server.notify("$/progress", ProgressParams(token: token, value: value))
        case .refused:
            break
        }
    }

    /// The client accepted the token: send `begin` and whatever was held.
    func accepted(_ begin: WorkDoneProgress) {
        lock.lock()
        defer { lock.unlock() }
        guard case .pending(let held) = state else { return }
        state = .open
        server.notify("$/progress", ProgressParams(token: token, value: begin))
        for value in held { server.notify("$/progress", ProgressParams(token: token, value: value)) }
    }

    func refused() {
        lock.lock()
        state = .refused
        lock.unlock()
    }
}

extension PreviewUpdate {
    var isText: Bool { if case .text = self { return true } else { return false } }
}

extension PreviewReport {
    func with(status: String) -> PreviewReport {
        var copy = self
        copy.status = status
        return copy
    }
}
