/// Gives each unit its facets: cue phrases from the lexicon, a few sentence
/// patterns, then what its heading, XML section or lead-in line announces.
/// Deterministic and offline; measured with `facet score-facets`.
public struct FacetClassifier: Sendable {
    /// A facet is assigned when its combined confidence reaches this.
    public static let threshold = 0.5

    let lexicon: CompiledLexicon

    public init() { self.lexicon = .shared }

    public func classify(_ document: Document) -> [UnitFacets] {
        classify(document, words: WordIndex(document))
    }

    func classify(_ document: Document, words: WordIndex) -> [UnitFacets] {
        var result = [UnitFacets](repeating: UnitFacets(), count: document.units.count)
        var own = [[FacetAssignment]](repeating: [], count: document.units.count)
        var sectionFacets: [String: [FacetAssignment]] = [:]
        document.source.bytes.withUnsafeBufferPointer { buffer in
            for (index, unit) in document.units.enumerated() where !unit.isExample {
                own[index] = scoreUnit(buffer, unit, Array(words.of(index)))
            }
        }
        // Headings and sections announce facets for what they contain.
        for (index, unit) in document.units.enumerated() where !unit.isExample {
            var assignments = Self.decisive(own[index])
            if unit.kind == .heading {
                let named = HeadingLexicon.facets(forHeading: document.text(of: unit))
                // A short heading without a facet name is a title, whatever its words.
                assignments = named.isEmpty ? (words.of(index).count >= 4 ? assignments : []) : mergeAnnounced(assignments, named, weight: 0.95)
            } else if unit.kind == .tableRow {
                // Table rows are data; they say what their own words say.
            } else {
                var announced: [FacetAssignment] = []
                if let leadIn = unit.leadIn, leadIn < index { announced = result[leadIn].assignments }
                if announced.isEmpty, let heading = unit.parentHeading { announced = result[heading].assignments.map { a in
                    var a = a
                    a.evidence = ["heading \"\(document.text(of: document.units[heading]))\""]
                    return a
                } }
                if announced.isEmpty, let section = unit.sections.last {
                    if sectionFacets[section] == nil { sectionFacets[section] = HeadingLexicon.facets(forHeading: section) }
                    announced = sectionFacets[section]!.map { a in
                        var a = a
                        a.evidence = ["section <\(section)>"]
                        return a
                    }
                }
                assignments = inherit(own: assignments, announced: announced)
            }
            assignments.sort { $0.confidence > $1.confidence || $0.confidence == $1.confidence && $0.facet < $1.facet }
            result[index] = UnitFacets(assignments: assignments)
        }
        return result
    }

    /// The strongest facet, plus any other nearly as strong: most units express
    /// one facet, and weak secondary cues are noise more often than not.
    static func decisive(_ scores: [FacetAssignment]) -> [FacetAssignment] {
        let passing = scores.filter { $0.confidence >= threshold }.sorted { $0.confidence > $1.confidence || $0.confidence == $1.confidence && $0.facet < $1.facet }
        guard let top = passing.first else { return [] }
        return [top] + passing.dropFirst().filter { $0.confidence >= secondaryThreshold && $0.confidence >= top.confidence - secondaryGap }
    }

    static let secondaryThreshold = 0.9
    static let secondaryGap = 0.1

    /// A unit keeps its own facets; it takes the announced ones when it has none
    /// of its own, and keeps an announced facet its own text also hints at.
    func inherit(own: [FacetAssignment], announced: [FacetAssignment]) -> [FacetAssignment] {
        guard !announced.isEmpty else { return own }
        if own.isEmpty {
            return announced.map { FacetAssignment(facet: $0.facet, confidence: min(0.9, $0.confidence * 0.8), evidence: $0.evidence) }
        }
        return own
    }

    func mergeAnnounced(_ own: [FacetAssignment], _ announced: [FacetAssignment], weight: Double) -> [FacetAssignment] {
        guard !announced.isEmpty else { return own }
        // A heading's name says more about it than its few words' cues.
        return announced.map { FacetAssignment(facet: $0.facet, confidence: $0.confidence * weight, evidence: $0.evidence) }
    }

