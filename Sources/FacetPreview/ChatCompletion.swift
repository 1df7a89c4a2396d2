import FacetCore
import Foundation

/// A message of a chat-completions request.
public struct ChatMessage: Sendable, Hashable, Codable {
    public var role: String
    public var content: String
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// Token counts, when the endpoint reports them.
public struct TokenUsage: Sendable, Hashable, Codable {
    public var promptTokens: Int
    public var completionTokens: Int
    public init(promptTokens: Int, completionTokens: Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }
}

/// The body of `POST {base-url}/chat/completions`.
struct ChatCompletionRequest: Encodable {
    var model: String
    var messages: [ChatMessage]
    var stream: Bool
    var temperature: Double?
    var maxTokens: Int?
    var streamOptions: StreamOptions?

    struct StreamOptions: Encodable {
        var includeUsage = true
        enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
    }

    enum CodingKeys: String, CodingKey {
        case model, messages, stream, temperature
        case maxTokens = "max_tokens"
        case streamOptions = "stream_options"
    }

    init(profile: EndpointProfile, messages: [ChatMessage]) {
        model = profile.model
        self.messages = messages
        stream = profile.stream
        temperature = profile.temperature
        maxTokens = profile.maxTokens
        streamOptions = profile.stream ? StreamOptions() : nil
    }
}

/// What one streamed chunk, or a whole non-streamed answer, says.
struct ChatCompletionPiece: Decodable {
    struct Choice: Decodable {
        struct Content: Decodable {
            var content: String?
            var refusal: String?
        }
        var delta: Content?
        var message: Content?
        var finishReason: String?
        enum CodingKeys: String, CodingKey {
            case delta, message
            case finishReason = "finish_reason"
        }
    }
    struct Usage: Decodable {
        var promptTokens: Int?
        var completionTokens: Int?
        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
        }
    }
    struct ErrorBody: Decodable {
        var message: String?
    }

    var choices: [Choice]?
    var usage: Usage?
    var error: ErrorBody?

    var text: String {
        (choices ?? []).compactMap { $0.delta?.content ?? $0.message?.content ?? $0.delta?.refusal ?? $0.message?.refusal }.joined()
    }
    var finishReason: String? { choices?.compactMap(\.finishReason).first }
    var tokenUsage: TokenUsage? {
        guard let usage, let prompt = usage.promptTokens, let completion = usage.completionTokens else { return nil }
        return TokenUsage(promptTokens: prompt, completionTokens: completion)
    }

    static func decode(_ text: String) -> ChatCompletionPiece? {
        try? JSONDecoder().decode(ChatCompletionPiece.self, from: Data(text.utf8))
    }
}
