// `textDocument/publishDiagnostics` notification (server to client).
public struct PublishDiagnosticsParams: Codable, Sendable {
    public var uri: DocumentURI
    public var version: Int?
    public var diagnostics: [Diagnostic]
    public init(uri: DocumentURI, version: Int?, diagnostics: [Diagnostic]) {
        self.uri = uri
        self.version = version
        self.diagnostics = diagnostics
    }
}
