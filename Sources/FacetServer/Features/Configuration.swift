import Foundation
import JSONRPC
import LSPTypes

/// Editor settings (`initializationOptions`, `workspace/configuration`,
/// `workspace/didChangeConfiguration`) and `.facet.toml` changes on disk.
extension LanguageServer {
    /// Replaces the editor settings; reports values it cannot use; re-checks open documents if anything changed.
    func applySettings(_ json: JSONValue?, source: String) {
        guard let json, json != .null else { return }
        let (parsed, problems) = EditorSettings.parse(json)
        for problem in problems { reportProblem("setting \(problem) (from \(source)); ignored it", type: .warning, once: true) }
        guard parsed != settings else { return }
        settings = parsed
        settingsGeneration += 1
        log.info("settings from \(source) applied")
        if lifecycle == .running { republishAll() }
    }

    /// Asks the client for the "facet" settings section.
    func pullSettings() {
        requestFromClient("workspace/configuration", ConfigurationParams(items: [ConfigurationItem(scopeUri: nil, section: "facet")])) { result in
            switch result {
            case .success(let value):
                self.applySettings(value?.arrayValue?.first, source: "workspace/configuration")
            case .failure(let error):
                self.log.warning("workspace/configuration failed: \(error.message)")
            }
        }
    }

    func didChangeConfiguration(_ body: Data) throws(ResponseError) {
        let params = try IncomingMessage.decodeParams(DidChangeConfigurationParams.self, from: body)
        // Push-style clients send the settings; pull-style ones send null and expect us to ask.
        if let settings = params.settings, settings != .null, settings.objectValue?.isEmpty == false {
            applySettings(settings, source: "workspace/didChangeConfiguration")
        } else if client.supportsConfigurationRequest {
            pullSettings()
        }
    }

    func didChangeWatchedFiles(_ body: Data) throws(ResponseError) {
        let params = try IncomingMessage.decodeParams(DidChangeWatchedFilesParams.self, from: body)
        guard params.changes.contains(where: { $0.uri.hasSuffix(".facet.toml") }) else { return }
        configurationFiles.invalidate()
        reportedProblems.removeAll()
        settingsGeneration += 1
        log.info(".facet.toml changed; re-checking open documents")
        republishAll()
    }
}
