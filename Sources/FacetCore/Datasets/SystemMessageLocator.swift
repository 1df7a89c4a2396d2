/// The chat-dataset row shapes whose system message Facet reads.
public enum DatasetFormat: String, Sendable, Codable, CaseIterable {
    /// OpenAI fine-tuning: `messages: [{role: "system", content}, ...]`.
    case openai
    /// ShareGPT: `conversations: [{from: "system", value}, ...]` (`role`/`content` also read).
    case sharegpt
    /// Multifaceted Collection (and other rows with a top-level `system` string).
    case multifaceted
}

/// Where a row's system message is: the raw bytes of its JSON string literal
/// (between the quotes) and the decoded text. Found with a small byte scanner
/// rather than a full JSON decode: a dataset check reads tens of thousands of
/// rows a second, and `facet tag` must rewrite the literal in place so that
/// everything else in the row stays byte for byte.
public struct LocatedMessage: Sendable, Equatable {
    public var format: DatasetFormat
    /// Byte range of the string literal's contents in the row (quotes excluded).
    public var literal: Range<Int>
    public var text: String
}

public enum LocateError: Error, Sendable, Equatable, CustomStringConvertible {
    case notJSON(String)
    case notAnObject
    case noSystemMessage
    case notAString(String)

    public var description: String {
        switch self {
        case .notJSON(let why): return "not valid JSON: \(why)"
        case .notAnObject: return "the row is not a JSON object"
        case .noSystemMessage: return "no system message (expected 'system', 'messages' with a system role, or 'conversations' with a system turn)"
        case .notAString(let where_): return "the system message in \(where_) is not a plain string"
        }
    }
}

public enum SystemMessageLocator {
    /// The row's system message: a top-level `system` string first, then the
    /// first system entry of `messages`, then of `conversations`. With
    /// `decode: false` the text is left empty (for callers that work on the raw literal).
    public static func locate(_ row: [UInt8], decode: Bool = true) -> Result<LocatedMessage, LocateError> {
        row.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(buffer)
            do { return try locate(&scanner, decode: decode) } catch let error as LocateError { return .failure(error) } catch {
                return .failure(.notJSON("\(error)"))
            }
        }
    }

    private static func locate(_ s: inout JSONScanner, decode: Bool) throws -> Result<LocatedMessage, LocateError> {
        s.skipSpace()
        guard s.peek == UInt8(ascii: "{") else {
            try s.skipValue()
            return .failure(.notAnObject)
        }
        var system: Range<Int>?
        var fromMessages: (Range<Int>, DatasetFormat)?
        var problem: LocateError?
        try s.object { key, s in
            switch key {
            case "system":
                if s.peek == UInt8(ascii: "\"") { system = try s.stringLiteral() } else { try s.skipValue() }
            case "messages", "conversations":
                let format: DatasetFormat = key == "messages" ? .openai : .sharegpt
                guard s.peek == UInt8(ascii: "[") else { return try s.skipValue() }
                try s.array { s in
                    guard s.peek == UInt8(ascii: "{") else { return try s.skipValue() }
                    var role: String?
                    var content: Range<Int>?
                    var contentIsString = true
                    try s.object { field, s in
                        switch field {
                        case "role", "from":
                            if s.peek == UInt8(ascii: "\"") { role = s.decode(try s.stringLiteral()) } else { try s.skipValue() }
                        case "content", "value":
                            if s.peek == UInt8(ascii: "\"") { content = try s.stringLiteral() } else {
                                contentIsString = false
                                try s.skipValue()
                            }
                        default:
                            try s.skipValue()
                        }
                    }
                    guard fromMessages == nil, role == "system" else { return }
                    if let content { fromMessages = (content, format) } else if !contentIsString, problem == nil {
                        problem = .notAString("'\(key)'")
                    }
                }
            default:
                try s.skipValue()
            }
        }
        s.skipSpace()
        guard s.atEnd else { throw LocateError.notJSON("unexpected text after the object at byte \(s.position)") }
        if let system { return .success(LocatedMessage(format: .multifaceted, literal: system, text: decode ? s.decode(system) : "")) }
        if let (range, format) = fromMessages { return .success(LocatedMessage(format: format, literal: range, text: decode ? s.decode(range) : "")) }
        return .failure(problem ?? .noSystemMessage)
    }
}
