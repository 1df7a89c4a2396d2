/// Whether offsets of a unit are inside square brackets opened in it: a blank of a
/// template ("[Support cost reduction, infra savings, etc.]", "[Yes / No / Maybe]"),
/// whose words say what may go there rather than ask for something. Asked with
/// offsets that do not go back, so a unit is read once however many matches it holds.
struct SquareBrackets {
    let bytes: [UInt8]
    private var read: Int
    private var depth = 0

    init(_ bytes: [UInt8], unit: Range<Int>) {
        self.bytes = bytes
        read = unit.lowerBound
    }

    mutating func contain(_ offset: Int) -> Bool {
        while read < offset {
            if bytes[read] == UInt8(ascii: "[") { depth += 1 } else if bytes[read] == UInt8(ascii: "]") && depth > 0 { depth -= 1 }
            read += 1
        }
        return depth > 0
    }
}
