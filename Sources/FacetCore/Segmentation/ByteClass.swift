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
}

/// A set of bytes as 256 flags, for scans that skip every byte not in it.
struct ByteSet: Sendable {
    private let flags: [Bool]

    init(_ bytes: [UInt8]) {
        var flags = [Bool](repeating: false, count: 256)
        for b in bytes { flags[Int(b)] = true }
        self.flags = flags
    }

    @inline(__always)
    subscript(_ b: UInt8) -> Bool { flags[Int(b)] }
}
