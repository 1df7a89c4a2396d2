/// SysGen-style phrase tags in a dataset row's system message:
/// `«Role»You are a tutor.«/Role» «Format»Reply in JSON.«/Format»`. Each unit
/// with a facet gets its strongest one. Tags are inserted into, and removed
/// from, the raw JSON string literal, so the rest of the row (key order,
/// spacing, escapes) stays byte for byte and `untag(tag(row)) == row`.
public enum FacetTags {
    public static func name(_ facet: Facet) -> String { facet.rawValue.prefix(1).uppercased() + facet.rawValue.dropFirst() }

    /// Opening and closing tag of each facet (in `Facet.allCases` order), as UTF-8.
    static let opening: [[UInt8]] = Facet.allCases.map { Array("«\(name($0))»".utf8) }
    static let closing: [[UInt8]] = Facet.allCases.map { Array("«/\(name($0))»".utf8) }
    static let all: [[UInt8]] = opening + closing

    /// Whether the literal's raw bytes already hold one of the tags (tagging such a row could not be undone exactly).
    public static func containsTags(_ raw: ArraySlice<UInt8>) -> Bool {
        guard raw.contains(0xC2) else { return false }
        return all.contains { tag in raw.firstRange(of: tag) != nil }
    }

    /// The row with tags inserted around each unit of `analysis` (which was
    /// made from the literal's decoded bytes).
    public static func tag(row: [UInt8], literal: Range<Int>, analysis: Analysis) -> [UInt8] {
        var insertions: [(offset: Int, order: Int, bytes: [UInt8])] = []
        for (index, unit) in analysis.document.units.enumerated() {
            guard let facet = analysis.facets[index].assignments.first?.facet, unit.kind != .heading else { continue }
            let which = facet.order
            // Closing tags sort before opening tags at the same offset, so adjacent units nest correctly.
            insertions.append((unit.range.lowerBound, 1, opening[which]))
            insertions.append((unit.range.upperBound, 0, closing[which]))
        }
        guard !insertions.isEmpty else { return row }
        insertions.sort { $0.offset != $1.offset ? $0.offset < $1.offset : $0.order < $1.order }
        // Decoded offsets to offsets in the raw literal (escapes are longer than what they stand for).
        let raw = JSONString.rawOffsets(of: insertions.map(\.offset), in: row[literal])
        for index in insertions.indices { insertions[index].offset = raw[index] }
        var out: [UInt8] = []
        out.reserveCapacity(row.count + insertions.count * 10)
        out += row[..<literal.lowerBound]
        var position = literal.lowerBound
        for insertion in insertions {
            let at = literal.lowerBound + insertion.offset
            out += row[position..<at]
            out += insertion.bytes
            position = at
        }
        out += row[position...]
        return out
    }

    /// The row with every facet tag removed from the literal.
    public static func untag(row: [UInt8], literal: Range<Int>) -> [UInt8] {
        guard containsTags(row[literal]) else { return row }
        var out: [UInt8] = []
        out.reserveCapacity(row.count)
        out += row[..<literal.lowerBound]
        var i = literal.lowerBound
        next: while i < literal.upperBound {
            if row[i] == 0xC2 {
                for tag in all where i + tag.count <= literal.upperBound && row[i..<(i + tag.count)].elementsEqual(tag) {
                    i += tag.count
                    continue next
                }
            }
            out.append(row[i])
            i += 1
        }
        out += row[literal.upperBound...]
        return out
    }
}
