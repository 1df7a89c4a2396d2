/// The functional facets a unit of a system message can express (see docs/facets.md).
public enum Facet: String, CaseIterable, Sendable, Codable, Comparable {
    case role, task, background, format, style, tool, guardrail

    public static func < (lhs: Facet, rhs: Facet) -> Bool { lhs.order < rhs.order }

    /// Position in `allCases`. A switch rather than `allCases.firstIndex(of:)`,
    /// which builds the array on every call: this runs for every cue match and sort.
    var order: Int {
        switch self {
        case .role: return 0
        case .task: return 1
        case .background: return 2
        case .format: return 3
        case .style: return 4
        case .tool: return 5
        case .guardrail: return 6
        }
    }

    /// `allCases.count`, without building the array.
    static let count = 7

    /// `allCases[order]`, without building the array.
    static func at(_ order: Int) -> Facet {
        switch order {
        case 0: return .role
        case 1: return .task
        case 2: return .background
        case 3: return .format
        case 4: return .style
        case 5: return .tool
        default: return .guardrail
        }
    }

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
    /// The cue words, heading, section or lead-in line that led to it.
    public var evidence: [String]

    /// Strongest first; ties in facet order, so output never depends on the order found.
    static func strongerFirst(_ a: FacetAssignment, _ b: FacetAssignment) -> Bool {
        a.confidence > b.confidence || a.confidence == b.confidence && a.facet < b.facet
    }

    /// The same facets, credited to what passed them on (a heading, a section, a lead-in line).
    static func passedOn(_ assignments: [FacetAssignment], by evidence: String) -> [FacetAssignment] {
        let evidence = [evidence]
        return assignments.map { FacetAssignment(facet: $0.facet, confidence: $0.confidence, evidence: evidence) }
    }
}

/// The facets of one unit, strongest first. Empty for examples and for units
/// that express none.
public struct UnitFacets: Sendable, Hashable {
    public var assignments: [FacetAssignment] = []

    public var facets: [Facet] { assignments.map(\.facet) }
    public func confidence(_ facet: Facet) -> Double { assignments.first { $0.facet == facet }?.confidence ?? 0 }
    public func has(_ facet: Facet) -> Bool { mask & 1 << facet.order != 0 }
    /// The facets as bits by `order`, read by index: copying an assignment retains its evidence.
    public var mask: UInt8 {
        var bits: UInt8 = 0
        for i in assignments.indices { bits |= 1 << assignments[i].facet.order }
        return bits
    }
}
