import FacetCore
import Foundation
import JSONRPC
import LSPTypes

/// `initialize`, `initialized`, `shutdown` (and `exit`, in LanguageServer.handle).
extension LanguageServer {
    func initialize(_ id: RequestID, _ body: Data) {
        guard lifecycle == .uninitialized else {
            return fail(id, ResponseError(.invalidRequest, "initialize was already received"))
        }
        let params: InitializeParams
        do { params = try IncomingMessage.decodeParams(InitializeParams.self, from: body) } catch { return fail(id, error) }
        client = ClientCapabilities(params.capabilities)
        preferences.onProblem = { [weak self] message in
            guard let self else { return }
            self.queue.async { self.reportProblem(message, type: .warning, once: true) }
        }
        // Lenient here, where a refusal would leave the editor with no server: an unknown value is "off".
        trace = params.trace.map { Self.traceValues.contains($0) ? $0 : "off" } ?? "off"
        if let asked = params.trace, asked != trace { log.warning("initialize: trace must be off, messages or verbose, not \(asked); tracing is off") }
        let folderURIs = params.workspaceFolders?.map(\.uri) ?? params.rootUri.map { [$0] } ?? []
        workspaceFolders = folderURIs.compactMap { URL(string: $0).flatMap { $0.isFileURL ? $0.path : nil } }
        applySettings(params.initializationOptions, layer: "initializationOptions", source: "initializationOptions")
        lifecycle = .running
        log.info("initialized by \(params.clientInfo?.name ?? "an unnamed client"); positions in \(client.positionEncoding.rawValue)")
        reply(id, InitializeResult(capabilities: capabilities, serverInfo: .init(name: "facet", version: FacetVersion.string)))
    }

    /// What Facet does, advertised truthfully: each capability here has a handler.
    var capabilities: ServerCapabilities {
        var c = ServerCapabilities()
        c.positionEncoding = client.positionEncoding == .utf8 ? "utf-8" : "utf-16"
        c.textDocumentSync = .init(openClose: true, change: 2, save: .init(includeText: false))
        c.hoverProvider = true
        c.completionProvider = .init(resolveProvider: false, triggerCharacters: nil)
        c.codeActionProvider = .init(codeActionKinds: ["quickfix", "refactor"])
        c.codeLensProvider = .init(resolveProvider: false)
        c.documentSymbolProvider = true
        c.foldingRangeProvider = true
        c.semanticTokensProvider = .init(legend: SemanticTokensFeature.legend, range: true, full: true)
        c.inlayHintProvider = true
        c.diagnosticProvider = .init(identifier: "facet", interFileDependencies: false, workspaceDiagnostics: false)
        c.executeCommandProvider = .init(commands: ExecuteCommandFeature.commands)
        return c
    }

    func initialized() {
        if client.supportsConfigurationRequest { pullSettings() }
        indexWorkspaceCollections()
        if client.canRegisterFileWatchers {
            let watchers: JSONValue = .object(["watchers": .array([.object(["globPattern": .string("**/.facet.toml")]),
                                                                   .object(["globPattern": .string("**/.facet/collection/**")])])])
            requestFromClient("client/registerCapability", RegistrationParams(registrations: [
                Registration(id: "facet-config-files", method: "workspace/didChangeWatchedFiles", registerOptions: watchers),
            ])) { [log] result in
                if case .failure(let error) = result { log.warning("the client refused to watch configuration and collection files: \(error.message)") }
            }
        }
    }

    func shutdown(_ id: RequestID, _ body: Data) {
        lifecycle = .shuttingDown
        for item in pendingDiagnostics.values { item.cancel() }
        pendingDiagnostics.removeAll()
        // Running previews stop their HTTP requests and answer as cancelled. Their
        // files get their last state now: a write still running at exit would
        // leave a temporary file beside them.
        for running in runningPreviews.values { running.stop(finalStatus: "stopped: the server was shut down") }
        runningPreviews.removeAll()
        reply(id, JSONValue?.none)
    }

    static let traceValues = ["off", "messages", "verbose"]

    func setTrace(_ body: Data) throws(ResponseError) {
        let params = try IncomingMessage.decodeParams(SetTraceParams.self, from: body)
        guard Self.traceValues.contains(params.value) else {
            throw ResponseError(.invalidParams, "trace must be off, messages or verbose, not \(params.value)")
        }
        trace = params.value
    }
}
