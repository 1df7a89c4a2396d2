import FacetCore
import FacetFiles
import FacetIndex
import FacetPreview
import Foundation
import JSONRPC
import LSPTypes

/// Options fixed when the server starts (command-line flags of `facet lsp`).
public struct ServerOptions: Sendable {
    /// Milliseconds between the last edit and publishing diagnostics, unless the editor sets `diagnosticsDelay`.
    public var diagnosticsDelay = 100
    /// Documents larger than this are kept in sync but not analysed.
    public var maxAnalysedBytes = 4 << 20
    /// Messages larger than this are skipped unread.
    public var maxMessageBytes = 64 << 20
    /// Fault injection for tests: every request waits this long (cancellably) before computing.
    public var simulatedLatency = 0
    /// The preference index file (`facet lsp --index`); else `$FACET_INDEX`, the `indexPath` setting, the user cache.
    public var indexPath: String?
    /// The preview cache (`facet lsp --preview-cache`); else the `preview.cacheFile` setting, `$FACET_PREVIEW_CACHE`, the user cache.
    public var previewCachePath: String?
    public init() {}
}

/// The language server: reads framed JSON-RPC bytes, keeps open documents,
/// answers requests from the analysis core, and publishes diagnostics.
///
/// Threads: `receive` runs on the reader thread and only frames and classifies
/// messages (and records cancellations at once). Everything else that touches
/// server state runs on `queue`, a serial queue, so notifications apply in
/// arrival order. Requests take a `DocumentSnapshot` on `queue` and compute on
/// `workers`; their results go back through `queue`, which drops any computed
/// for a version that is no longer current.
public final class LanguageServer: @unchecked Sendable {
    let options: ServerOptions
    let output: MessageOutput
    let log: Logger
    let onExit: @Sendable (Int32) -> Void
    let traceFile: TraceFile?
    let queue = DispatchQueue(label: "facet.server")
    /// Imports of workspace collections, one at a time, off the server queue.
    let indexing = DispatchQueue(label: "facet.indexing", qos: .utility)
    let workers = DispatchQueue(label: "facet.workers", qos: .userInitiated, attributes: .concurrent)
    let configurationFiles = ConfigurationFinder()

    // Reader thread only.
    private var framer: MessageFramer

    // Thread-safe.
    let requests = InFlightRequests()
    let preferences: IndexHolder

    // `queue` only.
    var lifecycle = Lifecycle.uninitialized
    var client = ClientCapabilities(nil)
    var settings = EditorSettings()
    /// Settings by source, merged key by key into `settings` (later layers win).
    var settingsLayers: [String: JSONValue] = [:]
    var settingsGeneration = 0
    /// Counts finished evaluations, so pulled diagnostics change when their findings do.
    var evalGeneration = 0
    var trace = "off"
    var documents: [DocumentURI: OpenDocument] = [:]
    var pendingDiagnostics: [DocumentURI: DispatchWorkItem] = [:]
    var reportedProblems: Set<String> = []
    var nextOutgoingID = 1
    /// The next `OpenDocument.revision`.
    var nextRevision = 1
    var workspaceFolders: [String] = []
    var awaitingClient: [RequestID: @Sendable (Result<JSONValue?, ResponseError>) -> Void] = [:]
    var runningPreviews: [DocumentURI: PreviewFeature.Running] = [:]
    var openPreviewCache: PreviewCache?

    enum Lifecycle { case uninitialized, running, shuttingDown }

    public init(options: ServerOptions = ServerOptions(), output: MessageOutput, log: Logger, trace: TraceFile? = nil,
                onExit: @escaping @Sendable (Int32) -> Void) {
        self.options = options
        self.traceFile = trace
        self.output = output
        self.log = log
        self.onExit = onExit
        self.framer = MessageFramer(maxContentLength: options.maxMessageBytes)
        self.preferences = IndexHolder(path: IndexLocation.resolve(explicit: options.indexPath))
    }

    // MARK: - Input

