import Foundation

/// One message read from the peer, classified. Request and notification
/// parameters stay as raw JSON until a handler decodes them into its own type.
public enum IncomingMessage: Sendable {
    case request(id: RequestID, method: String, body: Data)
    case notification(method: String, body: Data)
    case response(id: RequestID, result: JSONValue?, error: ResponseError?)

    public var method: String? {
        switch self {
        case .request(_, let method, _), .notification(let method, _): return method
        case .response: return nil
        }
    }
}

/// Why a body is not a usable message, with the id to answer when one was readable.
public struct MessageFailure: Error, Sendable, Equatable {
    public var code: ErrorCode
    public var message: String
    public var id: RequestID?
    /// The message was a response: it is logged, never answered.
    public var isResponse = false
}

extension IncomingMessage {
    private struct Envelope: Decodable {
        var jsonrpc: String?
        var id: JSONValue?
        var hasID: Bool
        var method: String?
        var hasMethod: Bool
        var hasResult: Bool
        var result: JSONValue?
        var error: ResponseError?
        var hasError: Bool
        var hasErrorKey: Bool

        enum CodingKeys: String, CodingKey { case jsonrpc, id, method, result, error }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            jsonrpc = try? container.decodeIfPresent(String.self, forKey: .jsonrpc)
            hasID = container.contains(.id)
            id = try? container.decodeIfPresent(JSONValue.self, forKey: .id)
            method = try? container.decodeIfPresent(String.self, forKey: .method)
            hasMethod = container.contains(.method)
            hasResult = container.contains(.result)
            result = hasResult ? try? container.decode(JSONValue.self, forKey: .result) : nil
            hasError = container.contains(.error) && !((try? container.decodeNil(forKey: .error)) ?? false)  // "error": null is none
            hasErrorKey = container.contains(.error)
            error = try? container.decodeIfPresent(ResponseError.self, forKey: .error)
        }

