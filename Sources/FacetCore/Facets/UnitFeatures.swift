/// What the learned layer (`FacetModel`) sees of one unit: the cue scores of
/// its own words (`own.task`), the rules' decision (`rule.task`), what its
/// heading or section announces (`ann.task`), the rules' decision on the
/// units before and after it (`p.rule.task`, `n.rule.task`), its shape
/// (`kind.heading`, `len.4-8`, `flag.you`, ...), its words (`w.json`, and
/// `w0.write` for the first), its pairs of adjacent words (`w2.reply in`),
/// the words of the units before and after it (`pw.tools`, `nw.json`) and of
/// the heading it sits under (`hw.memory`), and the share of the document's
/// units the rules gave each facet (`doc.tool`): a unit is often read by what
/// surrounds it, and "Remember:" means one thing in a tool manual and another
/// in a persona. One definition serves both the model and the
/// export that trains it (`facet score-facets --features`), so the two cannot
/// drift apart.
enum UnitFeatures {
    /// A feature other than a word, as a dense slot so inference needs no strings.
    enum Fixed {
        static let facets = Facet.count
        static let kinds = UnitKind.allCases
        static let lengths = ["len.1-3", "len.4-8", "len.9-20", "len.21+"]
        /// Yes-or-no features of a unit's shape and words, in slot order.
        enum Flag: Int, CaseIterable {
            case first, caps, colon, question, underHeading, inSection, leadIn, you, negation, number, placeholder

            var name: String {
                switch self {
                case .underHeading: return "under-heading"
                case .inSection: return "in-section"
                case .leadIn: return "lead-in"
                default: return "\(self)"
                }
            }
        }

        static let bias = 0
        static func kind(_ kind: UnitKind) -> Int {
            switch kind {  // a switch, not a search of `kinds`: this runs once per unit
            case .sentence: return 1
            case .listItem: return 2
            case .heading: return 3
            case .tableRow: return 4
            }
        }
        static func own(_ facet: Facet) -> Int { 1 + kinds.count + facet.order }
        static func rule(_ facet: Facet) -> Int { 1 + kinds.count + facets + facet.order }
        static func announced(_ facet: Facet) -> Int { 1 + kinds.count + 2 * facets + facet.order }
        static let previousRuleBase = 1 + kinds.count + 3 * facets
        static let nextRuleBase = 1 + kinds.count + 4 * facets
        static let documentShareBase = 1 + kinds.count + 5 * facets
        static let lengthBase = 1 + kinds.count + 6 * facets
        static func length(_ tokens: Int) -> Int { lengthBase + (tokens <= 3 ? 0 : tokens <= 8 ? 1 : tokens <= 20 ? 2 : 3) }
        /// Constants the compiler folds: a slot looked up by name was a lazily made global, read per unit.
        static func flag(_ flag: Flag) -> Int { lengthBase + lengths.count + flag.rawValue }
        static let count = lengthBase + lengths.count + Flag.allCases.count

        /// Each slot's name, as the export writes it and the weights file reads it.
        static let names: [String] = {
            var names = [String](repeating: "", count: count)
            names[bias] = "bias"
            for k in kinds { names[kind(k)] = "kind.\(k.rawValue)" }
            for f in Facet.allCases {
                names[own(f)] = "own.\(f.rawValue)"
                names[rule(f)] = "rule.\(f.rawValue)"
                names[announced(f)] = "ann.\(f.rawValue)"
                names[previousRuleBase + f.order] = "p.rule.\(f.rawValue)"
                names[nextRuleBase + f.order] = "n.rule.\(f.rawValue)"
                names[documentShareBase + f.order] = "doc.\(f.rawValue)"
            }
            for (i, name) in lengths.enumerated() { names[lengthBase + i] = name }
            for f in Flag.allCases { names[flag(f)] = "flag.\(f.name)" }
            return names
        }()
    }

    /// The rules' facets on the units either side, as bit masks (bit `Facet.order`;
    /// nil: no unit there, or an example): units in a run tend to share a facet.
    struct Neighbours {
        var previous: UInt8?
        var next: UInt8?
        /// Whether any unit follows (`next` is also nil when the one that follows is an example).
        var hasNext: Bool

