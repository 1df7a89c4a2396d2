/// Sections that each give the model a persona of its own: "## Support agent /
/// You are the support agent. ..." and "## Sales agent / You are the sales agent.
/// ...". A message with two or more of them sets up several agents, and the same
/// rule under each is said to each agent, not said twice.
enum PersonaSections {
    /// Per unit of the document, the persona it speaks to (1, 2, ...), 0 for a unit
    /// in none; empty when the message has fewer than two personas (most have none).
    /// A persona section is a heading or XML-style section whose first unit has
    /// the role facet: it opens by saying who the model is ("You are a text-based
    /// assistant" under "Unsupported features" does not make one), and not what
    /// it is not ("You are not capable of:", "You are only a chatbot and cannot
    /// ..."), nor in a section named for an aspect of the assistant ("## Tone").
    /// Sections that open with the same words or name ("You are Aria") are
    /// one persona.
    static func of(_ document: Document, _ facets: [UnitFacets], _ words: WordIndex) -> [Int] {
        var personas: [Key: Int] = [:]
        var byOpening: [[UInt64]: Int] = [:]
        var opened: Set<Key> = []
        var previous = Key.none
        // By index: `enumerated()` copies each unit, retaining its section names.
        for index in document.units.indices where document.units[index].kind != .heading {
            // A section's units mostly come one after another: hash its key once.
            let key = innermost(index, document)
            guard key != .none, key != previous else { continue }
            previous = key
            guard opened.insert(key).inserted else { continue }
            let tokens = words.of(index)
            if facets[index].has(.role) && !tokens.contains(where: { negators.contains($0.hash) })
                && !namesAnAspect(key, index, document, words) {
                // The same words, or the same name, open the same persona: "You are Aria, ..."
                // twice is one agent, told twice.
                let opening = name(tokens).map { [$0] } ?? tokens.map(\.hash)
                let persona = byOpening[opening] ?? byOpening.count + 1
                byOpening[opening] = persona
                personas[key] = persona
            }
        }
        guard byOpening.count >= 2 else { return [] }
        return document.units.map { persona(of: $0, personas, document) }
    }

    /// Whether the section is named for an aspect of the one assistant ("##
    /// Tone", "## Who you are", `<personality>`), not for an agent of its own:
    /// "## Tone / You are a warm and patient helper." describes the assistant
    /// that "## Identity / You are Acme's billing assistant." set up.
    static func namesAnAspect(_ key: Key, _ unit: Int, _ document: Document, _ words: WordIndex) -> Bool {
        switch key {
        case .none: return false
        case .heading(let heading):
            let tokens = words.of(heading)
            return !tokens.isEmpty && tokens.allSatisfy { aspectWords.contains($0.hash) }
        case .section:
            guard let name = document.units[unit].enclosingSections.last?.name else { return false }
            let parts = name.lowercased().split(whereSeparator: { $0 == "_" || $0 == "-" || $0 == " " })
            return !parts.isEmpty && parts.allSatisfy { aspectWords.contains(Tokenizer.hash(String($0))) }
        }
    }

    static let aspectWords = WordSet(["identity", "role", "persona", "personality", "tone", "voice", "style", "character", "traits",
                                      "behavior", "behaviour", "demeanor", "demeanour", "attitude", "communication", "manner", "manners",
                                      "who", "you", "are", "your", "yourself", "about", "and", "of", "the", "core", "general", "assistant",
                                      "profile", "background", "overview", "conversational", "conversation", "speaking"].map(Tokenizer.hash))

    /// Whether two units' personas may be compared: the same one, or either in none.
    static func sameAgent(_ one: Int, _ other: Int) -> Bool { one == other || one == 0 || other == 0 }

    /// The name in "You are Aria, ...": a capitalised word after "you are".
    static func name(_ tokens: ArraySlice<Token>) -> UInt64? {
        let start = tokens.startIndex
        guard tokens.count >= 3, tokens[start].hash == youWord, tokens[start + 1].hash == areWord, tokens[start + 2].startsUpper else { return nil }
        return tokens[start + 2].hash
    }

    static let youWord = Tokenizer.hash("you")
    static let areWord = Tokenizer.hash("are")
    static let negators = WordSet(["not", "unable", "never", "prohibited", "forbidden", "cannot", "can't", "aren't"].map(Tokenizer.hash))

    /// A heading (by its unit index) or an XML-style section (by where it opens:
    /// two `<agent>` sections are two sections).
    enum Key: Hashable {
        case none
        case heading(Int)
        case section(Int)
    }

    /// The nearest section around a unit: its heading or its innermost XML-style
    /// section, whichever opens later (`<agents> ## Support ...` sits under the
    /// heading, `## Agents <agent> ...` in the tag).
    static func innermost(_ unit: Int, _ document: Document) -> Key {
        let section = document.units[unit].enclosingSections.last?.start
        guard let heading = document.units[unit].parentHeading else { return section.map(Key.section) ?? .none }
        if let section, section > document.units[heading].range.lowerBound { return .section(section) }
        return .heading(heading)
    }

    /// The persona of the innermost persona section around a unit: the headings
    /// above it and the XML-style sections around it, nearest first; 0 for none.
    static func persona(of unit: Unit, _ personas: [Key: Int], _ document: Document) -> Int {
        var heading = unit.kind == .heading ? nil : unit.parentHeading
        var depth = unit.enclosingSections.count
        var steps = 0
        // Both chains run from the nearest outwards, so the later opening of the two comes first.
        while steps < 96 {
            let section = depth > 0 ? unit.enclosingSections[depth - 1].start : nil
            let key: Key
            if let index = heading, section.map({ $0 < document.units[index].range.lowerBound }) ?? true {
                key = .heading(index)
                heading = document.units[index].parentHeading
            } else if let section {
                key = .section(section)
                depth -= 1
            } else {
                return 0
            }
            if let persona = personas[key] { return persona }
            steps += 1
        }
        return 0
    }
}
