/// Gives each unit its facets: cue phrases from the lexicon, a few sentence
/// patterns, then what its heading, XML section or lead-in line announces;
/// then a learned layer (`FacetModel`) weighs that evidence; last, a heading
/// that names no facet takes its section's (`SectionSummary`). Deterministic and
/// offline; measured with `facet score-facets`.
public struct FacetClassifier: Sendable {
    /// The rules assign a facet when its combined cue confidence reaches this.
    public static let threshold = 0.5

    let lexicon: CompiledLexicon
    let vocabulary: Vocabulary
    let cueWords: Cue
    /// nil: the rules' facets as they are (what the model is trained on).
    let model: FacetModel?

    public init() { self.init(model: .shared) }

    /// Cues, patterns and headings alone, without the learned layer.
    public static let ruleBased = FacetClassifier(model: nil)

    init(model: FacetModel?) {
        self.lexicon = .shared
        self.vocabulary = .shared
        self.cueWords = .shared
        self.model = model
    }

    public func classify(_ document: Document) -> [UnitFacets] {
        classify(document, words: WordIndex(document))
    }

    func classify(_ document: Document, words: WordIndex) -> [UnitFacets] {
        var result: [UnitFacets] = []
        applyRules(document, words: words) { facets, own, announced in
            result = model.map { weigh(document, words: words, model: $0, rule: facets, own: own, announced: announced) } ?? facets
        }
        SectionSummary.apply(document, words: words, to: &result)
        return result
    }

    /// The learned layer's say: the facets the model finds likely enough, with
    /// the model's probability as confidence. A facet keeps the rules' evidence
    /// (the unit's own cues, else what was announced to it); one the rules found
    /// no evidence for needs a higher probability and shows the words it was learned from.
    func weigh(_ document: Document, words: WordIndex, model: FacetModel, rule: [UnitFacets],
               own: [[FacetAssignment]], announced: [[FacetAssignment]]) -> [UnitFacets] {
        // Examples have no facets, in the rules as here. Appended unit by unit: an array
        // made by `repeating:` retained its (empty) value once per unit, and released it
        // again as each was set. (A copy of `rule` would be copied again, element by element, at the first change.)
        var result: [UnitFacets] = []
        result.reserveCapacity(rule.count)
        var scratch = FacetModel.Scratch()
        let masks = UnitFeatures.Neighbours.masks(document, rule: rule)
        let documentShare = UnitFeatures.documentShare(masks)
        model.withTables { tables in
            document.source.bytes.withUnsafeBufferPointer { buffer in
                words.tokens.withUnsafeBufferPointer { allTokens in
                    let floorLogit = FacetModel.floorLogit  // a static let, read once rather than per facet
                    let wordSums = WordSums(document, words, allTokens, tables)
                    // The first pass, unit by unit (nil for examples), then the second over all of them.
                    // By index: `enumerated()` copies each unit, retaining and releasing its section names.
                    var logits = [SIMD8<Double>?](repeating: nil, count: document.units.count)
                    for index in document.units.indices where !document.units[index].isExample {
                        let tokens = UnsafeBufferPointer(rebasing: allTokens[words.ranges[index]])
                        FacetModel.logits(tables, buffer, units: document.units, index: index, tokens: tokens,
                                          words: wordSums.total(index, in: document), own: own[index], rule: rule[index].assignments,
                                          announced: announced[index], neighbours: UnitFeatures.Neighbours.of(index, in: masks),
                                          documentShare: documentShare, scratch: &scratch)
                        logits[index] = scratch.logits
                    }
                    model.second?.apply(to: &logits)
                    for index in document.units.indices {
                        // Nor have units without a word ("},", "│", an emoji): nothing in them says anything.
                        guard let unitLogits = logits[index], !words.ranges[index].isEmpty else { result.append(UnitFacets()); continue }
                        scratch.logits = unitLogits
                        let cues = own[index], heard = announced[index]
                        let tokens = UnsafeBufferPointer(rebasing: allTokens[words.ranges[index]])
                        let neighbours = UnitFeatures.Neighbours.of(index, in: masks)
                        var assignments: [FacetAssignment] = []
                        // Indices, not copies: copying an assignment retains its evidence.
                        // By order, not `Facet.allCases`, which builds an array per unit.
                        for order in 0..<FacetModel.facets where scratch.logits[order] >= floorLogit {
                            let facet = Facet.at(order)
                            let p = FacetModel.probability(scratch.logits[order])
                            let cue = cues.firstIndex { $0.facet == facet && $0.confidence > 0 }
                            let echo = cue == nil ? heard.firstIndex { $0.facet == facet && $0.confidence > 0 } : nil
                            let evidence: [String]
                            if let cue {
                                // A strong cue the rules acted on stands unless the model finds it very unlikely.
                                let strongCue = cues[cue].confidence >= FacetModel.strongCue && rule[index].has(facet)
                                guard p >= model.threshold || strongCue else { continue }
                                evidence = cues[cue].evidence
                            } else if let echo {
                                guard p >= model.threshold else { continue }
                                evidence = heard[echo].evidence
                            } else {
                                guard p >= model.unsupported else { continue }
                                evidence = [FacetModel.learnedEvidence(tables, buffer, tokens: tokens, facet: facet)]
                            }
                            assignments.append(FacetAssignment(facet: facet, confidence: (p * 1000).rounded() / 1000, evidence: evidence))
                        }
                        // Nearly every instruction has a facet: a plain one with no cue keeps its likeliest at a lower bar
                        // (not the title, which people label with none).
                        let isTitle = index == 0 && neighbours.hasNext && document.units[index].kind != .listItem
                        if assignments.isEmpty, !isTitle, UnitFeatures.isInstructionShaped(document.units[index], tokens: tokens),
                           let likeliest = (0..<FacetModel.facets).max(by: { scratch.logits[$0] < scratch.logits[$1] }) {
                            let p = FacetModel.probability(scratch.logits[likeliest])
                            if p >= FacetModel.fallback {
                                let facet = Facet.at(likeliest)
                                let evidence = cues.first { $0.facet == facet && $0.confidence > 0 }?.evidence
                                    ?? heard.first { $0.facet == facet && $0.confidence > 0 }?.evidence
                                    ?? [FacetModel.learnedEvidence(tables, buffer, tokens: tokens, facet: facet)]
                                assignments.append(FacetAssignment(facet: facet, confidence: (p * 1000).rounded() / 1000, evidence: evidence))
                            }
                        }
                        // Most units keep one facet or none, which need no sorting.
                        if assignments.count > 1 { assignments.sort(by: FacetAssignment.strongerFirst) }
                        // The most likely facet, and others only when they are likely in their own right.
                        if assignments.count > 1 {
                            let top = assignments[0].facet
                            assignments.removeAll { $0.facet != top && $0.confidence < FacetModel.secondary }
                        }
                        result.append(UnitFacets(assignments: assignments))
                    }
                }
            }
        }
        return result
    }

