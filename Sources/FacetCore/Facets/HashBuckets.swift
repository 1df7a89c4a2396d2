/// Which of a power-of-two number of buckets a word hash falls in: the top
/// bits of a Fibonacci product. Word hashes are FNV, whose low bits alone are
/// poorly mixed. Shared by `WordTable`, `PairRows` and `HashFilter`.
struct HashBuckets: Sendable {
    private let shift: UInt64

    /// `count`, a power of two.
    init(count: Int) { shift = UInt64(64 - count.trailingZeroBitCount) }

    @inline(__always)
    func of(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }
}
