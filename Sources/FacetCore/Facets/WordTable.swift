/// A map from word hashes to values, for the hot lookups of the classifier and
/// the rules. Word hashes are already 64-bit hashes, so a multiplicative
/// (Fibonacci) probe replaces the SipHash that `Dictionary` and `Set` run on
/// every lookup, which was a fifth of the analysis time.
struct WordTable<Value: Sendable>: Sendable {
    private var keys: [UInt64]
    private var values: [Value?]
    private var shift: UInt64
    private(set) var count = 0

    init(minimumCapacity: Int = 8) {
        var capacity = 8
        while capacity < minimumCapacity * 2 { capacity *= 2 }
        keys = Array(repeating: 0, count: capacity)
        values = Array(repeating: nil, count: capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
    }

    /// Every key in the table, in slot order.
    var allKeys: [UInt64] { zip(keys, values).compactMap { $1 == nil ? nil : $0 } }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    @inline(__always)  // called per word by the classifier and most rules
    subscript(key: UInt64) -> Value? {
        var i = slot(key)
        let mask = keys.count - 1
        while let value = values[i] {
            if keys[i] == key { return value }
            i = (i + 1) & mask
        }
        return nil
    }

    /// Sets the value for `key` to `transform(current ?? initial)`.
    mutating func update(_ key: UInt64, default initial: Value, _ transform: (inout Value) -> Void) {
        if (count + 1) * 2 > keys.count { grow() }
        var i = slot(key)
        let mask = keys.count - 1
        while values[i] != nil && keys[i] != key { i = (i + 1) & mask }
        if values[i] == nil { count += 1; keys[i] = key }
        var value = values[i] ?? initial
        values[i] = nil  // so `value` is the only reference and grows in place
        transform(&value)
        values[i] = value
    }

    private mutating func grow() {
        var bigger = WordTable(minimumCapacity: keys.count)
        for (key, value) in zip(keys, values) where value != nil {
            bigger.update(key, default: value!) { _ in }
        }
        self = bigger
    }
}

/// A set of word hashes with the same fast lookup.
struct WordSet: Sendable {
    private var table: WordTable<Bool>

    init<S: Sequence>(_ hashes: S) where S.Element == UInt64 {
        table = WordTable(minimumCapacity: hashes.underestimatedCount)  // sized up front: growing rehashes everything
        for hash in hashes { table.update(hash, default: true) { _ in } }
    }

    @inline(__always)
    func contains(_ hash: UInt64) -> Bool { table[hash] != nil }
}

/// Word hash → a list of indices, all lists stored in one flat array. A lookup
/// gives a range of `items` rather than an array, so the hot loops that walk
/// candidates retain and release nothing.
struct WordLists: Sendable {
    private var ranges: WordTable<Range<Int>>
    /// The lists, one after another; each key's values in the order they were added.
    private(set) var items: [Int] = []

    /// `pairs` in order; each key's list keeps its values in that order.
    init(_ pairs: [(key: UInt64, value: Int)]) {
        var order: [UInt64] = []
        var lists: [UInt64: [Int]] = [:]
        for (key, value) in pairs {
            if lists[key] == nil { order.append(key) }
            lists[key, default: []].append(value)
        }
        ranges = WordTable(minimumCapacity: order.count)
        for key in order {
            let start = items.count
            items += lists[key]!
            ranges.update(key, default: start..<items.count) { _ in }
        }
    }

    /// Every key that has a list.
    var allKeys: [UInt64] { ranges.allKeys }

    /// Positions in `items` of the key's list; empty when the key has none.
    @inline(__always)
    subscript(key: UInt64) -> Range<Int> { ranges[key] ?? 0..<0 }
}
