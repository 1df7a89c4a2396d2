/// The learned layer's word and pair features for every unit of a document,
/// summed in one pass over each unit's words. `UnitFeatures.visitWords` says
/// what they are unit by unit: its own words, its first word and its pairs of
/// adjacent words, the words of the units either side and of its heading.
/// Read the other way round, a unit's words count in its own sum, in the sums
/// of the units after and before it (as their previous and next words) and,
/// when it is a heading, in those of the units under it. A word's own,
/// previous and next rows share a cache line (`PackedWeights`), so one read
/// serves three units, where visiting unit by unit read each word three times
/// or more and probed a table to count a repeated word once in each.
///
/// The sums are of integers (`PackedWeights`): in any order they come out the
/// same, as `UnitFeatures.visitWords` would give them unit by unit.
struct WordSums: ~Copyable {
    /// One unit's sums, in ten-thousandths: its own words, first word and pairs; its
    /// words as the unit after it reads them (previous), as the unit before
    /// reads them (next), and as the units under it read them (heading). Zero
    /// for an example, as its neighbours see no words of it.
    struct Sums {
        var own = SIMD8<Int32>(), asPrevious = SIMD8<Int32>(), asNext = SIMD8<Int32>(), asHeading = SIMD8<Int32>()
    }

    /// Per unit.
    private var sums: ScratchArray<Sums>

    init(_ document: Document, _ words: WordIndex, _ all: UnsafeBufferPointer<Token>, _ tables: FacetModel.Tables) {
        let count = document.units.count
        sums = ScratchArray(repeating: Sums(), count: count)
        // A word's or pair's row counts once per unit however often it occurs: the
        // words (by id) and pairs (by row number, after every word id) the unit has
        // counted, as a small open-addressing set (0: empty), cleared for each unit.
        var counted = ScratchArray<Int32>(repeating: 0, count: 64)
        let rows = tables.packedRows
        @inline(__always) func widened(_ row: SIMD8<Int16>) -> SIMD8<Int32> { SIMD8<Int32>(truncatingIfNeeded: row) }
        typealias Place = UnitFeatures.Place
        let (bit, block) = (FacetModel.Tables.bit, FacetModel.Tables.block)
        for index in 0..<count where !document.units[index].isExample {
            let range = words.ranges[index]
            // Room for a word and a pair per token at most half full; only the part used is cleared,
            // so one long unit does not make every later unit clear a large table.
            var size = 64
            while size < range.count * 4 { size *= 2 }
            if counted.count < size { counted = ScratchArray(repeating: 0, count: size) }
            var o = SIMD8<Int32>(), p = o, n = o, h = o
            do {
                let slots = counted.mutableElements
                UnsafeMutableBufferPointer(rebasing: slots[..<size]).update(repeating: 0)
                let mask = size - 1
                /// Whether `key` was not yet counted in this unit; it is now.
                @inline(__always) func firstTime(_ key: Int32) -> Bool {
                    var i = (Int(key) &* 0x9E37_79B9) & mask
                    while slots[i] != 0 {
                        if slots[i] == key { return false }
                        i = (i + 1) & mask
                    }
                    slots[i] = key
                    return true
                }
                // `&+=`: `PackedWeights` has checked that no unit's sum can overflow.
                for at in range {
                    let id = Int(all[at].id), places = tables.places[id]
                    if at == range.lowerBound {
                        if places & bit(.first) != 0 { o &+= widened(rows[block(id) + Place.first.rawValue]) }
                    } else {
                        let hash = FacetModel.pairHash(all[at - 1].hash, all[at].hash)
                        if tables.pairFilter.mayContain(hash), let pair = tables.pairs[hash], firstTime(pair.number) {
                            o &+= widened(pair.weights)
                        }
                    }
                    guard places != 0, firstTime(Int32(id)) else { continue }
                    // A word's rows in its block, read once for the three units that see them
                    // (`Tables.row` gives the same rows, a place at a time).
                    let start = block(id)
                    if places & bit(.own) != 0 { o &+= widened(rows[start + Place.own.rawValue]) }
                    if places & bit(.previous) != 0 { p &+= widened(rows[start + Place.previous.rawValue]) }
                    if places & bit(.next) != 0 { n &+= widened(rows[start + Place.next.rawValue]) }
                    if places & bit(.heading) != 0 { h &+= widened(rows[Int(tables.headingRows[id])]) }
                }
            }
            sums[index] = Sums(own: o, asPrevious: p, asNext: n, asHeading: h)
        }
    }

    /// All the word and pair features of the unit at `index`, in ten-thousandths:
    /// those of `UnitFeatures.Words` (a heading has no heading words).
    func total(_ index: Int, in document: Document) -> SIMD8<Int32> {
        var sum = sums[index].own
        if index > 0 { sum &+= sums[index - 1].asPrevious }
        if index + 1 < sums.count { sum &+= sums[index + 1].asNext }
        if document.units[index].kind != .heading, let heading = document.units[index].parentHeading { sum &+= sums[heading].asHeading }
        return sum
    }
}
