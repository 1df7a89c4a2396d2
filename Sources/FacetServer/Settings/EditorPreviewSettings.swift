import FacetCore
import JSONRPC

/// The editor's `preview` settings. Unlike the analysis settings they win over
/// `.facet.toml`, so a user can point a shared project at their own endpoint:
///
/// ```json
/// { "preview": { "endpoint": "local",
///                "endpoints": { "local": { "baseUrl": "http://localhost:8080/v1", "model": "qwen2.5",
///                                          "apiKeyEnv": "LOCAL_KEY", "apiKey": "...", "temperature": 0.2,
///                                          "maxTokens": 512, "timeout": 60, "chunkTimeout": 30,
///                                          "headers": { "X-Project": "facet" },
///                                          "headerEnv": { "X-Api-Key": "GATEWAY_KEY" }, "warmUp": true } },
///                "cacheFile": "/path/previews.sqlite",
///                "compare": ["local", "strong"], "judge": "strong" } }
/// ```
/// An `apiKey` given here is used for requests only: it is never logged or written.
struct EditorPreviewSettings: Equatable, Sendable {
    var endpoint: String?
    var endpoints: [String: EndpointOverride] = [:]
    var keys: [String: String] = [:]
    var cacheFile: String?
    /// Endpoints an evaluation compares, the reference last; over `[preview] compare`.
    var compare: [String]?
    /// The judging endpoint; over `[judge] endpoint`.
    var judge: String?

    static let endpointKeys = ["baseUrl", "model", "apiKeyEnv", "apiKey", "headers", "timeout", "chunkTimeout", "temperature", "maxTokens", "stream", "retries", "headerEnv", "warmUp"]

    /// Reads the settings; a value it cannot use leaves that setting as it was in `previous`.
    static func parse(_ json: JSONValue, keeping previous: EditorPreviewSettings = EditorPreviewSettings()) -> (EditorPreviewSettings, [String]) {
        var settings = EditorPreviewSettings()
        var problems: [String] = []
        guard let object = json.objectValue else { return (previous, ["preview must be an object"]) }
        func unusable<T>(_ field: WritableKeyPath<EditorPreviewSettings, T>, _ problem: String) {
            settings[keyPath: field] = previous[keyPath: field]
            problems.append(problem)
        }
        for key in object.keys.sorted() where !["endpoint", "endpoints", "cacheFile", "compare", "judge"].contains(key) {
            problems.append("preview.\(key) is not a preview setting; known: endpoint, endpoints, cacheFile, compare, judge")
        }
        if let compare = object["compare"] {
            let names = compare.arrayValue?.compactMap(\.stringValue).filter { !$0.isEmpty } ?? []
            if names.count >= 2, names.count == compare.arrayValue?.count { settings.compare = names } else {
                unusable(\.compare, "preview.compare must list two or more endpoint names, the reference model last")
            }
        }
        if let judge = object["judge"] {
            if let name = judge.stringValue, !name.isEmpty { settings.judge = name } else { unusable(\.judge, "preview.judge must be the name of an endpoint profile") }
        }
        if let endpoint = object["endpoint"] {
            if let name = endpoint.stringValue, !name.isEmpty { settings.endpoint = name } else { unusable(\.endpoint, "preview.endpoint must be the name of an endpoint profile") }
        }
        if let cacheFile = object["cacheFile"] {
            if let path = cacheFile.stringValue { settings.cacheFile = path } else { unusable(\.cacheFile, "preview.cacheFile must be a file path") }
        }
        if let endpoints = object["endpoints"] {
            guard let table = endpoints.objectValue else {
                unusable(\.endpoints, "preview.endpoints must be an object of name to settings")
                settings.keys = previous.keys
                return (settings, problems)
            }
            for (name, value) in table.sorted(by: { $0.key < $1.key }) {
                guard let fields = value.objectValue else {
                    unusable(\.endpoints[name], "preview.endpoints.\(name) must be an object")
                    settings.keys[name] = previous.keys[name]
                    continue
                }
                let (change, endpointProblems) = parseEndpoint(name, fields, keeping: previous.endpoints[name] ?? EndpointOverride())
                settings.endpoints[name] = change
                problems += endpointProblems
                if let key = fields["apiKey"] {
                    if let key = key.stringValue, !key.isEmpty { settings.keys[name] = key } else {
                        settings.keys[name] = previous.keys[name]
                        problems.append("preview.endpoints.\(name).apiKey must be a string")
                    }
                }
            }
        }
        return (settings, problems)
    }

