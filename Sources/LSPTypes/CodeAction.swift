// `textDocument/codeAction` request.
public struct CodeActionParams: Codable, Sendable {
    public var textDocument: TextDocumentIdentifier
    public var range: LSPRange
    public var context: CodeActionContext
}

public struct CodeActionContext: Codable, Sendable {
    public var diagnostics: [Diagnostic]
    public var only: [String]?
}

public struct CodeAction: Codable, Sendable, Hashable {
    public var title: String
    /// "quickfix", "source.fixAll"...
    public var kind: String
    public var diagnostics: [Diagnostic]?
    public var isPreferred: Bool?
    public var edit: WorkspaceEdit?
    public init(title: String, kind: String, diagnostics: [Diagnostic]?, isPreferred: Bool?, edit: WorkspaceEdit?) {
        self.title = title
        self.kind = kind
        self.diagnostics = diagnostics
        self.isPreferred = isPreferred
        self.edit = edit
    }
}
