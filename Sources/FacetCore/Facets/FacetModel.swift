import Foundation

/// The learned layer over the rules: one logistic regression per facet over a
/// unit's features (`UnitFeatures`), trained by `bench/train-facets.py` on
/// labelled system messages (docs/devset.md). A facet the rules found evidence
/// for (the unit's own cues or what its heading announces) is kept at
/// `threshold`; one they found none for only at the stricter `unsupported`,
/// and then the words that weighed most for it are its evidence, so every
/// facet still has something a person can check.
struct FacetModel: Sendable {
    static let facets = Facet.count

    /// A facet the rules found evidence for is kept when its probability reaches this,
    let threshold: Double
    /// or, when the rules gave it for a cue of the unit's own at least this
    /// strong, when its probability reaches `strongCueFloor` (chosen with the
    /// threshold by cross-validation in bench/train-facets.py).
    static let strongCue = 0.75
    static let strongCueFloor = 0.1
    /// A facet the rules found no evidence for is kept when its probability reaches this.
    let unsupported: Double
    /// A unit keeps its most likely facet, and another only when its probability
    /// reaches this: most units carry one facet (nine in ten labelled ones).
    static let secondary = 0.5
    /// A unit none of whose facets passes keeps its most likely one when its
    /// probability reaches this (chosen by cross-validation in bench/train-facets.py).
    static let fallback = 0.25
    /// Below this log-odds no facet is kept, whatever its evidence: most are, and need no `exp`.
    static let floorLogit = log(strongCueFloor / (1 - strongCueFloor))
    /// Per fixed feature slot, its weights as a vector (lanes by `Facet.order`,
    /// the eighth 0; zeros for slots the file omits), as `logits` reads them.
    let fixedRows: [SIMD8<Double>]
    /// Word hash → its rows of `wordWeights`, one per `UnitFeatures.Place`
    /// ("w.<word>", "w0.<first word>", "pw.<word before>", "nw.<word after>",
    /// "hw.<word of the heading above>"),
    /// and `pairHash` → row for "w2.<word> <word>".
    let words: WordTable<WordRows>
    let pairs: WordTable<Int32>  // 16-byte slots: the table is probed per pair of words
    /// The keys of `pairs`, to skip probing `packed.pairs` for most pairs, which have no weights.
    let pairFilter: HashFilter
    let wordWeights: [Double]
    /// `words`, `pairs` and `wordWeights` as `logits` reads them.
    let packed: PackedWeights
    /// Names in the weights file that no feature has: a stale file (a test keeps it at 0).
    let unknownNames: [String]
    /// The second pass over the first's probabilities (nil when the file has no "s2." rows).
    let second: SecondPass?

    static let shared = FacetModel(weights: FacetModelWeights.text)

