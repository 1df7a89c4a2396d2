/// The words the classifier and the rules look up, each with a dense id that
/// `WordIndex` gives every token once. What a part of the analysis knows about
/// a word is then an array read by id, rather than a probe of that part's own
/// hash table for every word (a token used to be looked up in several).
/// Id 0 is every word the vocabulary does not know; its entries say "nothing".
struct Vocabulary: Sendable {
    static let unknown: Int32 = 0

    private let ids: WordTable<Int32>
    /// Per id: the cue entries that begin with the word (positions in `CompiledLexicon.byFirst.items`).
    /// Two 32-bit bounds, not a `Range<Int>`: read for every word, the table is half the size.
    let cueEntries: [CueEntries]

    struct CueEntries {
        let start: Int32, end: Int32
        var range: Range<Int> { Int(start)..<Int(end) }
    }
    /// Per id: which places the word has weights in (its unit's word, first word,
    /// a neighbour's word, a heading's word) and its row as a heading's word, in
    /// `PackedWeights.rows` of `FacetModel.shared`, the only model the classifier
    /// runs (`FacetModel.withTables` refuses any other). The words with rows have
    /// the first ids, in the order of their blocks, so the rows of id `i` in its
    /// block are `4 * (i - 1) + place`: only which places have weights is looked
    /// up (a byte per id, where a row number per place took 32 bytes, and a cache
    /// miss more per word).
    let modelRows: ModelRows
    /// How many words have a block of rows: the first ids after 0 (`modelRows`).
    let modelBlocks: Int

    struct ModelRows {
        /// Per id: bit `place.rawValue` set when the word has weights there.
        let places: [UInt8]
        /// Per id: its row as a heading's word (-1: none), which is not in its block.
        let headingRows: [Int32]
    }
    /// Per id: whether the word is a number ("three", "twelve": `Tokenizer.numberWords`).
    let isNumberWord: [Bool]
    /// Per id: whether duplicate detection leaves the word out (`DuplicateInstruction.stopWordHashes`).
    let isStopWord: [Bool]
    /// Per id: whether the word turns an instruction around (`DuplicateInstruction.negatorHashes`).
    let isNegator: [Bool]
    /// Per id: the side of a contrast pair the word is (`DuplicateInstruction.Contrast`), 0 for none.
    let contrastBits: [UInt8]
    /// Per id: the preference dimensions the word shows (`DimensionCues.all`).
    let dimensionBits: [UInt8]
    /// Per id: what the word tells `ConflictingInstructions` (its `wordBits`).
    let conflictBits: [UInt16]
    /// Per id: what the word is in a clause after "always" or "never"
    /// (`ConflictingInstructions.ClauseWord`), 0 for an ordinary word.
    let clauseWordKinds: [UInt8]

    static let shared = Vocabulary(lexicon: .shared, model: .shared)

    init(lexicon: CompiledLexicon, model: FacetModel) {
        var hashes: [UInt64] = [0]  // id 0: unknown
        // The model's words first, in block order (see `modelRows`).
        let known = model.packed.blockWords + lexicon.byFirst.allKeys + DuplicateInstruction.stopWordHashes + DuplicateInstruction.negatorHashes
            + DimensionCues.all.allKeys + ConflictingInstructions.wordBits.allKeys
            + ConflictingInstructions.clauseEnders.hashes + ConflictingInstructions.littleWords.hashes + Tokenizer.numberWords.hashes
        var ids = WordTable<Int32>(minimumCapacity: known.count)
        for hash in known where ids.insert(hash, Int32(hashes.count)) { hashes.append(hash) }
        self.ids = ids
        cueEntries = hashes.enumerated().map { id, hash in
            let range = id == 0 ? 0..<0 : lexicon.byFirst[hash]
            return CueEntries(start: Int32(range.lowerBound), end: Int32(range.upperBound))
        }
        modelBlocks = model.packed.blockWords.count
        let rowsByID = hashes.enumerated().map { $0 == 0 ? FacetModel.WordRows() : model.packed.words[$1] ?? FacetModel.WordRows() }
        // `FacetModel.Tables.row` finds a block row as `Tables.block(id) + place` and any other place's as a heading row.
        precondition(UnitFeatures.Place.block.map(\.rawValue) == [0, 1, 2, 3] && UnitFeatures.Place.allCases.count == 5,
                     "a block is the first four places, and the heading is the only other")
        for (id, rows) in rowsByID.enumerated() {
            for place in UnitFeatures.Place.block where rows[place] >= 0 {
                precondition(Int(rows[place]) == FacetModel.Tables.block(id) + place.rawValue, "the model's words must have the first ids, in block order")
            }
        }
        modelRows = ModelRows(places: rowsByID.map { rows in
                                  UnitFeatures.Place.allCases.reduce(0) { rows[$1] >= 0 ? $0 | 1 << UInt8($1.rawValue) : $0 }
                              },
                              headingRows: rowsByID.map { $0[.heading] })
        isNumberWord = hashes.enumerated().map { $0 != 0 && Tokenizer.numberWords.contains($1) }
        let stopWords = Set(DuplicateInstruction.stopWordHashes)
        isStopWord = hashes.enumerated().map { $0 != 0 && stopWords.contains($1) }
        let negators = Set(DuplicateInstruction.negatorHashes)
        isNegator = hashes.enumerated().map { $0 != 0 && negators.contains($1) }
        contrastBits = hashes.enumerated().map { $0 == 0 ? 0 : DuplicateInstruction.Contrast.bit($1) }
        dimensionBits = hashes.enumerated().map { $0 == 0 ? 0 : DimensionCues.all[$1] ?? 0 }
        conflictBits = hashes.enumerated().map { $0 == 0 ? 0 : ConflictingInstructions.wordBits[$1] ?? 0 }
        clauseWordKinds = hashes.enumerated().map { id, hash in
            id == 0 ? 0 : ConflictingInstructions.clauseEnders.contains(hash) ? ConflictingInstructions.ClauseWord.ender
                : ConflictingInstructions.littleWords.contains(hash) ? ConflictingInstructions.ClauseWord.little : 0
        }
    }

    /// The id of a word's hash; `unknown` for a word no table knows.
    @inline(__always)
    func id(_ hash: UInt64) -> Int32 { ids[hash] ?? Self.unknown }
}
