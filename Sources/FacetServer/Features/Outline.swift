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
        // Where each heading ends: at the line of the next heading of the same or a higher
        // level. One pass with a stack of the headings still open, not a search per heading.
        var headingEnds: [Int: Int] = [:]
        var open: [Int] = []
        for (index, unit) in units.enumerated() where unit.kind == .heading {
            let lineStart = source.lines.lineStarts[source.lines.line(containing: unit.range.lowerBound)]
            while let last = open.last, units[last].headingLevel >= unit.headingLevel {
                headingEnds[last] = lineStart
                open.removeLast()
            }
            open.append(index)
        }
        // A heading also ends with the innermost section around it: the latest-starting one
        // not yet closed. Headings come in document order, so one stack of sections suffices.
        let sectionsByStart = sectionRanges.sorted { $0.lowerBound < $1.lowerBound }
        var nextSection = 0
        var openSections: [Range<Int>] = []
        for (index, unit) in units.enumerated() where unit.kind == .heading {
            let lineStart = source.lines.lineStarts[source.lines.line(containing: unit.range.lowerBound)]
            var end = headingEnds[index] ?? source.count
            let position = unit.range.lowerBound
            while nextSection < sectionsByStart.count, sectionsByStart[nextSection].lowerBound <= position {
                openSections.append(sectionsByStart[nextSection])
                nextSection += 1
            }
            while let top = openSections.last, top.upperBound <= position { openSections.removeLast() }
            if let section = openSections.last { end = min(end, section.upperBound) }
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

    /// The deepest level of the tree; nodes nested deeper are listed side by side
    /// at this level: a tree thousands of sections deep overflowed the stack when encoded or freed.
    static let maximumDepth = 32

    /// Builds the tree: a node is the child of the smallest earlier node that
    /// contains it or, when that would take it past `maximumDepth`, a sibling of the node at that depth.
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
            if stack.count == maximumDepth { close() }
            stack.append(node)
        }
        while !stack.isEmpty { close() }
        return roots
    }

    static func facets(_ analysis: Analysis, in range: Range<Int>) -> [Facet] {
        // Units are in document order: find the first that starts in `range` by bisection.
        let units = analysis.document.units
        var (low, high) = (0, units.count)
        while low < high {
            let middle = (low + high) / 2
            if units[middle].range.lowerBound < range.lowerBound { low = middle + 1 } else { high = middle }
        }
        var seen = Set<Facet>()
        var index = low
        while index < units.count && units[index].range.lowerBound < range.upperBound {
            seen.formUnion(analysis.facets[index].facets)
            index += 1
        }
        return seen.sorted()
    }

    static func trimTrailingSpace(_ source: SourceText, _ range: Range<Int>) -> Int {
        var end = range.upperBound
        while end > range.lowerBound, [0x20, 0x09, 0x0A, 0x0D].contains(source.bytes[end - 1]) { end -= 1 }
        return end
    }
}
