import Foundation

/// The learned layer over the rules: one logistic regression per facet over a
/// unit's features (`UnitFeatures`), trained by `bench/train-facets.py` on
/// labelled system messages (docs/devset.md). A facet the rules found evidence
/// for (the unit's own cues or what its heading announces) is kept at
/// `threshold`; one they found none for only at the stricter `unsupported`,
/// and then the words that weighed most for it are its evidence, so every
/// facet still has something a person can check.
struct FacetModel: Sendable {
    static let facets = Facet.allCases.count

    /// A facet the rules found evidence for is kept when its probability reaches this,
    let threshold: Double
    /// or, when the rules gave it for a cue of the unit's own at least this
    /// strong, when its probability reaches `strongCueFloor` (chosen with the
    /// threshold by cross-validation in bench/train-facets.py).
    static let strongCue = 0.75
    static let strongCueFloor = 0.1
    /// A facet the rules found no evidence for is kept when its probability reaches this.
    let unsupported: Double
    /// Below this log-odds no facet is kept, whatever its evidence: most are, and need no `exp`.
    static let floorLogit = log(strongCueFloor / (1 - strongCueFloor))
    /// `facets` weights per fixed feature slot (zeros for slots the file omits).
    let fixed: [Double]
    /// Word hash → row of `wordWeights`, for "w.<word>" and "w0.<first word>".
    let words: WordTable<Int>
    let firstWords: WordTable<Int>
    let wordWeights: [Double]
    /// Names in the weights file that no feature has: a stale file (a test keeps it at 0).
    let unknownNames: [String]

    static let shared = FacetModel(weights: FacetModelWeights.text)

    /// Reads the weights file: `threshold T` and `unsupported U` lines, then per
    /// feature its name, a tab, and one weight per facet in `Facet.allCases` order.
    init(weights text: String) {
        var threshold = 0.5, unsupported = 1.0
        var fixed = [Double](repeating: 0, count: UnitFeatures.Fixed.count * Self.facets)
        var words = WordTable<Int>(minimumCapacity: 4096), firstWords = WordTable<Int>(minimumCapacity: 1024)
        var wordWeights: [Double] = []
        var unknown: [String] = []
        let slots = Dictionary(uniqueKeysWithValues: UnitFeatures.Fixed.names.enumerated().map { ($1, $0) })
        for line in text.split(separator: "\n") {
            if line.hasPrefix("threshold ") { threshold = Double(line.dropFirst(10)) ?? threshold; continue }
            if line.hasPrefix("unsupported ") { unsupported = Double(line.dropFirst(12)) ?? unsupported; continue }
            let parts = line.split(separator: "\t")
            guard parts.count == 2 else { continue }
            let values = parts[1].split(separator: " ").compactMap { Double($0) }
            guard values.count == Self.facets else { unknown.append(String(parts[0])); continue }
            let name = String(parts[0])
            if let word = Self.word(name) {
                let row = wordWeights.count / Self.facets
                wordWeights += values
                if word.isFirst { firstWords.update(word.hash, default: row) { $0 = row } } else { words.update(word.hash, default: row) { $0 = row } }
            } else if let slot = slots[name] {
                fixed.replaceSubrange(slot * Self.facets..<(slot + 1) * Self.facets, with: values)
            } else {
                unknown.append(name)
            }
        }
        self.threshold = threshold
        self.unsupported = unsupported
        self.fixed = fixed
        self.words = words
        self.firstWords = firstWords
        self.wordWeights = wordWeights
        self.unknownNames = unknown
    }

    /// "w.json" → the hash of "json"; "w0.write" → that of "write", as a first word; nil for other features.
    static func word(_ name: String) -> (hash: UInt64, isFirst: Bool)? {
        // By bytes: a word may begin with a combining mark, which would join "." as one Character.
        let bytes = Array(name.utf8)
        let isFirst = bytes.starts(with: "w0.".utf8)
        guard isFirst || bytes.starts(with: "w.".utf8) else { return nil }
        return (Tokenizer.hash(String(decoding: bytes.dropFirst(isFirst ? 3 : 2), as: UTF8.self)), isFirst)
    }

    /// What `logits` reuses from one unit to the next.
    struct Scratch {
        /// Per facet (by `Facet.order`), the model's log-odds for the last unit.
        var logits = [Double](repeating: 0, count: FacetModel.facets)
        /// Per word row, the unit that last counted it: a repeated word counts once.
        var counted: [Int]
        var unit = 0

        init(_ model: FacetModel) { counted = [Int](repeating: -1, count: model.wordWeights.count / FacetModel.facets) }
    }