        /// Each unit's facets as a mask, taken once per document: reading the
        /// neighbours' arrays for every unit retained and released them.
        static func masks(_ document: Document, rule: [UnitFacets]) -> [UInt8?] {
            document.units.indices.map { i in
                document.units[i].isExample ? nil : rule[i].assignments.reduce(UInt8(0)) { $0 | 1 << $1.facet.order }
            }
        }

        static func of(_ index: Int, in masks: [UInt8?]) -> Neighbours {
            Neighbours(previous: index > 0 ? masks[index - 1] : nil, next: index + 1 < masks.count ? masks[index + 1] : nil,
                       hasNext: index + 1 < masks.count)
        }
    }

    /// Per facet (lane `Facet.order`), the share of the document's units,
    /// examples aside, the rules gave it: a unit of a tool manual or of a
    /// persona is read in that light.
    static func documentShare(_ masks: [UInt8?]) -> SIMD8<Double> {
        var counts = SIMD8<Double>(), units = 0.0
        for case let mask? in masks {
            units += 1
            for order in 0..<Fixed.facets where mask & 1 << order != 0 { counts[order] += 1 }
        }
        return units > 0 ? counts / units : counts
    }

    /// Where a word feature's word stands, relative to the unit.
    enum Place: Int, CaseIterable {
        case own, first, previous, next, heading
        /// The places `PackedWeights` keeps side by side, as three units read them.
        static let block: [Place] = [.own, .first, .previous, .next]
        /// The feature name's prefix, as the export writes it.
        var prefix: String {
            switch self {
            case .first: return "w0."
            case .own: return "w."
            case .previous: return "pw."
            case .next: return "nw."
            case .heading: return "hw."
            }
        }
    }

    /// A unit's words, those of the units either side and of the heading it
    /// sits under (empty: none, or an example), as ranges of the document's
    /// tokens (`WordIndex.tokens`), so a caller can keep what it knows of each
    /// token in an array beside them.
    struct Words {
        var all: UnsafeBufferPointer<Token>
        var own: Range<Int>
        var previous: Range<Int>
        var next: Range<Int>
        /// Empty for a heading: its own words say what it is.
        var heading: Range<Int>

        var ownTokens: UnsafeBufferPointer<Token> { UnsafeBufferPointer(rebasing: all[own]) }

        /// The words of the unit at `index` and of its neighbours.
        init(_ index: Int, in document: Document, _ words: WordIndex, _ all: UnsafeBufferPointer<Token>) {
            func of(_ i: Int) -> Range<Int> {
                guard i >= 0, i < document.units.count, !document.units[i].isExample else { return 0..<0 }
                return words.ranges[i]
            }
            self.all = all
            own = of(index)
            previous = of(index - 1)
            next = of(index + 1)
            // Fields read in place: a copy of the unit would retain its section names, for every unit.
            heading = document.units[index].kind == .heading ? 0..<0 : document.units[index].parentHeading.map(of) ?? 0..<0
        }
    }

    /// What `visit` hands a unit's fixed features to.
    protocol Sink {
        mutating func fixed(_ slot: Int, _ value: Double)
    }

    /// What `visitWords` hands a unit's word and pair features to.
    protocol WordSink {
        mutating func word(_ at: Int, _ place: Place)
        mutating func pair(_ a: Int, _ b: Int)
    }

