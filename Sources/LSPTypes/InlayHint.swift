// `textDocument/inlayHint` request.
public struct InlayHintParams: Codable, Sendable {
    public var textDocument: TextDocumentIdentifier
    public var range: LSPRange
}

public struct InlayHint: Codable, Sendable, Hashable {
    public var position: Position
    public var label: String
    /// 1 type, 2 parameter; Facet's labels are neither, so it is left out.
    public var kind: Int?
    public var tooltip: String?
    public var paddingRight: Bool?
    public init(position: Position, label: String, tooltip: String?, paddingRight: Bool) {
        self.position = position
        self.label = label
        self.tooltip = tooltip
        self.paddingRight = paddingRight
    }
}