    /// What a learned layer over the classifier would see of each unit, by
    /// name (nil for examples): `facet score-facets --features` writes it for
    /// `bench/train-facets.py`.
    public func namedFeatures(_ document: Document) -> [[String: Double]?] {
        let words = WordIndex(document)
        var named = [[String: Double]?](repeating: nil, count: document.units.count)
        applyRules(document, words: words) { facets, own, announced in
            let masks = UnitFeatures.Neighbours.masks(document, rule: facets)
            let documentShare = UnitFeatures.documentShare(masks)
            document.source.bytes.withUnsafeBufferPointer { buffer in
                words.tokens.withUnsafeBufferPointer { allTokens in
                    for (index, unit) in document.units.enumerated() where !unit.isExample {
                        named[index] = UnitFeatures.named(buffer, units: document.units, index: index,
                                                          words: UnitFeatures.Words(index, in: document, words, allTokens),
                                                          own: own[index], rule: facets[index].assignments, announced: announced[index],
                                                          neighbours: .of(index, in: masks), documentShare: documentShare)
                    }
                }
            }
        }
        return named
    }

    /// Cues, patterns, then what headings, sections and lead-in lines announce.
    /// Hands over the facets, each unit's own cue scores, and what was announced to it.
    func applyRules(_ document: Document, words: WordIndex,
                    _ body: ([UnitFacets], [[FacetAssignment]], [[FacetAssignment]]) -> Void) {
        // `result` and `own` appended unit by unit, as in `weigh`.
        var result: [UnitFacets] = []
        result.reserveCapacity(document.units.count)
        var announcedTo = [[FacetAssignment]](repeating: [], count: document.units.count)
        var own: [[FacetAssignment]] = []
        own.reserveCapacity(document.units.count)
        var sectionFacets: [String: [FacetAssignment]] = [:]  // announced to the units in a section, by its name
        // By unit index: arrays, not dictionaries, as they are read for nearly every unit.
        var leadInFacets = [[FacetAssignment]?](repeating: nil, count: document.units.count)
        var headingFacets = [[FacetAssignment]?](repeating: nil, count: document.units.count)
        var scratch = Scratch()
        document.source.bytes.withUnsafeBufferPointer { buffer in
            words.tokens.withUnsafeBufferPointer { allTokens in
                // By index, as in `weigh`.
                for index in document.units.indices {
                    own.append(document.units[index].isExample ? []
                               : scoreUnit(buffer, document.units[index].range, UnsafeBufferPointer(rebasing: allTokens[words.ranges[index]]), &scratch))
                }
            }
        }
        if let introduction = Self.thirdPersonIntroduction(document, words: words, own: own) {
            own[introduction] = Self.addingRole(own[introduction], evidence: "<Name> is a ..., then <Name> ...")
        }
        // Headings and sections announce facets for what they contain.
        for index in document.units.indices {
            guard !document.units[index].isExample else { result.append(UnitFacets()); continue }
            // Fields read in place: a copy of the unit would retain its section names.
            let kind = document.units[index].kind
            var assignments = Self.decisive(own[index])
            if kind == .heading {
                let named = HeadingLexicon.facets(forHeading: document.source.text(document.units[index].range))
                announcedTo[index] = named
                // A short heading without a facet name is a title, whatever its words.
                assignments = named.isEmpty ? (words.of(index).count >= 4 ? assignments : []) : mergeAnnounced(assignments, named, weight: 0.95)
            } else if kind == .tableRow {
                // Table rows are data; they say what their own words say.
            } else {
                var announced: [FacetAssignment] = []
                if let leadIn = document.units[index].leadIn, leadIn < index {
                    // Once per lead-in line; its own cue words would read as this unit's.
                    announced = Self.once(&leadInFacets[leadIn]) {
                        let text = document.text(of: document.units[leadIn])
                        return FacetAssignment.passedOn(result[leadIn].assignments,
                                                        by: "lead-in \"\(text.count > 48 ? text.prefix(47) + "…" : text)\"")
                    }
                }
                if announced.isEmpty, let heading = document.units[index].parentHeading {
                    // Once per heading, not once per unit under it.
                    announced = Self.once(&headingFacets[heading]) {
                        // A heading comes before its units (were one after, it has no facets yet).
                        FacetAssignment.passedOn(heading < result.count ? result[heading].assignments : [],
                                                 by: "heading \"\(document.text(of: document.units[heading]))\"")
                    }
                }
                if announced.isEmpty, let section = document.units[index].enclosingSections.last?.name {
                    // Once per section name, not once per unit in it.
                    announced = Self.once(&sectionFacets[section]) {
                        FacetAssignment.passedOn(HeadingLexicon.facets(forHeading: section), by: "section <\(section)>")
                    }
                }
                announcedTo[index] = announced
                assignments = inherit(own: assignments, announced: announced)
            }
            // A lone facet needs no sorting, and sorting would copy the array it shares with `own`.
            if assignments.count > 1 { assignments.sort(by: FacetAssignment.strongerFirst) }
            result.append(UnitFacets(assignments: assignments))
        }
        announceSectionSubjects(document, result, &announcedTo)
        body(result, own, announcedTo)
    }