    /// Calls `fixed(slot, value)` for each fixed feature of `units[index]`, whose
    /// words are `tokens`. (By index, its fields read in place: a copy of the
    /// unit would retain its section names, for every unit.)
    @inline(__always)
    static func visit<S: Sink>(_ buffer: UnsafeBufferPointer<UInt8>, units: [Unit], index: Int, tokens: UnsafeBufferPointer<Token>,
                               own: [FacetAssignment], rule: [FacetAssignment], announced: [FacetAssignment], neighbours: Neighbours,
                               documentShare: SIMD8<Double>, into sink: inout S) {
        @inline(__always) func fixed(_ slot: Int, _ value: Double) { sink.fixed(slot, value) }
        fixed(Fixed.bias, 1)
        let range = units[index].range
        fixed(Fixed.kind(units[index].kind), 1)
        // By index, reading two fields: copying an assignment would retain its evidence.
        for i in own.indices { fixed(Fixed.own(own[i].facet), own[i].confidence) }
        for i in rule.indices { fixed(Fixed.rule(rule[i].facet), 1) }
        for i in announced.indices { fixed(Fixed.announced(announced[i].facet), announced[i].confidence) }
        let previous = neighbours.previous ?? 0, next = neighbours.next ?? 0
        for order in 0..<Fixed.facets {
            if previous & 1 << order != 0 { fixed(Fixed.previousRuleBase + order, 1) }
            if next & 1 << order != 0 { fixed(Fixed.nextRuleBase + order, 1) }
            if documentShare[order] > 0 { fixed(Fixed.documentShareBase + order, documentShare[order]) }
        }
        fixed(Fixed.length(tokens.count), 1)
        var hasUpper = false, hasLower = false
        for i in range {
            let b = buffer[i]
            if ByteClass.isUpper(b) { hasUpper = true } else if b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") { hasLower = true }
            if hasUpper && hasLower { break }  // most units: by the second letter
        }
        let last = range.isEmpty ? 0 : buffer[range.upperBound - 1]
        // First of several: a title or the role. A one-unit message is the whole message, not its title.
        if index == 0 && neighbours.hasNext { fixed(Fixed.flag(.first), 1) }
        if hasUpper && !hasLower { fixed(Fixed.flag(.caps), 1) }
        if last == UInt8(ascii: ":") { fixed(Fixed.flag(.colon), 1) }
        if last == UInt8(ascii: "?") { fixed(Fixed.flag(.question), 1) }
        if units[index].parentHeading != nil { fixed(Fixed.flag(.underHeading), 1) }
        if !units[index].enclosingSections.isEmpty { fixed(Fixed.flag(.inSection), 1) }
        if units[index].leadIn != nil { fixed(Fixed.flag(.leadIn), 1) }
        if hasPlaceholder(buffer, range) { fixed(Fixed.flag(.placeholder), 1) }
        var you = false, negation = false, number = false
        let cue = Cue.shared  // a static let, read once rather than per word
        let youHash = cue.you, yourHash = cue.your, negations = cue.negations
        for (position, token) in tokens.enumerated() {
            you = you || token.hash == youHash || token.hash == yourHash
            negation = negation || (position < 3 && negations.contains(token.hash))
            number = number || token.isNumber
        }
        if you { fixed(Fixed.flag(.you), 1) }
        if negation { fixed(Fixed.flag(.negation), 1) }
        if number { fixed(Fixed.flag(.number), 1) }
    }

    /// Calls `word(token, place)` for each word of the unit (the first word
    /// twice, as first and as its own), of the units either side and of its
    /// heading, and `pair(a, b)` for each two adjacent words of the unit;
    /// tokens by their index in `words.all`. A word or pair feature is present
    /// or not: the sink counts a repeated one once. (The model sums these for
    /// a whole document at once, in `WordSums`.)
    static func visitWords<S: WordSink>(_ words: Words, into sink: inout S) {
        for at in words.own {
            if at == words.own.lowerBound { sink.word(at, .first) } else { sink.pair(at - 1, at) }
            sink.word(at, .own)
        }
        for at in words.previous { sink.word(at, .previous) }
        for at in words.next { sink.word(at, .next) }
        for at in words.heading { sink.word(at, .heading) }
    }

    /// A list item, a unit under a heading or in an XML section, one that
    /// says "you" or one that opens with a verb telling what to do ("Keep
    /// itineraries realistic."), but not a heading: the shapes instructions take. Plain prose statements ("Birds
    /// sing in the morning.") are not, and keep no facet the model is unsure of.
    static func isInstructionShaped(_ unit: Unit, tokens: UnsafeBufferPointer<Token>) -> Bool {
        if unit.kind == .heading { return false }  // its section's units decide (SectionSummary)
        if unit.kind == .listItem || unit.parentHeading != nil || !unit.enclosingSections.isEmpty { return true }
        let you = Cue.shared.you, your = Cue.shared.your
        if let first = tokens.first, imperativeOpeners.contains(first.hash) { return true }
        return tokens.contains { $0.hash == you || $0.hash == your }
    }

