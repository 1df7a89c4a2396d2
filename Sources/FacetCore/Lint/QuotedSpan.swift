/// Whether a place in a unit is quoted: between "straight" or “curly” double
/// quotes, or in a `code span`. Quoted words are what to say, show or match
/// verbatim (`Respond with "Please help with various tasks"`), not the
/// author's instruction, so the wording rules leave them alone. A quote mark
/// with no partner after the place (12" screens) does not count as opening one.
enum QuotedSpan {
    static func contains(_ bytes: [UInt8], unit: Range<Int>, at offset: Int) -> Bool {
        var straight = false, backtick = false, curly = 0
        var i = unit.lowerBound
        while i < offset {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") && !backtick { straight.toggle() }
            else if b == UInt8(ascii: "`") { backtick.toggle() }
            else if b == 0xE2 && i + 2 < offset && bytes[i + 1] == 0x80 && !backtick {
                if bytes[i + 2] == 0x9C { curly += 1 } else if bytes[i + 2] == 0x9D && curly > 0 { curly -= 1 }
            }
            i += 1
        }
        guard straight || backtick || curly > 0 else { return false }
        // Open before the place: quoted only if the quote closes after it, in the unit.
        let rest = bytes[offset..<unit.upperBound]
        if backtick { return rest.contains(UInt8(ascii: "`")) }
        if straight && rest.contains(UInt8(ascii: "\"")) { return true }
        return curly > 0 && rest.indices.contains { i in
            i + 2 < unit.upperBound && bytes[i] == 0xE2 && bytes[i + 1] == 0x80 && bytes[i + 2] == 0x9D
        }
    }
}
