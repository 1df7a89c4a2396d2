@_exported import JSONRPC

// Structures shared by many LSP messages (LSP 3.17, "Basic JSON Structures").

public typealias DocumentURI = String

/// A place in a document: zero-based line and column, the column counted in
/// the negotiated position encoding (UTF-16 code units unless UTF-8 was agreed).
public struct Position: Codable, Sendable, Hashable {
    public var line: Int
    public var character: Int
    public init(line: Int, character: Int) {
        self.line = line
        self.character = character
    }

    enum CodingKeys: String, CodingKey { case line, character }

    /// Both are unsigned in LSP: a negative one is invalid params, not a place.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        line = try container.decode(Int.self, forKey: .line)
        character = try container.decode(Int.self, forKey: .character)
        for (key, value) in [(CodingKeys.line, line), (.character, character)] where value < 0 {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "must be 0 or more, not \(value)")
        }
    }
}

/// A half-open range between two positions. (Named so it does not shadow Swift's `Range`.)
public struct LSPRange: Codable, Sendable, Hashable {
    public var start: Position
    public var end: Position
    public init(start: Position, end: Position) {
        self.start = start
        self.end = end
    }
}

public struct Location: Codable, Sendable, Hashable {
    public var uri: DocumentURI
    public var range: LSPRange
    public init(uri: DocumentURI, range: LSPRange) {
        self.uri = uri
        self.range = range
    }
}

public struct TextDocumentIdentifier: Codable, Sendable, Hashable {
    public var uri: DocumentURI
    public init(uri: DocumentURI) { self.uri = uri }
}

public struct VersionedTextDocumentIdentifier: Codable, Sendable, Hashable {
    public var uri: DocumentURI
    public var version: Int
    public init(uri: DocumentURI, version: Int) {
        self.uri = uri
        self.version = version
    }
}

public struct TextDocumentItem: Codable, Sendable, Hashable {
    public var uri: DocumentURI
    public var languageId: String
    public var version: Int
    public var text: String
}

public struct TextDocumentPositionParams: Codable, Sendable, Hashable {
    public var textDocument: TextDocumentIdentifier
    public var position: Position
}

public struct MarkupContent: Codable, Sendable, Hashable {
    /// "markdown" or "plaintext".
    public var kind: String
    public var value: String
    public init(kind: String, value: String) {
        self.kind = kind
        self.value = value
    }
}

public struct Command: Codable, Sendable, Hashable {
    public var title: String
    public var command: String
    public var arguments: [JSONValue]?
    public init(title: String, command: String, arguments: [JSONValue]? = nil) {
        self.title = title
        self.command = command
        self.arguments = arguments
    }
}

public struct TextEdit: Codable, Sendable, Hashable {
    public var range: LSPRange
    public var newText: String
    public init(range: LSPRange, newText: String) {
        self.range = range
        self.newText = newText
    }
}

public struct WorkspaceEdit: Codable, Sendable, Hashable {
    public var changes: [DocumentURI: [TextEdit]]
    public init(changes: [DocumentURI: [TextEdit]]) { self.changes = changes }
}

/// Progress and partial-result tokens are numbers or strings.
public typealias ProgressToken = JSONValue
