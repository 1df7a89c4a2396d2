/// A bit per hash bucket, set for every key of a set or table: a clear bit
/// means the key is certainly absent, and the set need not be probed. Most
/// lookups it guards are of absent keys: the learned layer's pairs (a 0.8 MB
/// table, every probe a cache miss) and the tokenizer's number words (whose
/// probe's unpredictable branch cost a tenth of tokenizing).
struct HashFilter: Sendable {
    private var words: [UInt64]
    private let buckets: HashBuckets

    /// `bitCount`, a power of two, sets the size: a few per cent of absent keys
    /// pass at 16 or more bits per key.
    init<S: Sequence>(_ keys: S, bitCount: Int) where S.Element == UInt64 {
        precondition(bitCount >= 64 && bitCount & (bitCount - 1) == 0)
        words = [UInt64](repeating: 0, count: bitCount / 64)
        buckets = HashBuckets(count: bitCount)
        for key in keys { let bit = buckets.of(key); words[bit >> 6] |= 1 << UInt64(bit & 63) }
    }

    @inline(__always)
    func mayContain(_ key: UInt64) -> Bool {
        let bit = buckets.of(key)
        return words[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }
}
