// `workspace/configuration` (server to client) and `workspace/didChangeConfiguration`.
public struct ConfigurationParams: Codable, Sendable {
    public var items: [ConfigurationItem]
    public init(items: [ConfigurationItem]) { self.items = items }
}

public struct ConfigurationItem: Codable, Sendable {
    public var scopeUri: DocumentURI?
    public var section: String?
    public init(scopeUri: DocumentURI?, section: String?) {
        self.scopeUri = scopeUri
        self.section = section
    }
}

public struct DidChangeConfigurationParams: Codable, Sendable {
    public var settings: JSONValue?
}
