/// JSON may escape a lone UTF-16 surrogate ("\ud800"; JavaScript's
/// `JSON.stringify` writes one for half an emoji), which no Swift string can
/// hold, so Foundation refuses the whole message. Each lone one becomes
/// "\ufffd": one UTF-16 unit, like the surrogate, so positions after it stay right.
enum LoneSurrogates {
    /// The body with lone surrogate escapes replaced, or nil when it has none.
    static func replaced(in body: [UInt8]) -> [UInt8]? {
        var result: [UInt8]?
        var i = 0
        while i < body.count {
            guard body[i] == UInt8(ascii: "\\") else { i += 1; continue }
            guard i + 1 < body.count, body[i + 1] == UInt8(ascii: "u"), let unit = hex4(body, i + 2) else { i += 2; continue }
            var lone = false
            if (0xD800...0xDBFF).contains(unit) {
                // A pair when a low surrogate escape follows at once.
                if i + 11 < body.count, body[i + 6] == UInt8(ascii: "\\"), body[i + 7] == UInt8(ascii: "u"),
                   let next = hex4(body, i + 8), (0xDC00...0xDFFF).contains(next) {
                    i += 12
                    continue
                }
                lone = true
            } else if (0xDC00...0xDFFF).contains(unit) {
                lone = true
            }
            if lone {
                if result == nil { result = body }
                result!.replaceSubrange(i + 2..<i + 6, with: Array("fffd".utf8))
            }
            i += 6
        }
        return result
    }

    static func hex4(_ bytes: [UInt8], _ start: Int) -> Int? {
        guard start + 4 <= bytes.count else { return nil }
        var value = 0
        for b in bytes[start..<start + 4] {
            // By byte: document text escaped as \uXXXX runs through here for every character.
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value * 16 + Int(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value * 16 + Int(b - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = value * 16 + Int(b - UInt8(ascii: "A")) + 10
            default: return nil
            }
        }
        return value
    }
}
