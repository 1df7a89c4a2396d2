/// The functional facets a unit of a system message can express (see docs/facets.md).
public enum Facet: String, CaseIterable, Sendable, Codable, Comparable {
    case role, task, background, format, style, tool, guardrail

    public static func < (lhs: Facet, rhs: Facet) -> Bool { lhs.order < rhs.order }

    var order: Int { Facet.allCases.firstIndex(of: self)! }

    /// One line for people: what the facet covers.
    public var summary: String {
        switch self {
        case .role: return "the identity, persona or expertise the model assumes"
        case .task: return "what the assistant does and how it proceeds"
        case .background: return "context the model needs: company, product, users, date, domain facts"
        case .format: return "the shape of the output: JSON, Markdown, lists, length, reply language"
        case .style: return "tone, voice, register and verbosity"
        case .tool: return "tools, functions and APIs the model may call, and when"
        case .guardrail: return "safety, refusals, confidentiality and scope limits"
        }
    }
}

/// One facet given to a unit, with how sure the classifier is and why.
public struct FacetAssignment: Sendable, Hashable {
    public var facet: Facet
    public var confidence: Double
    /// The cue words, heading or section that led to it.
    public var evidence: [String]
}

/// The facets of one unit, strongest first. Empty for examples and for units
/// that express none.
public struct UnitFacets: Sendable, Hashable {
    public var assignments: [FacetAssignment] = []

    public var facets: [Facet] { assignments.map(\.facet) }
    public func confidence(_ facet: Facet) -> Double { assignments.first { $0.facet == facet }?.confidence ?? 0 }
    public func has(_ facet: Facet) -> Bool { assignments.contains { $0.facet == facet } }
}
