import FacetIndex
import Foundation
import JSONRPC
import LSPTypes

/// Editor settings (`initializationOptions`, `workspace/configuration`,
/// `workspace/didChangeConfiguration`) and `.facet.toml` changes on disk.
extension LanguageServer {
    /// Sets one layer of editor settings ("initializationOptions" or "client", the
    /// client's current settings, which win key by key, at every depth: a rule or
    /// an endpoint field the client sets leaves the others of the first layer);
    /// reports values it cannot use, which leave their settings as they were;
    /// re-checks open documents if anything changed. An empty answer adds nothing.
    func applySettings(_ json: JSONValue?, layer: String, source: String) {
        settingsLayers[layer] = .object(EditorSettings.normalized(json))
        var merged: [String: JSONValue] = [:]
        for name in ["initializationOptions", "client"] {
            merged = Self.merge(merged, settingsLayers[name]?.objectValue ?? [:])
        }
        let (parsed, problems) = EditorSettings.parse(.object(merged), keeping: settings)
        for problem in problems { reportProblem("setting \(problem) (from \(source)); ignored it", type: .warning, once: true) }
        guard parsed != settings else { return }
        settings = parsed
        preferences.move(to: IndexLocation.resolve(explicit: options.indexPath, setting: parsed.indexPath))
        settingsGeneration += 1
        log.info("settings from \(source) applied")
        if lifecycle == .running { settingsChanged() }
    }

    /// Diagnostics again, and the client asked to fetch inlay hints and code lenses
    /// again: they depend on settings (`inlayHints`, the compared endpoints), and a
    /// client asks for them only when the text changes.
    func settingsChanged() {
        republishAll()
        for (supported, method) in [(client.canRefreshInlayHints, "workspace/inlayHint/refresh"), (client.canRefreshCodeLenses, "workspace/codeLens/refresh")] where supported {
            requestFromClient(method, JSONValue?.none) { [log] result in
                if case .failure(let error) = result { log.warning("\(method) failed: \(error.message)") }
            }
        }
    }

    /// `over` on top of `base`: objects merge member by member, anything else replaces.
    static func merge(_ base: [String: JSONValue], _ over: [String: JSONValue]) -> [String: JSONValue] {
        base.merging(over) { old, new in
            if let old = old.objectValue, let new = new.objectValue { return .object(merge(old, new)) }
            return new
        }
    }

    /// Asks the client for the "facet" settings section.
    func pullSettings() {
        requestFromClient("workspace/configuration", ConfigurationParams(items: [ConfigurationItem(scopeUri: nil, section: "facet")])) { result in
            switch result {
            case .success(let value):
                self.applySettings(value?.arrayValue?.first, layer: "client", source: "workspace/configuration")
            case .failure(let error):
                self.log.warning("workspace/configuration failed: \(error.message)")
            }
        }
    }

    func didChangeConfiguration(_ body: Data) throws(ResponseError) {
        let params = try IncomingMessage.decodeParams(DidChangeConfigurationParams.self, from: body)
        // Push-style clients send the settings; pull-style ones send null and expect us to ask.
        if let settings = params.settings, settings != .null, settings.objectValue?.isEmpty == false {
            applySettings(settings, layer: "client", source: "workspace/didChangeConfiguration")
        } else if client.supportsConfigurationRequest {
            pullSettings()
        }
    }

    func didChangeWatchedFiles(_ body: Data) throws(ResponseError) {
        let params = try IncomingMessage.decodeParams(DidChangeWatchedFilesParams.self, from: body)
        let collections = params.changes.compactMap { URL(string: $0.uri)?.path }.filter { $0.contains("/\(Self.collectionFolder)/") }
        if !collections.isEmpty { collectionFilesChanged(collections) }
        guard params.changes.contains(where: { $0.uri.hasSuffix(".facet.toml") }) else { return }
        configurationFiles.invalidate()
        reportedProblems.removeAll()
        settingsGeneration += 1
        log.info(".facet.toml changed; re-checking open documents")
        settingsChanged()
    }
}