    /// The weights as raw buffers, taken once per document: passing the model's
    /// arrays to every unit retained and released them each time.
    struct Tables {
        let fixed: UnsafeBufferPointer<Double>
        let wordWeights: UnsafeBufferPointer<Double>
        /// Rows of `wordWeights` by token id (`Vocabulary.modelRows`, `modelFirstRows`).
        let rows: UnsafeBufferPointer<Int32>
        let firstRows: UnsafeBufferPointer<Int32>
    }

    func withTables<R>(_ body: (Tables) -> R) -> R {
        let vocabulary = Vocabulary.shared
        return fixed.withUnsafeBufferPointer { fixed in
            wordWeights.withUnsafeBufferPointer { wordWeights in
                vocabulary.modelRows.withUnsafeBufferPointer { rows in
                    vocabulary.modelFirstRows.withUnsafeBufferPointer { firstRows in
                        body(Tables(fixed: fixed, wordWeights: wordWeights, rows: rows, firstRows: firstRows))
                    }
                }
            }
        }
    }

    /// Each facet's log-odds for one unit, into `scratch.logits` (by `Facet.order`);
    /// `probability` turns one into a probability, for the few facets that need it.
    static func logits(_ tables: Tables, _ buffer: UnsafeBufferPointer<UInt8>, unit: Unit, index: Int, tokens: UnsafeBufferPointer<Token>,
                              own: [FacetAssignment], rule: [FacetAssignment], announced: [FacetAssignment],
                              neighbours: UnitFeatures.Neighbours, scratch: inout Scratch) {
        scratch.unit += 1
        let stamp = scratch.unit
        var z = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        @inline(__always) func add(_ weights: UnsafeBufferPointer<Double>, _ start: Int, _ value: Double) {
            z.0 += weights[start] * value; z.1 += weights[start + 1] * value; z.2 += weights[start + 2] * value
            z.3 += weights[start + 3] * value; z.4 += weights[start + 4] * value; z.5 += weights[start + 5] * value
            z.6 += weights[start + 6] * value
        }
        scratch.counted.withUnsafeMutableBufferPointer { counted in
            UnitFeatures.visit(buffer, unit: unit, index: index, tokens: tokens, own: own, rule: rule, announced: announced,
                               neighbours: neighbours,
                fixed: { slot, value in add(tables.fixed, slot * facets, value) },
                word: { token, isFirst in
                    let row = Int(isFirst ? tables.firstRows[Int(token.id)] : tables.rows[Int(token.id)])
                    guard row >= 0 else { return }
                    // Only words with weights need telling apart, and their rows do it.
                    if !isFirst {
                        if counted[row] == stamp { return }
                        counted[row] = stamp
                    }
                    add(tables.wordWeights, row * facets, 1)
                })
        }
        scratch.logits[0] = z.0; scratch.logits[1] = z.1; scratch.logits[2] = z.2; scratch.logits[3] = z.3
        scratch.logits[4] = z.4; scratch.logits[5] = z.5; scratch.logits[6] = z.6
    }

    static func probability(_ logit: Double) -> Double { 1 / (1 + exp(-logit)) }

    /// Evidence for a facet the model keeps with no cue or heading behind it:
    /// the (at most three) words of the unit that weigh most for it.
    static func learnedEvidence(_ tables: Tables, _ buffer: UnsafeBufferPointer<UInt8>, tokens: UnsafeBufferPointer<Token>,
                                facet: Facet) -> String {
        var strongest: [(weight: Double, token: Token)] = []
        for token in tokens {
            let row = Int(tables.rows[Int(token.id)])
            guard row >= 0 else { continue }
            let weight = tables.wordWeights[row * facets + facet.order]
            guard weight > 0, !strongest.contains(where: { $0.token.hash == token.hash }) else { continue }
            strongest.append((weight, token))
            strongest.sort { $0.weight > $1.weight }
            if strongest.count > 3 { strongest.removeLast() }
        }
        guard !strongest.isEmpty else { return "learned from the units around it" }
        return "learned from " + strongest.map { "\"\(UnitFeatures.wordText(buffer, $0.token))\"" }.joined(separator: ", ")
    }

    /// Each facet's probability from features by name (what the export writes):
    /// the reference the fast path is tested against.
    func probabilities(named features: [String: Double]) -> [Double] {
        var z = [Double](repeating: 0, count: Self.facets)
        for (name, value) in features {
            var row: (weights: [Double], start: Int)?
            if let word = Self.word(name) {
                if let r = word.isFirst ? firstWords[word.hash] : words[word.hash] { row = (wordWeights, r * Self.facets) }
            } else if let slot = UnitFeatures.Fixed.names.firstIndex(of: name) {
                row = (fixed, slot * Self.facets)
            }
            guard let row else { continue }
            for f in 0..<Self.facets { z[f] += row.weights[row.start + f] * value }
        }
        return z.map(Self.probability)
    }
}