        /// A result or an error and no method: a response, however malformed, so never answered.
        var isResponse: Bool { !hasMethod && (hasResult || hasErrorKey) }
    }

    /// Classifies one message body. Batches (JSON arrays) are rejected: LSP does not use them.
    public static func parse(_ body: [UInt8]) -> Result<IncomingMessage, MessageFailure> {
        // Only a body with a backslash can hold an escape; it is copied only when a lone surrogate is found.
        let body = body.contains(UInt8(ascii: "\\")) ? LoneSurrogates.replaced(in: body) ?? body : body
        if let bad = firstInvalidUTF8Byte(body) {
            return .failure(MessageFailure(code: .parseError, message: "message body is not valid UTF-8 (byte \(bad) of the body)", id: nil))
        }
        let data = Data(body)
        guard let first = body.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) else {
            return .failure(MessageFailure(code: .parseError, message: "empty message body", id: nil))
        }
        guard first == UInt8(ascii: "{") else {
            let valid = (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil
            if !valid { return .failure(MessageFailure(code: .parseError, message: "message body is not JSON", id: nil)) }
            let message = first == UInt8(ascii: "[") ? "batch messages are not supported; send one message at a time"
                : "a message must be a JSON object"
            return .failure(MessageFailure(code: .invalidRequest, message: message, id: nil))
        }
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: data)
        } catch {
            return .failure(MessageFailure(code: .parseError, message: "message body is not JSON", id: nil))
        }
        if envelope.isResponse { return response(envelope) }
        var id: RequestID?
        if envelope.hasID, let raw = envelope.id, raw != .null {
            guard let valid = RequestID(raw) else {
                return .failure(MessageFailure(code: .invalidRequest, message: "id must be a whole number (below 10^15) or a string", id: nil))
            }
            id = valid
        }
        guard envelope.jsonrpc == "2.0" else {
            return .failure(MessageFailure(code: .invalidRequest, message: "jsonrpc must be \"2.0\"", id: id))
        }
        if let method = envelope.method {
            if let id { return .success(.request(id: id, method: method, body: data)) }
            if envelope.hasID { return .failure(MessageFailure(code: .invalidRequest, message: "a request id must not be null", id: nil)) }
            return .success(.notification(method: method, body: data))
        }
        return .failure(MessageFailure(code: .invalidRequest, message: "a message needs a method (request or notification) or a result or error (response)", id: id))
    }

    /// A response from the client: delivered when it names a request, otherwise a
    /// failure marked `isResponse`, which is logged and never answered (answering
    /// would send the client a response to a request it never made).
    private static func response(_ envelope: Envelope) -> Result<IncomingMessage, MessageFailure> {
        func unusable(_ message: String) -> Result<IncomingMessage, MessageFailure> {
            .failure(MessageFailure(code: .invalidRequest, message: message, id: nil, isResponse: true))
        }
        guard envelope.jsonrpc == "2.0" else { return unusable("a response's jsonrpc must be \"2.0\"") }
        guard envelope.hasID, let raw = envelope.id, raw != .null else {
            // The spec's reply to a message the client could not read at all; worth seeing in the log.
            if let error = envelope.error { return unusable("the client reported an error (\(error.code)) without a request id: \(error.message)") }
            return unusable("a response needs the id of the request it answers")
        }
        guard let id = RequestID(raw) else { return unusable("a response's id must be a whole number or a string") }
        if envelope.hasResult && !envelope.hasError { return .success(.response(id: id, result: envelope.result, error: nil)) }
        // A malformed or missing error object still ends the request: it failed.
        let error = envelope.error ?? ResponseError(.invalidRequest, envelope.hasError
            ? "the client sent a malformed error object" : "the client sent a response with neither a result nor an error")
        return .success(.response(id: id, result: nil, error: error))
    }

    /// The offset of the first byte that is not part of valid UTF-8, or nil.
    /// JSON text is UTF-8; decoded anyway, a bad byte made a string fail alone
    /// and the message was answered as if it had no method.
    static func firstInvalidUTF8Byte(_ body: [UInt8]) -> Int? {
        // ASCII, almost every byte of a message, needs no decoding.
        guard body.contains(where: { $0 >= 0x80 }) else { return nil }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = body.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// Decodes the `params` of a request or notification body as `P`.
    /// Absent params decode as `P` from an empty object, so all-optional types work.
    public static func decodeParams<P: Decodable>(_ type: P.Type, from body: Data) throws(ResponseError) -> P {
        do {
            if let params = try JSONDecoder().decode(ParamsBox<P>.self, from: body).params { return params }
            return try JSONDecoder().decode(P.self, from: Data("{}".utf8))
        } catch {
            throw ResponseError(.invalidParams, "invalid params: \(describe(error))")
        }
    }

    /// A short, readable account of a decoding error: which field and what was wrong.
    static func describe(_ error: Error) -> String {
        func path(_ keys: [CodingKey]) -> String {
            // Paths start at the message; params are decoded through a `params` key.
            let keys = keys.first?.stringValue == "params" ? Array(keys.dropFirst()) : keys
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "params" : "params" + text
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            return "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(let type, let context)?:
            return "\(path(context.codingPath)) should be \(type)"
        case .valueNotFound(let type, let context)?:
            return "\(path(context.codingPath)) should be \(type), not null"
        case .dataCorrupted(let context)? where context.codingPath.isEmpty && context.underlyingError == nil:
            // Foundation's whole-document "not valid JSON", given also for valid JSON it
            // cannot represent (1e400, 99999999999999999999), with no field named.
            return "params could not be read: a number out of range (whole numbers must fit in 64 bits) or text that is not JSON"
        case .dataCorrupted(let context)?:
            return "\(path(context.codingPath)): \(context.debugDescription)"
        default:
            return String(describing: error)
        }
    }
}

private struct ParamsBox<P: Decodable>: Decodable {
    var params: P?
}
