/// The learned layer's word and pair weights as `FacetModel.logits` reads them:
///
/// - In a quarter of the memory: each row as seven 16-bit indices into
///   `values`, the distinct weights (some ten thousand: the file writes four
///   decimals), so 16 bytes where seven doubles took 56 and straddled cache lines.
/// - A word's four rows (own, first, previous, next word) side by side: the
///   unit before reads a word's `next` row, its own unit its `own` row, the
///   unit after its `previous` row, and the block is fetched once for all three.
///   Its row as a heading's word (`UnitFeatures.Place.heading`), read by the
///   units under that heading, comes after all the blocks, and only when it
///   has weights. A pair's row is in its slot of `pairs`.
///
/// Summing a unit's rows is bound by these memory reads. The values are the
/// weights exactly as read, so the sums are the same to the last bit.
struct PackedWeights: Sendable {
    /// Each distinct weight once.
    let values: [Double]
    /// Per packed row, its facets' weights as positions in `values` (the eighth unused).
    let rows: [SIMD8<UInt16>]
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
        var values: [Double] = []
        // By bit pattern, so -0.0 and 0.0 stay apart; a WordTable, as a Dictionary
        // of a quarter million lookups added milliseconds to every start.
        var position = WordTable<UInt16>(minimumCapacity: 16_384)
        func pack(_ row: Int) -> SIMD8<UInt16> {
            var packed = SIMD8<UInt16>()
            for f in 0..<facets {
                let weight = weights[row * facets + f]
                if let known = position[weight.bitPattern] {
                    packed[f] = known
                } else {
                    precondition(values.count <= Int(UInt16.max), "more distinct weights than 16-bit indices can tell apart")
                    packed[f] = UInt16(values.count)
                    position.insert(weight.bitPattern, packed[f])
                    values.append(weight)
                }
            }
            return packed
        }
        var rows: [SIMD8<UInt16>] = []
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
        self.values = values
        self.rows = rows
        self.words = packedWords
        self.pairs = packedPairs
        self.blockWords = blockWords
    }
}
