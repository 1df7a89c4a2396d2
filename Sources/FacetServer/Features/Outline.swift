import FacetCore

/// The structure of a message for document symbols and folding: headings
/// (each running to the next heading of the same or a higher level, or the end
/// of its section) and XML-style sections. Byte ranges, nested by containment.
struct Outline {
    struct Node {
        var name: String
        var isSection: Bool
        var range: Range<Int>
        var nameRange: Range<Int>
        var facets: [Facet]
        var children: [Node] = []
    }

    var roots: [Node] = []
    /// Every node, flattened (for folding ranges).
    var all: [Node] = []

    init(_ analysis: Analysis) {
        let document = analysis.document
        let source = document.source
        let units = document.units
        var nodes: [Node] = []
        let sectionRanges = document.sections.map { $0.openRange.lowerBound..<($0.closeRange?.upperBound ?? source.count) }
        for (index, unit) in units.enumerated() where unit.kind == .heading {
            let lineStart = source.lines.lineStarts[source.lines.line(containing: unit.range.lowerBound)]
            var end = source.count
            if let next = units[(index + 1)...].first(where: { $0.kind == .heading && $0.headingLevel <= unit.headingLevel }) {
                end = source.lines.lineStarts[source.lines.line(containing: next.range.lowerBound)]
            }
            if let section = sectionRanges.filter({ $0.contains(unit.range.lowerBound) }).min(by: { $0.count < $1.count }) {
                end = min(end, section.upperBound)
            }
            let range = lineStart..<Self.trimTrailingSpace(source, lineStart..<max(end, unit.range.upperBound))
            nodes.append(Node(name: document.text(of: unit), isSection: false, range: range, nameRange: unit.range,
                              facets: Self.facets(analysis, in: range)))
        }
        for (section, range) in zip(document.sections, sectionRanges) {
            nodes.append(Node(name: "<\(section.name)>", isSection: true, range: range, nameRange: section.openRange,
                              facets: Self.facets(analysis, in: range)))
        }
        all = nodes
        roots = Self.nest(nodes)
    }

    /// Builds the tree: a node is the child of the smallest earlier node that contains it.
    static func nest(_ nodes: [Node]) -> [Node] {
        let sorted = nodes.sorted { $0.range.lowerBound != $1.range.lowerBound ? $0.range.lowerBound < $1.range.lowerBound : $0.range.count > $1.range.count }
        var stack: [Node] = []
        var roots: [Node] = []
        func close() {
            let node = stack.removeLast()
            if stack.isEmpty { roots.append(node) } else { stack[stack.count - 1].children.append(node) }
        }
        for node in sorted {
            while let top = stack.last, !(top.range.lowerBound <= node.range.lowerBound && node.range.upperBound <= top.range.upperBound) { close() }
            stack.append(node)
        }
        while !stack.isEmpty { close() }
        return roots
    }

    static func facets(_ analysis: Analysis, in range: Range<Int>) -> [Facet] {
        var seen = Set<Facet>()
        for (index, unit) in analysis.document.units.enumerated() where range.contains(unit.range.lowerBound) {
            seen.formUnion(analysis.facets[index].facets)
        }
        return seen.sorted()
    }

    static func trimTrailingSpace(_ source: SourceText, _ range: Range<Int>) -> Int {
        var end = range.upperBound
        while end > range.lowerBound, [0x20, 0x09, 0x0A, 0x0D].contains(source.bytes[end - 1]) { end -= 1 }
        return end
    }
}
