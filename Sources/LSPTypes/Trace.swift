// `$/setTrace` (client to server) and `$/logTrace` (server to client).
public struct SetTraceParams: Codable, Sendable {
    /// "off", "messages" or "verbose".
    public var value: String
}

public struct LogTraceParams: Codable, Sendable {
    public var message: String
    public var verbose: String?
    public init(message: String, verbose: String?) {
        self.message = message
        self.verbose = verbose
    }
}
