/// What a unit is, structurally. Written in JSON output as its raw value.
public enum UnitKind: String, Sendable, Codable, CaseIterable {
    case sentence
    case listItem = "list-item"
    case heading
    case tableRow = "table-row"
}

/// A piece of prose the analysis classifies: a sentence, a list item (or one
/// sentence of a long one), a heading, or a table row. Ranges are trimmed UTF-8
/// byte ranges into the document.
public struct Unit: Sendable, Hashable {
    public var range: Range<Int>
    public var kind: UnitKind
    /// 1...6 for Markdown headings, 7 for a bold line used as a heading; 0 otherwise.
    public var headingLevel: Int = 0
    /// Index of the heading unit this unit sits under, if any.
    public var parentHeading: Int?
    /// Index of a short line ending in ":" that introduces this list item.
    public var leadIn: Int?
    /// The XML-style sections around the unit, outermost first.
    public var enclosingSections: [EnclosingSection] = []
    /// Their names, outermost first (built on each call: hot paths read `enclosingSections`).
    public var sections: [String] { enclosingSections.map(\.name) }
    /// Inside an example or quoted section: shown, but never given facets.
    public var isExample: Bool = false
    /// Units of one paragraph or list item share a block number.
    public var block: Int = 0
}

extension Array where Element == Unit {
    /// The index of the first unit starting at or after `offset` (`count` if none),
    /// by binary search: units are in order of their start.
    public func firstUnit(startingAtOrAfter offset: Int) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            if self[mid].range.lowerBound < offset { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The unit whose range holds `offset`: the last one starting at or before it, if it reaches that far.
    public func unit(containing offset: Int) -> Int? {
        let next = firstUnit(startingAtOrAfter: offset + 1)
        return next > 0 && self[next - 1].range.contains(offset) ? next - 1 : nil
    }
}

/// An XML-style section around a unit: its name, and where its opening tag
/// starts, which tells two sections of one name apart (`<agent name="support">`
/// and `<agent name="sales">`). One array of these per unit, not one of names and
/// one of offsets: every copy of a unit retains its arrays.
public struct EnclosingSection: Sendable, Hashable {
    public var name: String
    public var start: Int
}

/// An XML-style section: `<name> ... </name>`. The tags are structure, not prose.
public struct Section: Sendable, Hashable {
    public var name: String
    public var openRange: Range<Int>
    /// nil when the section is never closed (an `unbalanced-section` finding).
    public var closeRange: Range<Int>?
    /// The name as the closing tag writes it: tags match in any case, so `</RULES>` may close `<rules>`.
    public var closeName: String?
}

/// Two sections whose tags cross, `<a> <b> </a> </b>`: `inner` opens
/// inside `outer` and is closed after it.
public struct SectionCrossing: Sendable, Hashable {
    public var outer: Section
    public var inner: Section
}

/// How a template variable was written.
public enum VariableSyntax: String, Sendable, Codable {
    case doubleBrace = "{{name}}"
    case singleBrace = "{name}"
    case dollarBrace = "${name}"
    case dollar = "$NAME"
    case angle = "<name>"
}

public struct TemplateVariable: Sendable, Hashable {
    public var name: String
    public var range: Range<Int>
    public var syntax: VariableSyntax
}

/// The names that template statements (`{% ... %}`) bind and read.
public struct TemplateStatementNames: Sendable {
    public var bound: Set<String> = []
    public var read: Set<String> = []
}

/// A `<!-- ... -->` comment; suppression directives live in these.
public struct Comment: Sendable, Hashable {
    public var range: Range<Int>
    public var body: String
}

/// The leading `---` YAML block, parsed apart from the prose.
public struct FrontMatter: Sendable {
    public var range: Range<Int>
    /// Names declared under `variables:` (a list of names or a mapping), nil when absent.
    public var declaredVariables: [String]?
    /// Offsets of each declared name's key, for findings on unused ones.
    public var variableRanges: [String: Range<Int>]
    /// Values given under `variables:` when it is a mapping.
    public var variableValues: [String: String]
    /// A YAML problem, with the byte offset where it was found.
    public var error: (message: String, offset: Int)?
    /// The parsed YAML as plain values (dictionaries, arrays, strings, numbers, booleans).
    public var values: [String: YAMLValue]
    /// Where each item of `cases:` starts, for a code lens per preview case.
    public var caseOffsets: [Int] = []
    /// Where each item of `rubrics:` starts, for diagnostics on rubrics the models do not follow.
    public var rubricOffsets: [Int] = []
}

/// Plain YAML values, so later layers can read front matter without a YAML library.
public indirect enum YAMLValue: Sendable, Hashable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([YAMLValue])
    case mapping([String: YAMLValue])

    public var stringValue: String? {
        switch self {
        case .string(let s): return s
        case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }
}

/// A system message split into units and structure. Segmentation never fails:
/// odd input gives odd units, and structural problems are recorded for the rules.
public struct Document: Sendable {
    public let source: SourceText
    public internal(set) var units: [Unit] = []
    public internal(set) var sections: [Section] = []
    /// `</name>` tags with no opening tag.
    public internal(set) var strayClosingTags: [Section] = []
    /// Sections closed while one opened inside them is still open, in the order of the outer closing tags.
    public internal(set) var crossedSections: [SectionCrossing] = []
    public internal(set) var codeBlocks: [Range<Int>] = []
    /// Contents of prose fences (```markdown blocks that quote a whole prompt),
    /// in order: read as prose, but each is a text of its own.
    public internal(set) var quotedPrompts: [Range<Int>] = []
    public internal(set) var quotes: [Range<Int>] = []
    public internal(set) var comments: [Comment] = []
    public internal(set) var variables: [TemplateVariable] = []
    /// Names in `{% ... %}` statements: those a statement binds (`for item in items`,
    /// `set total = ...`, `macro card(title)`) and those it reads (`items`).
    public internal(set) var statementNames = TemplateStatementNames()
    public internal(set) var frontMatter: FrontMatter?

    public func text(of unit: Unit) -> String { source.text(unit.range) }
}
