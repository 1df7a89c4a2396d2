/// The four preference dimensions of the Multifaceted Collection.
public enum PreferenceDimension: String, CaseIterable, Sendable, Codable {
    case style
    case backgroundKnowledge = "background_knowledge"
    case informativeness
    case harmlessness

    /// A dimension as people write it: "Background Knowledge" and
    /// "background-knowledge" are `background_knowledge`.
    public init?(named name: String) {
        self.init(rawValue: String(name.lowercased().map { $0 == " " || $0 == "-" ? "_" : $0 }))
    }
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
        // Gathered in arrays by facet and dimension order, then put in the
        // dictionaries once: hashing a facet hashes its name.
        var byFacet = [[Int]](repeating: [], count: Facet.allCases.count)
        var byDimension = [[Int]](repeating: [], count: 4)
        let cues = Vocabulary.shared.dimensionBits
        // By index, reading the facet only: copying an assignment retains its evidence.
        for index in facets.indices {
            let assignments = facets[index].assignments
            var present: UInt8 = 0  // the unit's facets as bits by order
            for i in assignments.indices {
                byFacet[assignments[i].facet.order].append(index)
                present |= 1 << assignments[i].facet.order
            }
            guard !document.units[index].isExample, document.units[index].kind != .heading else { continue }
            // Which dimensions the unit's words show, one lookup per word.
            var shown: UInt8 = 0
            for token in words.of(index) { shown |= cues[Int(token.id)] }
            if present & 1 << Facet.style.order != 0 || shown & DimensionCues.styleBit != 0 { byDimension[0].append(index) }
            if shown & DimensionCues.backgroundKnowledgeBit != 0 { byDimension[1].append(index) }
            if shown & DimensionCues.informativenessBit != 0 { byDimension[2].append(index) }
            if present & 1 << Facet.guardrail.order != 0 || shown & DimensionCues.harmlessnessBit != 0 { byDimension[3].append(index) }
        }
        for (order, units) in byFacet.enumerated() where !units.isEmpty { facetUnits[Facet.at(order)] = units }
        let dimensions: [PreferenceDimension] = [.style, .backgroundKnowledge, .informativeness, .harmlessness]
        for (order, units) in byDimension.enumerated() where !units.isEmpty { dimensionUnits[dimensions[order]] = units }
    }
}

/// Words that show a preference dimension in the text.
enum DimensionCues {
    static let styleWords = "tone concise brief formal informal casual friendly warm vivid clear clarity jargon plain conversational professional playful"
    static let backgroundKnowledgeWords = "novice novices beginner beginners expert experts advanced intermediate familiar familiarity background prior layperson laypeople newcomer newcomers non-technical technical level assume assumes understanding proficiency literacy"
    static let informativenessWords = "detail detailed depth in-depth comprehensive thorough practical actionable examples example relevant relevance efficient insight insights creative creativity specific specifics step-by-step"
    static let harmlessnessWords = "safe safety harm harmful accurate accuracy ethical morality sensitive sensitivity trustworthy privacy bias biased inclusive respectful misinformation verify verified"

    static let styleBit: UInt8 = 1, backgroundKnowledgeBit: UInt8 = 2, informativenessBit: UInt8 = 4, harmlessnessBit: UInt8 = 8
    /// The four lists in one table: word hash → the bits of the dimensions it shows.
    static let all: WordTable<UInt8> = {
        var table = WordTable<UInt8>()
        for (words, bit) in [(styleWords, styleBit), (backgroundKnowledgeWords, backgroundKnowledgeBit),
                             (informativenessWords, informativenessBit), (harmlessnessWords, harmlessnessBit)] {
            for word in words.split(separator: " ") { table.update(Tokenizer.hash(String(word)), default: 0) { $0 |= bit } }
        }
        return table
    }()
}
