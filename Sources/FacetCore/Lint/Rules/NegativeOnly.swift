/// A prohibition with no positive alternative anywhere in the message.
struct NegativeOnly: LintRule {
    let id = "negative-only"
    let defaultSeverity = Severity.hint
    let summary = "An instruction that only says what not to do, with no alternative"
    let explanation = """
    "Don't be verbose" leaves the model guessing what to do instead, and naming \
    the unwanted thing can even prime it. Say what you want: "Answer in at most \
    three sentences."

    Checked on prohibitions ("never", "do not", "don't", "avoid", "refrain from", \
    "no ...") about \
    style, format or the task; guardrails ("Never reveal these instructions") are \
    left alone, since a refusal needs no alternative. A prohibition counts as \
    answered when it bounds an amount with a number ("Do not exceed one page."), \
    or when the same unit says what to do, before it ("Be direct; avoid \
    flattery.", "Focused, serious design — no gamification", "Cute but not \
    childish") or after it with "instead", "rather", "just" or "except" ("Do \
    not apologise, just say what went wrong."), after ";", ":" or a dash ("Don't \
    use jargon; use plain words."), or with "and" or "but" and a verb ("Avoid \
    jargon and use plain words."); when the unit just before or \
    after it, or just before or after the run of prohibitions it belongs to, says what to do \
    about the same facet ("Be warm. No forced enthusiasm. Don't be sarcastic."), or \
    about any facet when it goes on from it in the same paragraph or list item, on \
    the same line ("Do not repeat yourself. Review the conversation before you \
    answer."; a paragraph of one rule a line is a list of separate rules); when the next unit, or the one \
    after its run, starts with "Instead" ("Avoid echoing the user. Instead, add a \
    new point of view."); when another item of its list says what to do about the same facet ("- Use \
    short sentences. - Define terms. - Avoid double negatives."); or \
    when another instruction shares a content word with it. Nor is a prohibition \
    listed under a heading or lead-in that names what not to do ("## What NOT to \
    do", "NEGATIVE CONSTRAINTS", "Avoid:"): the author has set the don'ts apart \
    from the do's on purpose.
    """

    static let negators = WordSet(["never", "don't", "dont", "avoid", "no", "not", "nor", "refrain"].map(Tokenizer.hash))
    /// Verbs that, after ";", a dash, "and" or "but", say what to do: "Avoid jargon and use plain words."
    static let imperatives = WordSet(["use", "write", "keep", "say", "give", "explain", "speak", "stick", "choose", "answer", "reply",
                                      "respond", "be", "describe", "state", "ask", "offer", "focus", "prefer", "stay", "make", "put",
                                      "show", "list", "start", "end", "link", "cite", "point", "suggest", "tell", "spell", "format",
                                      "break", "opt", "quote", "return", "output", "provide", "include", "summarize", "summarise",
                                      "rewrite", "refer", "direct", "redirect", "paraphrase", "switch", "replace", "limit"]
        .map(Tokenizer.hash))
    /// After a verb of `imperatives`, words that make it no alternative: "use of", "keep away", "stay clear".
    static let notAVerbAfter = WordSet(["of", "away", "clear", "off"].map(Tokenizer.hash))
    static let joiners = WordSet(["and", "but"].map(Tokenizer.hash))
    static let alternatives = WordSet(["instead", "rather", "but", "prefer", "unless", "except", "apart", "only", "just", "simply", "favor",
                                       "favour"]
        .map(Tokenizer.hash))
    /// Words of a heading or lead-in that names a list of what not to do ("What NOT to do",
    /// "Negative constraints", "Don'ts"), besides `negators`.
    static let prohibitionListWords = WordSet(["negative", "don'ts", "donts", "prohibited", "forbidden", "disallowed"].map(Tokenizer.hash))
    static let ifHash = Tokenizer.hash("if")
    static let whenHash = Tokenizer.hash("when")
    static let insteadHash = Tokenizer.hash("instead")
    static let doHash = Tokenizer.hash("do")
    /// Marks a prohibition whose facets are none of task, style and format.
    static let otherFacetBit: UInt8 = 1 << 7

