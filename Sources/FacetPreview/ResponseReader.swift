import FacetCore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Interprets one HTTP response from a chat-completions endpoint: a
/// server-sent-event stream, a whole JSON answer, or an error status.
struct ResponseReader {
    enum Mode { case stream, json, failure }

    let status: Int
    let mode: Mode
    let retryAfter: String?
    /// Where a 3xx answer points; redirects are never followed (see `RedirectRefusal`).
    let location: String?
    let profile: EndpointProfile
    let hasKey: Bool
    private var parser = SSEParser()
    private var body = Data()
    private(set) var sawDone = false
    private(set) var receivedText = false
    private var finishReason: String?

    /// Events with data read so far (keep-alive comments are not events).
    private(set) var eventsRead = 0
    private var answerBytes = 0

    /// Error bodies and whole answers are read up to this size.
    static let maxBodyBytes = 32 << 20
    /// A streamed answer is read up to this much text (`ChatClient.maxAnswerBytes`).
    let maxAnswerBytes: Int

    init(response: HTTPURLResponse, profile: EndpointProfile, hasKey: Bool, maxAnswerBytes: Int) {
        status = response.statusCode
        self.maxAnswerBytes = maxAnswerBytes
        self.profile = profile
        self.hasKey = hasKey
        retryAfter = response.value(forHTTPHeaderField: "Retry-After")
        location = response.value(forHTTPHeaderField: "Location")
        let type = response.value(forHTTPHeaderField: "Content-Type")?.lowercased() ?? ""
        if !(200..<300).contains(status) {
            mode = .failure
        } else if type.contains("text/event-stream") {
            mode = .stream
        } else {
            mode = .json
        }
    }

    var isStreaming: Bool { mode == .stream }

    /// The events a piece of the body completes.
    mutating func consume(_ data: Data) throws(PreviewError) -> [ChatEvent] {
        switch mode {
        case .failure, .json:
            guard body.count < Self.maxBodyBytes else {
                throw PreviewError(.invalidResponse, "\(profile.name) sent more than \(Self.maxBodyBytes >> 20) MB without streaming")
            }
            body.append(data)
            return []
        case .stream:
            let events: [SSEEvent]
            do { events = try parser.feed(data) } catch {
                throw PreviewError(.malformedEvent, "\(profile.name) sent a line longer than \(SSEParser.maxLineBytes >> 20) MB in its event stream")
            }
            var result: [ChatEvent] = []
            for event in events where !sawDone {
                result.append(contentsOf: try interpret(event))
            }
            return result
        }
    }

    /// The body ended (the connection closed normally).
    mutating func finish(_ output: AsyncThrowingStream<ChatEvent, Error>.Continuation) throws(PreviewError) -> ChatClient.Outcome {
        switch mode {
        case .stream:
            if let last = parser.finish(), !sawDone {
                for event in try interpret(last) { output.yield(event) }
            }
            if !sawDone { output.yield(.finished(reason: finishReason, complete: false)) }
            return .done
        case .json:
            let text = String(decoding: body, as: UTF8.self)
            guard let piece = ChatCompletionPiece.decode(text), piece.choices?.isEmpty == false else {
                if let piece = ChatCompletionPiece.decode(text), let message = piece.error?.message {
                    throw PreviewError(.serverError, "\(profile.name) answered with an error: \(PreviewError.excerpt(message))")
                }
                throw PreviewError(.invalidResponse, "\(profile.name) answered HTTP \(status) with something that is not a chat completion: \(PreviewError.excerpt(text))")
            }
            output.yield(.text(piece.text))
            if let usage = piece.tokenUsage { output.yield(.usage(usage)) }
            output.yield(.finished(reason: piece.finishReason, complete: true))
            return .done
        case .failure:
            return try failure()
        }
    }

