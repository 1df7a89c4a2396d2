import FacetCore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What a chat-completions call yields, in order, as it streams.
public enum ChatEvent: Sendable, Equatable {
    /// The endpoint asked to wait (429 or 503); the request is sent again after `seconds`.
    case retrying(status: Int, seconds: Double, attempt: Int)
    /// Answer text, as it arrives.
    case text(String)
    case usage(TokenUsage)
    /// The answer ended. `complete` is false when the stream stopped without
    /// `data: [DONE]`; what arrived before is kept.
    case finished(reason: String?, complete: Bool)
}

/// Sends chat completions to one endpoint profile. Streams when the profile
/// asks to and the endpoint answers `text/event-stream`; otherwise reads the
/// whole JSON answer. Retries 429 and 503 answers, honouring Retry-After.
public struct ChatClient: Sendable {
    public let profile: EndpointProfile
    private let apiKey: String?
    private let redaction: Redaction
    /// Longest wait a Retry-After may ask for before the client gives up.
    public var maxRetryWait: Double = 60
    /// A streamed answer is read up to this much text: an endpoint that
    /// ignores max_tokens could otherwise stream until memory runs out.
    public var maxAnswerBytes = 4 << 20

    /// `apiKey` comes from the editor's settings or the environment variable the profile names.
    public init(profile: EndpointProfile, apiKey: String?) {
        self.profile = profile
        self.apiKey = apiKey
        redaction = Redaction([apiKey] + profile.secretHeaderValues)
    }

    /// The key for `profile`: the editor's key if given, else the named environment variable.
    public static func apiKey(for profile: EndpointProfile, editorKey: String? = nil,
                              environment: [String: String] = ProcessInfo.processInfo.environment) -> Result<String?, PreviewError> {
        if let editorKey, !editorKey.isEmpty { return .success(editorKey) }
        guard let variable = profile.apiKeyEnv else { return .success(nil) }
        guard let key = environment[variable], !key.isEmpty else {
            return .failure(PreviewError(.missingKey, "endpoint '\(profile.name)' reads its API key from $\(variable), which is not set; export it, or set api-key-env in [endpoints.\(profile.name)]"))
        }
        return .success(key)
    }

    /// The URL requests go to.
    public var completionsURL: String {
        url("chat/completions")
    }

    /// The cheap GET that opens the connection the completion request then reuses (see `HTTPTransfer`).
    var modelsURL: String {
        url("models")
    }

    /// `path` under the profile's base URL, with one slash between, before any
    /// query (Azure-style base URLs end in "?api-version=...").
    private func url(_ path: String) -> String {
        let base = profile.baseURL
        let (head, query) = base.firstIndex(of: "?").map { (String(base[..<$0]), String(base[$0...])) } ?? (base, "")
        return (head.hasSuffix("/") ? head + path : head + "/" + path) + query
    }

    /// Streams one answer to `messages`. Cancelling the consuming task, or
    /// dropping the stream, cancels the HTTP request at once.
    public func complete(_ messages: [ChatMessage]) -> AsyncThrowingStream<ChatEvent, Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: ChatEvent.self)
        let task = Task {
            do {
                try await run(messages, continuation)
                continuation.finish()
            } catch let error as PreviewError {
                continuation.finish(throwing: PreviewError(error.kind, redaction.apply(error.message)))
            } catch is CancellationError {
                continuation.finish(throwing: PreviewError(.cancelled, "the request was cancelled"))
            } catch {
                continuation.finish(throwing: PreviewError(.transport, redaction.apply(String(describing: error))))
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    func makeRequest(_ messages: [ChatMessage]) throws(PreviewError) -> URLRequest {
        if let problem = EndpointURL.problem(profile.baseURL) { throw PreviewError(.invalidURL, "endpoint '\(profile.name)': \(problem)") }
        guard let url = URL(string: completionsURL) else { throw PreviewError(.invalidURL, "endpoint '\(profile.name)': base-url '\(profile.baseURL)' is not a valid URL") }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(profile.stream ? "text/event-stream, application/json" : "application/json", forHTTPHeaderField: "Accept")
        for (name, value) in profile.headers.sorted(by: { $0.key < $1.key }) { request.setValue(value, forHTTPHeaderField: name) }
        if let apiKey { request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do { request.httpBody = try encoder.encode(ChatCompletionRequest(profile: profile, messages: messages)) } catch {
            throw PreviewError(.invalidResponse, "could not encode the request: \(error)")
        }
        return request
    }

    private func run(_ messages: [ChatMessage], _ output: AsyncThrowingStream<ChatEvent, Error>.Continuation) async throws {
        let request = try makeRequest(messages)
        var attempt = 0
        while true {
            try Task.checkCancellation()
            switch try await attemptOnce(request, output) {
            case .done:
                return
            case .retry(let status, let asked, let serverMessage):
                attempt += 1
                // Without Retry-After, back off exponentially: 1, 2, 4, 8 s.
                let wait = asked ?? min(8, Double(1 << (attempt - 1)))
                guard attempt <= profile.retries else {
                    throw PreviewError(status == 429 ? .rateLimited : .unavailable, "\(status == 429 ? "rate limited" : "service unavailable") (HTTP \(status)) by \(profile.name) after \(profile.retries) \(profile.retries == 1 ? "retry" : "retries")\(serverMessage.map { ": \($0)" } ?? ""); try again later or lower the request rate")
                }
                guard wait <= maxRetryWait else {
                    throw PreviewError(.rateLimited, "rate limited (HTTP \(status)) by \(profile.name), which asks to wait \(String(format: "%.0f", wait)) s\(serverMessage.map { ": \($0)" } ?? "")")
                }
                output.yield(.retrying(status: status, seconds: wait, attempt: attempt))
                try await Task.sleep(nanoseconds: UInt64(wait * 1e9))
            }
        }
    }

    enum Outcome { case done, retry(status: Int, wait: Double?, message: String?) }

    private func attemptOnce(_ request: URLRequest, _ output: AsyncThrowingStream<ChatEvent, Error>.Continuation) async throws -> Outcome {
        let transfer = HTTPTransfer(request: request, warmUpURL: profile.warmUp ? URL(string: modelsURL) : nil, timeout: profile.timeout, chunkTimeout: profile.chunkTimeout)
        defer { transfer.stop() }
        transfer.start()
        var reader: ResponseReader?
        do {
            for try await event in transfer.events {
                switch event {
                case .response(let response):
                    reader = ResponseReader(response: response, profile: profile, hasKey: apiKey != nil, maxAnswerBytes: maxAnswerBytes)
                    // A stream has started when its first event arrives; other bodies when their head does.
                    if !reader!.isStreaming { transfer.progressed() }
                case .data(let data):
                    guard reader != nil else { continue }
                    let eventsBefore = reader!.eventsRead
                    let pieces = try reader!.consume(data)
                    if !reader!.isStreaming || reader!.eventsRead > eventsBefore { transfer.progressed() }
                    for piece in pieces { output.yield(piece) }
                    if reader!.sawDone { return .done }
                }
            }
        } catch let error as PreviewError {
            // A cut connection keeps what arrived, marked incomplete.
            if error.kind == .transport, let reader, reader.isStreaming, reader.receivedText {
                output.yield(.finished(reason: nil, complete: false))
                return .done
            }
            throw error
        }
        try Task.checkCancellation()
        guard var reader else { throw PreviewError(.invalidResponse, "\(profile.name) closed the connection without answering") }
        return try reader.finish(output)
    }
}
