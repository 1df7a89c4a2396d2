/// A bit per hash bucket, set for every key of a set or table: a clear bit
/// means the key is certainly absent, and the set need not be probed. Most
/// lookups it guards are of absent keys: the learned layer's pairs (a 0.8 MB
/// table, every probe a cache miss) and the tokenizer's number words (whose
/// probe's unpredictable branch cost a tenth of tokenizing).
struct HashFilter: Sendable {
    private var words: [UInt64]
    private let shift: UInt64

    /// `bitCount`, a power of two, sets the size: a few per cent of absent keys
    /// pass at 16 or more bits per key.
    init<S: Sequence>(_ keys: S, bitCount: Int) where S.Element == UInt64 {
        precondition(bitCount >= 64 && bitCount & (bitCount - 1) == 0)
        words = [UInt64](repeating: 0, count: bitCount / 64)
        shift = UInt64(64 - bitCount.trailingZeroBitCount)
        for key in keys { let bit = self.bit(key); words[bit >> 6] |= 1 << UInt64(bit & 63) }
    }

    /// Top bits of a Fibonacci product (word hashes are FNV; their low bits alone are poorly mixed).
    @inline(__always)
    private func bit(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    @inline(__always)
    func mayContain(_ key: UInt64) -> Bool {
        let bit = self.bit(key)
        return words[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }
}
