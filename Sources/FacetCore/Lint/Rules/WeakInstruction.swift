/// Hedges that make an instruction optional ("try to", "if possible").
struct WeakInstruction: LintRule {
    let id = "weak-instruction"
    let defaultSeverity = Severity.info
    let summary = "A hedge (\"try to\", \"if possible\", \"maybe\") that makes an instruction optional"
    let explanation = """
    "Try to be concise" tells the model that being concise is optional. If you \
    mean it, say it: "Be concise." If it really is optional, say when it applies.

    ```
    Try to answer in under 100 words.
    ^^^^^^ weak-instruction: state it directly
    ```

    Fix: removes the hedge ("Answer in under 100 words.") and a comma next to it \
    (not the comma that ends an opening clause: "When greeting the user, joke"). \
    "If you can" followed by its verb is a condition ("if you can find relevant \
    news"), not a hedge. "try to" counts only at the start of an instruction, so "users who try to \
    bypass the rules" is left alone. A hedge whose unit, or the next, says what \
    to do otherwise ("If possible, call the user by name; otherwise say 'you'") \
    is optional on purpose and is left alone too, as is a hedge in quotation \
    marks or `code` (words to say verbatim). "When possible", "where \
    possible" and "whenever possible" are not reported: they say when the \
    instruction applies ("use the `--no-pager` flag when possible"), and \
    reviewers of real prompts found nearly all of them deliberate.
    """

    /// Hedges that count anywhere, and those that count only where an instruction starts.
    static let anywhere = ["if possible", "if you can",
                           "maybe", "perhaps", "you might want to", "you may want to", "ideally", "it would be nice if",
                           "should probably", "it might be good to", "possibly"]
    static let atStart = ["try to", "try and", "attempt to"]
    static let matcher = PhraseMatcher(anywhere + atStart)
    static let leaders = WordSet(["please", "always", "also", "you", "should", "must", "and", "then", "so"].map(Tokenizer.hash))

    /// Words that say what to do when the hedged thing cannot be done:
    /// "otherwise ...", "if not, ...", "if you cannot, ...", "or else ...".
    static let fallbacks = PhraseMatcher(["otherwise", "fallback", "if not", "or else", "fall back", "you cannot", "you can't", "if unavailable"])

    func check(_ context: LintContext) -> [Finding] {
        var findings: [Finding] = []
        let units = context.proseUnits
        for (position, unit) in units.enumerated() where context.document.units[unit].kind != .heading {
            let tokens = context.tokens(unit)
            var fallback: Bool?  // looked up once a hedge is found
            var quoted: QuotedSpans?  // likewise
            for match in Self.matcher.matches(tokens) {
                let phrase = Self.matcher.phrases[match.phrase].text
                if Self.atStart.contains(phrase) {
                    let before = tokens.prefix(match.firstToken)
                    guard before.allSatisfy({ Self.leaders.contains($0.hash) }) else { continue }
                }
                // "... if you can find relevant news": a condition with its verb, not a hedge.
                if phrase == "if you can", Self.verbFollows(match, in: tokens, context.source.bytes) { continue }
                if fallback == nil {
                    fallback = Self.fallbacks.hasMatch(tokens) || position + 1 < units.count && Self.fallbacks.hasMatch(context.tokens(units[position + 1]))
                }
                if fallback == true { continue }
                if quoted == nil { quoted = QuotedSpans(context.source.bytes, unit: context.document.units[unit].range) }
                if quoted!.contains(match.range.lowerBound) { continue }
                let fix = removalFix(context, unit: unit, phrase: match.range)
                findings.append(context.finding(self, "\"\(phrase)\" makes this optional: state the instruction directly, or say when it applies",
                                                range: match.range, unit: unit, fixes: fix.map { [$0] } ?? []))
            }
        }
        return findings
    }

    static let conjunctions = WordSet(["and", "or", "but", "then", "so"].map(Tokenizer.hash))

    /// Whether the unit's next word, after spaces only, can be the condition's
    /// verb: a word, not "and", "or", "but", "then", "so" ("Keep it short if you
    /// can and use bullets" is still a hedge).
    static func verbFollows(_ match: PhraseMatcher.Match, in tokens: ArraySlice<Token>, _ bytes: [UInt8]) -> Bool {
        let next = tokens.startIndex + match.firstToken + matcher.phrases[match.phrase].hashes.count
        guard next < tokens.endIndex else { return false }
        let word = tokens[next]
        let gap = match.range.upperBound..<word.range.lowerBound
        return !gap.isEmpty && bytes[gap].allSatisfy { $0 == UInt8(ascii: " ") } && ByteClass.isAlpha(bytes[word.range.lowerBound])
            && !conjunctions.contains(word.hash)
    }

    /// Words that open a clause ending in a comma that the sentence needs:
    /// "When greeting the user, maybe joke" keeps it ("..., joke").
    static let clauseOpeners = WordSet(["when", "whenever", "if", "while", "before", "after", "once", "unless", "as", "since", "for", "in", "during"].map(Tokenizer.hash))

    /// Removes the hedge, a comma next to it, and capitalises the new first word.
    func removalFix(_ context: LintContext, unit: Int, phrase: Range<Int>) -> Fix? {
        let bytes = context.source.bytes
        let unitRange = context.document.units[unit].range
        var lower = phrase.lowerBound
        var upper = phrase.upperBound
        var commaBefore = false
        // The comma before the hedge ends the opening clause only when it is the unit's first.
        let opensWithClause = (context.tokens(unit).first.map { Self.clauseOpeners.contains($0.hash) } ?? false)
            && lower - 2 >= unitRange.lowerBound && !bytes[unitRange.lowerBound..<(lower - 2)].contains(UInt8(ascii: ","))
        if upper < unitRange.upperBound && bytes[upper] == UInt8(ascii: ",") { upper += 1 }
        else if !opensWithClause, lower - 2 >= unitRange.lowerBound && bytes[lower - 1] == UInt8(ascii: " ") && bytes[lower - 2] == UInt8(ascii: ",") {
            lower -= 2
            commaBefore = true
        }
        // The space after goes too, unless ", " before went: "grammar, maybe with" keeps one.
        while !commaBefore && upper < unitRange.upperBound && bytes[upper] == UInt8(ascii: " ") { upper += 1 }
        if lower > unitRange.lowerBound && upper >= unitRange.upperBound - 1 {
            // At the end: drop the space before, keep the final punctuation.
            while lower > unitRange.lowerBound && bytes[lower - 1] == UInt8(ascii: " ") { lower -= 1 }
        }
        var newText = ""
        if lower == unitRange.lowerBound && upper < unitRange.upperBound && ByteClass.isLower(bytes[upper]) {
            newText = String(UnicodeScalar(bytes[upper] - 32))
            upper += 1
        }
        guard upper > lower, upper <= unitRange.upperBound else { return nil }
        if lower == unitRange.lowerBound && upper == unitRange.upperBound { return nil }
        return Fix(title: "Remove \"\(context.source.text(phrase))\"", edits: [TextEdit(range: lower..<upper, newText: newText)])
    }
}
