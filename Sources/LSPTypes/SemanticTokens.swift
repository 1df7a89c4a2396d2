// `textDocument/semanticTokens/full` and `/range` requests.
public struct SemanticTokensParams: Codable, Sendable {
    public var textDocument: TextDocumentIdentifier
}

public struct SemanticTokensRangeParams: Codable, Sendable {
    public var textDocument: TextDocumentIdentifier
    public var range: LSPRange
}

public struct SemanticTokensLegend: Codable, Sendable, Hashable {
    public var tokenTypes: [String]
    public var tokenModifiers: [String]
    public init(tokenTypes: [String], tokenModifiers: [String]) {
        self.tokenTypes = tokenTypes
        self.tokenModifiers = tokenModifiers
    }
}

/// Tokens as LSP packs them: five integers each (delta line, delta start,
/// length, type index, modifier bits), positions relative to the previous token.
public struct SemanticTokens: Codable, Sendable, Hashable {
    public var data: [Int]
    public init(data: [Int]) { self.data = data }
}
