/// A minimal JSON reader over bytes: walks objects and arrays, skips values,
/// and gives string literals as raw byte ranges, decoded only on request.
/// Enough to find one value in a row without building the whole document.
struct JSONScanner {
    struct Malformed: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private(set) var position = 0
    /// Objects and arrays open around the position. Each level is a call, so a
    /// row of 100,000 "[" would overflow the stack: deeper than `maximumDepth`
    /// is malformed (real rows nest a few levels).
    private var depth = 0
    static let maximumDepth = 512

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    var atEnd: Bool { position >= bytes.count }
    var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private func fail(_ what: String) -> Malformed { Malformed(message: "\(what) at byte \(position)") }

    private mutating func expect(_ byte: UInt8) throws {
        skipSpace()
        guard peek == byte else { throw fail("expected '\(Character(Unicode.Scalar(byte)))'") }
        position += 1
    }

    /// Calls `body` for each key with the scanner on its value; `body` must consume the value.
    private mutating func enter() throws {
        depth += 1
        guard depth <= Self.maximumDepth else { throw fail("nested more than \(Self.maximumDepth) levels deep") }
    }

    mutating func object(_ body: (String, inout JSONScanner) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        try enter()
        defer { depth -= 1 }
        skipSpace()
        if peek == UInt8(ascii: "}") { position += 1; return }
        while true {
            skipSpace()
            guard peek == UInt8(ascii: "\"") else { throw fail("expected a key") }
            let key = decode(try stringLiteral())
            try expect(UInt8(ascii: ":"))
            skipSpace()
            try body(key, &self)
            skipSpace()
            guard let next = peek else { throw fail("unterminated object") }
            position += 1
            if next == UInt8(ascii: "}") { return }
            guard next == UInt8(ascii: ",") else { throw fail("expected ',' or '}'") }
        }
    }

    /// Calls `body` for each element with the scanner on it; `body` must consume it.
    mutating func array(_ body: (inout JSONScanner) throws -> Void) throws {
        try expect(UInt8(ascii: "["))
        try enter()
        defer { depth -= 1 }
        skipSpace()
        if peek == UInt8(ascii: "]") { position += 1; return }
        while true {
            skipSpace()
            try body(&self)
            skipSpace()
            guard let next = peek else { throw fail("unterminated array") }
            position += 1
            if next == UInt8(ascii: "]") { return }
            guard next == UInt8(ascii: ",") else { throw fail("expected ',' or ']'") }
        }
    }

    /// The raw contents of the string literal here (quotes excluded); moves past it.
    mutating func stringLiteral() throws -> Range<Int> {
        guard peek == UInt8(ascii: "\"") else { throw fail("expected a string") }
        position += 1
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return start..<(position - 1)
            }
            if byte == UInt8(ascii: "\\") { position += 1 } else if byte < 0x20 { throw fail("control character in a string") }
            position += 1
        }
        throw fail("unterminated string")
    }

    mutating func skipValue() throws {
        skipSpace()
        guard let byte = peek else { throw fail("expected a value") }
        switch byte {
        case UInt8(ascii: "\""): _ = try stringLiteral()
        case UInt8(ascii: "{"): try object { _, s in try s.skipValue() }
        case UInt8(ascii: "["): try array { s in try s.skipValue() }
        default:
            // A number, true, false or null: the bytes up to the next delimiter.
            let start = position
            while position < bytes.count {
                switch bytes[position] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D: break
                default: position += 1; continue
                }
                break
            }
            let token = bytes[start..<position]
            let first = bytes[start]
            let isNumber = first == UInt8(ascii: "-") || (first >= 0x30 && first <= 0x39)
            guard isNumber || token.elementsEqual("true".utf8) || token.elementsEqual("false".utf8) || token.elementsEqual("null".utf8) else {
                // A stray delimiter ("}" or "," where a value starts) ends the token at once: show the delimiter, not ''.
                let shown = token.isEmpty ? bytes[start...start] : token.prefix(20)
                throw Malformed(message: "unexpected '\(String(decoding: shown, as: UTF8.self))' at byte \(start)")
            }
        }
    }

    /// The text of a string literal's raw contents.
    func decode(_ range: Range<Int>) -> String {
        let raw = UnsafeBufferPointer(rebasing: bytes[range])
        if !raw.contains(UInt8(ascii: "\\")) { return String(decoding: raw, as: UTF8.self) }
        return String(decoding: JSONString.decode(raw) { _, _ in }, as: UTF8.self)
    }
}

