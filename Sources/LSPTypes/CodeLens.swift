// `textDocument/codeLens` request.
public struct CodeLensParams: Codable, Sendable {
    public var textDocument: TextDocumentIdentifier
}

public struct CodeLens: Codable, Sendable, Hashable {
    public var range: LSPRange
    public var command: Command?
    public init(range: LSPRange, command: Command?) {
        self.range = range
        self.command = command
    }
}