    /// A heading or XML section that names no facet ("## canmore", `<bookings>`)
    /// still has a subject: a facet a third or more of the units in it have.
    /// It is announced to those that heard nothing else, as evidence for the
    /// learned layer only; the rules' own facets do not change.
    func announceSectionSubjects(_ document: Document, _ result: [UnitFacets], _ announcedTo: inout [[FacetAssignment]]) {
        // Grouped by heading (its unit index), else by XML section name.
        var groups: [(heading: Int?, section: String?, units: [Int])] = []
        var byHeading: [Int: Int] = [:], bySection: [String: Int] = [:]
        // By index, fields read in place: `enumerated()` copies each unit, retaining its section names.
        let units = document.units
        for index in units.indices where !units[index].isExample && units[index].kind != .heading && units[index].kind != .tableRow
            && units[index].leadIn == nil && announcedTo[index].isEmpty {
            if let heading = units[index].parentHeading {
                if byHeading[heading] == nil { byHeading[heading] = groups.count; groups.append((heading, nil, [])) }
                groups[byHeading[heading]!].units.append(index)
            } else if let section = units[index].enclosingSections.last?.name {
                if bySection[section] == nil { bySection[section] = groups.count; groups.append((nil, section, [])) }
                groups[bySection[section]!].units.append(index)
            }
        }
        for group in groups {
            let units = group.units
            guard units.count >= 3 else { continue }
            let name = group.heading.map { "\"\(document.text(of: document.units[$0]))\"" } ?? "<\(group.section ?? "")>"
            var counts = [Int](repeating: 0, count: Facet.allCases.count)
            for index in units { for a in result[index].assignments { counts[a.facet.order] += 1 } }
            let subjects = Facet.allCases.filter { counts[$0.order] * 3 >= units.count }
            let announced = subjects.map { facet in
                FacetAssignment(facet: facet, confidence: (Double(counts[facet.order]) / Double(units.count) * 1000).rounded() / 1000,
                                evidence: ["\(facet.rawValue) is the subject of \(name)"])
            }
            for index in units { announcedTo[index] = announced }
        }
    }

