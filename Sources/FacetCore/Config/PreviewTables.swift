/// Reads the preview tables of `.facet.toml`:
///
/// ```toml
/// [preview]
/// endpoint = "local"            # the profile used when none is named
///
/// [endpoints.local]
/// base-url = "http://localhost:8080/v1"
/// model = "qwen2.5"
/// api-key-env = "LOCAL_KEY"     # the variable's name, never the key
/// timeout = 60                  # seconds for the response to start
/// chunk-timeout = 30            # seconds allowed between chunks
/// temperature = 0.2
/// max-tokens = 512
///
/// [endpoints.local.headers]
/// X-Project = "facet"
///
/// [endpoints.local.header-env]  # header values read from the environment
/// X-Api-Key = "GATEWAY_KEY"
/// ```
enum PreviewTables {
    static let endpointKeys = ["base-url", "model", "api-key-env", "timeout", "chunk-timeout", "temperature", "max-tokens", "stream", "retries", "warm-up"]

    /// Whether a table name belongs to the preview settings.
    static func owns(table name: String) -> Bool {
        name == "preview" || name == "judge" || name == "endpoints" || name.hasPrefix("endpoints.")
    }

    /// Applies one entry of a preview table; throws with the file and line on a bad key or value.
    static func apply(_ entry: TOMLSubset.Entry, to settings: inout PreviewSettings, file: String) throws(ConfigurationError) {
        func fail(_ message: String) -> ConfigurationError { ConfigurationError(file: file, line: entry.line, message: message) }
        if entry.table == "preview" {
            switch entry.key {
            case "endpoint":
                guard case .string(let name) = entry.value, !name.isEmpty else { throw fail("preview.endpoint takes the name of an endpoint profile") }
                settings.defaultEndpoint = name
            case "probe":
                guard case .string(let text) = entry.value, !text.isEmpty else { throw fail("preview.probe takes the user message to send when a file has no cases") }
                settings.probe = text
            case "compare":
                guard case .array(let items) = entry.value, items.count >= 2 else {
                    throw fail("preview.compare takes two or more endpoint names, the reference model last, e.g. [\"local\", \"strong\"]")
                }
                var names: [String] = []
                for (index, item) in items.enumerated() {
                    guard case .string(let name) = item, !name.isEmpty else {
                        throw ConfigurationError(file: file, line: entry.line(ofItem: index), message: "preview.compare takes endpoint names as strings")
                    }
                    names.append(name)
                }
                settings.compare = names
            default:
                throw fail("unknown setting 'preview.\(entry.key)'; known: endpoint, probe, compare")
            }
            return
        }
        if entry.table == "judge" {
            try JudgeTable.apply(entry, to: &settings.judge, fail: fail)
            return
        }
        // The parts as written: an endpoint named "qwen2.5" (quoted) is one part, not two.
        let path = entry.tablePath
        guard path.count >= 2, path[0] == "endpoints", !path[1].isEmpty else {
            throw fail("put endpoint settings in a named table, e.g. [endpoints.local]")
        }
        let name = path[1]
        var change = EndpointOverride()
        if path.count == 3 && path[2] == "headers" {
            guard case .string(let value) = entry.value else { throw fail("header '\(entry.key)' takes a string") }
            if SecretName.looksSecret(entry.key) {
                throw fail("header '\(entry.key)' looks like a credential; do not put credentials in .facet.toml: name the environment variable that holds it in [\(TOMLSubset.dotted(["endpoints", name, "header-env"]))] (or the key's in api-key-env), or set the header in the editor's settings")
            }
            change.headers[entry.key] = value
        } else if path.count == 3 && path[2] == "header-env" {
            guard case .string(let variable) = entry.value, EndpointURL.isVariableName(variable) else {
                throw fail("header-env.\(entry.key) takes the name of an environment variable (letters, digits, _), not the value itself")
            }
            change.headerEnv[entry.key] = variable
        } else if path.count == 2 {
            try read(entry, into: &change, fail: fail)
        } else {
            throw fail("unknown table [\(entry.table)]; endpoints take [endpoints.NAME], [endpoints.NAME.headers] and [endpoints.NAME.header-env]")
        }
        settings.override(name, with: change)
    }

