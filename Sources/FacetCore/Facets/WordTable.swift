/// A map from word hashes to values, for the hot lookups of the classifier and
/// the rules. Word hashes are already 64-bit hashes, so a multiplicative
/// (Fibonacci) probe replaces the SipHash that `Dictionary` and `Set` run on
/// every lookup, which was a fifth of the analysis time.
struct WordTable<Value: Sendable>: Sendable {
    /// A key beside its value (nil: an empty slot), so a probe reads one
    /// cache line rather than one in each of two arrays.
    private struct Slot: Sendable {
        var key: UInt64 = 0
        var value: Value?
    }

    private var slots: [Slot]
    private var buckets: HashBuckets
    private(set) var count = 0

    init(minimumCapacity: Int = 8) {
        var capacity = 8
        while capacity < minimumCapacity * 2 { capacity *= 2 }
        slots = Array(repeating: Slot(), count: capacity)
        buckets = HashBuckets(count: capacity)
    }

    /// Every key in the table, in slot order.
    var allKeys: [UInt64] { slots.compactMap { $0.value == nil ? nil : $0.key } }

    @inline(__always)  // called per word by the classifier and most rules
    subscript(key: UInt64) -> Value? {
        var i = buckets.of(key)
        let mask = slots.count - 1
        while let value = slots[i].value {
            if slots[i].key == key { return value }
            i = (i + 1) & mask
        }
        return nil
    }

    /// Sets the value for `key` to `transform(current ?? initial)`.
    mutating func update(_ key: UInt64, default initial: Value, _ transform: (inout Value) -> Void) {
        if (count + 1) * 2 > slots.count { grow() }
        var i = buckets.of(key)
        let mask = slots.count - 1
        while slots[i].value != nil && slots[i].key != key { i = (i + 1) & mask }
        if slots[i].value == nil { count += 1; slots[i].key = key }
        var value = slots[i].value ?? initial
        slots[i].value = nil  // so `value` is the only reference and grows in place
        transform(&value)
        slots[i].value = value
    }

    /// Sets `value` for `key` unless the key has one already, and says whether it
    /// did. Through a pointer: `update`'s closure and its checked stores cost
    /// several times the probe.
    @discardableResult
    mutating func insert(_ key: UInt64, _ value: Value) -> Bool {
        if (count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var i = buckets.of(key)
        let added = slots.withUnsafeMutableBufferPointer { slots in
            while slots[i].value != nil {
                if slots[i].key == key { return false }
                i = (i + 1) & mask
            }
            slots[i] = Slot(key: key, value: value)
            return true
        }
        if added { count += 1 }
        return added
    }

    private mutating func grow() {
        var bigger = WordTable(minimumCapacity: slots.count)
        for slot in slots { if let value = slot.value { bigger.insert(slot.key, value) } }
        self = bigger
    }
}

/// A set of word hashes with the same fast lookup.
struct WordSet: Sendable {
    private var table: WordTable<Bool>

    init<S: Sequence>(_ hashes: S) where S.Element == UInt64 {
        table = WordTable(minimumCapacity: hashes.underestimatedCount)  // sized up front: growing rehashes everything
        for hash in hashes { table.insert(hash, true) }
    }

    @inline(__always)
    func contains(_ hash: UInt64) -> Bool { table[hash] != nil }

    var hashes: [UInt64] { table.allKeys }
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
            ranges.insert(key, start..<items.count)
        }
    }

    /// Every key that has a list.
    var allKeys: [UInt64] { ranges.allKeys }

    /// Positions in `items` of the key's list; empty when the key has none.
    @inline(__always)
    subscript(key: UInt64) -> Range<Int> { ranges[key] ?? 0..<0 }
}