    /// What a lead-in, heading or section passes on, made the first time one of
    /// its units asks and kept in `cache` for the others.
    @inline(__always)
    static func once(_ cache: inout [FacetAssignment]?, _ make: () -> [FacetAssignment]) -> [FacetAssignment] {
        if let made = cache { return made }
        let made = make()
        cache = made
        return made
    }

    /// The strongest facet, plus any other nearly as strong: most units express
    /// one facet, and weak secondary cues are noise more often than not.
    static func decisive(_ scores: [FacetAssignment]) -> [FacetAssignment] {
        // The usual cases, without building a new array.
        if !scores.contains(where: { $0.confidence >= threshold }) { return [] }
        if scores.count == 1 { return scores }
        // Counted first, so the array is made at its size (or is `scores` itself, when
        // all pass) rather than grown append by append as `filter` grows it.
        let passingCount = scores.reduce(0) { $0 + ($1.confidence >= threshold ? 1 : 0) }
        var passing = scores
        if passingCount < scores.count {
            passing = []
            passing.reserveCapacity(passingCount)
            for score in scores where score.confidence >= threshold { passing.append(score) }
        }
        guard passing.count > 1 else { return passing }
        passing.sort(by: FacetAssignment.strongerFirst)
        // Keep the top one and, in place, the others close to it.
        let top = passing[0].confidence
        var kept = 1
        for index in 1..<passing.count where passing[index].confidence >= secondaryThreshold && passing[index].confidence >= top - secondaryGap {
            passing.swapAt(kept, index)
            kept += 1
        }
        passing.removeSubrange(kept...)
        return passing
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

    /// A cue phrase found in a unit: lexicon entry, token span, weight.
    struct Match {
        var entry: Int
        var start: Int
        var end: Int
        var weight: Double
    }

    /// Buffers `scoreUnit` reuses from one unit to the next, so scoring a unit
    /// allocates little more than its result.
    struct Scratch: ~Copyable {
        var matches = ScratchArray<Match>()
        var kept = ScratchArray<Match>()
        /// Per lexicon entry, the number of the last unit that counted it (`unitNumber`):
        /// whether an entry is already counted in this unit, without hashing.
        var countedIn = ScratchArray<UInt32>()
        var unitNumber: UInt32 = 0
        /// Per facet (by `order`; the eighth lane unused): the product of (1 - weight) over its evidence.
        var miss = SIMD8<Double>(repeating: 1)
        /// Evidence in the order it was found, with its facet's `order` and where
        /// its phrase is (`EvidenceSource`): plain numbers, so collecting it retains and
        /// releases no string or array per cue; the strings are read for the result.
        var evidence = ScratchArray<(facet: Int, source: EvidenceSource)>()
        /// The evidence of patterns and substring cues, which are not lexicon entries.
        var otherEvidence: [(phrase: String, alone: [String])] = []

        mutating func addOther(_ facet: Int, _ phrase: String, _ alone: [String]) {
            evidence.append((facet, .other(otherEvidence.count)))
            otherEvidence.append((phrase, alone))
        }
    }

    /// Where a piece of evidence's phrase is: a lexicon entry (`CompiledLexicon.entries`),
    /// or `Scratch.otherEvidence`.
    enum EvidenceSource {
        case entry(Int)
        case other(Int)
    }

    /// Cue evidence from the unit's own text.
    func scoreUnit(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ tokens: UnsafeBufferPointer<Token>,
                   _ scratch: inout Scratch) -> [FacetAssignment] {
        scratch.matches.removeAll()
        scratch.evidence.removeAll()
        scratch.otherEvidence.removeAll(keepingCapacity: true)
        scratch.miss = SIMD8(repeating: 1)
        let starts = startPositions(buffer, tokens)
        let lexicon = self.lexicon
        @inline(__always) func matches(_ h: UInt64, _ token: Token) -> Bool { h == 0 ? token.isNumber : token.hash == h }
        func tryMatch(_ candidate: Int, at position: Int) {
            let probe = lexicon.probes[candidate]
            let count = Int(probe.hashCount)
            guard position + count <= tokens.count else { return }
            // The first word matches: candidates are the entries that begin with this
            // token's word (or with "#", tried only on a number).
            guard count < 2 || matches(probe.second, tokens[position + 1]) else { return }
            for k in stride(from: 2, to: count, by: 1) where !matches(lexicon.wordHashes[Int(probe.hashStart) + k], tokens[position + k]) {
                return
            }
            var weight = probe.weight
            if probe.startOnly && !starts.contains(position) { weight *= 0.5 }
            scratch.matches.append(Match(entry: candidate, start: position, end: position + count, weight: weight))
        }
        lexicon.firstWordCandidates.withUnsafeBufferPointer { candidates in
            for position in tokens.indices {
                let token = tokens[position]
                let hasNext = position + 1 < tokens.count
                for k in vocabulary.cueEntries[Int(token.id)].range {
                    // Most candidates fail at the second word: ruled out here as `tryMatch` would, without reading their probes.
                    let candidate = candidates[k]
                    if candidate.hashCount >= 2 && !(hasNext && matches(candidate.second, tokens[position + 1])) { continue }
                    tryMatch(Int(candidate.entry), at: position)
                }
                if token.isNumber { for candidate in lexicon.numberFirst { tryMatch(candidate, at: position) } }
            }
        }
        // A phrase inside a longer matched phrase is not separate evidence. A longer one
        // around this one starts before it and ends at or after its end, or starts with it
        // and ends after it. Matches are in order of their start, so one pass keeps the
        // furthest end of those starting earlier and, per start, of those starting there:
        // comparing each match with those nearby was most of the time on a unit with a
        // cue in every word.
        scratch.kept.removeAll()
        let matches = scratch.matches.elements
        var group = 0
        var furthestBefore = Int.min
        while group < matches.count {
            var groupEnd = group, furthestHere = Int.min
            while groupEnd < matches.count && matches[groupEnd].start == matches[group].start {
                furthestHere = max(furthestHere, matches[groupEnd].end)
                groupEnd += 1
            }
            for match in matches[group..<groupEnd] where furthestBefore < match.end && furthestHere <= match.end {
                scratch.kept.append(match)
            }
            furthestBefore = max(furthestBefore, furthestHere)
            group = groupEnd
        }
        // Each entry counts once, where it is first kept.
        if scratch.countedIn.count != lexicon.entries.count || scratch.unitNumber == .max {
            scratch.countedIn = ScratchArray(repeating: 0, count: lexicon.entries.count)
            scratch.unitNumber = 0
        }
        scratch.unitNumber += 1
        for match in scratch.kept.elements {
            if scratch.countedIn[match.entry] == scratch.unitNumber { continue }
            // The probe, not the entry: copying an entry retains its array and string,
            // and every thread retaining the same shared objects is slow.
            let probe = lexicon.probes[match.entry]
            if probe.isBareYouAre && describesAState(buffer, tokens, after: match.end) { continue }
            scratch.countedIn[match.entry] = scratch.unitNumber
            let facet = Int(probe.facetOrder)
            scratch.miss[facet] *= 1 - match.weight
            scratch.evidence.append((facet, .entry(match.entry)))
        }
        // Unspaced scripts (CJK): substring cues.
        if hasCJK(buffer, range) {
            for index in lexicon.substringMatches(buffer, range) {
                let entry = lexicon.substrings[index]
                scratch.miss[entry.facet.order] *= 1 - entry.weight
                scratch.addOther(entry.facet.order, entry.phrase, entry.alone)
            }
        }
        applyPatterns(buffer, tokens, starts, &scratch)
        // Arrays sized up front, so each is allocated once rather than regrown as it fills.
        var result: [FacetAssignment] = []
        let found = scratch.evidence.elements
        result.reserveCapacity((0..<Facet.count).reduce(0) { $0 + (scratch.miss[$1] < 1 ? 1 : 0) })
        for order in 0..<Facet.count where scratch.miss[order] < 1 {
            let count = found.reduce(0) { $0 + ($1.facet == order ? 1 : 0) }
            var evidence: [String] = []
            if count == 1, let item = found.first(where: { $0.facet == order }) {
                switch item.source {
                case .entry(let entry): evidence = lexicon.entries[entry].alone
                case .other(let other): evidence = scratch.otherEvidence[other].alone
                }
            } else {
                evidence.reserveCapacity(count)
                // A phrase listed under two weights ("answer" anywhere and at the start) is shown once.
                for item in found where item.facet == order {
                    let phrase: String
                    switch item.source {
                    case .entry(let entry): phrase = lexicon.entries[entry].phrase
                    case .other(let other): phrase = scratch.otherEvidence[other].phrase
                    }
                    if !evidence.contains(phrase) { evidence.append(phrase) }
                }
            }
            result.append(FacetAssignment(facet: Facet.at(order), confidence: ((1 - scratch.miss[order]) * 1000).rounded() / 1000, evidence: evidence))
        }
        return result
    }

    /// Sentence patterns that single phrases cannot express.
    func applyPatterns(_ buffer: UnsafeBufferPointer<UInt8>, _ tokens: UnsafeBufferPointer<Token>, _ starts: InstructionStarts,
                       _ scratch: inout Scratch) {
        guard !tokens.isEmpty else { return }
        let you = cueWords.you, your = cueWords.your, are = cueWords.are, youAre = cueWords.youAre
        // "You are Aria, ..." names the assistant: a role.
        for position in tokens.indices.dropLast() where tokens[position].hash == youAre
            || (tokens[position].hash == you && position + 2 < tokens.count && tokens[position + 1].hash == are) {
            let next = tokens[position].hash == youAre ? position + 1 : position + 2
            if next < tokens.count && tokens[next].startsUpper && starts.contains(position) {
                scratch.miss[Facet.role.order] *= 0.15
                scratch.addOther(Facet.role.order, "you are <Name>", cueWords.youAreNameEvidence)
            }
        }
        // "I am Sage, ..." at the start of a unit: the assistant naming itself, a role
        // (persona prompts written in the first person).
        let iAmName = tokens[0].hash == cueWords.iAm ? 1 : tokens[0].hash == cueWords.i && tokens.count > 2 && tokens[1].hash == cueWords.am ? 2 : 0
        if iAmName > 0 && iAmName < tokens.count && tokens[iAmName].startsUpper {
            scratch.miss[Facet.role.order] *= 0.15
            scratch.addOther(Facet.role.order, "I am <Name>", cueWords.iAmNameEvidence)
        }
        // "As a seasoned editor, you ..." opens with the identity the assistant
        // takes on: a role (a common opening of flowing, Janus-style messages).
        if let addressed = asIdentityThenYou(buffer, tokens) {
            scratch.miss[Facet.role.order] *= 0.1  // as strong as "you are a": kept beside the task that usually follows
            scratch.addOther(Facet.role.order, addressed, [addressed])
        }
        // No facet at all, a statement rather than an instruction: background.
        if (0..<Facet.count).allSatisfy({ scratch.miss[$0] > 1 - Self.threshold }) {
            let copulas = cueWords.copulas
            let hasSecondPerson = tokens.contains { $0.hash == you || $0.hash == your }
            let hasCopula = tokens.contains { copulas.contains($0.hash) }
            if hasCopula && !hasSecondPerson && tokens.count >= 4 {
                scratch.miss[Facet.background.order] *= 0.4
                scratch.addOther(Facet.background.order, "a statement of fact", cueWords.statementOfFactEvidence)
            }
        }
    }

    /// "Maya is a friendly voice companion made by Sesame." followed by "Maya helps the
    /// user ...": the message introduces the assistant in the third person, a role as
    /// "You are Maya" is. The unit: the message's first "<Name> is a/an ..." (a capitalised
    /// word, not a pronoun or determiner), with no role stated before it, and only when a
    /// later unit starts with the same name: "Paris is a city in France." is background.
    static func thirdPersonIntroduction(_ document: Document, words: WordIndex, own: [[FacetAssignment]]) -> Int? {
        let isStopWord = Vocabulary.shared.isStopWord, cue = Cue.shared
        var introduction: (index: Int, name: UInt64)?
        for index in document.units.indices where !document.units[index].isExample && document.units[index].kind != .heading {
            let tokens = words.of(index)
            guard let first = tokens.first else { continue }
            if let (at, name) = introduction {
                if first.hash == name && first.startsUpper { return at }
                continue
            }
            if own[index].contains(where: { $0.facet == .role && $0.confidence >= threshold }) { return nil }
            let start = tokens.startIndex
            if tokens.count >= 4, first.startsUpper, !first.isNumber, !isStopWord[Int(first.id)], !cue.notNames.contains(first.hash),
               tokens[start + 1].hash == cue.is, cue.indefiniteArticles.contains(tokens[start + 2].hash) {
                introduction = (index, first.hash)
            }
        }
        return nil
    }

    /// The unit's cue scores with role evidence added, strong enough to stand beside the
    /// style its words describe the persona with ("a friendly voice companion").
    static func addingRole(_ scores: [FacetAssignment], evidence: String) -> [FacetAssignment] {
        var scores = scores
        if let k = scores.firstIndex(where: { $0.facet == .role }) {
            scores[k].confidence = ((1 - (1 - scores[k].confidence) * 0.08) * 1000).rounded() / 1000
            scores[k].evidence.append(evidence)
        } else {
            scores.append(FacetAssignment(facet: .role, confidence: 0.92, evidence: [evidence]))
        }
        return scores
    }

    /// "You are operating in ...", "You are given ...", "You are never rude": what
    /// follows "you are" is a situation or a manner, not who the assistant is. True
    /// for a participle (a word ending in "ing" or "ed", or an irregular one) or a
    /// frequency adverb.
    func describesAState(_ buffer: UnsafeBufferPointer<UInt8>, _ tokens: UnsafeBufferPointer<Token>, after end: Int) -> Bool {
        guard end < tokens.count else { return false }
        let word = tokens[end]
        return cueWords.stateWords.contains(word.hash) || word.endsIn("ing", minLength: 5, in: buffer) || word.endsIn("ed", minLength: 5, in: buffer)
    }

    /// "As a/an/the <up to ten words>, you|your|I ...": the evidence to show, else nil.
    func asIdentityThenYou(_ buffer: UnsafeBufferPointer<UInt8>, _ tokens: UnsafeBufferPointer<Token>) -> String? {
        guard tokens.count >= 4, tokens[0].hash == cueWords.as, cueWords.articles.contains(tokens[1].hash) else { return nil }
        for k in 3..<min(tokens.count, 13) {
            // "As a rule, you ...", "As a result, your ...": a way of speaking, not an identity.
            if cueWords.notIdentities.contains(tokens[k - 1].hash) { return nil }
            // The comma closing the "As ..." phrase sits between two words.
            guard buffer[tokens[k - 1].range.upperBound..<tokens[k].range.lowerBound].contains(UInt8(ascii: ",")) else { continue }
            return cueWords.addressed.contains(tokens[k].hash) ? "As <identity>, you" : nil
        }
        return nil
    }

    /// Token positions that count as the start of an instruction: the first word,
    /// and the word after leading adverbs and modals ("Always", "Please", "You should");
    /// the same again after a short label ending in ":" ("Step 2: Give ...", "Note: always ...").
    func startPositions(_ buffer: UnsafeBufferPointer<UInt8>, _ tokens: UnsafeBufferPointer<Token>) -> InstructionStarts {
        let leaders = cueWords.leaders
        func afterLeaders(_ start: Int) -> ClosedRange<Int> {
            var k = start
            while k < tokens.count && k < start + 4 && leaders.contains(tokens[k].hash) { k += 1 }
            return start...k
        }
        var label: ClosedRange<Int>?
        search: for k in stride(from: 1, to: min(tokens.count, 7), by: 1) {
            for i in tokens[k - 1].range.upperBound..<tokens[k].range.lowerBound where buffer[i] == UInt8(ascii: ":") {
                label = afterLeaders(k)
                break search
            }
        }
        return InstructionStarts(first: afterLeaders(0), afterLabel: label)
    }

    /// Whether a byte in the range leads a 3-byte CJK character (E3–ED).
    func hasCJK(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        // Past the leading ASCII first: most units are ASCII, and this runs over every unit.
        let start = ASCIIRun.end(buffer, from: range.lowerBound, to: range.upperBound)
        for i in start..<range.upperBound where buffer[i] >= 0xE3 && buffer[i] <= 0xED { return true }
        return false
    }
}

/// Where an instruction's verb may stand in a unit's words.
struct InstructionStarts {
    var first: ClosedRange<Int>
    var afterLabel: ClosedRange<Int>?

