// `$/cancelRequest` notification.
public struct CancelParams: Codable, Sendable {
    public var id: RequestID
}
