import FacetCore

/// Suggestions for a message: candidates from the index (or, without one, the
/// embedded collection in memory), ranked by the core's `SuggestionRanker`.
public enum Suggester {
    /// What ranking needs; the server keeps one per document version.
    public struct Candidates: Sendable {
        public var query: SuggestionQuery
        public var preferences: [ScoredPreference]
    }

    /// Text matches for the message's words, plus the most stated preferences of
    /// each dimension the message does not cover, from the index or, without one,
    /// the embedded collection. With `dimension`, only that dimension's text matches:
    /// among the best of all four, a large collection left it one or none.
    public static func candidates(_ analysis: Analysis, index: PreferenceIndex?, dimension: String? = nil) throws -> Candidates {
        let query = SuggestionQuery(analysis)
        let matcher = PreferenceMatcher.embedded
        var result = try index?.search(query.terms, dimension: dimension, limit: 120)
            ?? matcher.search(query.terms, dimension: dimension, limit: 120)
        for missing in query.missingDimensions where dimension == nil || missing.rawValue == dimension {
            result += try index?.top(dimension: missing.rawValue, limit: 10) ?? matcher.top(dimension: missing.rawValue, limit: 10)
        }
        return Candidates(query: query, preferences: result)
    }

    public static func rank(_ candidates: Candidates, dimension: String? = nil, limit: Int = 10) -> [Suggestion] {
        SuggestionRanker.rank(candidates.preferences, for: candidates.query, dimension: dimension, limit: limit)
    }

    public static func suggest(_ analysis: Analysis, index: PreferenceIndex?, dimension: String? = nil,
                               limit: Int = 10) throws -> [Suggestion] {
        rank(try candidates(analysis, index: index, dimension: dimension), dimension: dimension, limit: limit)
    }

    /// Preferences closest to one unit's words (for hover).
    public static func closest(to text: String, index: PreferenceIndex?, limit: Int = 3) throws -> [ScoredPreference] {
        let terms = SuggestionQuery.terms(of: text)
        if let index { return try index.search(terms, limit: limit) }
        return PreferenceMatcher.embedded.search(terms, limit: limit)
    }
}
