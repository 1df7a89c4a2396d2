// `textDocument/hover` request.
public typealias HoverParams = TextDocumentPositionParams

public struct Hover: Codable, Sendable {
    public var contents: MarkupContent
    public var range: LSPRange?
    public init(contents: MarkupContent, range: LSPRange?) {
        self.contents = contents
        self.range = range
    }
}
