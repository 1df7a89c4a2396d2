/// Byte-level UTF-8 helpers. The core keeps text as bytes so offsets are exact
/// even when a file holds invalid UTF-8: an invalid byte counts as one
/// replacement character (one UTF-16 unit) and analysis carries on.
enum UTF8Scalar {
    /// Length in bytes of the well-formed scalar starting at `index`, or nil when
    /// the bytes there are not valid UTF-8.
    @inline(__always)
    static func validLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        let b0 = bytes[index]
        if b0 < 0x80 { return 1 }
        let end = bytes.count
        @inline(__always) func cont(_ i: Int) -> Bool { i < end && bytes[i] & 0xC0 == 0x80 }
        switch b0 {
        case 0xC2...0xDF:
            return cont(index + 1) ? 2 : nil
        case 0xE0...0xEF:
            guard cont(index + 1), cont(index + 2) else { return nil }
            let b1 = bytes[index + 1]
            if b0 == 0xE0 && b1 < 0xA0 { return nil }  // overlong
            if b0 == 0xED && b1 > 0x9F { return nil }  // surrogate
            return 3
        case 0xF0...0xF4:
            guard cont(index + 1), cont(index + 2), cont(index + 3) else { return nil }
            let b1 = bytes[index + 1]
            if b0 == 0xF0 && b1 < 0x90 { return nil }
            if b0 == 0xF4 && b1 > 0x8F { return nil }
            return 4
        default:
            return nil
        }
    }

    /// Decodes the scalar at `index`; invalid bytes decode as U+FFFD with length 1.
    @inline(__always)
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (scalar: UInt32, length: Int) {
        guard let length = validLength(bytes, at: index) else { return (0xFFFD, 1) }
        let b0 = UInt32(bytes[index])
        switch length {
        case 1: return (b0, 1)
        case 2: return ((b0 & 0x1F) << 6 | UInt32(bytes[index + 1] & 0x3F), 2)
        case 3:
            return ((b0 & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F), 3)
        default:
            return ((b0 & 0x07) << 18 | UInt32(bytes[index + 1] & 0x3F) << 12
                | UInt32(bytes[index + 2] & 0x3F) << 6 | UInt32(bytes[index + 3] & 0x3F), 4)
        }
    }

    /// How many bytes are not part of a valid UTF-8 sequence (each reads as one U+FFFD).
    static func invalidByteCount(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            var count = 0
            var i = 0
            while i < buffer.count {
                if buffer[i] < 0x80 { i = max(i + 1, ASCIIRun.end(buffer, from: i, to: buffer.count)); continue }
                guard let length = validLength(buffer, at: i) else { count += 1; i += 1; continue }
                i += length
            }
            return count
        }
    }

    /// Offset of the first invalid UTF-8 byte, or nil when the buffer is valid.
    static func firstInvalidOffset(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { buffer in
            var i = 0
            while i < buffer.count {
                if buffer[i] < 0x80 { i = max(i + 1, ASCIIRun.end(buffer, from: i, to: buffer.count)); continue }
                guard let length = validLength(buffer, at: i) else { return i }
                i += length
            }
            return nil
        }
    }
}
