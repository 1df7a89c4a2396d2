/// Copies that follow one another, each repeating the instruction after the one the
/// copy before repeats: a block of a message said twice (a section pasted again, a
/// prompt quoted a second time). `DuplicateInstruction` reports such a run of
/// `minimumLength` or more as one finding over the block, not one per sentence.
struct DuplicateRuns {
    static let minimumLength = 3

    /// One finding of the rule: its index among the findings, its unit and the earlier copy's.
    struct Copy {
        var finding: Int
        var unit: Int
        var earlier: Int
        var exact: Bool
    }

    private(set) var runs: [[Copy]] = []
    /// Whether the next copy may go on the last run: no unit compared since it was a copy of nothing.
    private var open = false

    /// A copy goes on the run before when its earlier copy comes after that run's last
    /// one, about as far on as this copy is from the last (a heading or a short line
    /// may sit between on either side), and before the run's first copy: one block
    /// said twice, not a line said three times.
    mutating func add(_ copy: Copy) {
        if open, let run = runs.last, let last = run.last, copy.earlier > last.earlier,
           copy.earlier - last.earlier <= copy.unit - last.unit + 2, copy.earlier < run[0].unit {
            runs[runs.count - 1].append(copy)
        } else {
            runs.append([copy])
        }
        open = true
    }

    /// A unit was compared and repeats nothing: the next copy starts a run of its own.
    mutating func interrupt() { open = false }

    /// `findings` with each run of `minimumLength` or more copies made one finding, in
    /// place of its first; `removal` gives the fix that removes the block, if any.
    func merged(_ findings: [Finding], _ context: LintContext, _ rule: DuplicateInstruction) -> [Finding] {
        var merged: [Int: Finding] = [:]
        var dropped = Set<Int>()
        for run in runs where run.count >= Self.minimumLength {
            let units = context.document.units
            let (first, last) = (units[run[0].unit].range, units[run[run.count - 1].unit].range)
            let (earlierFirst, earlierLast) = (units[run[0].earlier].range, units[run[run.count - 1].earlier].range)
            let lines = context.source.lines
            let (from, to) = (lines.line(containing: earlierFirst.lowerBound) + 1, lines.line(containing: earlierLast.upperBound) + 1)
            let kind = run.allSatisfy(\.exact) ? "repeat" : "nearly repeat"
            let block = first.lowerBound..<last.upperBound, earlierBlock = earlierFirst.lowerBound..<earlierLast.upperBound
            let fix = run.allSatisfy(\.exact) ? Self.removal(context, run[0], run[run.count - 1]) : nil
            merged[run[0].finding] = context.finding(
                rule, "these \(run.count) instructions \(kind) \(from == to ? "line \(from)" : "lines \(from)-\(to)"); remove one copy",
                range: block, unit: run[0].unit,
                related: [RelatedRange(range: earlierBlock, message: "first stated here")],
                fixes: fix.map { [$0] } ?? [])
            for copy in run.dropFirst() { dropped.insert(copy.finding) }
        }
        guard !merged.isEmpty else { return findings }
        return findings.indices.compactMap { dropped.contains($0) ? nil : merged[$0] ?? findings[$0] }
    }

    /// Removes the block's lines when they are the same text as the earlier block's (so
    /// a heading or example between its sentences is in both) and hold whole lines:
    /// "Remove the repeated block". A block that is all its heading's section holds
    /// goes with the heading, when the earlier copy has the same one; else no fix, which
    /// would leave the heading over nothing. Blank lines on both sides become one
    /// (`DuplicateInstruction.linesRemoval`, as for one sentence's lines).
    static func removal(_ context: LintContext, _ first: Copy, _ last: Copy) -> Fix? {
        let source = context.source, lines = source.lines, units = context.document.units
        var start = units[first.unit].range.lowerBound, earlierStart = units[first.earlier].range.lowerBound
        let (end, earlierEnd) = (units[last.unit].range.upperBound, units[last.earlier].range.upperBound)
        if let heading = units[first.unit].parentHeading, heading == first.unit - 1,
           last.unit + 1 == units.count || (units[last.unit + 1].kind == .heading && units[last.unit + 1].headingLevel <= units[heading].headingLevel) {
            guard let earlierHeading = units[first.earlier].parentHeading, earlierHeading == first.earlier - 1 else { return nil }
            (start, earlierStart) = (units[heading].range.lowerBound, units[earlierHeading].range.lowerBound)
        }
        guard source.bytes[start..<end].elementsEqual(source.bytes[earlierStart..<earlierEnd]) else { return nil }
        let firstLine = lines.line(containing: start), lastLine = lines.line(containing: end)
        let lineStart = lines.lineStarts[firstLine]
        let marker = source.bytes[lineStart..<start].drop { $0 == UInt8(ascii: "#") }
        guard DuplicateInstruction.isMarkerOnly(source, marker.startIndex..<start),
              DuplicateInstruction.isBlank(source, end..<lines.lineContentEnd(lastLine)) else { return nil }
        return DuplicateInstruction.linesRemoval(source, firstLine...lastLine, title: "Remove the repeated block")
    }
}