    private static func read(_ entry: TOMLSubset.Entry, into change: inout EndpointOverride,
                             fail: (String) -> ConfigurationError) throws(ConfigurationError) {
        func seconds() throws(ConfigurationError) -> Double {
            switch entry.value {
            case .integer(let n) where n > 0: return Double(n)
            case .float(let x) where x > 0: return x
            default: throw fail("\(entry.key) takes a positive number of seconds")
            }
        }
        switch entry.key {
        case "base-url":
            guard case .string(let url) = entry.value else { throw fail("base-url takes a URL string") }
            if let problem = EndpointURL.problem(url) { throw fail(problem) }
            change.baseURL = url
        case "model":
            guard case .string(let model) = entry.value, !model.isEmpty else { throw fail("model takes the model's name") }
            change.model = model
        case "api-key-env":
            guard case .string(let name) = entry.value, EndpointURL.isVariableName(name) else {
                throw fail("api-key-env takes the name of an environment variable (letters, digits, _), not the key itself")
            }
            change.apiKeyEnv = name
        case "api-key", "key", "token":
            throw fail("do not put API keys in .facet.toml; set api-key-env to the name of the environment variable holding it")
        case "timeout":
            change.timeout = try seconds()
        case "chunk-timeout":
            change.chunkTimeout = try seconds()
        case "temperature":
            switch entry.value {
            case .integer(let n) where (0...2).contains(n): change.temperature = Double(n)
            case .float(let x) where (0...2).contains(x): change.temperature = x
            default: throw fail("temperature takes a number from 0 to 2")
            }
        case "max-tokens":
            guard case .integer(let n) = entry.value, n > 0 else { throw fail("max-tokens takes a positive whole number") }
            change.maxTokens = n
        case "stream":
            guard case .bool(let b) = entry.value else { throw fail("stream takes true or false") }
            change.stream = b
        case "retries":
            guard case .integer(let n) = entry.value, (0...10).contains(n) else { throw fail("retries takes a whole number from 0 to 10") }
            change.retries = n
        case "warm-up":
            guard case .bool(let b) = entry.value else { throw fail("warm-up takes true or false") }
            change.warmUp = b
        default:
            throw fail("unknown endpoint setting '\(entry.key)'; known: \(endpointKeys.joined(separator: ", ")), and the tables [\(entry.table).headers] and [\(entry.table).header-env]")
        }
    }
}

/// Checks on endpoint URLs shared by every configuration layer.
public enum EndpointURL {
    /// Why `text` cannot be an endpoint base URL, or nil when it can.
    public static func problem(_ text: String) -> String? {
        let lower = text.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            return "base-url must start with http:// or https:// (got '\(text.prefix(60))')"
        }
        let rest = text.drop(while: { $0 != "/" }).dropFirst(2)
        let host = rest.prefix(while: { $0 != "/" && $0 != "?" && $0 != "#" })
        if host.isEmpty { return "base-url '\(text.prefix(60))' has no host" }
        if host.contains("@") { return "base-url must not carry credentials; name the key's environment variable with api-key-env" }
        if text.contains(where: { $0 == " " || $0 == "\n" }) { return "base-url must not contain spaces" }
        return nil
    }

    public static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }
}

/// The `[judge]` table (see `JudgeSettings`).
enum JudgeTable {
    static let keys = ["endpoint", "repeats", "low", "gap", "tie", "drift", "rubrics", "concurrency"]

    static func apply(_ entry: TOMLSubset.Entry, to judge: inout JudgeSettings,
                      fail: (String) -> ConfigurationError) throws(ConfigurationError) {
        func number(_ range: ClosedRange<Double>) throws(ConfigurationError) -> Double {
            switch entry.value {
            case .integer(let n) where range.contains(Double(n)): return Double(n)
            case .float(let x) where range.contains(x): return x
            default: throw fail("judge.\(entry.key) takes a number from \(range.lowerBound) to \(range.upperBound)")
            }
        }
        switch entry.key {
        case "endpoint":
            guard case .string(let name) = entry.value, !name.isEmpty else { throw fail("judge.endpoint takes the name of an endpoint profile") }
            judge.endpoint = name
        case "repeats":
            guard case .integer(let n) = entry.value, (1...10).contains(n) else { throw fail("judge.repeats takes a whole number from 1 to 10") }
            judge.repeats = n
        case "concurrency":
            guard case .integer(let n) = entry.value, (1...64).contains(n) else { throw fail("judge.concurrency takes a whole number from 1 to 64") }
            judge.concurrency = n
        case "low": judge.low = try number(1...5)
        case "gap": judge.gap = try number(0...4)
        case "tie": judge.tie = try number(0...4)
        case "drift": judge.drift = try number(0...4)
        case "rubrics":
            guard case .string(let mode) = entry.value, mode == "templates" || mode == "judge" else {
                throw fail("judge.rubrics takes \"templates\" (derived from the analysis) or \"judge\" (written by the judge endpoint)")
            }
            judge.rubricsFromJudge = mode == "judge"
        case "api-key", "key", "token":
            throw fail("do not put API keys in .facet.toml; the judge uses its endpoint profile's api-key-env")
        default:
            throw fail("unknown setting 'judge.\(entry.key)'; known: \(keys.joined(separator: ", "))")
        }
    }
}
