import FacetCore
import JSONRPC

/// Settings an editor sends (in `initializationOptions`, `workspace/configuration`
/// for section "facet", or `workspace/didChangeConfiguration`). Keys may be
/// camelCase or kebab-case, and may sit under a "facet" key:
///
/// ```json
/// { "rules": { "vague-quantifier": "off" }, "requiredFacets": ["role", "task", "format"],
///   "minUnits": 3, "tokenBudget": 4000, "inlayHints": true,
///   "diagnosticsDelay": 150, "pushDiagnostics": true, "maxDiagnostics": 1000 }
/// ```
///
/// A `.facet.toml` next to the file is read over these, so a project's file
/// always wins and the editor shows what `facet check` prints.
struct EditorSettings: Equatable, Sendable {
    var ruleSeverities: [String: Severity?] = [:]
    var requiredFacets: [Facet]?
    var minimumUnits: Int?
    var tokenBudget: Int?
    var inlayHints: Bool?
    /// Milliseconds between the last edit and publishing diagnostics.
    var diagnosticsDelay: Int?
    /// Push diagnostics even to a client that can pull them (or not at all).
    var pushDiagnostics: Bool?
    /// The most diagnostics sent for one document; editors slow to a crawl on
    /// hundreds of thousands, which a large generated file can have.
    var maxDiagnostics: Int?
    /// The preference index file (`$FACET_INDEX` wins over it).
    var indexPath: String?
    /// Previews (`preview`): see `PreviewSettingsReader`. These win over `.facet.toml`.
    var preview = EditorPreviewSettings()

    /// The settings object with any "facet" wrapper removed and kebab-case keys
    /// in camelCase, so layers from different sources merge key by key.
    /// Anything but an object (null, an empty answer) is no settings.
    static func normalized(_ json: JSONValue?) -> [String: JSONValue] {
        guard var object = json?.objectValue else { return [:] }
        if let nested = object["facet"]?.objectValue { object = nested }
        var result: [String: JSONValue] = [:]
        for (key, value) in object where value != .null {
            let parts = key.split(separator: "-")
            let camel = parts.enumerated().map { $0.offset == 0 ? String($0.element) : $0.element.prefix(1).uppercased() + $0.element.dropFirst() }.joined()
            result[camel] = value
        }
        return result
    }

    /// Reads settings; returns them with a message for each value it could not use.
    /// A value it cannot use leaves that setting as it was in `previous` (a typo
    /// sent later does not undo a setting that worked); an absent one is the default.
    static func parse(_ json: JSONValue?, keeping previous: EditorSettings = EditorSettings()) -> (EditorSettings, problems: [String]) {
        var settings = EditorSettings()
        var problems: [String] = []
        let object = normalized(json)
        guard !object.isEmpty else { return (settings, []) }
        func value(_ names: String...) -> (String, JSONValue)? {
            for name in names { if let v = object[name], v != .null { return (name, v) } }
            return nil
        }
        func unusable<T>(_ field: WritableKeyPath<EditorSettings, T>, _ problem: String) {
            settings[keyPath: field] = previous[keyPath: field]
            problems.append(problem)
        }
        let known = ["rules", "requiredFacets", "minUnits", "tokenBudget", "inlayHints", "diagnosticsDelay", "pushDiagnostics", "maxDiagnostics", "indexPath", "preview"]
        for key in object.keys.sorted() where !known.contains(key) {
            problems.append("'\(key)' is not a Facet setting; known: \(known.joined(separator: ", "))")
        }
        if let (name, rules) = value("rules") {
            if let table = rules.objectValue {
                for (id, severity) in table.sorted(by: { $0.key < $1.key }) {
                    guard RuleRegistry.rule(id: id) != nil else { problems.append("\(name): unknown rule '\(id)'"); continue }
                    switch severity.stringValue {
                    case "off"?: settings.ruleSeverities[id] = .some(nil)
                    case let text? where Severity(rawValue: text) != nil: settings.ruleSeverities[id] = Severity(rawValue: text)
                    default: unusable(\.ruleSeverities[id], "\(name).\(id): use error, warning, info, hint or off")
                    }
                }
            } else {
                unusable(\.ruleSeverities, "\(name) must be an object of rule id to severity")
            }
        }
        if let (name, facets) = value("requiredFacets") {
            let parsed = facets.arrayValue?.compactMap { $0.stringValue.flatMap(Facet.init(rawValue:)) }
            if let parsed, parsed.count == facets.arrayValue?.count {
                settings.requiredFacets = parsed
            } else {
                unusable(\.requiredFacets, "\(name) must be a list of facets: \(Facet.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        if let (name, n) = value("minUnits") {
            if let n = n.intValue, n >= 0 { settings.minimumUnits = n } else { unusable(\.minimumUnits, "\(name) must be a whole number of 0 or more") }
        }
        if let (name, n) = value("tokenBudget") {
            if let n = n.intValue, n > 0 { settings.tokenBudget = n } else { unusable(\.tokenBudget, "\(name) must be a positive whole number") }
        }
        if let (name, b) = value("inlayHints") {
            if let b = b.boolValue { settings.inlayHints = b } else { unusable(\.inlayHints, "\(name) must be true or false") }
        }
        if let (name, n) = value("diagnosticsDelay") {
            if let n = n.intValue, n >= 0, n <= 10_000 { settings.diagnosticsDelay = n } else { unusable(\.diagnosticsDelay, "\(name) must be milliseconds between 0 and 10000") }
        }
        if let (name, n) = value("maxDiagnostics") {
            if let n = n.intValue, n >= 1 { settings.maxDiagnostics = n } else { unusable(\.maxDiagnostics, "\(name) must be a whole number of 1 or more") }
        }
        if let (name, path) = value("indexPath") {
            if let path = path.stringValue { settings.indexPath = path } else { unusable(\.indexPath, "\(name) must be a file path") }
        }
        if let (_, preview) = value("preview") {
            let (read, previewProblems) = EditorPreviewSettings.parse(preview, keeping: previous.preview)
            settings.preview = read
            problems += previewProblems
        }
        if let (name, b) = value("pushDiagnostics") {
            if let b = b.boolValue { settings.pushDiagnostics = b } else { unusable(\.pushDiagnostics, "\(name) must be true or false") }
        }
        return (settings, problems)
    }

    /// The defaults with these settings applied; `.facet.toml` is read over the result.
    var configuration: FacetConfiguration {
        var configuration = FacetConfiguration.default
        configuration.ruleSeverities.merge(ruleSeverities) { $1 }
        if let requiredFacets { configuration.requiredFacets = requiredFacets }
        if let minimumUnits { configuration.minimumUnitsForMissingFacet = minimumUnits }
        if let tokenBudget { configuration.tokenBudget = tokenBudget }
        if let inlayHints { configuration.inlayHints = inlayHints }
        return configuration
    }
}