    /// Reads the weights file: `threshold T` and `unsupported U` lines, then per
    /// feature its name, a tab, and one weight per facet in `Facet.allCases` order.
    /// By bytes, not Strings: the file has tens of thousands of lines and is read at every start.
    init(weights text: String) {
        var threshold = 0.5, unsupported = 1.0
        var fixed = [Double](repeating: 0, count: UnitFeatures.Fixed.count * Self.facets)
        var words = WordTable<WordRows>(minimumCapacity: 8192), pairs = WordTable<Int32>(minimumCapacity: 8192)
        var wordWeights: [Double] = []
        var unknown: [String] = []
        let slots = Dictionary(uniqueKeysWithValues: UnitFeatures.Fixed.names.enumerated().map { ($1, $0) })
        var values: [Double] = []
        var secondRows = [SIMD8<Double>](repeating: SIMD8(), count: SecondPass.inputs), secondCount = 0
        var text = text
        text.withUTF8 { bytes in
            for line in bytes.split(separator: UInt8(ascii: "\n")) {
                let line = UnsafeBufferPointer(rebasing: line)
                if line.starts(with: "threshold ".utf8) { threshold = Self.number(line.dropFirst(10)) ?? threshold; continue }
                if line.starts(with: "unsupported ".utf8) { unsupported = Self.number(line.dropFirst(12)) ?? unsupported; continue }
                guard let tab = line.firstIndex(of: UInt8(ascii: "\t")) else { continue }
                let name = UnsafeBufferPointer(rebasing: line[..<tab])
                values.removeAll(keepingCapacity: true)
                // Field by field, as `split` would give them (runs of spaces are one
                // separator), without an array of fields per line.
                var start = tab + 1
                while start < line.endIndex {
                    let end = line[start...].firstIndex(of: UInt8(ascii: " ")) ?? line.endIndex
                    defer { start = end + 1 }
                    guard end > start else { continue }
                    guard let value = Self.number(line[start..<end]) else { break }
                    values.append(value)
                }
                guard values.count == Self.facets else { unknown.append(String(decoding: name, as: UTF8.self)); continue }
                if let word = Self.word(name) {
                    let row = wordWeights.count / Self.facets
                    wordWeights += values
                    if let place = word.place {
                        words.update(word.hash, default: WordRows()) { $0[place] = Int32(row) }
                    } else {
                        pairs.update(word.hash, default: Int32(row)) { $0 = Int32(row) }
                    }
                } else if let slot = slots[String(decoding: name, as: UTF8.self)] {
                    fixed.replaceSubrange(slot * Self.facets..<(slot + 1) * Self.facets, with: values)
                } else if name.starts(with: "s2.".utf8), let input = SecondPass.input(named: String(decoding: name, as: UTF8.self)) {
                    for f in 0..<Self.facets { secondRows[input][f] = values[f] }
                    secondCount += 1
                } else {
                    unknown.append(String(decoding: name, as: UTF8.self))
                }
            }
        }
        self.threshold = threshold
        self.unsupported = unsupported
        fixedRows = (0..<UnitFeatures.Fixed.count).map { slot in
            var row = SIMD8<Double>()
            for f in 0..<Self.facets { row[f] = fixed[slot * Self.facets + f] }
            return row
        }
        self.words = words
        self.pairs = pairs
        self.pairFilter = HashFilter(pairs.allKeys, bitCount: 1 << 18)  // 32 KB
        self.wordWeights = wordWeights
        self.packed = PackedWeights(wordWeights, facets: Self.facets, words: words, pairs: pairs)
        // All of its rows or none: a second pass missing some would read zeros for them.
        if secondCount > 0 && secondCount != SecondPass.inputs { unknown.append("s2: \(secondCount) of \(SecondPass.inputs) rows") }
        self.second = secondCount == SecondPass.inputs ? SecondPass(rows: secondRows) : nil
        self.unknownNames = unknown
    }

    /// A word's rows of `wordWeights`, one per place it can stand in (-1: no weights there).
    struct WordRows: Sendable {
        var rows = SIMD8<Int32>(repeating: -1)  // five places used

        subscript(place: UnitFeatures.Place) -> Int32 {
            get { rows[place.rawValue] }
            set { rows[place.rawValue] = newValue }
        }
    }

    /// "w.json" → the hash of "json" and its place (`own`); "w0.write",
    /// "pw.tools", "nw.json", "hw.memory" likewise; "w2.reply in" → `pairHash` of the two
    /// words and no place; nil for other features.
    static func word(_ name: String) -> (hash: UInt64, place: UnitFeatures.Place?)? {
        Array(name.utf8).withUnsafeBufferPointer { word($0) }
    }

    /// Each place's prefix as bytes, made once: from its string per feature it was
    /// most of the time the weights took to read.
    static let placePrefixes = UnitFeatures.Place.allCases.map { (place: $0, bytes: Array($0.prefix.utf8)) }

    // By bytes: a word may begin with a combining mark, which would join "." as one Character.
    static func word(_ name: UnsafeBufferPointer<UInt8>) -> (hash: UInt64, place: UnitFeatures.Place?)? {
        for (place, prefix) in placePrefixes where name.starts(with: prefix) {
            return (Tokenizer.hash(bytes: name.dropFirst(prefix.count)), place)
        }
        guard name.starts(with: "w2.".utf8) else { return nil }
        let two = name.dropFirst(3).split(separator: UInt8(ascii: " "))
        guard two.count == 2 else { return nil }
        return (pairHash(Tokenizer.hash(bytes: two[0]), Tokenizer.hash(bytes: two[1])), nil)
    }

