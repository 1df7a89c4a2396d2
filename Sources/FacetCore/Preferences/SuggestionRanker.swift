import Foundation

/// A preference suggested for a message, with why.
public struct Suggestion: Sendable, Hashable {
    public var preference: Preference
    public var score: Double
    /// For people: "fills a missing dimension (harmlessness); matches safety, data".
    public var reason: String
}

/// Ranks candidate preferences for a message. Pure: the server and the CLI
/// fetch candidates (from the index or the embedded collection) and call this.
///
/// score = 0.55 × text relevance: half the search score (normalised to the best
///         candidate), half the share of the message's salient words it contains
///         (earlier, more salient words weigh more); a single shared word that is
///         not among the three most salient counts for little
///       + 0.30 if its dimension is one the message does not cover yet
///       + 0.15 × popularity (how many messages state it, log-scaled)
/// Candidates whose description the message mostly says already are dropped.
/// Ties keep the candidates' order (the collection's own order). The list is
/// varied: each subdimension gets one place before any gets a second, and none more.
public enum SuggestionRanker {
    public static func rank(_ candidates: [ScoredPreference], for query: SuggestionQuery,
                            dimension: String? = nil, limit: Int = 10) -> [Suggestion] {
        let pool = candidates.filter { dimension == nil || $0.preference.dimension == dimension }
        let bestRelevance = max(pool.map(\.relevance).max() ?? 0, 1e-9)
        let mostCommon = Double(max(pool.map(\.preference.count).max() ?? 1, 1))
        let missing = Set(query.missingDimensions.map(\.rawValue))
        let termWeights = query.terms.enumerated().map { 1 / (1 + 0.3 * Double($0.offset)) }
        let totalWeight = max(termWeights.reduce(0, +), 1e-9)
        var scored: [(Suggestion, order: Int)] = []
        var seen = Set<String>()
        for candidate in pool {
            let preference = candidate.preference
            let key = (preference.name + "|" + preference.description).lowercased()
            guard seen.insert(key).inserted else { continue }
            let words = Set(SuggestionQuery.contentWords(preference.description))
            let said = words.isEmpty ? 0 : Double(words.intersection(query.messageWords).count) / Double(words.count)
            guard said < 0.7 else { continue }
            let preferenceWords = words.union(SuggestionQuery.contentWords(preference.name))
            let matchedPositions = query.terms.indices.filter { preferenceWords.contains(query.terms[$0]) }
            let covered = matchedPositions.reduce(0.0) { $0 + termWeights[$1] }
            var relevance = 0.5 * candidate.relevance / bestRelevance + 0.5 * covered / totalWeight
            // One incidental word in common ("home" in "a home solar installer") is weak evidence.
            if matchedPositions.count == 1 && matchedPositions[0] >= 3 { relevance *= 0.3 }
            let fills = missing.contains(preference.dimension)
            let popularity = mostCommon > 1 ? log(Double(max(preference.count, 1))) / log(mostCommon) : 0
            let score = 0.55 * relevance + (fills ? 0.30 : 0) + 0.15 * popularity
            var reasons: [String] = []
            if fills { reasons.append("the message has no \(preference.dimension.replacingOccurrences(of: "_", with: " ")) preference yet") }
            let matched = query.terms.filter { words.contains($0) }.prefix(4)
            if !matched.isEmpty { reasons.append("matches " + matched.joined(separator: ", ")) }
            scored.append((Suggestion(preference: preference, score: score, reason: reasons.joined(separator: "; ")), scored.count))
        }
        scored.sort { a, b in
            a.0.score != b.0.score ? a.0.score > b.0.score : a.order < b.order
        }
        var perSubdimension: [String: Int] = [:]
        var taken = Set<Int>()
        var result: [(Suggestion, Int)] = []
        for allowed in 1...2 {
            for (position, (suggestion, _)) in scored.enumerated() where result.count < limit && !taken.contains(position) {
                let sub = suggestion.preference.dimension + "/" + suggestion.preference.subdimension
                guard perSubdimension[sub, default: 0] < allowed else { continue }
                perSubdimension[sub, default: 0] += 1
                taken.insert(position)
                result.append((suggestion, position))
            }
        }
        return result.sorted { $0.1 < $1.1 }.map(\.0)
    }
}

/// Searches preferences held in memory (the embedded collection, or when the
/// index cannot be opened): each query word found in a preference's name,
/// subdimension or description adds its inverse document frequency.
public struct PreferenceMatcher: Sendable {
    let preferences: [Preference]
    let words: [Set<String>]
    let idf: [String: Double]

    public init(_ preferences: [Preference]) {
        self.preferences = preferences
        words = preferences.map { Set(SuggestionQuery.contentWords($0.name + " " + $0.subdimension.replacingOccurrences(of: "_", with: " ") + " " + $0.description)) }
        var frequency: [String: Int] = [:]
        for set in words { for word in set { frequency[word, default: 0] += 1 } }
        let n = Double(max(preferences.count, 1))
        idf = frequency.mapValues { log(1 + n / Double($0)) }
    }

    public static let embedded = PreferenceMatcher(DefaultCollection.preferences)

    /// Preferences matching any of `terms`, best first; with no match, none.
    public func search(_ terms: [String], dimension: String? = nil, limit: Int = 50) -> [ScoredPreference] {
        var result: [ScoredPreference] = []
        for (index, preference) in preferences.enumerated() where dimension == nil || preference.dimension == dimension {
            let score = terms.reduce(0.0) { $0 + (words[index].contains($1) ? idf[$1] ?? 0 : 0) }
            if score > 0 { result.append(ScoredPreference(preference: preference, relevance: score)) }
        }
        return Array(result.sorted { $0.relevance != $1.relevance ? $0.relevance > $1.relevance : $0.preference.name < $1.preference.name }.prefix(limit))
    }

    /// The most stated preferences of a dimension (candidates when no word matches).
    public func top(dimension: String, limit: Int) -> [ScoredPreference] {
        // Most stated first; ties in the collection's own order (stable sort).
        var rows = preferences.enumerated().filter { $0.element.dimension == dimension }
        rows.sort { $0.element.count != $1.element.count ? $0.element.count > $1.element.count : $0.offset < $1.offset }
        return rows.prefix(limit).map { ScoredPreference(preference: $0.element, relevance: 0) }
    }
}
