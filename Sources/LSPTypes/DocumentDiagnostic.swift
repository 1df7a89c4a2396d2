// `textDocument/diagnostic` request (pull diagnostics).
public struct DocumentDiagnosticParams: Codable, Sendable {
    public var textDocument: TextDocumentIdentifier
    public var identifier: String?
    public var previousResultId: String?
}

/// A full report (`kind: "full"`, with items) or an unchanged one (`kind: "unchanged"`).
public struct DocumentDiagnosticReport: Codable, Sendable {
    public var kind: String
    public var resultId: String?
    public var items: [Diagnostic]?

    public static func full(resultId: String, items: [Diagnostic]) -> Self {
        Self(kind: "full", resultId: resultId, items: items)
    }
    public static func unchanged(resultId: String) -> Self {
        Self(kind: "unchanged", resultId: resultId, items: nil)
    }
}
