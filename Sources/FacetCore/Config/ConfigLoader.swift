/// An error in a configuration file, naming the file and line.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// Nil when the file as a whole is wrong (a folder, unreadable): no line to name.
    public var line: Int?
    public var message: String
    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }
    public var description: String { line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }
}

extension FacetConfiguration {
    /// Top-level keys `.facet.toml` understands.
    public static let knownKeys = ["required-facets", "min-units", "token-budget", "inlay-hints"]

    /// Reads `.facet.toml` text over `base`. Unknown keys, unknown rule ids and
    /// bad values are errors naming the file and line.
    public static func parse(toml text: String, file: String, over base: FacetConfiguration = .default) throws(ConfigurationError) -> FacetConfiguration {
        let document: TOMLSubset
        do {
            // Editors on Windows may save with a byte order mark; it is not a key.
            document = try TOMLSubset(parsing: text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        } catch {
            throw ConfigurationError(file: file, line: error.line, message: error.message)
        }
        var configuration = base
        for table in document.tables where table.name != "rules" && !PreviewTables.owns(table: table.name) {
            throw ConfigurationError(file: file, line: table.line, message: "unknown table [\(table.name)]; known: [rules], [preview], [judge], [endpoints.NAME]")
        }
        for entry in document.entries {
            func fail(_ message: String) -> ConfigurationError { ConfigurationError(file: file, line: entry.line, message: message) }
            if PreviewTables.owns(table: entry.table) {
                try PreviewTables.apply(entry, to: &configuration.preview, file: file)
                continue
            }
            switch (entry.table, entry.key) {
            case ("rules", let rule):
                guard RuleRegistry.rule(id: rule) != nil else {
                    throw fail("unknown rule '\(rule)'; known rules: \(RuleRegistry.all.map(\.id).joined(separator: ", "))")
                }
                guard case .string(let name) = entry.value else { throw fail("rule '\(rule)' takes a severity string (error, warning, info, hint or off), not \(entry.value.typeName)") }
                if name == "off" {
                    configuration.ruleSeverities[rule] = .some(nil)
                } else if let severity = Severity(rawValue: name) {
                    configuration.ruleSeverities[rule] = severity
                } else {
                    throw fail("'\(name)' is not a severity; use error, warning, info, hint or off")
                }
            case ("", "required-facets"):
                guard case .array(let items) = entry.value else { throw fail("required-facets takes an array of facet names") }
                var facets: [Facet] = []
                for (index, item) in items.enumerated() {
                    let facetNames = Facet.allCases.map(\.rawValue).joined(separator: ", ")
                    func fail(_ message: String) -> ConfigurationError { ConfigurationError(file: file, line: entry.line(ofItem: index), message: message) }
                    guard case .string(let name) = item else { throw fail("required-facets takes facet names in quotes (\(facetNames)), not \(item.typeName)") }
                    guard let facet = Facet(rawValue: name) else { throw fail("required-facets: '\(name)' is not a facet; use \(facetNames)") }
                    facets.append(facet)
                }
                configuration.requiredFacets = facets
            case ("", "min-units"):
                guard case .integer(let n) = entry.value, n >= 0 else { throw fail("min-units takes a whole number of 0 or more") }
                configuration.minimumUnitsForMissingFacet = n
            case ("", "token-budget"):
                guard case .integer(let n) = entry.value, n > 0 else { throw fail("token-budget takes a positive whole number of tokens") }
                configuration.tokenBudget = n
            case ("", "inlay-hints"):
                guard case .bool(let b) = entry.value else { throw fail("inlay-hints takes true or false") }
                configuration.inlayHints = b
            default:
                let name = entry.table.isEmpty ? entry.key : "\(entry.table).\(entry.key)"
                throw fail("unknown setting '\(name)'; known: \(knownKeys.joined(separator: ", ")), [rules], [preview], [judge], [endpoints.NAME]")
            }
        }
        return configuration
    }
}
