/// The four preference dimensions of the Multifaceted Collection.
public enum PreferenceDimension: String, CaseIterable, Sendable, Codable {
    case style
    case backgroundKnowledge = "background_knowledge"
    case informativeness
    case harmlessness
}

/// What a message covers: units per facet, and which preference dimensions
/// its text shows (with the units that show them).
public struct DocumentProfile: Sendable {
    public var facetUnits: [Facet: [Int]] = [:]
    public var dimensionUnits: [PreferenceDimension: [Int]] = [:]

    public func covers(_ facet: Facet) -> Bool { !(facetUnits[facet] ?? []).isEmpty }
    public func covers(_ dimension: PreferenceDimension) -> Bool { !(dimensionUnits[dimension] ?? []).isEmpty }
    public var missingDimensions: [PreferenceDimension] { PreferenceDimension.allCases.filter { !covers($0) } }

    init(document: Document, facets: [UnitFacets], words: WordIndex) {
        for (index, unitFacets) in facets.enumerated() {
            for facet in unitFacets.facets { facetUnits[facet, default: []].append(index) }
            guard !document.units[index].isExample, document.units[index].kind != .heading else { continue }
            let tokens = words.of(index)
            if unitFacets.has(.style) || tokens.contains(where: { DimensionCues.style.contains($0.hash) }) {
                dimensionUnits[.style, default: []].append(index)
            }
            if tokens.contains(where: { DimensionCues.backgroundKnowledge.contains($0.hash) }) {
                dimensionUnits[.backgroundKnowledge, default: []].append(index)
            }
            if tokens.contains(where: { DimensionCues.informativeness.contains($0.hash) }) {
                dimensionUnits[.informativeness, default: []].append(index)
            }
            if unitFacets.has(.guardrail) || tokens.contains(where: { DimensionCues.harmlessness.contains($0.hash) }) {
                dimensionUnits[.harmlessness, default: []].append(index)
            }
        }
    }
}

/// Words that show a preference dimension in the text.
enum DimensionCues {
    static func set(_ words: String) -> WordSet { WordSet(words.split(separator: " ").map { Tokenizer.hash(String($0)) }) }
    static let style = set("tone concise brief formal informal casual friendly warm vivid clear clarity jargon plain conversational professional playful")
    static let backgroundKnowledge = set("novice novices beginner beginners expert experts advanced intermediate familiar familiarity background prior layperson laypeople newcomer newcomers non-technical technical level assume assumes understanding proficiency literacy")
    static let informativeness = set("detail detailed depth in-depth comprehensive thorough practical actionable examples example relevant relevance efficient insight insights creative creativity specific specifics step-by-step")
    static let harmlessness = set("safe safety harm harmful accurate accuracy ethical morality sensitive sensitivity trustworthy privacy bias biased inclusive respectful misinformation verify verified")
}
