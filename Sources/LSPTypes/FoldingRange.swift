// `textDocument/foldingRange` request.
public struct FoldingRangeParams: Codable, Sendable {
    public var textDocument: TextDocumentIdentifier
}

public struct FoldingRange: Codable, Sendable, Hashable {
    public var startLine: Int
    public var endLine: Int
    /// "comment", "imports" or "region".
    public var kind: String?
    public init(startLine: Int, endLine: Int, kind: String?) {
        self.startLine = startLine
        self.endLine = endLine
        self.kind = kind
    }
}
