/// A bit per hash bucket, set for every key of a table: a clear bit means the
/// key is certainly absent. Small enough to stay in cache (32 KB), it spares
/// the learned layer most probes of its 0.8 MB pair table, whose keys are
/// mostly absent and whose every probe was a cache miss.
struct HashFilter: Sendable {
    private static let bitCount = 1 << 18
    private var words = [UInt64](repeating: 0, count: HashFilter.bitCount / 64)

    init<S: Sequence>(_ keys: S) where S.Element == UInt64 {
        for key in keys { let bit = Self.bit(key); words[bit >> 6] |= 1 << UInt64(bit & 63) }
    }

    /// Top bits of a Fibonacci product (word hashes are FNV; their low bits alone are poorly mixed).
    @inline(__always)
    private static func bit(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 46) }

    @inline(__always)
    func mayContain(_ key: UInt64) -> Bool {
        let bit = Self.bit(key)
        return words[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }
}
