/// The result of analysing one system message: units, their facets, the
/// document profile and the lint findings (after configuration and
/// suppression comments are applied).
public struct Analysis: Sendable {
    public let document: Document
    public let facets: [UnitFacets]
    public let profile: DocumentProfile
    public let findings: [Finding]
    public let configuration: FacetConfiguration
    /// Estimated tokens of the whole message (see `TokenEstimate`).
    public let estimatedTokens: Int

    public var source: SourceText { document.source }
}

/// The entry point of the core: a pure function of text and configuration.
/// Never fails on user input; problems become findings.
public enum Analyzer {
    public static func analyze(_ source: SourceText, configuration: FacetConfiguration = .default) -> Analysis {
        let document = Segmenter.segment(source)
        let words = WordIndex(document)
        let facets = FacetClassifier().classify(document, words: words)
        let profile = DocumentProfile(document: document, facets: facets, words: words)
        // One context for all rules, its severity set per rule (a copy per rule
        // would retain every array of the document again).
        let estimatedTokens = TokenEstimate.count(document)
        var context = LintContext(document: document, facets: facets, configuration: configuration, words: words,
                                  estimatedTokens: estimatedTokens, severity: .warning)
        var findings: [Finding] = []
        for rule in RuleRegistry.all {
            guard let severity = configuration.severity(for: rule) else { continue }
            context.severity = severity
            findings += rule.check(context)
        }
        findings = Suppressions(document).filter(findings)
        // Once a file is reported as binary, what the other rules find in it is read from noise.
        if findings.contains(where: { $0.rule == InvalidEncoding.ruleID }) && InvalidEncoding.isBinary(source) {
            findings.removeAll { $0.rule != InvalidEncoding.ruleID }
        }
        findings.sort { $0.range.lowerBound < $1.range.lowerBound || $0.range.lowerBound == $1.range.lowerBound && $0.rule < $1.rule }
        return Analysis(document: document, facets: facets, profile: profile, findings: findings,
                        configuration: configuration, estimatedTokens: estimatedTokens)
    }

    public static func analyze(_ text: String, configuration: FacetConfiguration = .default) -> Analysis {
        analyze(SourceText(text), configuration: configuration)
    }
}

/// The words of every unit, tokenized once and shared by the classifier and the rules.
public struct WordIndex: Sendable {
    var tokens: [Token] = []
    var ranges: [Range<Int>] = []

    init(_ document: Document) {
        let vocabulary = Vocabulary.shared, isNumberWord = vocabulary.isNumberWord
        ranges.reserveCapacity(document.units.count)
        tokens.reserveCapacity(document.source.count / 5)
        document.source.bytes.withUnsafeBufferPointer { buffer in
            // By index: iterating the units copies each, retaining its section names.
            for index in document.units.indices {
                // Straight into `tokens`, not via a scratch array copied over.
                let start = tokens.count
                Tokenizer.append(buffer, document.units[index].range, to: &tokens, markingNumberWords: false)
                // Through a pointer: `tokens[i].id = ...` checked the array's uniqueness per word.
                tokens.withUnsafeMutableBufferPointer { tokens in
                    for i in start..<tokens.count {
                        let id = vocabulary.id(tokens[i].hash)
                        tokens[i].id = id
                        if isNumberWord[Int(id)] { tokens[i].isNumber = true }  // as the tokenizer would have marked it
                    }
                }
                ranges.append(start..<tokens.count)
            }
        }
    }

    func of(_ unit: Int) -> ArraySlice<Token> { tokens[ranges[unit]] }
}
