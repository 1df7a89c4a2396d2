/// The same instruction, or nearly the same, stated twice.
struct DuplicateInstruction: LintRule {
    let id = "duplicate-instruction"
    let defaultSeverity = Severity.warning
    let summary = "The same or nearly the same instruction appears twice"
    let explanation = """
    Saying a thing twice does not make a model follow it better; it makes the \
    message longer, and when one copy is later edited the two drift apart.

    Two units count as duplicates when their content words (stop words \
    removed, at least three) are the same set, or overlap by 80% or more \
    (Jaccard). Headings and examples are not compared.

    Fix: removes the later copy.
    """

    static let stopWords = WordSet("""
    a an the and or but of to in on at for with by from as is are be been being it its this that these those you your \
    i we our they them their he she his her do does did will would should must can could may might not no yes if then \
    so than too very just also all any each every some such into about over under up down out only own same other
    """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { Tokenizer.hash(String($0)) })

    func check(_ context: LintContext) -> [Finding] {
        let stopWords = Self.stopWords
        let units = context.proseUnits.filter { context.document.units[$0].kind != .heading }
        // Each unit's content words as a sorted array without repeats.
        var signatures: [(unit: Int, words: [UInt64])] = []
        // Sized for every unit and word up front, so the tables never grow.
        var exact = WordTable<Int>(minimumCapacity: units.count)  // hash of a signature → its first index
        var byWord = WordTable<Int>(minimumCapacity: units.reduce(0) { $0 + context.tokens($1).count })  // word → its list in `postings`
        var postings: [[Int]] = []  // per word, the signatures that hold it
        var rarest: [(word: UInt64, count: Int)] = []
        var counted: [Int] = []
        var findings: [Finding] = []
        for unit in units {
            var words: [UInt64] = []
            for token in context.tokens(unit) where !stopWords.contains(token.hash) { words.append(token.hash) }
            words.sort()
            Self.removeRepeats(&words)
            guard words.count >= 3 else { continue }
            let signature = words.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ $1) &* 0x100_0000_01b3 }
            var best: (unit: Int, score: Double)?
            if let same = exact[signature], signatures[same].words == words {
                best = (signatures[same].unit, 1)
            } else {
                // Near duplicates share most words, so they share this unit's rarest ones.
                rarest.removeAll(keepingCapacity: true)
                for word in words { rarest.append((word, byWord[word].map { postings[$0].count } ?? 0)) }
                rarest.sort { $0.count < $1.count }
                counted.removeAll(keepingCapacity: true)
                for (word, _) in rarest.prefix(3) {
                    guard let list = byWord[word] else { continue }
                    for candidate in postings[list].suffix(16) where !counted.contains(candidate) {
                        counted.append(candidate)
                        let other = signatures[candidate].words
                        let shared = Self.sharedCount(words, other)
                        let score = Double(shared) / Double(words.count + other.count - shared)
                        if score >= 0.8 && (best == nil || score > best!.score) { best = (signatures[candidate].unit, score) }
                    }
                }
            }
            if let best {
                let kind = best.score == 1 ? "repeats" : "nearly repeats"
                let earlier = context.document.units[best.unit]
                let line = context.source.lines.line(containing: earlier.range.lowerBound) + 1
                findings.append(context.finding(self, "this \(kind) the instruction on line \(line); remove one copy",
                                                range: context.document.units[unit].range, unit: unit,
                                                related: [RelatedRange(range: earlier.range, message: "first stated here")],
                                                fixes: [removal(context, unit: unit)]))
                if best.score == 1 { continue }  // the first copy already stands for this wording
            }
            signatures.append((unit, words))
            if exact[signature] == nil { exact.update(signature, default: signatures.count - 1) { _ in } }
            for word in words {
                if let list = byWord[word] {
                    postings[list].append(signatures.count - 1)
                } else {
                    byWord.update(word, default: postings.count) { _ in }
                    postings.append([signatures.count - 1])
                }
            }
        }
        return findings
    }

    /// Removes repeats from a sorted array, in place.
    static func removeRepeats(_ words: inout [UInt64]) {
        guard words.count > 1 else { return }
        var kept = 1
        for index in 1..<words.count where words[index] != words[kept - 1] {
            words[kept] = words[index]
            kept += 1
        }
        words.removeSubrange(kept...)
    }

    /// How many words two sorted, repeat-free arrays share.
    static func sharedCount(_ a: [UInt64], _ b: [UInt64]) -> Int {
        var i = 0, j = 0, shared = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] { shared += 1; i += 1; j += 1 } else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return shared
    }

    /// Removes the unit; when it is alone on its line (a list item), the whole line.
    func removal(_ context: LintContext, unit: Int) -> Fix {
        let range = context.document.units[unit].range
        let lines = context.source.lines
        let line = lines.line(containing: range.lowerBound)
        let lineStart = lines.lineStarts[line]
        let lastLine = lines.line(containing: range.upperBound)
        let lineEnd = max(range.upperBound, lines.lineContentEnd(lastLine))
        let before = context.source.text(lineStart..<range.lowerBound)
        let after = context.source.text(range.upperBound..<lineEnd)
        let markerOnly = before.allSatisfy { " \t-*+•0123456789.)".contains($0) }
        if markerOnly && after.allSatisfy(\.isWhitespace) {
            let next = lastLine + 1 < lines.lineCount ? lines.lineStarts[lastLine + 1] : context.source.count
            return Fix(title: "Remove the repeated instruction", edits: [TextEdit(range: lineStart..<next, newText: "")])
        }
        var upper = range.upperBound
        while upper < lineEnd && context.source.bytes[upper] == UInt8(ascii: " ") { upper += 1 }
        return Fix(title: "Remove the repeated instruction", edits: [TextEdit(range: range.lowerBound..<upper, newText: "")])
    }
}