    /// Feeds bytes from the client. Call from one thread at a time (the reader).
    public func receive<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        framer.append(bytes)
        while let event = framer.next() {
            switch event {
            case .error(let message):
                traceFile?.record(direction: "unreadable input: \(message)", Data())
                queue.async { self.reportProblem("unreadable input: \(message)", type: .error, once: false) }
            case .warning(let message):
                log.warning("input: \(message)")
            case .message(let body):
                traceFile?.record(direction: "received", Data(body))
                switch IncomingMessage.parse(body) {
                case .failure(let failure):
                    log.warning("bad message (\(failure.message)): \(SecretScrubber.scrub(MessageFramer.preview(body[...])))")
                    if !failure.isResponse { output.send(OutgoingMessage.error(id: failure.id, ResponseError(failure.code, failure.message))) }
                case .success(let message):
                    accept(message)
                }
            }
        }
    }

    /// The client closed its end: finish queued work, then exit.
    public func endOfInput() {
        if let unfinished = framer.unfinished() { log.warning(unfinished) }
        queue.async {
            let code: Int32 = self.lifecycle == .shuttingDown ? 0 : 1
            self.log.info("input closed; exiting with \(code)")
            self.onExit(code)
        }
    }

    private func accept(_ message: IncomingMessage) {
        switch message {
        case .notification(let method, let body) where method == "$/cancelRequest":
            // Recorded on the reader thread, so a request queued or computing sees it at once.
            if let params = try? IncomingMessage.decodeParams(CancelParams.self, from: body) {
                requests.cancel(params.id)
            }
        case .request(let id, _, _):
            requests.begin(id)
            queue.async { self.handle(message) }
        default:
            queue.async { self.handle(message) }
        }
    }

    // MARK: - Dispatch (on `queue`)

    private func handle(_ message: IncomingMessage) {
        traceReceived(message)
        switch message {
        case .request(let id, let method, let body):
            if lifecycle == .uninitialized && method != "initialize" {
                return fail(id, ResponseError(.serverNotInitialized, "the server is not initialized yet; send initialize first"))
            }
            if lifecycle == .shuttingDown {
                return fail(id, ResponseError(.invalidRequest, "the server is shutting down; only exit is accepted"))
            }
            guard let handler = Self.requestHandlers[method] else {
                return fail(id, ResponseError(.methodNotFound, "unknown method \(method)"))
            }
            handler(self, id, body)
        case .notification(let method, let body):
            if method == "exit" {
                log.info("exit after \(lifecycle == .shuttingDown ? "shutdown" : "no shutdown")")
                onExit(lifecycle == .shuttingDown ? 0 : 1)
                return
            }
            guard lifecycle != .uninitialized else {
                log.warning("ignored \(method): the server is not initialized yet")
                return
            }
            guard let handler = Self.notificationHandlers[method] else {
                if !method.hasPrefix("$/") { log.info("ignored unknown notification \(method)") }
                return
            }
            do {
                try handler(self, body)
            } catch {
                let message = (error as? ResponseError)?.message ?? String(describing: error)
                reportProblem("\(method): \(message)", type: .warning, once: false)
            }
        case .response(let id, let result, let error):
            guard let callback = awaitingClient.removeValue(forKey: id) else {
                log.warning("ignored a response to unknown request \(id)")
                return
            }
            callback(error.map { .failure($0) } ?? .success(result))
        }
    }

    typealias RequestHandler = @Sendable (LanguageServer, RequestID, Data) -> Void
    typealias NotificationHandler = @Sendable (LanguageServer, Data) throws -> Void

    /// Every request the server answers, by method. Each handler lives in its own file under Features/.
    static let requestHandlers: [String: RequestHandler] = [
        "initialize": { $0.initialize($1, $2) },
        "shutdown": { $0.shutdown($1, $2) },
        "textDocument/hover": { $0.documentRequest($1, $2, HoverFeature.hover) },
        "textDocument/completion": { $0.documentRequest($1, $2, CompletionFeature.complete) },
        "textDocument/semanticTokens/full": { $0.documentRequest($1, $2, SemanticTokensFeature.full) },
        "textDocument/semanticTokens/range": { $0.documentRequest($1, $2, SemanticTokensFeature.range) },
        "textDocument/inlayHint": { $0.documentRequest($1, $2, InlayHintFeature.hints) },
        "textDocument/codeLens": { $0.documentRequest($1, $2, CodeLensFeature.lenses) },
        "textDocument/documentSymbol": { $0.documentRequest($1, $2, DocumentSymbolFeature.symbols) },
        "textDocument/foldingRange": { $0.documentRequest($1, $2, FoldingRangeFeature.ranges) },
        "textDocument/codeAction": { $0.codeActions($1, $2) },
        "textDocument/diagnostic": { $0.pullDiagnostics($1, $2) },
        "workspace/executeCommand": { $0.executeCommand($1, $2) },
    ]

    static let notificationHandlers: [String: NotificationHandler] = [
        "initialized": { server, _ in server.initialized() },
        "textDocument/didOpen": { try $0.didOpen($1) },
        "textDocument/didChange": { try $0.didChange($1) },
        "textDocument/didClose": { try $0.didClose($1) },
        "textDocument/didSave": { try $0.didSave($1) },
        "workspace/didChangeConfiguration": { try $0.didChangeConfiguration($1) },
        "workspace/didChangeWatchedFiles": { try $0.didChangeWatchedFiles($1) },
        "$/setTrace": { try $0.setTrace($1) },
        "window/workDoneProgress/cancel": { try $0.cancelProgress($1) },
    ]

    // MARK: - Requests on documents

    /// The common path of a request about one document: decode the params, take
    /// a snapshot, compute on a worker, and answer unless cancelled or outdated
    /// (before the work starts, and again after it).
    func documentRequest<P: Decodable & DocumentParams & Sendable, R: Encodable & Sendable>(
        _ id: RequestID, _ body: Data, _ compute: @escaping @Sendable (P, DocumentSnapshot) -> R
    ) {
        let params: P
        do { params = try IncomingMessage.decodeParams(P.self, from: body) } catch { return fail(id, error) }
        guard let snapshot = snapshot(params.textDocument.uri) else {
            return fail(id, ResponseError(.invalidParams, "\(params.textDocument.uri) is not open; send textDocument/didOpen first"))
        }
        workers.async {
            guard self.waitSimulatedLatency(id) else { return self.fail(id, ResponseError(.requestCancelled, "cancelled")) }
            // Edits that arrived while the request waited make its answer useless: on a large
            // document, computing answers to a burst of them kept the current ones waiting.
            guard snapshot.analyses.latestRevision == snapshot.revision else {
                return self.fail(id, ResponseError(.contentModified, "the document changed before the request was computed"))
            }
            let started = DispatchTime.now()
            let result = compute(params, snapshot)
            self.log.debug("\(String(describing: P.self)) \(id) on \(snapshot.uri) v\(snapshot.version): \(String(format: "%.2f", Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6)) ms")
            self.queue.async {
                guard snapshot.isCurrent(self.documents[snapshot.uri]) else {
                    return self.fail(id, ResponseError(.contentModified, "the document changed while the request was computed"))
                }
                self.reply(id, result)
            }
        }
    }

    func snapshot(_ uri: DocumentURI) -> DocumentSnapshot? {
        guard let document = documents[uri] else { return nil }
        var configuration = configuration(for: document)
        // The editor's preview settings win over .facet.toml's (code lenses name the compared endpoints).
        configuration.preview = settings.preview.apply(to: configuration.preview)
        return DocumentSnapshot(uri: uri, revision: document.revision, version: document.version, source: document.source,
                                configuration: configuration, encoding: client.positionEncoding,
                                markdownHovers: client.acceptsMarkdownHover,
                                markdownCompletions: client.acceptsMarkdownCompletionDocumentation,
                                maxAnalysedBytes: options.maxAnalysedBytes, analyses: document.analyses,
                                preferences: preferences, evalFindings: document.evalFindings)
    }

    /// Editor settings, then the nearest `.facet.toml` over them.
    func configuration(for document: OpenDocument) -> FacetConfiguration {
        let base = settings.configuration
        guard let path = document.path else { return base }
        let directory = (path as NSString).deletingLastPathComponent
        switch configurationFiles.configuration(inDirectory: directory, over: base) {
        case .success(let configuration):
            return configuration
        case .failure(let error):
            reportProblem("\(error.description) (using the editor settings instead)", type: .error, once: true)
            return base
        }
    }

    /// Test hook (`--simulate-latency`): waits, checking for cancellation. False when cancelled.
    private func waitSimulatedLatency(_ id: RequestID) -> Bool {
        var remaining = options.simulatedLatency
        while remaining > 0 {
            if requests.isCancelled(id) { return false }
            usleep(1000)
            remaining -= 1
        }
        return !requests.isCancelled(id)
    }

    // MARK: - Output

    /// Answers a request, or RequestCancelled if the client cancelled it meanwhile. Thread-safe.
    func reply<R: Encodable>(_ id: RequestID, _ result: R?) {
        if requests.finish(id) {
            output.send(OutgoingMessage.error(id: id, ResponseError(.requestCancelled, "cancelled")))
            return
        }
        do {
            output.send(try OutgoingMessage.response(id: id, result: result))
        } catch {
            log.error("could not encode the answer to \(id): \(error)")
            output.send(OutgoingMessage.error(id: id, ResponseError(.internalError, "could not encode the result")))
        }
    }

    /// Answers a request with an error. Thread-safe.
    func fail(_ id: RequestID, _ error: ResponseError) {
        let cancelled = requests.finish(id)
        if error.code != ErrorCode.requestCancelled.rawValue { log.info("request \(id) failed: \(error.message)") }
        output.send(OutgoingMessage.error(id: id, cancelled ? ResponseError(.requestCancelled, "cancelled") : error))
    }

    /// Sends a notification. Thread-safe.
    func notify<P: Encodable>(_ method: String, _ params: P) {
        do {
            output.send(try OutgoingMessage.notification(method: method, params: params))
        } catch {
            log.error("could not encode \(method): \(error)")
        }
    }

    /// Sends a request to the client; `callback` runs on `queue` with its answer.
    func requestFromClient<P: Encodable>(_ method: String, _ params: P,
                                         callback: @escaping @Sendable (Result<JSONValue?, ResponseError>) -> Void) {
        let id = RequestID.string("facet-\(nextOutgoingID)")
        nextOutgoingID += 1
        awaitingClient[id] = callback
        do {
            output.send(try OutgoingMessage.request(id: id, method: method, params: params))
        } catch {
            awaitingClient[id] = nil
            log.error("could not encode \(method): \(error)")
        }
    }

    enum MessageType: Int { case error = 1, warning = 2, info = 3, log = 4 }

    /// Logs a problem and shows it in the editor's log (`window/logMessage`);
    /// with `once`, the same text is shown only the first time. On `queue`.
    func reportProblem(_ message: String, type: MessageType, once: Bool) {
        switch type {
        case .error: log.error(message)
        case .warning: log.warning(message)
        default: log.info(message)
        }
        if once {
            guard !reportedProblems.contains(message) else { return }
            reportedProblems.insert(message)
        }
        notify("window/logMessage", LogMessageParams(type: type.rawValue, message: "Facet: " + message))
    }

    private func traceReceived(_ message: IncomingMessage) {
        guard trace != "off" else { return }
        let text: String
        switch message {
        case .request(let id, let method, _): text = "Received request '\(method) - (\(id))'."
        case .notification(let method, _): text = "Received notification '\(method)'."
        case .response(let id, _, _): text = "Received response '(\(id))'."
        }
        var verbose: String?
        if trace == "verbose", case .request(_, _, let body) = message { verbose = SecretScrubber.scrub(String(decoding: body.prefix(2000), as: UTF8.self)) }
        notify("$/logTrace", LogTraceParams(message: text, verbose: verbose))
    }
}

/// Params that name one document.
protocol DocumentParams { var textDocument: TextDocumentIdentifier { get } }
extension TextDocumentPositionParams: DocumentParams {}
extension SemanticTokensParams: DocumentParams {}
extension SemanticTokensRangeParams: DocumentParams {}
extension InlayHintParams: DocumentParams {}
extension CodeLensParams: DocumentParams {}
extension DocumentSymbolParams: DocumentParams {}
extension FoldingRangeParams: DocumentParams {}
extension CodeActionParams: DocumentParams {}
extension CompletionParams: DocumentParams {}
extension DocumentDiagnosticParams: DocumentParams {}
