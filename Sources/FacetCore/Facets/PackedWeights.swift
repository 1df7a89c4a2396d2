/// The learned layer's word and pair weights as `WordSums` reads them:
///
/// - In a quarter of the memory, and summed with integer adds: each row as
///   seven 16-bit integers, the weights in ten-thousandths (the file writes
///   four decimals), so 16 bytes where seven doubles took 56 and straddled
///   cache lines. Integer sums are exact in any order; the classifier turns
///   a unit's sum back into a double once (`FacetModel.weightScale`).
/// - A word's four rows (own, first, previous, next word) side by side: the
///   unit before reads a word's `next` row, its own unit its `own` row, the
///   unit after its `previous` row, and the block is fetched once for all three.
///   Its row as a heading's word (`UnitFeatures.Place.heading`), read by the
///   units under that heading, comes after all the blocks, and only when it
///   has weights. A pair's row is in its slot of `pairs`.
///
/// Summing a unit's rows is bound by these memory reads.
struct PackedWeights: Sendable {
    /// Per packed row, its facets' weights in ten-thousandths (the eighth unused).
    let rows: [SIMD8<Int16>]
    /// Word hash → its packed rows, one per place (-1: none there).
    let words: WordTable<FacetModel.WordRows>
    /// Pair hash (`FacetModel.pairHash`) → its row, numbered after `rows`.
    let pairs: PairRows
    /// The word of each block, in order: block `b` is rows `4 * b` to `4 * b + 3`.
    /// `Vocabulary` numbers these words first, so a token's block is found from its id.
    let blockWords: [UInt64]

    /// `weights` holds `facets` values per row, row after row; `words` and
    /// `pairs` give rows of it, as `FacetModel` reads them from the file.
    init(_ weights: [Double], facets: Int, words: WordTable<FacetModel.WordRows>, pairs: WordTable<Int32>) {
        precondition(facets <= 8)
        // Any one unit's rows are each added once (`WordSums`), so their sum
        // is at most the sum of every row's size: within 32 bits, it cannot overflow.
        var bound = [Int](repeating: 0, count: facets)
        func pack(_ row: Int) -> SIMD8<Int16> {
            var packed = SIMD8<Int16>()
            for f in 0..<facets {
                let scaled = weights[row * facets + f] * FacetModel.weightScale
                precondition(abs(scaled - scaled.rounded()) < 1e-6 && abs(scaled) <= Double(Int16.max),
                             "a word or pair weight needs four decimals at most and a size under 3.2767, as train-facets.py writes them")
                packed[f] = Int16(scaled.rounded())
                bound[f] += abs(Int(packed[f]))
            }
            return packed
        }
        var rows: [SIMD8<Int16>] = []
        var packedWords = WordTable<FacetModel.WordRows>(minimumCapacity: words.count)
        var headingRows: [(hash: UInt64, row: Int32)] = []  // placed after all the blocks
        let blockWords = words.allKeys
        for hash in blockWords {
            let original = words[hash]!
            var packed = FacetModel.WordRows()
            for place in UnitFeatures.Place.block {
                // A row for every place, weights or not, so each block stays four rows (64 bytes).
                if original[place] >= 0 { packed[place] = Int32(rows.count) }
                rows.append(original[place] >= 0 ? pack(Int(original[place])) : SIMD8())
            }
            if original[.heading] >= 0 { headingRows.append((hash, original[.heading])) }
            packedWords.insert(hash, packed)
        }
        for (hash, row) in headingRows {
            packedWords.update(hash, default: FacetModel.WordRows()) { $0[.heading] = Int32(rows.count) }
            rows.append(pack(Int(row)))
        }
        let packedPairs = PairRows(pairs.allKeys.enumerated().map { index, hash in
            (hash, PairRows.Row(number: Int32(rows.count + index), weights: pack(Int(pairs[hash]!))))
        })
        precondition(bound.allSatisfy { $0 <= Int(Int32.max) }, "a unit's sum of weights could overflow 32 bits")
        self.rows = rows
        self.words = packedWords
        self.pairs = packedPairs
        self.blockWords = blockWords
    }
}
