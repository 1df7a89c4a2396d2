// The `Diagnostic` structure, shared by push and pull diagnostics and code actions.

public struct Diagnostic: Codable, Sendable, Hashable {
    public var range: LSPRange
    /// 1 error, 2 warning, 3 information, 4 hint.
    public var severity: Int?
    /// The rule id. Clients may send numbers back, so it is kept as JSON.
    public var code: JSONValue?
    public var codeDescription: CodeDescription?
    public var source: String?
    public var message: String
    public var relatedInformation: [DiagnosticRelatedInformation]?
    public var data: JSONValue?

    public init(range: LSPRange, severity: Int?, code: String?, codeDescription: CodeDescription?, source: String?,
                message: String, relatedInformation: [DiagnosticRelatedInformation]?, data: JSONValue?) {
        self.range = range
        self.severity = severity
        self.code = code.map(JSONValue.string)
        self.codeDescription = codeDescription
        self.source = source
        self.message = message
        self.relatedInformation = relatedInformation
        self.data = data
    }

    public struct CodeDescription: Codable, Sendable, Hashable {
        public var href: String
        public init(href: String) { self.href = href }
    }
}

public struct DiagnosticRelatedInformation: Codable, Sendable, Hashable {
    public var location: Location
    public var message: String
    public init(location: Location, message: String) {
        self.location = location
        self.message = message
    }
}
