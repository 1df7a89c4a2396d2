// `workspace/executeCommand` request.
public struct ExecuteCommandParams: Codable, Sendable {
    public var command: String
    public var arguments: [JSONValue]?
    /// A token the client made for `$/progress` reports on this command.
    public var workDoneToken: ProgressToken?
}