    @inline(__always) func contains(_ position: Int) -> Bool {
        first.contains(position) || afterLabel?.contains(position) == true
    }
}

/// Hashes of words the patterns look for, made once (`shared`) and held by the
/// classifier, which reads them for every unit: each read of a static let is a
/// call that checks it was made, and these were read several times a unit.
struct Cue: Sendable {
    let you = Tokenizer.hash("you")
    let your = Tokenizer.hash("your")
    let are = Tokenizer.hash("are")
    let youAre = Tokenizer.hash("you're")
    let i = Tokenizer.hash("i"), am = Tokenizer.hash("am"), iAm = Tokenizer.hash("i'm")
    let `as` = Tokenizer.hash("as")
    let articles = WordSet(["a", "an", "the"].map(Tokenizer.hash))
    let indefiniteArticles = WordSet(["a", "an"].map(Tokenizer.hash))
    let `is` = Tokenizer.hash("is")
    /// The patterns' evidence, each made once (as `CompiledLexicon.Entry.alone`).
    let youAreNameEvidence = ["you are <Name>"], iAmNameEvidence = ["I am <Name>"]
    let statementOfFactEvidence = ["a statement of fact"]
    /// Capitalised at the start of a sentence, but no name: "There is a ...", "Here is an example".
    let notNames = WordSet(["there", "here", "what", "which", "who", "where", "below", "above", "following", "today", "now",
                                   "one", "everything", "nothing", "something", "anything", "everyone", "nobody"].map(Tokenizer.hash))
    /// Who an "As a ..., " opening goes on to address: the assistant.
    let notIdentities = WordSet(["rule", "result", "reminder", "example", "note", "default", "fallback", "whole",
                                        "consequence", "precaution", "courtesy", "resort", "matter", "first", "last", "final",
                                        "next", "reference", "aside", "alternative", "guideline", "side", "bonus", "tip"].map(Tokenizer.hash))
    let stateWords = WordSet(["given", "made", "built", "known", "shown", "written", "taught", "run", "being", "bound",
                                     "never", "sometimes", "always", "often", "rarely", "usually", "able", "unable"].map(Tokenizer.hash))
    let addressed = WordSet(["you", "your", "you'll", "you're", "i", "my", "i'm", "i'll"].map(Tokenizer.hash))
    let copulas = WordSet(["is", "are", "was", "were", "has", "have", "had", "offers", "provides", "contains", "includes", "means", "uses", "runs", "sells", "serves"].map(Tokenizer.hash))
    let negations = WordSet(["never", "not", "don't", "no", "avoid", "cannot", "can't", "mustn't", "shouldn't", "won't", "without"].map(Tokenizer.hash))
    let leaders = WordSet(["always", "please", "also", "then", "and", "now", "just", "simply", "carefully", "first", "finally", "next", "additionally", "you", "should", "must", "will", "can", "need", "to", "the", "assistant", "make", "sure", "then", "thereafter", "afterwards", "only", "briefly", "politely", "kindly", "instead", "maybe", "perhaps", "possibly", "ideally", "try"].map(Tokenizer.hash))
    static let shared = Cue()
}
