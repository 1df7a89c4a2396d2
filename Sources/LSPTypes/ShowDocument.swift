// `window/showDocument` request (server to client).
public struct ShowDocumentParams: Codable, Sendable {
    public var uri: String
    public var external: Bool?
    public var takeFocus: Bool?
    public init(uri: String, takeFocus: Bool) {
        self.uri = uri
        self.takeFocus = takeFocus
    }
}