    private mutating func interpret(_ event: SSEEvent) throws(PreviewError) -> [ChatEvent] {
        let data = event.data.trimmingCharacters(in: .whitespaces)
        if data == "[DONE]" {
            sawDone = true
            return [.finished(reason: finishReason, complete: true)]
        }
        if data.isEmpty { return [] }
        eventsRead += 1
        guard let piece = ChatCompletionPiece.decode(data) else {
            throw PreviewError(.malformedEvent, "\(profile.name) sent an event that is not valid JSON: data: \(PreviewError.excerpt(data, limit: 120))")
        }
        if let message = piece.error?.message {
            throw PreviewError(.serverError, "\(profile.name) reported an error mid-stream: \(PreviewError.excerpt(message))")
        }
        var result: [ChatEvent] = []
        let text = piece.text
        if !text.isEmpty {
            answerBytes += text.utf8.count
            guard answerBytes <= maxAnswerBytes else {
                throw PreviewError(.invalidResponse, "\(profile.name) streamed more than \(ByteCountFormatter.string(fromByteCount: Int64(maxAnswerBytes), countStyle: .binary)) of answer; stopped reading there, and the text before is kept. Does the endpoint ignore max-tokens?")
            }
            receivedText = true
            result.append(.text(text))
        }
        if let reason = piece.finishReason { finishReason = reason }
        if let usage = piece.tokenUsage { result.append(.usage(usage)) }
        return result
    }

    /// An error status as a retry (429, 503) or a `PreviewError` that says what to check.
    private func failure() throws(PreviewError) -> ChatClient.Outcome {
        let message = Self.serverMessage(body)
        // "...: the server's sentence" without a doubled full stop before the advice that follows.
        let said = message.map { ": " + ($0.hasSuffix(".") ? String($0.dropLast()) : $0) } ?? ""
        let name = profile.name
        switch status {
        case 429, 503:
            return .retry(status: status, wait: Self.retryDelay(retryAfter), message: message)
        case 401:
            throw PreviewError(.unauthorized, "HTTP 401 from \(name)\(said). " + keyAdvice)
        case 403:
            throw PreviewError(.forbidden, "HTTP 403 from \(name)\(said). The key was refused for this model or project. " + keyAdvice)
        case 404:
            let text = (message ?? "").lowercased()
            if text.contains("model") {
                throw PreviewError(.modelNotFound, "model '\(profile.model)' not found at \(name)\(said). Check model in [endpoints.\(name)] or pass --model")
            }
            throw PreviewError(.notFound, "HTTP 404 from \(name) for \(profile.baseURL)/chat/completions\(said). Check base-url: it usually ends in /v1")
        case 300...399:
            throw PreviewError(.httpError, "\(name) answered HTTP \(status), a redirect\(location.map { " to \(PreviewError.excerpt($0))" } ?? ""). " + RedirectRefusal.advice)
        case 500...599:
            throw PreviewError(.serverError, "\(name) failed with HTTP \(status)\(said)")
        default:
            throw PreviewError(.httpError, "\(name) refused the request with HTTP \(status)\(said)")
        }
    }

    private var keyAdvice: String {
        if let variable = profile.apiKeyEnv {
            return "Check the key in $\(variable) (api-key-env of [endpoints.\(profile.name)])"
        }
        return hasKey ? "Check the apiKey in the editor's preview settings"
            : "No key was sent: set api-key-env in [endpoints.\(profile.name)] to the environment variable holding it"
    }

    /// The `error.message` of an OpenAI-style error body, else the body's text, shortened.
    static func serverMessage(_ body: Data) -> String? {
        guard !body.isEmpty else { return nil }
        if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
            if let error = object["error"] as? [String: Any], let message = error["message"] as? String { return PreviewError.excerpt(message) }
            if let error = object["error"] as? String { return PreviewError.excerpt(error) }
            if let detail = object["detail"] as? String { return PreviewError.excerpt(detail) }
            if let message = object["message"] as? String { return PreviewError.excerpt(message) }
        }
        return PreviewError.excerpt(String(decoding: body.prefix(2000), as: UTF8.self))
    }

    /// Seconds to wait from a Retry-After header (seconds or an HTTP date); nil when absent or unreadable.
    static func retryDelay(_ header: String?) -> Double? {
        guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { return nil }
        // Digits (and a fraction, as some servers send) only: Double() also reads "inf", "nan", "-5" and "1e30".
        if header.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) {
            guard let seconds = Double(header), seconds.isFinite else { return nil }
            return seconds
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        if let date = formatter.date(from: header) { return max(0, date.timeIntervalSinceNow) }
        return nil
    }
}