    /// Cue evidence from the unit's own text.
    func scoreUnit(_ buffer: UnsafeBufferPointer<UInt8>, _ unit: Unit, _ tokens: [Token]) -> [FacetAssignment] {
        struct Match { var entry: Int; var start: Int; var end: Int; var weight: Double }
        var matches: [Match] = []
        let starts = startPositions(tokens)
        for position in tokens.indices {
            let token = tokens[position]
            if let candidates = lexicon.byFirst[token.hash] {
                for candidate in candidates { tryMatch(candidate, at: position) }
            }
            if token.isNumber { for candidate in lexicon.numberFirst { tryMatch(candidate, at: position) } }
        }
        func tryMatch(_ candidate: Int, at position: Int) {
            let entry = lexicon.entries[candidate]
            guard position + entry.hashes.count <= tokens.count else { return }
            for (k, h) in entry.hashes.enumerated() {
                let token = tokens[position + k]
                if h == 0 { if !token.isNumber { return } } else if token.hash != h { return }
            }
            var weight = entry.weight
            if entry.startOnly && !starts.contains(position) { weight *= 0.5 }
            matches.append(Match(entry: candidate, start: position, end: position + entry.hashes.count, weight: weight))
        }
        // A phrase inside a longer matched phrase is not separate evidence.
        var kept: [Match] = []
        for match in matches {
            let covered = matches.contains { other in
                other.entry != match.entry && other.start <= match.start && other.end >= match.end
                    && (other.end - other.start) > (match.end - match.start)
            }
            if !covered { kept.append(match) }
        }
        var miss = [Double](repeating: 1, count: Facet.allCases.count)
        var evidence = [[String]](repeating: [], count: Facet.allCases.count)
        var seen = Set<Int>()
        for match in kept where seen.insert(match.entry).inserted {
            let entry = lexicon.entries[match.entry]
            miss[entry.facet.order] *= 1 - match.weight
            evidence[entry.facet.order].append(entry.phrase)
        }
        // Unspaced scripts (CJK): substring cues.
        if hasCJK(buffer, unit.range) {
            for entry in lexicon.substrings where contains(buffer, unit.range, entry.bytes) {
                miss[entry.facet.order] *= 1 - entry.weight
                evidence[entry.facet.order].append(entry.phrase)
            }
        }
        applyPatterns(buffer, tokens, starts, &miss, &evidence)
        var result: [FacetAssignment] = []
        for facet in Facet.allCases where miss[facet.order] < 1 {
            result.append(FacetAssignment(facet: facet, confidence: ((1 - miss[facet.order]) * 1000).rounded() / 1000, evidence: evidence[facet.order]))
        }
        return result
    }

    /// Sentence patterns that single phrases cannot express.
    func applyPatterns(_ buffer: UnsafeBufferPointer<UInt8>, _ tokens: [Token], _ starts: ClosedRange<Int>,
                       _ miss: inout [Double], _ evidence: inout [[String]]) {
        guard !tokens.isEmpty else { return }
        // "You are Aria, ..." names the assistant: a role.
        for position in tokens.indices.dropLast() where tokens[position].hash == Cue.youAre
            || (tokens[position].hash == Cue.you && position + 2 < tokens.count && tokens[position + 1].hash == Cue.are) {
            let next = tokens[position].hash == Cue.youAre ? position + 1 : position + 2
            if next < tokens.count && tokens[next].startsUpper && starts.contains(position) {
                miss[Facet.role.order] *= 0.15
                evidence[Facet.role.order].append("you are <Name>")
            }
        }
        // No facet at all, a statement rather than an instruction: background.
        if miss.allSatisfy({ $0 > 1 - Self.threshold }) {
            let hasSecondPerson = tokens.contains { $0.hash == Cue.you || $0.hash == Cue.your }
            let hasCopula = tokens.contains { Cue.copulas.contains($0.hash) }
            if hasCopula && !hasSecondPerson && tokens.count >= 4 {
                miss[Facet.background.order] *= 0.4
                evidence[Facet.background.order].append("a statement of fact")
            }
        }
    }

    /// Token positions that count as the start of an instruction: the first word,
    /// and the word after leading adverbs and modals ("Always", "Please", "You should").
    func startPositions(_ tokens: [Token]) -> ClosedRange<Int> {
        var k = 0
        while k < tokens.count && k < 4 && Cue.leaders.contains(tokens[k].hash) { k += 1 }
        return 0...k
    }

    func hasCJK(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        for i in range where buffer[i] >= 0xE3 && buffer[i] <= 0xED { return true }
        return false
    }

    func contains(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, range.count >= needle.count else { return false }
        var i = range.lowerBound
        while i + needle.count <= range.upperBound {
            if buffer[i] == first {
                var k = 1
                while k < needle.count && buffer[i + k] == needle[k] { k += 1 }
                if k == needle.count { return true }
            }
            i += 1
        }
        return false
    }
}

/// Hashes of words the patterns look for.
enum Cue {
    static let you = Tokenizer.hash("you")
    static let your = Tokenizer.hash("your")
    static let are = Tokenizer.hash("are")
    static let youAre = Tokenizer.hash("you're")
    static let copulas = WordSet(["is", "are", "was", "were", "has", "have", "had", "offers", "provides", "contains", "includes", "means", "uses", "runs", "sells", "serves"].map(Tokenizer.hash))
    static let leaders = WordSet(["always", "please", "also", "then", "and", "now", "just", "simply", "carefully", "first", "finally", "next", "additionally", "you", "should", "must", "will", "can", "need", "to", "the", "assistant", "make", "sure", "then", "thereafter", "afterwards", "only", "briefly", "politely", "kindly", "instead"].map(Tokenizer.hash))
}