    /// A decimal as the weights file writes it ("-0.1234", "1"); others through `Double`.
    static func number(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Double? {
        var digits: Int64 = 0, scale = 1.0, seenPoint = false, count = 0
        let negative = bytes.first == UInt8(ascii: "-")
        for b in bytes.dropFirst(negative ? 1 : 0) {
            if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") && count < 15 {
                digits = digits * 10 + Int64(b - UInt8(ascii: "0"))
                count += 1
                if seenPoint { scale *= 10 }
            } else if b == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else {
                return Double(String(decoding: bytes, as: UTF8.self))  // exponents, long digit runs, junk (nil)
            }
        }
        guard count > 0 else { return nil }
        // Both exact, so the quotient is the correctly rounded value, as `Double("...")` gives.
        return (negative ? -1 : 1) * Double(digits) / scale
    }

    /// One hash for two adjacent words, in order.
    @inline(__always)
    static func pairHash(_ first: UInt64, _ second: UInt64) -> UInt64 {
        (first &* 0x9E37_79B9_7F4A_7C15) ^ second
    }

    /// What `logits` reuses from one unit to the next.
    struct Scratch {
        /// Per facet (by `Facet.order`; the eighth lane unused), the model's log-odds for the last unit.
        var logits = SIMD8<Double>()
    }

    /// The weights as raw buffers, taken once per document: passing the model's
    /// arrays to every unit retained and released them each time.
    struct Tables {
        let fixed: UnsafeBufferPointer<SIMD8<Double>>
        /// `PackedWeights.rows`.
        let packedRows: UnsafeBufferPointer<SIMD8<Int16>>
        /// By token id, the places its word has rows of `packedRows` in, and its
        /// row as a heading's word (`Vocabulary.modelRows`).
        let places: UnsafeBufferPointer<UInt8>
        let headingRows: UnsafeBufferPointer<Int32>

        /// The row of `packedRows` for the word with this id in this place; -1: none.
        @inline(__always)
        func row(_ id: Int, _ place: UnitFeatures.Place) -> Int {
            guard places[id] & Self.bit(place) != 0 else { return -1 }
            return place == .heading ? Int(headingRows[id]) : Self.block(id) + place.rawValue
        }

        /// A place's bit in `places`.
        @inline(__always)
        static func bit(_ place: UnitFeatures.Place) -> UInt8 { 1 << UInt8(place.rawValue) }

        /// The first row of the word's block (its own, first, previous and next
        /// rows, at `place.rawValue` after it): ids number the blocks from 1.
        @inline(__always)
        static func block(_ id: Int) -> Int { 4 * (id - 1) }
        let pairs: PairRows
        let pairFilter: HashFilter
    }

    /// The tables `logits` reads. The word rows come from `Vocabulary.shared`, numbered
    /// for `FacetModel.shared`: the model these are read for must be that one.
    func withTables<R>(_ body: (Tables) -> R) -> R {
        let vocabulary = Vocabulary.shared
        // Another model's rows would be read at the shared model's places, unchecked.
        precondition(packed.blockWords.count == vocabulary.modelBlocks, "the learned layer's tables belong to FacetModel.shared")
        return fixedRows.withUnsafeBufferPointer { fixed in
            packed.rows.withUnsafeBufferPointer { packedRows in
                vocabulary.modelRows.places.withUnsafeBufferPointer { places in
                    vocabulary.modelRows.headingRows.withUnsafeBufferPointer { headingRows in
                        body(Tables(fixed: fixed, packedRows: packedRows, places: places, headingRows: headingRows,
                                    pairs: packed.pairs, pairFilter: pairFilter))
                    }
                }
            }
        }
    }

    /// Each facet's log-odds for one unit, into `scratch.logits` (by `Facet.order`);
    /// `probability` turns one into a probability, for the few facets that need it.
    /// The unit is `units[index]`, `tokens` its words, and `words` the sum of its
    /// word and pair features (`WordSums.total`).
    static func logits(_ tables: Tables, _ buffer: UnsafeBufferPointer<UInt8>, units: [Unit], index: Int, tokens: UnsafeBufferPointer<Token>,
                       words: SIMD8<Int32>, own: [FacetAssignment], rule: [FacetAssignment], announced: [FacetAssignment],
                       neighbours: UnitFeatures.Neighbours, documentShare: SIMD8<Double>, scratch: inout Scratch) {
        var sum = Sum(fixed: tables.fixed)
        UnitFeatures.visit(buffer, units: units, index: index, tokens: tokens, own: own, rule: rule, announced: announced,
                           neighbours: neighbours, documentShare: documentShare, into: &sum)
        scratch.logits = sum.z + SIMD8<Double>(words) / weightScale
    }