    /// Whether the bytes between two words hold a ";" or "," (a clause ends there).
    static func clauseBreak(_ bytes: [UInt8], from: Int, to: Int) -> Bool {
        bytes[from..<to].contains { $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: ",") }
    }

    static let dashes: [[UInt8]] = [Array(" - ".utf8), Array(" – ".utf8), Array(" — ".utf8), Array("—".utf8), Array(" -- ".utf8)]

    /// Whether the bytes between two words hold ";", ":" or a dash between spaces,
    /// after which a new clause says what to do ("Don't use jargon; use plain words").
    static func turn(_ bytes: [UInt8], from: Int, to: Int) -> Bool {
        let gap = bytes[from..<to]
        if gap.contains(where: { $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: ":") }) { return true }
        return dashes.contains { dash in gap.count >= dash.count && (0...(gap.count - dash.count)).contains { gap.dropFirst($0).starts(with: dash) } }
    }

    /// What to do, said before the prohibition in the same unit: after ",", ";" or a
    /// dash ("Be direct; avoid flattery.", "Focused, serious design — no gamification"),
    /// or as the other side of "but" ("Cute but not childish").
    static func saysWhatToDoBefore(_ tokens: ArraySlice<Token>, _ negator: Int, _ bytes: [UInt8]) -> Bool {
        guard negator > tokens.startIndex else { return false }
        let (from, to) = (tokens[negator - 1].range.upperBound, tokens[negator].range.lowerBound)
        if clauseBreak(bytes, from: from, to: to) || turn(bytes, from: from, to: to) && !bytes[from..<to].contains(UInt8(ascii: ":")) { return true }
        return tokens[negator - 1].hash == butHash && negator - 1 > tokens.startIndex
    }
    static let butHash = Tokenizer.hash("but")

    /// A prohibition that bounds an amount with a number needs no alternative: the
    /// number is what to do ("Do not exceed 1 page.", "No more than three colours.").
    /// "One" only after a word of a bound ("more than one", "exceed one"): "no one",
    /// "this one" are no number.
    static func setsALimit(_ tokens: ArraySlice<Token>, _ negator: Int) -> Bool {
        tokens[(negator + 1)...].indices.contains { index in
            let hash = tokens[index].hash
            if hash == oneHash { return bounds.contains(tokens[index - 1].hash) }
            return tokens[index].isNumber || numberWords.contains(hash)
        }
    }
    static let oneHash = Tokenizer.hash("one")
    static let bounds = WordSet(["than", "exceed", "exceeds", "over", "beyond", "past"].map(Tokenizer.hash))
    static let numberWords = WordSet(["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve",
                                      "fifteen", "twenty", "fifty", "hundred", "once", "twice"].map(Tokenizer.hash))

    /// What to do, said after the prohibition in the same unit: "instead", "just"
    /// ("..., just say ..."; not right after the negator: "don't just list facts"
    /// forbids), or a verb after ";", ":", a dash, "and" or "but" ("Avoid jargon
    /// and use plain words"; "Don't use these words: delve, tapestry" lists, it
    /// offers nothing).
    static func saysWhatToDoAfter(_ tokens: ArraySlice<Token>, _ negator: Int, _ bytes: [UInt8]) -> Bool {
        if tokens[min(negator + 2, tokens.endIndex)...].contains(where: { alternatives.contains($0.hash) }) { return true }
        // A verb, not a noun ("use of emojis") or another prohibition ("keep away from").
        func isAVerbThatSaysWhatToDo(_ index: Int) -> Bool {
            guard index < tokens.endIndex, imperatives.contains(tokens[index].hash) else { return false }
            return index + 1 == tokens.endIndex || !notAVerbAfter.contains(tokens[index + 1].hash)
        }
        // From the second word after the negator: "Do not: use emojis, ..." lists what not to do.
        var index = negator + 2
        while index < tokens.endIndex {
            let word = tokens[index].hash
            if isAVerbThatSaysWhatToDo(index) && turn(bytes, from: tokens[index - 1].range.upperBound, to: tokens[index].range.lowerBound) { return true }
            if joiners.contains(word) && isAVerbThatSaysWhatToDo(index + 1) { return true }
            index += 1
        }
        return false
    }

    /// Whether the unit sits under a heading or lead-in that names what not to do
    /// ("## What NOT to Do", "NEGATIVE CONSTRAINTS", "Avoid:"): a list of don'ts set apart
    /// from the do's on purpose, often beside a list of them. Image prompts' negative
    /// constraints ("No watermarks") have no alternative to give.
    static func listedAsProhibition(_ context: LintContext, _ unit: Int) -> Bool {
        let units = context.document.units
        return [units[unit].leadIn, units[unit].parentHeading].contains { title in
            guard let title, title != unit else { return false }
            // A short title, not a condition: "If no results are found:" says when, not what not to do.
            let words = context.tokens(title)
            guard words.count <= 4, let first = words.first, first.hash != ifHash, first.hash != whenHash else { return false }
            return words.contains { negators.contains($0.hash) || prohibitionListWords.contains($0.hash) }
        }
    }

    /// Whether another item of the prohibition's list (list items one after another,
    /// under the same heading and lead-in) says what to do about the same facet.
    static func listAnswers(_ sequence: [(unit: Int, positive: UInt8, prohibition: UInt8, instructs: Bool)], _ at: Int, _ needs: UInt8,
                            _ units: [Unit]) -> Bool {
        let item = units[sequence[at].unit]
        guard item.kind == .listItem else { return false }
        func sameList(_ other: Int) -> Bool {
            let unit = units[sequence[other].unit]
            return unit.kind == .listItem && unit.parentHeading == item.parentHeading && unit.leadIn == item.leadIn
        }
        var first = at, last = at
        while first > 0 && sameList(first - 1) { first -= 1 }
        while last + 1 < sequence.count && sameList(last + 1) { last += 1 }
        return (first...last).contains { $0 != at && sequence[$0].positive & needs != 0 }
    }

    /// "no matter": a phrase that says when ("No matter what the customer asks,
    /// reply in English."), not a prohibition.
    static func opensNoMatter(_ tokens: ArraySlice<Token>, at i: Int) -> Bool {
        tokens[i].hash == noHash && i + 1 < tokens.endIndex && tokens[i + 1].hash == matterHash
    }
    static let noHash = Tokenizer.hash("no")
    static let matterHash = Tokenizer.hash("matter")

    func check(_ context: LintContext) -> [Finding] {
        let (negators, isStopWord) = (Self.negators, Vocabulary.shared.isStopWord)
        var prohibitions: [(unit: Int, at: Int)] = []  // `at`: its place in `sequence`
        // Prose units in order, with the facets (task, style, format) a positive instruction
        // gives and a prohibition needs: a prohibition next to one on the same facet is answered.
        // `instructs`: a positive instruction of any facet (not a role or background statement),
        // which answers a prohibition beside it in the same paragraph or list item.
        var sequence: [(unit: Int, positive: UInt8, prohibition: UInt8, instructs: Bool)] = []
        let bytes = context.source.bytes
        for unit in context.proseUnits {
            guard context.document.units[unit].kind != .heading else { sequence.append((unit, 0, 0, false)); continue }
            let present = context.facets[unit].mask
            func has(_ facet: Facet) -> Bool { present & 1 << facet.order != 0 }
            let mask = present & (1 << Facet.task.order | 1 << Facet.style.order | 1 << Facet.format.order)
            let tokens = context.tokens(unit)
            // "If not, change it." sets a condition and "No matter what they ask, ..." says
            // when: neither forbids anything.
            let negator = tokens.first?.hash == Self.ifHash ? nil
                : tokens.prefix(4).indices.first { negators.contains(tokens[$0].hash) && !Self.opensNoMatter(tokens, at: $0) }
            guard mask != 0 else {
                // A prohibition of another facet ("Do not water down the answer.", a guardrail)
                // needs no alternative, but it still belongs to the run around it.
                let instructs = negator == nil && (has(.tool) || has(.guardrail))
                sequence.append((unit, 0, negator == nil ? 0 : Self.otherFacetBit, instructs))
                continue
            }
            if let negator {
                sequence.append((unit, 0, mask, false))
                // What to do, said before ("Be direct; avoid ...") or after ("..., just say ...").
                let saidBefore = Self.saysWhatToDoBefore(tokens, negator, bytes)
                let saidAfter = Self.saysWhatToDoAfter(tokens, negator, bytes)
                if !has(.guardrail) && !saidBefore && !saidAfter && !Self.setsALimit(tokens, negator) && !Self.listedAsProhibition(context, unit) {
                    prohibitions.append((unit, sequence.count - 1))
                }
            } else {
                sequence.append((unit, mask, 0, true))
            }
        }
        guard !prohibitions.isEmpty else { return [] }
        // The content words of the positive instructions, made at the first prohibition the
        // checks below leave standing: most are answered before, and most messages have none.
        var positive: WordSet?
        func positiveWords() -> WordSet {
            var hashes: [UInt64] = []
            for entry in sequence where entry.positive != 0 {
                for token in context.tokens(entry.unit) where !isStopWord[Int(token.id)] { hashes.append(token.hash) }
            }
            return WordSet(hashes)
        }
        let units = context.document.units, lines = context.source.lines
        var findings: [Finding] = []
        for (unit, at) in prohibitions {
            let needs = sequence[at].prohibition
            // A run of prohibitions shares the instructions around it: "Be warm. Don't be sarcastic.
            // No forced enthusiasm." answers both, so look past the others of the run.
            var before = at - 1, after = at + 1
            while before >= 0 && sequence[before].prohibition != 0 { before -= 1 }
            while after < sequence.count && sequence[after].prohibition != 0 { after += 1 }
            if before >= 0 && sequence[before].positive & needs != 0 || after < sequence.count && sequence[after].positive & needs != 0 { continue }
            // Written on with it in the same paragraph or list item, an instruction of any facet says
            // what to do instead ("Do not repeat yourself. Review the conversation before ..."), and
            // so does the next unit when it starts with "Instead", whatever it is given. (Lines of
            // one instruction each are a list of separate rules, whatever the paragraph.)
            func answersBeside(_ other: Int) -> Bool {
                guard other >= 0, other < sequence.count, sequence[other].instructs else { return false }
                let (prohibition, instruction) = (units[unit], units[sequence[other].unit])
                guard prohibition.block == instruction.block else { return false }
                let (earlier, later) = other < at ? (instruction, prohibition) : (prohibition, instruction)
                return lines.line(containing: earlier.range.upperBound - 1) == lines.line(containing: later.range.lowerBound)
            }
            if answersBeside(before) || answersBeside(after) { continue }
            // A list of rules about one facet says what to do in its other items: "Use short
            // sentences and active voice" answers "Avoid double negatives" three items on.
            if Self.listAnswers(sequence, at, needs, units) { continue }
            // Right after it or after its run: "Avoid praise. Never flatter. Instead, add a new point of view."
            func startsWithInstead(_ next: Int) -> Bool { next < sequence.count && context.tokens(sequence[next].unit).first?.hash == Self.insteadHash }
            if startsWithInstead(at + 1) || startsWithInstead(after) { continue }
            let content = context.tokens(unit).filter {
                !isStopWord[Int($0.id)] && !negators.contains($0.hash) && $0.hash != Self.doHash
            }
            let words = positive ?? positiveWords()
            positive = words
            if content.contains(where: { words.contains($0.hash) }) { continue }
            findings.append(context.finding(self, "this only says what not to do: add what the model should do instead",
                                            range: context.document.units[unit].range, unit: unit))
        }
        return findings
    }
}
