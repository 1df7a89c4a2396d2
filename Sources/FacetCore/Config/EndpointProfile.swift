/// A named OpenAI-compatible chat-completions endpoint that previews are sent
/// to. Profiles come from built-ins, `[endpoints.NAME]` tables in `.facet.toml`,
/// the editor's settings and CLI flags, each layer overriding single fields.
/// A profile never holds an API key read from a file: only the name of the
/// environment variable that holds it (an editor may pass a key in its settings).
public struct EndpointProfile: Sendable, Equatable {
    public var name: String
    /// Up to and including the version path, e.g. `http://localhost:11434/v1`.
    public var baseURL: String
    public var model: String
    /// Environment variable holding the API key; nil for endpoints without one.
    public var apiKeyEnv: String?
    /// Extra request headers (for example an organisation or project id).
    public var headers: [String: String] = [:]
    /// Headers whose values are read from environment variables (header name
    /// to variable name), for gateway credentials outside the editor. Their
    /// values are treated as secrets. `PreviewSetup` moves them into `headers`.
    public var headerEnv: [String: String] = [:]
    /// Seconds to wait for the answer to start (connecting included; for a
    /// stream, its first event: keep-alive comments do not count).
    public var timeout: Double = 60
    /// Seconds allowed between two events of a streamed answer.
    public var chunkTimeout: Double = 30
    public var temperature: Double?
    public var maxTokens: Int? = 512
    /// Ask for a streamed answer (`stream: true`); endpoints that ignore it still work.
    public var stream = true
    /// Times a 429 or 503 answer is retried, waiting as its Retry-After says.
    public var retries = 3
    /// Open the connection with a `GET models` first and send the request on
    /// it (it saves CPU while streaming; see `HTTPTransfer`). Off for a server
    /// or proxy that drops requests on a kept-alive connection.
    public var warmUp = true

    public init(name: String, baseURL: String, model: String, apiKeyEnv: String? = nil) {
        self.name = name
        self.baseURL = baseURL
        self.model = model
        self.apiKeyEnv = apiKeyEnv
    }

    /// Profiles known without configuration. `ollama` is the default: it runs
    /// locally and needs no key.
    public static let builtIn: [String: EndpointProfile] = {
        let profiles = [
            EndpointProfile(name: "ollama", baseURL: "http://localhost:11434/v1", model: "llama3.2"),
            EndpointProfile(name: "llamacpp", baseURL: "http://localhost:8080/v1", model: "default"),
            EndpointProfile(name: "vllm", baseURL: "http://localhost:8000/v1", model: "default"),
            EndpointProfile(name: "lmstudio", baseURL: "http://localhost:1234/v1", model: "default"),
            EndpointProfile(name: "openai", baseURL: "https://api.openai.com/v1", model: "gpt-4o-mini", apiKeyEnv: "OPENAI_API_KEY"),
        ]
        return Dictionary(uniqueKeysWithValues: profiles.map { ($0.name, $0) })
    }()
}

/// Field-by-field changes to a profile, from one configuration layer.
public struct EndpointOverride: Sendable, Equatable {
    public var baseURL: String?
    public var model: String?
    public var apiKeyEnv: String?
    public var headers: [String: String] = [:]
    public var headerEnv: [String: String] = [:]
    public var timeout: Double?
    public var chunkTimeout: Double?
    public var temperature: Double?
    public var maxTokens: Int?
    public var stream: Bool?
    public var retries: Int?
    public var warmUp: Bool?

    public init() {}

    public var isEmpty: Bool { self == EndpointOverride() }

    public func apply(to profile: inout EndpointProfile) {
        if let baseURL { profile.baseURL = baseURL }
        if let model { profile.model = model }
        if let apiKeyEnv { profile.apiKeyEnv = apiKeyEnv.isEmpty ? nil : apiKeyEnv }
        profile.headers.merge(headers) { _, new in new }
        profile.headerEnv.merge(headerEnv) { _, new in new }
        if let timeout { profile.timeout = timeout }
        if let chunkTimeout { profile.chunkTimeout = chunkTimeout }
        if let temperature { profile.temperature = temperature }
        if let maxTokens { profile.maxTokens = maxTokens > 0 ? maxTokens : nil }
        if let stream { profile.stream = stream }
        if let retries { profile.retries = retries }
        if let warmUp { profile.warmUp = warmUp }
    }
}

/// Where previews go: the profiles and which one is used when none is named.
public struct PreviewSettings: Sendable, Equatable {
    public var defaultEndpoint = "ollama"
    public var endpoints: [String: EndpointProfile] = EndpointProfile.builtIn
    /// The user message sent when a system message declares no cases.
    public var probe = PreviewSettings.defaultProbe
    /// Endpoints an evaluation compares by default, the reference (strong) model last.
    public var compare: [String] = []
    /// How answers are judged (`[judge]`).
    public var judge = JudgeSettings()

    public static let defaultProbe = "Hello! Who are you, and what can you help me with?"

    public init() {}

    /// Applies a layer's changes to the profile `name`, creating it when new.
    public mutating func override(_ name: String, with change: EndpointOverride) {
        var profile = endpoints[name] ?? EndpointProfile(name: name, baseURL: "", model: "")
        change.apply(to: &profile)
        endpoints[name] = profile
    }

    /// The profile to use: `name`, else the default. Errors say what to set.
    public func profile(named name: String?) -> Result<EndpointProfile, PreviewSettingsError> {
        let chosen = name ?? defaultEndpoint
        guard let profile = endpoints[chosen] else {
            return .failure(PreviewSettingsError(message: "no endpoint named '\(chosen)'; known: \(endpoints.keys.sorted().joined(separator: ", ")). Add [\(TOMLSubset.dotted(["endpoints", chosen]))] to .facet.toml"))
        }
        if profile.baseURL.isEmpty {
            return .failure(PreviewSettingsError(message: "endpoint '\(chosen)' has no base-url; set it in [\(TOMLSubset.dotted(["endpoints", chosen]))]"))
        }
        if profile.model.isEmpty {
            return .failure(PreviewSettingsError(message: "endpoint '\(chosen)' has no model; set model in [\(TOMLSubset.dotted(["endpoints", chosen]))]"))
        }
        return .success(profile)
    }
}

public struct PreviewSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
