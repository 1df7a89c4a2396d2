import FacetCore
import Foundation

/// Builds a `PreviewJob` from a file and the configuration layers, the same
/// way for the CLI and the language server.
public enum PreviewSetup {
    /// What the caller chose over the configuration files.
    public struct Choices: Sendable {
        /// The endpoint profile to use; nil for the configured default.
        public var endpoint: String?
        /// Field changes applied to the chosen profile (editor settings, CLI flags).
        public var override = EndpointOverride()
        /// A key given by the editor's settings; else the profile's environment variable.
        public var editorKey: String?
        /// One case (1-based); nil for all.
        public var only: Int?
        public var readCache = true
        public init() {}
    }

    /// The profile `name` (nil for the default) with `override` applied, its URL
    /// checked, its `header-env` headers read, and its key: the editor's, else
    /// the profile's environment variable.
    public static func endpoint(named name: String?, settings: PreviewSettings, override: EndpointOverride = EndpointOverride(),
                                editorKey: String?, environment: [String: String]) -> Result<(EndpointProfile, String?), PreviewError> {
        var profile: EndpointProfile
        switch settings.profile(named: name) {
        case .success(let found): profile = found
        case .failure(let error): return .failure(PreviewError(.configuration, error.message))
        }
        override.apply(to: &profile)
        if let problem = EndpointURL.problem(profile.baseURL) { return .failure(PreviewError(.invalidURL, "endpoint '\(profile.name)': \(problem)")) }
        switch profile.readingHeaderEnv(from: environment) {
        case .success(let read): profile = read
        case .failure(let error): return .failure(PreviewError(.missingKey, error.message))
        }
        return ChatClient.apiKey(for: profile, editorKey: editorKey, environment: environment).map { (profile, $0) }
    }

    /// `path` locates the cases file; `text` is the system message as the editor has it.
    public static func job(text: String, path: String?, settings: PreviewSettings, choices: Choices,
                           cache: PreviewCache?, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> Result<PreviewJob, PreviewError> {
        let profile: EndpointProfile
        let apiKey: String?
        switch endpoint(named: choices.endpoint, settings: settings, override: choices.override, editorKey: choices.editorKey, environment: environment) {
        case .success(let found): (profile, apiKey) = found
        case .failure(let error): return .failure(error)
        }
        let document = Segmenter.segment(SourceText(text))
        let casesFile = path.flatMap(CaseFiles.load(besides:))
        switch PreviewPlan.make(document: document, casesFile: casesFile, probe: settings.probe, only: choices.only) {
        case .success(let plan):
            return .success(PreviewJob(plan: plan, profile: profile, apiKey: apiKey, cache: cache, readCache: choices.readCache))
        case .failure(let error):
            return .failure(PreviewError(.configuration, error.message))
        }
    }
}
