/// How serious a finding is. `off` exists only in configuration.
public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
    case error, warning, info, hint

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    /// Higher is more serious.
    public var rank: Int {
        switch self {
        case .hint: return 0
        case .info: return 1
        case .warning: return 2
        case .error: return 3
        }
    }
}

/// One replacement of a byte range by new text.
public struct TextEdit: Sendable, Hashable, Codable {
    public var range: Range<Int>
    public var newText: String
    public init(range: Range<Int>, newText: String) {
        self.range = range
        self.newText = newText
    }
}

/// A mechanical fix: edits applied together.
public struct Fix: Sendable, Hashable, Codable {
    public var title: String
    public var edits: [TextEdit]
    public init(title: String, edits: [TextEdit]) {
        self.title = title
        self.edits = edits
    }
}

/// Another place a finding points at (the other side of a conflict).
public struct RelatedRange: Sendable, Hashable, Codable {
    public var range: Range<Int>
    public var message: String
    public init(range: Range<Int>, message: String) {
        self.range = range
        self.message = message
    }
}

/// What a lint rule reports.
public struct Finding: Sendable, Hashable {
    public var rule: String
    public var severity: Severity
    public var message: String
    public var range: Range<Int>
    public var related: [RelatedRange]
    public var fixes: [Fix]
    /// Index of the unit the finding is about, for suppression by unit.
    public var unit: Int?

    public init(rule: String, severity: Severity, message: String, range: Range<Int>,
                related: [RelatedRange] = [], fixes: [Fix] = [], unit: Int? = nil) {
        self.rule = rule
        self.severity = severity
        self.message = message
        self.range = range
        self.related = related
        self.fixes = fixes
        self.unit = unit
    }
}
