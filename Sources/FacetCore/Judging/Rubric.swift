/// One thing a judge scores an answer on, in the Multifaceted Bench shape:
/// `{criteria, score_descriptions: {"1": ..., "5": ...}}`, plus where it came
/// from so a low score can be shown on the sentences it checks.
public struct Rubric: Sendable, Hashable, Codable {
    public enum Origin: String, Sendable, Codable {
        /// Derived from the units of one facet (role, task, format, style, guardrail).
        case facet
        /// Derived from units that state a preference of one Janus dimension.
        case preference
        /// Written by the author in the front matter or the cases file.
        case author
        /// Given by a benchmark row.
        case benchmark
        /// Written by the judge endpoint on request.
        case judge
    }

    /// Stable name: a facet ("format"), "preference:<dimension>", or the author's id.
    public var id: String
    public var criteria: String
    /// Keys "1" to "5".
    public var scoreDescriptions: [String: String]
    public var origin: Origin
    /// UTF-8 byte ranges, in the system message file, of the units the rubric checks.
    public var sources: [Range<Int>]

    public init(id: String, criteria: String, scoreDescriptions: [String: String], origin: Origin, sources: [Range<Int>] = []) {
        self.id = id
        self.criteria = criteria
        self.scoreDescriptions = scoreDescriptions
        self.origin = origin
        self.sources = sources
    }

    enum CodingKeys: String, CodingKey {
        case id, criteria, origin, sources
        case scoreDescriptions = "score_descriptions"
    }

    public static let scoreKeys = ["1", "2", "3", "4", "5"]

    /// Why the rubric cannot be used, or nil when it has a criterion and all five descriptions.
    public var problem: String? {
        if criteria.trimmingWhitespaceEdges().isEmpty { return "criteria is empty" }
        let missing = Self.scoreKeys.filter { (scoreDescriptions[$0] ?? "").trimmingWhitespaceEdges().isEmpty }
        if !missing.isEmpty { return "score_descriptions lacks \(missing.map { "\"\($0)\"" }.joined(separator: ", "))" }
        let extra = scoreDescriptions.keys.filter { !Self.scoreKeys.contains($0) }.sorted()
        if !extra.isEmpty { return "score_descriptions has keys outside 1-5: \(extra.joined(separator: ", "))" }
        return nil
    }

    /// Descriptions for a criterion given without its own.
    public static func genericDescriptions(_ what: String) -> [String: String] {
        [
            "1": "The response does not meet the criterion: \(what) is ignored or contradicted.",
            "2": "The response meets the criterion only in small part; \(what) is mostly missed.",
            "3": "The response meets the criterion partly; \(what) is followed with clear lapses.",
            "4": "The response meets the criterion well, with minor lapses in \(what).",
            "5": "The response fully meets the criterion: \(what) is followed throughout.",
        ]
    }
}