    /// Adds up one unit's fixed features, facet by facet, as `visit` finds them. A
    /// struct, not closures: its sums can stay in registers, where closures
    /// kept them in memory and every add waited on the last one's store.
    struct Sum: UnitFeatures.Sink {
        /// `Tables.fixed` alone: a copy of the tables retained their arrays, for every unit.
        let fixed: UnsafeBufferPointer<SIMD8<Double>>
        /// Per facet (lanes 0-6) the sum so far. Lane by lane, a vector add is
        /// the same add as facet by facet, in half the registers.
        var z = SIMD8<Double>()

        @inline(__always)
        mutating func fixed(_ slot: Int, _ value: Double) {
            z += fixed[slot] * value
        }
    }

    static func probability(_ logit: Double) -> Double { 1 / (1 + exp(-logit)) }

    /// Word and pair weights are kept as integers in these parts of one
    /// (the weights file writes four decimals): see `PackedWeights`.
    static let weightScale = 10_000.0

    /// Evidence for a facet the model keeps with no cue or heading behind it:
    /// the (at most three) words of the unit that weigh most for it.
    static func learnedEvidence(_ tables: Tables, _ buffer: UnsafeBufferPointer<UInt8>, tokens: UnsafeBufferPointer<Token>,
                                facet: Facet) -> String {
        // Heaviest first; a word as heavy as one already kept goes after it.
        var strongest: [(weight: Double, token: Token)] = []
        strongest.reserveCapacity(4)
        for token in tokens {
            let row = tables.row(Int(token.id), .own)
            guard row >= 0 else { continue }
            let weight = Double(tables.packedRows[row][facet.order]) / weightScale
            guard weight > 0, !strongest.contains(where: { $0.token.hash == token.hash }) else { continue }
            let place = strongest.firstIndex { $0.weight < weight } ?? strongest.count
            guard place < 3 else { continue }
            // Into `place`, the third (if any) falling off the end: swapped down from
            // the end, as the list holds three at most (an insert shifted through the array's general path).
            if strongest.count < 3 { strongest.append((weight, token)) } else { strongest[2] = (weight, token) }
            var slot = strongest.count - 1
            while slot > place { strongest.swapAt(slot, slot - 1); slot -= 1 }
        }
        guard !strongest.isEmpty else { return "learned from its place in the message" }
        // One string from bytes, rather than a string per word joined: this ran for
        // thousands of units a document. Sized up front: a word's folded bytes are
        // never more than its own, and each has two quotes and a ", " at most.
        var text: [UInt8] = []
        text.reserveCapacity(learnedFrom.count + strongest.reduce(0) { $0 + $1.token.range.count + 4 })
        text += learnedFrom
        for (n, item) in strongest.enumerated() {
            if n > 0 { text.append(UInt8(ascii: ",")); text.append(UInt8(ascii: " ")) }
            text.append(UInt8(ascii: "\""))
            UnitFeatures.appendWord(buffer, item.token, to: &text)
            text.append(UInt8(ascii: "\""))
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The start of a learned facet's evidence, as bytes made once.
    static let learnedFrom = Array("learned from ".utf8)

    /// Each facet's probability from features by name (what the export writes):
    /// the reference the fast path is tested against.
    func probabilities(named features: [String: Double]) -> [Double] {
        var z = [Double](repeating: 0, count: Self.facets)
        for (name, value) in features {
            if let word = Self.word(name) {
                let r = word.place.map { place in words[word.hash].map { Int($0[place]) } ?? -1 } ?? pairs[word.hash].map(Int.init) ?? -1
                if r >= 0 { for f in 0..<Self.facets { z[f] += wordWeights[r * Self.facets + f] * value } }
            } else if let slot = UnitFeatures.Fixed.names.firstIndex(of: name) {
                for f in 0..<Self.facets { z[f] += fixedRows[slot][f] * value }
            }
        }
        return z.map(Self.probability)
    }
}
