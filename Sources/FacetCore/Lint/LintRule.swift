/// A stateless lint rule. One file per rule under Lint/Rules, registered in
/// `RuleRegistry.all` (alphabetical). The id is stable: it is used in
/// configuration, suppression comments, diagnostics and docs.
public protocol LintRule: Sendable {
    var id: String { get }
    var defaultSeverity: Severity { get }
    /// One line: what the rule finds.
    var summary: String { get }
    /// Markdown: why it matters, what to do, examples, and how the fix works.
    var explanation: String { get }
    func check(_ context: LintContext) -> [Finding]
}

/// Everything a rule may look at: the document, its facets, and the settings.
public struct LintContext: Sendable {
    public let document: Document
    public let facets: [UnitFacets]
    public let configuration: FacetConfiguration
    let words: WordIndex
    /// `TokenEstimate.count` of the whole message, counted once for the analysis.
    public let estimatedTokens: Int
    /// Severity the rule's findings get under the current configuration.
    public internal(set) var severity: Severity
    /// Units that are prose to analyse (not examples), found once for all rules.
    public let proseUnits: [Int]
    /// Per unit, the persona it speaks to (`PersonaSections`); empty when the message sets up fewer than two.
    let personas: [Int]

    public var source: SourceText { document.source }

    init(document: Document, facets: [UnitFacets], configuration: FacetConfiguration, words: WordIndex, estimatedTokens: Int, severity: Severity) {
        self.document = document
        self.facets = facets
        self.configuration = configuration
        self.words = words
        self.estimatedTokens = estimatedTokens
        self.severity = severity
        self.proseUnits = document.units.indices.filter { !document.units[$0].isExample }
        self.personas = PersonaSections.of(document, facets, words)
    }

    /// The persona a unit speaks to, 0 for none (or when the message sets up fewer than two).
    func persona(of unit: Int) -> Int { personas.isEmpty ? 0 : personas[unit] }

    /// The words of a unit, as the classifier saw them.
    func tokens(_ unit: Int) -> ArraySlice<Token> { words.of(unit) }
    public func text(_ unit: Int) -> String { document.text(of: document.units[unit]) }

    public func finding(_ rule: LintRule, _ message: String, range: Range<Int>, unit: Int? = nil,
                        related: [RelatedRange] = [], fixes: [Fix] = []) -> Finding {
        Finding(rule: rule.id, severity: severity, message: message, range: range, related: related, fixes: fixes, unit: unit)
    }
}
