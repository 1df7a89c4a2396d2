// `textDocument/completion` request.
public struct CompletionParams: Codable, Sendable {
    public var textDocument: TextDocumentIdentifier
    public var position: Position
}

public struct CompletionList: Codable, Sendable {
    public var isIncomplete: Bool
    public var items: [CompletionItem]
    public init(isIncomplete: Bool, items: [CompletionItem]) {
        self.isIncomplete = isIncomplete
        self.items = items
    }
}

public struct CompletionItem: Codable, Sendable, Hashable {
    public var label: String
    /// CompletionItemKind: 1 text, 15 snippet, 18 reference...
    public var kind: Int?
    public var detail: String?
    public var documentation: MarkupContent?
    public var sortText: String?
    public var filterText: String?
    public var insertText: String?
    /// 1 plain text, 2 snippet.
    public var insertTextFormat: Int?
    public init(label: String, kind: Int?, detail: String?, documentation: MarkupContent?, sortText: String?,
                filterText: String?, insertText: String?) {
        self.label = label
        self.kind = kind
        self.detail = detail
        self.documentation = documentation
        self.sortText = sortText
        self.filterText = filterText
        self.insertText = insertText
        self.insertTextFormat = 1
    }
}
