// `workspace/didChangeWatchedFiles` notification and the dynamic registration that asks for it.
public struct DidChangeWatchedFilesParams: Codable, Sendable {
    public var changes: [FileEvent]
}

public struct FileEvent: Codable, Sendable {
    public var uri: DocumentURI
    /// 1 created, 2 changed, 3 deleted.
    public var type: Int
}

/// `client/registerCapability` request parameters.
public struct RegistrationParams: Codable, Sendable {
    public var registrations: [Registration]
    public init(registrations: [Registration]) { self.registrations = registrations }
}

public struct Registration: Codable, Sendable {
    public var id: String
    public var method: String
    public var registerOptions: JSONValue?
    public init(id: String, method: String, registerOptions: JSONValue?) {
        self.id = id
        self.method = method
        self.registerOptions = registerOptions
    }
}
