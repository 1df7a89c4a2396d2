import FacetCore

/// Suggestions for a message: candidates from the index (or, without one, the
/// embedded collection in memory), ranked by the core's `SuggestionRanker`.
public enum Suggester {
    public static func suggest(_ analysis: Analysis, index: PreferenceIndex?, dimension: String? = nil,
                               limit: Int = 10) throws -> [Suggestion] {
        let query = SuggestionQuery(analysis)
        return SuggestionRanker.rank(try candidates(query, index: index, dimension: dimension), for: query, dimension: dimension, limit: limit)
    }

    static func candidates(_ query: SuggestionQuery, index: PreferenceIndex?, dimension: String?) throws -> [ScoredPreference] {
        if let index { return try index.candidates(for: query, dimension: dimension) }
        let matcher = PreferenceMatcher.embedded
        var result = matcher.search(query.terms, dimension: dimension, limit: 200)
        for missing in query.missingDimensions where dimension == nil || dimension == missing.rawValue {
            result += matcher.top(dimension: missing.rawValue, limit: 10)
        }
        return result
    }

    /// Preferences closest to one unit's words (for hover).
    public static func closest(to text: String, index: PreferenceIndex?, limit: Int = 3) throws -> [ScoredPreference] {
        let terms = SuggestionQuery.terms(of: text)
        if let index { return try index.search(terms, limit: limit) }
        return PreferenceMatcher.embedded.search(terms, limit: limit)
    }
}
