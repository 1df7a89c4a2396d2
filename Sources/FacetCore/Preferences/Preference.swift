/// One preference in the Multifaceted Collection shape: what a user may want
/// from answers, along one dimension (see docs/preferences.md).
public struct Preference: Sendable, Hashable, Codable {
    /// `style`, `background_knowledge`, `informativeness`, `harmlessness` (other values are kept as written).
    public var dimension: String
    public var subdimension: String
    /// A short name, e.g. "Lead with the answer".
    public var name: String
    /// A sentence that can go into a system message as is.
    public var description: String
    /// Where it came from: "facet-default", a file name, or a dataset's source field.
    public var source: String
    /// How many imported system messages state it (at least 1).
    public var count: Int

    public init(dimension: String, subdimension: String, name: String, description: String, source: String, count: Int = 1) {
        self.dimension = dimension
        self.subdimension = subdimension
        self.name = name
        self.description = description
        self.source = source
        self.count = count
    }

    public var knownDimension: PreferenceDimension? { PreferenceDimension(rawValue: dimension) }
}

/// A preference found by a search, with its text-match score (higher is better).
public struct ScoredPreference: Sendable, Hashable {
    public var preference: Preference
    /// Relevance to the query, ≥ 0 (bm25 negated, or term overlap for the in-memory search).
    public var relevance: Double
    public init(preference: Preference, relevance: Double) {
        self.preference = preference
        self.relevance = relevance
    }
}
