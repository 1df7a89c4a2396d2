/// The learned layer's word-pair rows ("w2.reply in"), each stored in its hash
/// table slot: a pair with weights then costs one memory read where a table
/// of row numbers and a separate table of rows cost two, both cache misses
/// (pairs have no locality: there are some fourteen thousand of them).
struct PairRows: Sendable {
    /// A pair's row: a number to tell it from other rows, and its weights in
    /// ten-thousandths, as `PackedWeights.rows` holds them.
    struct Row {
        var number: Int32
        var weights: SIMD8<Int16>
    }

    /// 32 bytes; `number` -1: empty.
    private struct Slot: Sendable {
        var weights = SIMD8<Int16>()
        var key: UInt64 = 0
        var number: Int32 = -1
    }

    private var slots: [Slot]
    private let buckets: HashBuckets

    /// `rows` by pair hash (`FacetModel.pairHash`); numbers must be >= 0.
    init(_ rows: [(key: UInt64, row: Row)]) {
        var capacity = 8
        while capacity < rows.count * 2 { capacity *= 2 }  // at most half full: probes stay short
        slots = Array(repeating: Slot(), count: capacity)
        buckets = HashBuckets(count: capacity)
        for (key, row) in rows {
            var i = buckets.of(key)
            while slots[i].number >= 0 && slots[i].key != key { i = (i + 1) & (capacity - 1) }
            slots[i] = Slot(weights: row.weights, key: key, number: row.number)
        }
    }

    @inline(__always)
    subscript(key: UInt64) -> Row? {
        var i = buckets.of(key)
        let mask = slots.count - 1
        while slots[i].number >= 0 {
            if slots[i].key == key { return Row(number: slots[i].number, weights: slots[i].weights) }
            i = (i + 1) & mask
        }
        return nil
    }
}
