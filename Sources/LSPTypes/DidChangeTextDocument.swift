// `textDocument/didChange` notification.
public struct DidChangeTextDocumentParams: Codable, Sendable {
    public var textDocument: VersionedTextDocumentIdentifier
    public var contentChanges: [TextDocumentContentChangeEvent]
}

/// A change: the whole text when `range` is absent, else a replacement of `range`.
public struct TextDocumentContentChangeEvent: Codable, Sendable, Hashable {
    public var range: LSPRange?
    public var rangeLength: Int?
    public var text: String
    public init(range: LSPRange?, text: String) {
        self.range = range
        self.text = text
    }
}