/// JSON string literal contents: unescaping with a map back to raw offsets,
/// and escaping for writing.
public enum JSONString {
    /// The decoded UTF-8 bytes of a literal's raw contents, and for each decoded
    /// byte (and one past the end) the raw offset it came from.
    public static func unescape(_ raw: ArraySlice<UInt8>) -> (bytes: [UInt8], rawOffsets: [Int]) {
        var offsets: [Int] = []
        offsets.reserveCapacity(raw.count + 1)
        let bytes = raw.withUnsafeBufferPointer { buffer in
            decode(buffer) { decodedCount, rawOffset in
                while offsets.count < decodedCount { offsets.append(rawOffset) }
            }
        }
        offsets.append(raw.count)
        return (bytes, offsets)
    }

    public static func unescape(_ raw: [UInt8]) -> (bytes: [UInt8], rawOffsets: [Int]) { unescape(raw[...]) }

    /// The decoded UTF-8 bytes of a literal's raw contents.
    public static func bytes(_ raw: ArraySlice<UInt8>) -> [UInt8] {
        guard raw.contains(UInt8(ascii: "\\")) else { return Array(raw) }
        return raw.withUnsafeBufferPointer { decode($0) { _, _ in } }
    }

    /// For decoded byte offsets (ascending), the raw offsets in the literal they come from.
    public static func rawOffsets(of decoded: [Int], in raw: ArraySlice<UInt8>) -> [Int] {
        // Without escapes, decoded and raw offsets are the same.
        guard raw.contains(UInt8(ascii: "\\")) else { return decoded.map { Swift.min($0, raw.count) } }
        var out: [Int] = []
        out.reserveCapacity(decoded.count)
        _ = raw.withUnsafeBufferPointer { buffer in
            decode(buffer) { decodedCount, rawOffset in
                // After each character: the decoded length so far, and the raw offset where the character began.
                while out.count < decoded.count && decoded[out.count] < decodedCount { out.append(rawOffset) }
            }
        }
        while out.count < decoded.count { out.append(raw.count) }
        return out
    }

    /// Decodes the literal; after each character, `mark(decoded length, raw offset of that character)`.
    static func decode(_ raw: UnsafeBufferPointer<UInt8>, mark: (Int, Int) -> Void) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        func hex(_ at: Int) -> UInt32? {
            guard at + 4 <= raw.count else { return nil }
            var value: UInt32 = 0
            for k in at..<(at + 4) {
                let c = raw[k]
                let digit: UInt32
                switch c {
                case 0x30...0x39: digit = UInt32(c - 0x30)
                case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
                default: return nil
                }
                value = value << 4 | digit
            }
            return value
        }
        while i < raw.count {
            let start = i
            let byte = raw[i]
            guard byte == UInt8(ascii: "\\"), i + 1 < raw.count else {
                out.append(byte)
                mark(out.count, start)
                i += 1
                continue
            }
            var scalar: UInt32 = 0xFFFD
            var length = 2
            switch raw[i + 1] {
            case UInt8(ascii: "n"): scalar = 0x0A
            case UInt8(ascii: "t"): scalar = 0x09
            case UInt8(ascii: "r"): scalar = 0x0D
            case UInt8(ascii: "b"): scalar = 0x08
            case UInt8(ascii: "f"): scalar = 0x0C
            case UInt8(ascii: "u"):
                length = 6
                if let high = hex(i + 2) {
                    if (0xD800...0xDBFF).contains(high), i + 12 <= raw.count, raw[i + 6] == UInt8(ascii: "\\"), raw[i + 7] == UInt8(ascii: "u"),
                       let low = hex(i + 8), (0xDC00...0xDFFF).contains(low) {
                        scalar = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                        length = 12
                    } else if !(0xD800...0xDFFF).contains(high) {
                        scalar = high
                    }
                }
            case let code: scalar = UInt32(code)  // \" \\ \/
            }
            appendUTF8(scalar, to: &out)
            mark(out.count, start)
            i += length
        }
        return out
    }

    private static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// `text` as the contents of a JSON string literal (no quotes): `"`, `\` and
    /// control characters escaped, everything else written as UTF-8.
    public static func escape(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [0x5C, 0x22]
            case UInt8(ascii: "\\"): out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0..<0x20: out += Array(String(format: byte).utf8)
            default: out.append(byte)
            }
        }
        return out
    }
}

private extension String {
    /// `\u00XX` for a control byte.
    init(format byte: UInt8) {
        let digits = Array("0123456789abcdef")
        self = "\\u00" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0xF)])
    }
}
