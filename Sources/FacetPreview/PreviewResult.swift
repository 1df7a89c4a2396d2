/// One model answer within a case.
public struct PreviewAnswer: Sendable, Codable, Equatable {
    /// Index into the case's turns of the user message answered.
    public var turn: Int
    public var text: String
    public var finishReason: String?
    /// False when the stream stopped early; `text` holds what arrived.
    public var complete: Bool
    /// Why the answer failed, when it did (never holds the API key).
    public var error: String?
    /// The `PreviewError.Kind` behind `error`, so callers can tell endpoint-wide faults from one-off ones.
    public var failureKind: String?
    public var usage: TokenUsage?
    /// Seconds from sending to the first text.
    public var firstTextSeconds: Double?
    public var seconds: Double
    /// Pieces of text received (about one per token when streaming).
    public var chunks: Int

    public init(turn: Int) {
        self.turn = turn
        text = ""
        complete = false
        seconds = 0
        chunks = 0
    }
}

/// What one case produced.
public struct CaseResult: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable { case waiting, running, done, failed, cancelled }

    public var name: String
    public var number: Int
    public var status: Status
    public var answers: [PreviewAnswer]
    /// Served from the cache, not the endpoint.
    public var cached: Bool

    public init(name: String, number: Int) {
        self.name = name
        self.number = number
        status = .waiting
        answers = []
        cached = false
    }

    /// The first answer's error, if any answer failed.
    public var error: String? { answers.lazy.compactMap(\.error).first }

    /// True when every answer finished normally (what the cache keeps).
    /// An answer with no text (a model that stopped at once, or called a tool) is asked again next time.
    public var isCacheable: Bool {
        status == .done && answers.allSatisfy { $0.complete && $0.error == nil && !$0.text.allSatisfy(\.isWhitespace) }
    }
}