    /// One endpoint's fields but `apiKey`; a value it cannot use leaves the field as it was in `previous`.
    static func parseEndpoint(_ name: String, _ fields: [String: JSONValue], keeping previous: EndpointOverride) -> (EndpointOverride, [String]) {
        var change = EndpointOverride()
        var problems: [String] = []
        func unusable<T>(_ field: WritableKeyPath<EndpointOverride, T>, _ problem: String) {
            change[keyPath: field] = previous[keyPath: field]
            problems.append(problem)
        }
        for (key, field) in fields.sorted(by: { $0.key < $1.key }) {
            let here = "preview.endpoints.\(name).\(key)"
            switch key {
            case "baseUrl":
                if let url = field.stringValue, EndpointURL.problem(url) == nil { change.baseURL = url } else {
                    unusable(\.baseURL, "\(here): \(field.stringValue.flatMap(EndpointURL.problem) ?? "must be an http:// or https:// URL")")
                }
            case "model":
                if let model = field.stringValue, !model.isEmpty { change.model = model } else { unusable(\.model, "\(here) must be a model name") }
            case "apiKeyEnv":
                if let variable = field.stringValue, EndpointURL.isVariableName(variable) { change.apiKeyEnv = variable } else { unusable(\.apiKeyEnv, "\(here) must be an environment variable's name") }
            case "apiKey":
                break  // kept apart from the override, in `keys`
            case "headers":
                guard let headers = field.objectValue else { unusable(\.headers, "\(here) must be an object of header name to value"); continue }
                for (header, text) in headers {
                    if let text = text.stringValue { change.headers[header] = text } else { unusable(\.headers[header], "\(here).\(header) must be a string") }
                }
            case "headerEnv":
                guard let headers = field.objectValue else { unusable(\.headerEnv, "\(here) must be an object of header name to environment variable name"); continue }
                for (header, variable) in headers {
                    if let variable = variable.stringValue, EndpointURL.isVariableName(variable) { change.headerEnv[header] = variable } else {
                        unusable(\.headerEnv[header], "\(here).\(header) must be an environment variable's name")
                    }
                }
            case "warmUp":
                if let b = field.boolValue { change.warmUp = b } else { unusable(\.warmUp, "\(here) must be true or false") }
            case "timeout", "chunkTimeout":
                let path: WritableKeyPath<EndpointOverride, Double?> = key == "timeout" ? \.timeout : \.chunkTimeout
                if case .number(let seconds) = field, seconds > 0 { change[keyPath: path] = seconds } else { unusable(path, "\(here) must be a positive number of seconds") }
            case "temperature":
                if case .number(let t) = field, (0...2).contains(t) { change.temperature = t } else { unusable(\.temperature, "\(here) must be a number from 0 to 2") }
            case "maxTokens":
                if let n = field.intValue, n > 0 { change.maxTokens = n } else { unusable(\.maxTokens, "\(here) must be a positive whole number") }
            case "stream":
                if let b = field.boolValue { change.stream = b } else { unusable(\.stream, "\(here) must be true or false") }
            case "retries":
                if let n = field.intValue, (0...10).contains(n) { change.retries = n } else { unusable(\.retries, "\(here) must be a whole number from 0 to 10") }
            default:
                problems.append("\(here) is not an endpoint setting; known: \(endpointKeys.joined(separator: ", "))")
            }
        }
        return (change, problems)
    }

    /// `.facet.toml`'s preview settings with these applied over them.
    func apply(to base: PreviewSettings) -> PreviewSettings {
        var result = base
        if let endpoint { result.defaultEndpoint = endpoint }
        if let compare { result.compare = compare }
        if let judge { result.judge.endpoint = judge }
        for (name, change) in endpoints { result.override(name, with: change) }
        return result
    }
}
