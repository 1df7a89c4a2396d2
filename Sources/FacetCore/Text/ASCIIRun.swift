/// Skipping ASCII eight bytes at a time. Most system messages are ASCII, and
/// several whole-document scans only care about the other bytes; byte by byte
/// they were a few percent of the analysis.
enum ASCIIRun {
    /// The end of the run of whole eight-byte words of ASCII from `start`
    /// (`start` itself when the next eight bytes hold a non-ASCII byte or
    /// fewer than eight remain before `end`).
    @inline(__always)
    static func end(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        guard let base = buffer.baseAddress else { return start }
        var i = start
        while i + 8 <= end && UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
            i += 8
        }
        return i
    }

    /// The same run, also stopped by a word that holds `byte` (ASCII).
    @inline(__always)
    static func end(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, without byte: UInt8) -> Int {
        guard let base = buffer.baseAddress else { return start }
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let pattern = UInt64(byte) &* ones
        var i = start
        while i + 8 <= end {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            // `x` has a zero byte where `word` holds `byte`; (x - 1s) & ~x sets that byte's
            // high bit (and never sets one when no byte is zero).
            let x = word ^ pattern
            guard (word | ((x &- ones) & ~x)) & highs == 0 else { break }
            i += 8
        }
        return i
    }
}
