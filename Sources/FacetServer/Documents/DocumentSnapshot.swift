import FacetCore
import FacetIndex
import LSPTypes

/// An immutable view of an open document for one request: text, version and
/// revision, configuration and position encoding. Features compute from it off the
/// server's queue.
struct DocumentSnapshot: Sendable {
    let uri: DocumentURI
    let revision: Int
    let version: Int
    let source: SourceText
    let configuration: FacetConfiguration
    let encoding: ColumnEncoding
    /// Whether the client shows Markdown in hovers (else plain text is sent).
    let markdownHovers: Bool
    /// Whether it shows Markdown in completion items' documentation.
    let markdownCompletions: Bool
    /// Documents over this size are stored and edited but not analysed.
    let maxAnalysedBytes: Int
    let analyses: AnalysisCache
    /// The preference index (opened on first use) for suggestions.
    let preferences: IndexHolder
    /// Rubrics the last evaluation found not followed.
    var evalFindings: [EvalFinding] = []

    /// Whether `document` still has the text this snapshot was taken from.
    func isCurrent(_ document: OpenDocument?) -> Bool {
        document?.revision == revision
    }

    var mapping: PositionMapping { PositionMapping(source: source, encoding: encoding) }

    var isTooLarge: Bool { source.count > maxAnalysedBytes }

    /// Preferences to rank for this revision, fetched once (the index search is the costly part).
    var suggestionCandidates: Suggester.Candidates? {
        analyses.memo("suggestion-candidates", key: "\(revision)/\(preferences.generation)") {
            try? Suggester.candidates(analysis, index: preferences.index)
        }
    }

    /// The analysis of this revision, computed once and shared.
    var analysis: Analysis {
        analyses.analysis(revision: revision, configuration: configuration) {
            Analyzer.analyze(isTooLarge ? SourceText("") : source, configuration: configuration)
        }
    }
}
