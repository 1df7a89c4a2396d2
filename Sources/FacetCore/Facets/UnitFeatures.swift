/// What a learned layer over the classifier would see of one unit: the cue
/// scores of its own words, the classifier's decision, what its heading or
/// section announces, its shape, and its words. `facet score-facets --features`
/// writes them by name (`own.task`, `rule.task`, `ann.task`, `kind.heading`,
/// `len.4-8`, `flag.you`, `w.json` for a word, `w0.write` for the first word)
/// for `bench/train-facets.py`.
struct UnitFeatures {
    /// Dense values by slot; `denseNames[slot]` names them.
    var dense = [Double](repeating: 0, count: UnitFeatures.denseNames.count)

    static let facetSlots = ["own", "rule", "ann"]
    static let kinds: [UnitKind] = [.sentence, .listItem, .heading, .tableRow]
    static let lengths = ["len.1-3", "len.4-8", "len.9-20", "len.21+"]
    static let flags = ["flag.first", "flag.you", "flag.negation", "flag.colon", "flag.question", "flag.number",
                        "flag.caps", "flag.under-heading", "flag.in-section", "flag.lead-in"]

    static let denseNames: [String] = ["bias"]
        + facetSlots.flatMap { slot in Facet.allCases.map { "\(slot).\($0.rawValue)" } }
        + kinds.map { "kind.\($0.rawValue)" } + lengths + flags

    static let ownBase = 1, ruleBase = 8, announcedBase = 15, kindBase = 22
    static let lengthBase = kindBase + 4, flagBase = lengthBase + 4

    /// Fills the features of `unit` in place (reusing the arrays).
    mutating func fill(_ buffer: UnsafeBufferPointer<UInt8>, unit: Unit, index: Int, tokens: UnsafeBufferPointer<Token>,
                       own: [FacetAssignment], rule: [FacetAssignment], announced: [FacetAssignment]) {
        for slot in dense.indices { dense[slot] = 0 }
        dense[0] = 1
        for a in own { dense[Self.ownBase + a.facet.order] = a.confidence }
        for a in rule { dense[Self.ruleBase + a.facet.order] = 1 }
        for a in announced { dense[Self.announcedBase + a.facet.order] = a.confidence }
        dense[Self.kindBase + Self.kindSlot(unit.kind)] = 1
        let n = tokens.count
        dense[Self.lengthBase + (n <= 3 ? 0 : n <= 8 ? 1 : n <= 20 ? 2 : 3)] = 1
        let flag = Self.flagBase
        if index == 0 { dense[flag] = 1 }
        var hasUpper = false, hasLower = false
        for i in unit.range {
            let b = buffer[i]
            if ByteClass.isUpper(b) { hasUpper = true } else if b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") { hasLower = true }
        }
        if hasUpper && !hasLower { dense[flag + 6] = 1 }
        let last = unit.range.isEmpty ? 0 : buffer[unit.range.upperBound - 1]
        if last == UInt8(ascii: ":") { dense[flag + 3] = 1 }
        if last == UInt8(ascii: "?") { dense[flag + 4] = 1 }
        if unit.parentHeading != nil { dense[flag + 7] = 1 }
        if !unit.sections.isEmpty { dense[flag + 8] = 1 }
        if unit.leadIn != nil { dense[flag + 9] = 1 }
        let you = Cue.you, your = Cue.your, negations = Cue.negations
        for (position, token) in tokens.enumerated() {
            if token.hash == you || token.hash == your { dense[flag + 1] = 1 }
            if position < 3 && negations.contains(token.hash) { dense[flag + 2] = 1 }
            if token.isNumber { dense[flag + 5] = 1 }
        }
    }

    static func kindSlot(_ kind: UnitKind) -> Int {
        switch kind {
        case .sentence: return 0
        case .listItem: return 1
        case .heading: return 2
        case .tableRow: return 3
        }
    }

    /// The features by name, with the unit's words.
    func named(_ buffer: UnsafeBufferPointer<UInt8>, tokens: UnsafeBufferPointer<Token>) -> [String: Double] {
        var result: [String: Double] = [:]
        for (slot, value) in dense.enumerated() where value != 0 { result[Self.denseNames[slot]] = value }
        for (position, token) in tokens.enumerated() {
            let word = Self.wordText(buffer, token)
            result["w.\(word)"] = 1
            if position == 0 { result["w0.\(word)"] = 1 }
        }
        return result
    }

    /// A token's text, lower-cased as the tokenizer folds it.
    static func wordText(_ buffer: UnsafeBufferPointer<UInt8>, _ token: Token) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: buffer[token.range]), as: UTF8.self).lowercased()
            .replacingOccurrences(of: "’", with: "'")
    }
}
