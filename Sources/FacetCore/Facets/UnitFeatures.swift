/// What a learned layer over the classifier would see of one unit, by name: the
/// cue scores of its own words (`own.task`), the classifier's decision
/// (`rule.task`), what its heading or section announces (`ann.task`), its shape
/// (`kind.heading`, `len.4-8`, `flag.you`, ...) and its words (`w.json`, and
/// `w0.write` for the first). `facet score-facets --features` writes them for
/// `bench/train-facets.py`.
enum UnitFeatures {
    static func named(_ buffer: UnsafeBufferPointer<UInt8>, unit: Unit, index: Int, tokens: UnsafeBufferPointer<Token>,
                      own: [FacetAssignment], rule: [FacetAssignment], announced: [FacetAssignment]) -> [String: Double] {
        var result: [String: Double] = ["bias": 1, "kind.\(unit.kind.rawValue)": 1]
        for a in own { result["own.\(a.facet.rawValue)"] = a.confidence }
        for a in rule { result["rule.\(a.facet.rawValue)"] = 1 }
        for a in announced { result["ann.\(a.facet.rawValue)"] = a.confidence }
        let n = tokens.count
        result[n <= 3 ? "len.1-3" : n <= 8 ? "len.4-8" : n <= 20 ? "len.9-20" : "len.21+"] = 1
        func flag(_ name: String, _ isSet: Bool) { if isSet { result["flag.\(name)"] = 1 } }
        var hasUpper = false, hasLower = false
        for i in unit.range {
            let b = buffer[i]
            if ByteClass.isUpper(b) { hasUpper = true } else if b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") { hasLower = true }
        }
        let last = unit.range.isEmpty ? 0 : buffer[unit.range.upperBound - 1]
        flag("first", index == 0)
        flag("caps", hasUpper && !hasLower)
        flag("colon", last == UInt8(ascii: ":"))
        flag("question", last == UInt8(ascii: "?"))
        flag("under-heading", unit.parentHeading != nil)
        flag("in-section", !unit.sections.isEmpty)
        flag("lead-in", unit.leadIn != nil)
        for (position, token) in tokens.enumerated() {
            flag("you", token.hash == Cue.you || token.hash == Cue.your)
            flag("negation", position < 3 && Cue.negations.contains(token.hash))
            flag("number", token.isNumber)
            let word = wordText(buffer, token)
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
