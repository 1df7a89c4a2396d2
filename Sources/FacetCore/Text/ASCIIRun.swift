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
}
