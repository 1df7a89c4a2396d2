/// ASCII byte tests used by the scanners.
enum ByteClass {
    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
    @inline(__always) static func isNewline(_ b: UInt8) -> Bool { b == 0x0A || b == 0x0D }
    @inline(__always) static func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C || b == 0x0B }
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    @inline(__always) static func isUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }
    @inline(__always) static func isLower(_ b: UInt8) -> Bool { b >= 0x61 && b <= 0x7A }
    @inline(__always) static func isAlpha(_ b: UInt8) -> Bool { isUpper(b) || isLower(b) }
    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool { isAlpha(b) || isDigit(b) }
    @inline(__always) static func isIdentStart(_ b: UInt8) -> Bool { isAlpha(b) || b == 0x5F }
    @inline(__always) static func isIdent(_ b: UInt8) -> Bool { isAlnum(b) || b == 0x5F }
    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { isUpper(b) ? b | 0x20 : b }

    /// The UTF-8 length of a Unicode space separator other than U+0020 starting at
    /// `i` (before `end`): 2 for U+00A0 no-break space, 3 for U+2000–U+200A,
    /// U+202F, U+205F and U+3000 ideographic space; 0 for anything else.
    @inline(__always)
    static func wideSpaceLength(_ buffer: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        let b = buffer[i]
        if b == 0xC2 { return i + 1 < end && buffer[i + 1] == 0xA0 ? 2 : 0 }
        guard b == 0xE2 || b == 0xE3, i + 2 < end else { return 0 }
        return isWideSpace(b, buffer[i + 1], buffer[i + 2]) ? 3 : 0
    }

    /// The length of such a space ending just before `i` (and not before `start`); 0 if none.
    @inline(__always)
    static func wideSpaceLength(_ buffer: UnsafeBufferPointer<UInt8>, endingAt i: Int, from start: Int) -> Int {
        guard i - 2 >= start else { return 0 }
        if buffer[i - 2] == 0xC2 && buffer[i - 1] == 0xA0 { return 2 }
        return i - 3 >= start && isWideSpace(buffer[i - 3], buffer[i - 2], buffer[i - 1]) ? 3 : 0
    }

    @inline(__always)
    private static func isWideSpace(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8) -> Bool {
        b0 == 0xE2 && (b1 == 0x80 && (b2 <= 0x8A || b2 == 0xAF) || b1 == 0x81 && b2 == 0x9F)  // U+2000–U+200A, U+202F, U+205F
            || b0 == 0xE3 && b1 == 0x80 && b2 == 0x80  // U+3000
    }
}

/// A set of bytes as 256 flags, for scans that skip every byte not in it.
struct ByteSet: Sendable {
    /// 1 for a byte in the set, else 0: numbers, so four bytes' flags can be or-ed in one test.
    private let flags: [UInt8]

    init(_ bytes: [UInt8]) {
        var flags = [UInt8](repeating: 0, count: 256)
        for b in bytes { flags[Int(b)] = 1 }
        self.flags = flags
    }

    @inline(__always)
    subscript(_ b: UInt8) -> Bool { flags[Int(b)] != 0 }

    /// The first offset in `start..<limit` whose byte is in the set, or `limit`
    /// (`start` when that is past it). Through a pointer to the flags: every
    /// byte's index is below 256, and the array's bounds check was a third of the loop.
    @inline(__always)
    func first(in buffer: UnsafeBufferPointer<UInt8>, from start: Int, to limit: Int) -> Int {
        flags.withUnsafeBufferPointer { flags in
            var i = start
            // Four bytes to a test and a branch, while four remain: the segmenter's scans
            // cross most of the text this way, and a test per byte was most of their time.
            while i + 4 <= limit
                    && flags[Int(buffer[i])] | flags[Int(buffer[i + 1])] | flags[Int(buffer[i + 2])] | flags[Int(buffer[i + 3])] == 0 {
                i += 4
            }
            while i < limit && flags[Int(buffer[i])] == 0 { i += 1 }
            return i
        }
    }
}