    /// Words that open an imperative sentence: the verbs the lexicon reads as a
    /// task at a unit's start, those negative-only takes for an alternative, and
    /// a few more openers of instructions.
    static let imperativeOpeners = WordSet(
        CompiledLexicon.shared.startWords + NegativeOnly.imperatives.hashes
            + ["always", "never", "avoid", "please", "do", "don't", "let", "feel", "remain", "refuse", "decline"].map(Tokenizer.hash))

    /// A bracketed blank for the reader to fill, as output templates have
    /// ("**App Title**: [Optimized title]", "[Action] → [Owner]"): "[" then a
    /// letter and at least one more byte, and "]" within 80 bytes not followed
    /// by "(" (a Markdown link); "[x]" is a ticked box, not a blank.
    static func hasPlaceholder(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var i = range.lowerBound
        while i + 2 < range.upperBound {
            // Straight to the next "[": this scans every unit.
            guard let bracket = ByteSearch.first(UInt8(ascii: "["), in: buffer, from: i, to: range.upperBound - 2) else { return false }
            i = bracket
            if ByteClass.isAlpha(buffer[i + 1]) || buffer[i + 1] >= 0x80 {
                var j = i + 2
                let limit = min(range.upperBound, i + 80)
                while j < limit && buffer[j] != UInt8(ascii: "]") && buffer[j] != UInt8(ascii: "[") { j += 1 }
                if j < limit && buffer[j] == UInt8(ascii: "]") && j > i + 2
                    && (j + 1 == range.upperBound || buffer[j + 1] != UInt8(ascii: "(")) {
                    return true
                }
                i = j
            } else {
                i += 1
            }
        }
        return false
    }

    /// The features by name, as `facet score-facets --features` writes them.
    static func named(_ buffer: UnsafeBufferPointer<UInt8>, units: [Unit], index: Int, words: Words,
                      own: [FacetAssignment], rule: [FacetAssignment], announced: [FacetAssignment],
                      neighbours: Neighbours, documentShare: SIMD8<Double>) -> [String: Double] {
        var named = Named(buffer: buffer, all: words.all)
        visit(buffer, units: units, index: index, tokens: words.ownTokens, own: own, rule: rule, announced: announced, neighbours: neighbours,
              documentShare: documentShare, into: &named)
        visitWords(words, into: &named)
        return named.result
    }

    /// Collects features by name.
    struct Named: Sink, WordSink {
        let buffer: UnsafeBufferPointer<UInt8>
        let all: UnsafeBufferPointer<Token>
        var result: [String: Double] = [:]

        mutating func fixed(_ slot: Int, _ value: Double) { result[Fixed.names[slot]] = value }
        mutating func word(_ at: Int, _ place: Place) { result[place.prefix + wordText(buffer, all[at])] = 1 }
        mutating func pair(_ a: Int, _ b: Int) { result["w2." + wordText(buffer, all[a]) + " " + wordText(buffer, all[b])] = 1 }
    }

    /// A token's text folded exactly as the tokenizer folds it before hashing
    /// (ASCII and Latin-1 capitals to small, ’ to '), so `Tokenizer.hash` of
    /// the text is the token's hash and a weights file can name words.
    static func wordText(_ buffer: UnsafeBufferPointer<UInt8>, _ token: Token) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(token.range.count)
        appendWord(buffer, token, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `wordText`'s bytes, after those already in `bytes`.
    static func appendWord(_ buffer: UnsafeBufferPointer<UInt8>, _ token: Token, to bytes: inout [UInt8]) {
        var i = token.range.lowerBound
        while i < token.range.upperBound {
            let c = buffer[i]
            if c < 0x80 {
                bytes.append(ByteClass.lower(c))
                i += 1
            } else if c == 0xE2 && i + 2 < token.range.upperBound && buffer[i + 1] == 0x80 && buffer[i + 2] == 0x99 {
                bytes.append(UInt8(ascii: "'"))
                i += 3
            } else if c == 0xC3 && i + 1 < token.range.upperBound && buffer[i + 1] >= 0x80 && buffer[i + 1] <= 0x9E && buffer[i + 1] != 0x97 {
                bytes += [c, buffer[i + 1] + 0x20]
                i += 2
            } else {
                bytes.append(c)
                i += 1
            }
        }
    }
}
