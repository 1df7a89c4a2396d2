/// A heading that names no facet itself ("User Location", "Special Cases")
/// stands for its section: it takes the facet that at least half of the
/// section's own units share (not its subheadings', nor examples; all of its
/// subheadings' units when it has none of its own), as people read such
/// headings. Runs after the classifier, so nothing a heading hands on to its
/// units comes from this; a document's title, its first unit, is left alone,
/// since it stands for the whole message, not a section. So is a heading that
/// names the message itself ("## System Prompt" over the prompt a file
/// documents): it keeps no facet at all, as people label it.
enum SectionSummary {
    static func apply(_ document: Document, words: WordIndex, to facets: inout [UnitFacets]) {
        let units = document.units
        var namingTheMessage: [Int] = []
        for index in units.indices where units[index].kind == .heading && namesTheMessage(words.of(index)) {
            facets[index].assignments = []
            namingTheMessage.append(index)
        }
        // Headings by slot, so the tallies are sized by the headings, not by every unit.
        var slot = [Int](repeating: -1, count: units.count)
        var headings: [Int] = []
        for index in units.indices where units[index].kind == .heading {
            slot[index] = headings.count
            headings.append(index)
        }
        guard !headings.isEmpty else { return }
        // Per heading: how many own units its section has, and how many of them carry each facet.
        var members = [Int](repeating: 0, count: headings.count)
        var counts = [Int](repeating: 0, count: headings.count * Facet.count)
        for index in units.indices where units[index].kind != .heading && !units[index].isExample {
            guard let heading = units[index].parentHeading else { continue }
            members[slot[heading]] += 1
            for assignment in facets[index].assignments { counts[slot[heading] * Facet.count + assignment.facet.order] += 1 }
        }
        // A heading with only subheadings under it ("## Capabilities", then "### Search",
        // "### Email") speaks for the units of all of them. A heading comes after the one
        // it sits under, so one pass from the end adds each into its parent.
        var allMembers = members, allCounts = counts
        for child in headings.indices.reversed() {
            guard let parent = units[headings[child]].parentHeading.map({ slot[$0] }) else { continue }
            allMembers[parent] += allMembers[child]
            for order in 0..<Facet.count { allCounts[parent * Facet.count + order] += allCounts[child * Facet.count + order] }
        }
        for (position, heading) in headings.enumerated()
        where heading > 0 && allMembers[position] > 0 && facets[heading].assignments.isEmpty && !units[heading].isExample
            && !namingTheMessage.contains(heading) {
            let own = members[position] > 0
            let (tally, total, base) = (own ? counts : allCounts, own ? members[position] : allMembers[position], position * Facet.count)
            var best = 0
            for order in 1..<Facet.count where tally[base + order] > tally[base + best] { best = order }
            let shared = tally[base + best]
            // Two facets of half the units each: the section is both, the heading neither.
            guard shared * 2 >= total, !(0..<Facet.count).contains(where: { $0 != best && tally[base + $0] == shared }) else { continue }
            facets[heading].assignments = [FacetAssignment(
                facet: Facet.at(best), confidence: (Double(shared) / Double(total) * 1000).rounded() / 1000,
                evidence: [total == 1 ? "the only unit in its section" : "\(shared) of the \(total) units \(own ? "in its section" : "under its subheadings")"])]
        }
    }

    /// "System Prompt", "System message", "**System instructions:**": a heading that
    /// is the name of what follows, not what it asks. By its words' hashes, in any case.
    static func namesTheMessage(_ words: ArraySlice<Token>) -> Bool {
        guard words.count == 2 || words.count == 3 else { return false }
        return messageNames.contains { $0.elementsEqual(words.lazy.map(\.hash)) }
    }

    static let messageNames = [["system", "prompt"], ["system", "message"], ["system", "instructions"], ["the", "system", "prompt"]]
        .map { $0.map(Tokenizer.hash) }
}
