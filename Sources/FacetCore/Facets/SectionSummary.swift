/// A heading that names no facet itself ("User Location", "Special Cases")
/// stands for its section: it takes the facet that at least half of the
/// section's own units share (not its subheadings, not examples), as people
/// read such headings. Runs after the classifier, so nothing a heading hands
/// on to its units comes from this; a document's title, its first unit, is
/// left alone, since it stands for the whole message, not a section.
enum SectionSummary {
    static func apply(_ document: Document, to facets: inout [UnitFacets]) {
        let units = document.units
        // Per heading: how many own units its section has, and how many of them carry each facet.
        var members = [Int](repeating: 0, count: units.count)
        var counts = [Int](repeating: 0, count: units.count * Facet.count)
        var anyHeading = false
        for index in units.indices where units[index].kind != .heading && !units[index].isExample {
            guard let heading = units[index].parentHeading else { continue }
            anyHeading = true
            members[heading] += 1
            for assignment in facets[index].assignments { counts[heading * Facet.count + assignment.facet.order] += 1 }
        }
        guard anyHeading else { return }
        for heading in units.indices.dropFirst()
        where members[heading] > 0 && facets[heading].assignments.isEmpty && !units[heading].isExample {
            let base = heading * Facet.count
            var best = 0
            for order in 1..<Facet.count where counts[base + order] > counts[base + best] { best = order }
            let shared = counts[base + best]
            guard shared * 2 >= members[heading] else { continue }
            let share = Double(shared) / Double(members[heading])
            facets[heading].assignments = [FacetAssignment(
                facet: Facet.at(best), confidence: (share * 1000).rounded() / 1000,
                evidence: ["\(shared) of the \(members[heading]) units in its section"])]
        }
    }
}
