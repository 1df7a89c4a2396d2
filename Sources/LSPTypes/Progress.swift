import JSONRPC

// `window/workDoneProgress/create` request (server to client).
public struct WorkDoneProgressCreateParams: Codable, Sendable {
    public var token: ProgressToken
    public init(token: ProgressToken) { self.token = token }
}

// `window/workDoneProgress/cancel` notification (client to server).
public struct WorkDoneProgressCancelParams: Codable, Sendable {
    public var token: ProgressToken
}

// `$/progress` notification with a work-done value (begin, report or end).
public struct ProgressParams: Codable, Sendable {
    public var token: ProgressToken
    public var value: WorkDoneProgress
    public init(token: ProgressToken, value: WorkDoneProgress) {
        self.token = token
        self.value = value
    }
}

public struct WorkDoneProgress: Codable, Sendable, Equatable {
    public var kind: String
    public var title: String?
    public var cancellable: Bool?
    public var message: String?
    public var percentage: Int?

    public static func begin(_ title: String, message: String?, cancellable: Bool) -> WorkDoneProgress {
        WorkDoneProgress(kind: "begin", title: title, cancellable: cancellable, message: message, percentage: 0)
    }
    public static func report(_ message: String, percentage: Int?) -> WorkDoneProgress {
        WorkDoneProgress(kind: "report", message: message, percentage: percentage)
    }
    public static func end(_ message: String) -> WorkDoneProgress {
        WorkDoneProgress(kind: "end", message: message)
    }
}
